// What the API says about a staff account and a login session: never a password or its hash. Shared by the session
// routes (a login answers with its user) and the user routes.
import { z } from 'zod';
import { Role } from '../auth/roles.js';
import { PersonText, SiteId } from '../domain/primitives.js';
import { schemaMessage } from '../i18n/zod-issues.js';
import { USER_STATES } from '../records/users.js';

export const UserId = z.string().regex(/^U-[0-9a-f-]{36}$/, schemaMessage('userId')).describe('User id');
export const DisplayName = PersonText({ max: 64, description: 'The name colleagues know the user by (shown in the console, never logged)' });

export const UserView = z
  .object({
    id: UserId,
    username: z.string().describe('Login name, lower case'),
    displayName: z.string().describe('The name colleagues know the user by'),
    role: Role,
    site: SiteId.nullable().describe('Site of a site or checkin user; null: the centre'),
    state: z.enum(USER_STATES).describe('active, or disabled (cannot log in; every session ended)'),
    mustChangePassword: z.boolean().describe('A first or reset password: only the session routes answer until it is changed'),
    revision: z.int().describe('Revision of the account, raised by every change'),
    createdAt: z.string().describe('When the account was made'),
    updatedAt: z.string().describe('When it last changed'),
  })
  .describe('A staff account');

export const SessionTokens = z
  .object({
    accessToken: z.string().describe('EdDSA JWT: send as `Authorization: Bearer …`'),
    tokenType: z.literal('Bearer').describe('Always Bearer'),
    expiresIn: z.int().describe('Seconds the access token lives; refresh before'),
    refreshToken: z.string().describe('Single use: POST /v1/session/refresh returns a new pair; a used one presented again ends the session'),
    refreshExpiresAt: z.string().describe('Use the refresh token before then (idle timeout)'),
    sessionExpiresAt: z.string().describe('The session ends then whatever happens: log in again'),
    mustChangePassword: z.boolean().describe('True: the access token reaches only the session routes until POST /v1/session/password'),
    user: UserView,
  })
  .describe('A login session’s tokens');

/** A password as typed: the policy (src/auth/passwords.ts) is checked by the service, which says which rule failed. */
export const PasswordInput = (description: string) => z.string().min(1).max(1024).describe(description);

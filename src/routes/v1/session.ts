// Login sessions: log in (username and password), refresh, log out, change one's own password; and GET /v1/session,
// who the token says the caller is (a person's session or a machine token). The answers that carry tokens take no
// Idempotency-Key (src/plugins/app/idempotency.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Role } from '../../auth/roles.js';
import type { IssuedSession } from '../../services/session.service.js';
import { authOnlyErrorResponses, errorResponses, publicErrorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import { PasswordInput, SessionTokens } from '../../schemas/user.js';

const Session = z.object({
  subject: z.string().describe('Token subject: a person’s user id, or a terminal'),
  role: Role,
  site: z.string().nullable().describe('Site the token is scoped to'),
  expiresAt: z.string().describe('Expiry, ISO 8601'),
  kind: z.enum(['person', 'machine']).describe('person: a login session; machine: a token from `expert-draw token issue`'),
  displayName: z.string().nullable().describe('The person’s name; null for a machine token'),
  sessionId: z.string().nullable().describe('Login session of a person; null for a machine token'),
  mustChangePassword: z.boolean().describe('True: only the session routes answer until the password is changed'),
});

const tokens = (s: IssuedSession) => ({ ...s, tokenType: 'Bearer' as const });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { sessions, users, config } = app.ctx;

  app.get('/session', { config: { access: 'session.read' }, schema: { summary: 'The caller, as the token says', tags: ['session'], response: { 200: Session, ...authOnlyErrorResponses(403, 503) } } }, async (request) => {
    const p = request.principal;
    const person = p.sid === undefined ? null : (await users.get(p.sub)).record;
    return {
      subject: p.sub,
      role: p.role,
      site: p.site ?? null,
      expiresAt: new Date(p.exp * 1000).toISOString(),
      kind: person ? ('person' as const) : ('machine' as const),
      displayName: person?.displayName ?? null,
      sessionId: p.sid ?? null,
      mustChangePassword: p.restricted !== undefined,
    };
  });

  app.post(
    '/session',
    {
      // Each login costs a memory-hard hash: a tighter limit per client address than the general one.
      config: { access: 'public', idempotency: false, rateLimit: { max: Math.min(config.EXPERT_DRAW_LOGIN_RATE_LIMIT, config.EXPERT_DRAW_RATE_LIMIT), timeWindow: 60_000 } },
      schema: {
        summary: 'Log in with username and password',
        description: 'A wrong password and an unknown username get the same answer. Five wrong passwords in a row lock the username for a minute, each further lock twice as long (up to an hour): 429 ACCOUNT_LOCKED.',
        tags: ['session'],
        body: z.object({ username: z.string().min(1).max(128).describe('Login name (case does not matter)'), password: PasswordInput('The password') }).strict(),
        response: { 201: SessionTokens, ...publicErrorResponses('BAD_CREDENTIALS', 'ACCOUNT_DISABLED', 'ACCOUNT_LOCKED', 'FORBIDDEN', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => reply.status(201).send(tokens(await sessions.login(request.body.username, request.body.password))),
  );

  app.post(
    '/session/refresh',
    {
      config: { access: 'public', idempotency: false },
      schema: {
        summary: 'A new access token (and refresh token) for a refresh token',
        description: 'The refresh token is single use. One presented a second time ends its session: a copy of it is loose.',
        tags: ['session'],
        body: z.object({ refreshToken: z.string().min(1).max(256).describe('The refresh token of the last login or refresh') }).strict(),
        response: { 200: SessionTokens, ...publicErrorResponses(401, ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => tokens(await sessions.refresh(request.body.refreshToken)),
  );

  app.delete(
    '/session',
    { config: { access: 'session.end' }, schema: { summary: 'Log out: the session ends, its tokens stop working at once', tags: ['session'], response: { 204: z.null().describe('Logged out'), ...authOnlyErrorResponses(403, 503, ...LOG_WRITE_ERRORS) } } },
    async (request, reply) => {
      await sessions.logout(request.principal);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/session/password',
    {
      config: { access: 'session.password', idempotency: false },
      schema: {
        summary: 'Change one’s own password (a first password must be changed before anything else)',
        description: 'At least 12 characters, 5 different ones, not containing the username, not the current one. Every other session of the user ends; this one gets new tokens.',
        tags: ['session'],
        body: z.object({ currentPassword: PasswordInput('The password now'), newPassword: PasswordInput('The new password') }).strict(),
        response: { 200: SessionTokens, ...errorResponses('BAD_CREDENTIALS', 'PASSWORD_POLICY', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => tokens(await sessions.changePassword(request.principal, request.body.currentPassword, request.body.newPassword)),
  );
};
export default routes;

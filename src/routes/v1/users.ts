// Staff accounts, managed by an administrator: create one with a first password (the user must change it at the first
// login), list them, change a role, site or name, disable or re-enable, set a new first password. The first
// administrator comes from `expert-draw users add`. No answer carries a password or its hash.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Role } from '../../auth/roles.js';
import { SiteId } from '../../domain/primitives.js';
import { schemaMessage } from '../../i18n/zod-issues.js';
import { USER_STATES, userView } from '../../records/users.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import { DisplayName, PasswordInput, UserId, UserView } from '../../schemas/user.js';

const Params = z.object({ id: UserId });
const FirstPassword = PasswordInput('A first password (at least 12 characters, 5 different ones, not containing the username): tell the user in person; they must change it at the first login');

const routes: FastifyPluginAsyncZod = async (app) => {
  const { users } = app.ctx;
  const manage = { access: 'user.manage' } as const;

  app.post(
    '/users',
    {
      config: manage,
      schema: {
        summary: 'Create a staff account',
        tags: ['users'],
        body: z
          .object({
            username: z.string().min(3).max(64).describe('Login name: a–z, 0–9, ., _ or -; case does not matter'),
            displayName: DisplayName,
            role: Role,
            site: SiteId.nullable().default(null).describe('A registered site, for a site user or a site’s check-in desk; null: the centre'),
            password: FirstPassword,
          })
          .strict(),
        response: { 201: UserView, ...errorResponses('CONFLICT', 'PASSWORD_POLICY', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => reply.status(201).send(await users.create(request.body, request.principal.sub)),
  );

  app.get(
    '/users',
    {
      config: manage,
      schema: {
        summary: 'Staff accounts, by username',
        tags: ['users'],
        querystring: z.object({ state: z.enum(USER_STATES).optional().describe('Only accounts in this state'), role: Role.optional().describe('Only accounts of this role') }).strict(),
        response: { 200: z.object({ users: z.array(UserView).describe('Every account') }), ...errorResponses() },
      },
    },
    async (request) => {
      const { state, role } = request.query;
      return { users: (await users.all()).filter((u) => (state === undefined || u.state === state) && (role === undefined || u.role === role)) };
    },
  );

  app.get(
    '/users/:id',
    { config: manage, schema: { summary: 'One staff account', tags: ['users'], params: Params, response: { 200: UserView, ...errorResponses(404) } } },
    async (request) => userView((await users.get(request.params.id)).record),
  );

  app.patch(
    '/users/:id',
    {
      config: manage,
      schema: {
        summary: 'Change an account: name, role, site, state, or a new first password',
        description: 'A change of role, site or state, or a new password, ends every session of the user at once. Administrators cannot change their own role or disable themselves.',
        tags: ['users'],
        params: Params,
        body: z
          .object({
            displayName: DisplayName.optional(),
            role: Role.optional(),
            site: SiteId.nullable().optional().describe('null: the centre'),
            state: z.enum(USER_STATES).optional().describe('disabled: cannot log in, every session ends; active: can again'),
            password: FirstPassword.optional(),
          })
          .strict()
          .refine((b) => Object.keys(b).length > 0, schemaMessage('nothingToChange')),
        response: { 200: UserView, ...errorResponses(404, 'CONFLICT', 'PASSWORD_POLICY', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => users.update(request.params.id, request.body, request.principal),
  );
};
export default routes;

// App decorators: configuration, keys, store, audit log and clock, shared by every route and service.
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import type { InstanceKeys } from '../../crypto/keys.js';
import type { AuditLog } from '../../log/audit-log.js';
import type { Store } from '../../store/store.js';

export interface AppContext {
  readonly config: Config;
  readonly keys: InstanceKeys;
  readonly store: Store;
  readonly auditLog: AuditLog;
  /** Current time in ms; tests drive it. */
  readonly now: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export default fp<{ context: AppContext }>(
  async (app, { context }) => {
    app.decorate('ctx', context);
  },
  { name: 'context', fastify: '5.x' },
);

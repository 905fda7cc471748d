// Authentication and authorization for every route, in one place. Each route declares `config: { access: action }` (or
// `'public'`); a route that declares nothing does not start. The decisions are the pure policy's (src/auth/policy.ts):
// 1. every request: a bearer token, if any, is verified, and a person's session must be open (never throws here: the
//    rate limit keys on the result);
// 2. each route, after the rate limit: no valid token → 401; role, site state → 403 (the site read once);
// 3. each route, after validation: the resource's owner, loaded once and only when the answer depends on it; a site's
//    token refused another owner's resource gets the 404 of one that does not exist; a listing route (`list: true`)
//    instead gets the policy's reach, whose owners it may show (request.reach).
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { ACTIONS, authorize, listReach, type Action, type Decision, type Identity, type ListReach, type ResourceKind } from '../../auth/policy.js';
import type { TokenClaims } from '../../auth/roles.js';
import { checkClaims } from '../../auth/tokens.js';
import { VerifiedTokens } from '../../auth/verified-tokens.js';
import { AppError } from '../../errors.js';
import { msg } from '../../i18n/message.js';
import { hookList } from './route-hooks.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's action in the authorization policy, or `public` (no token: health, the expert's answer link). */
    access?: Action | 'public';
    /** The route lists the action's resources: the policy's reach filters them instead of one owner's check. */
    list?: true;
  }
  interface FastifyRequest {
    /** The bearer token as verified on arrival: its claims, or why it was refused; null without one. */
    authn: { readonly claims: TokenClaims } | { readonly error: AppError } | null;
    /** The verified, authorized token holder; set on every route that declares an action, before its handler. */
    principal: TokenClaims;
    /** Whose resources a listing route may show; set on every route that declares `list`, before its handler. */
    reach: ListReach;
  }
}

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

/** The identity a request's verified claims give, or null; for the rate limit and the idempotency scope. */
export function claimsOf(request: FastifyRequest): TokenClaims | null {
  const a = request.authn;
  return a !== null && 'claims' in a ? a.claims : null;
}

/**
 * Throws the refusal (`answer`: in its place, what the client is told); a verified token refused is also a warning in
 * the service log, with the policy's reason, so that probing shows early.
 */
function enforce(decision: Decision, request: FastifyRequest, action: Action, claims?: TokenClaims, answer?: AppError): void {
  if (decision.kind !== 'deny') return;
  if (claims) request.log.warn({ access: { action, role: claims.role, site: claims.site ?? null, sub: claims.sub, reason: decision.message.text('en') } }, 'access denied');
  throw answer ?? new AppError(decision.code, decision.message);
}

export default fp(
  async (app: FastifyInstance) => {
    const { config, sites, projects, draws, sessions } = app.ctx;
    app.decorateRequest('authn', null);
    // The plugin's own verifier (signature, EdDSA only, issuer, expiry, not-before), then the claims check; a token
    // accepted is taken again as it was while the verifier's cache would take it (src/auth/verified-tokens.ts). The
    // claims are frozen: every request with the token shares them.
    const verifiedTokens = new VerifiedTokens((token) => {
      const raw = app.jwt.verify<{ nbf?: unknown; exp: number }>(token);
      return { claims: Object.freeze(checkClaims(raw, config.EXPERT_DRAW_TOKEN_MAX_TTL_S)), nbf: raw.nbf, exp: raw.exp };
    });

    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header === undefined) return;
      const m = BEARER.exec(header);
      if (!m) {
        request.authn = { error: new AppError('UNAUTHENTICATED', msg('auth.bearerFormat')) };
        return;
      }
      let claims: TokenClaims;
      try {
        // With the token the pattern above took: request.jwtVerify() would find the same token again, decode it a
        // second time, and merge its options anew on every request.
        claims = verifiedTokens.claimsOf(m[1]!);
      } catch (err) {
        request.authn = { error: err instanceof AppError ? err : new AppError('UNAUTHENTICATED', msg('auth.tokenInvalid')) };
        return;
      }
      // A person's token works only while its session is open (logout, a password change or an admin ends it).
      const open = await sessions.isOpen(claims).catch(() => new AppError('STORE_UNAVAILABLE', msg('http.overloaded')));
      request.authn = open === true ? { claims } : { error: open === false ? new AppError('UNAUTHENTICATED', msg('session.ended')) : open };
    });

    const identityOf = async (claims: TokenClaims): Promise<Identity> => {
      const session = claims.sid === undefined ? {} : { session: { restricted: claims.restricted !== undefined } };
      if (claims.site === undefined) return { role: claims.role, site: null, siteState: null, ...session };
      return { role: claims.role, site: claims.site, siteState: await sites.stateFor(claims.site, claims), ...session };
    };

    /** The id of the resource a request names: its path's `id`, or (check-in) the body's project. */
    const idOf = (kind: ResourceKind, request: FastifyRequest): string | null => {
      const params = request.params as { id?: string };
      return (kind === 'project' ? (params.id ?? (request.body as { projectId?: string } | undefined)?.projectId) : params.id) ?? null;
    };
    /** Who owns it (a missing project or draw answers 404 here, as its service would). */
    const ownerOf = async (kind: ResourceKind, id: string | null): Promise<string | null> => {
      switch (kind) {
        case 'site':
          return id;
        case 'draw':
          return (await draws.get(String(id))).site ?? null;
        case 'project':
          return (await projects.get(String(id))).record.site ?? null;
      }
    };

    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (access === undefined) {
        if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
        throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access: an action of src/auth/policy.ts, or 'public')`);
      }
      if (access === 'public') {
        // The OpenAPI document says so: no bearer token.
        if (route.schema) route.schema.security = [];
        return;
      }
      if (!(access in ACTIONS)) throw new Error(`route ${String(route.method)} ${route.url}: unknown action ${access}`);
      const action: Action = access;
      const list = route.config?.list === true;
      if (list && ACTIONS[action].resource === null) throw new Error(`route ${String(route.method)} ${route.url}: ${action} acts on no resource, so it cannot list`);
      // The OpenAPI document names who may call the route, from the same table.
      if (route.schema && !route.schema.description?.includes('Access:')) route.schema.description = [route.schema.description, accessNote(action, list)].filter(Boolean).join('\n\n');

      const check: onRequestAsyncHookHandler = async (request) => {
        const a = request.authn;
        if (a === null) throw new AppError('UNAUTHENTICATED', msg('auth.tokenRequired'));
        if ('error' in a) throw a.error;
        const identity = await identityOf(a.claims);
        const decision = authorize(identity, action);
        enforce(decision, request, action, a.claims);
        request.principal = a.claims;
        if (list) request.reach = listReach(identity, action);
        else if (decision.kind === 'needs-owner') ownerChecks.set(request, identity);
      };
      const ownerChecks = new WeakMap<FastifyRequest, Identity>();
      const checkOwner: preHandlerAsyncHookHandler = async (request) => {
        const identity = ownerChecks.get(request);
        if (identity === undefined) return;
        const kind = ACTIONS[action].resource;
        if (kind === null) return;
        const id = idOf(kind, request);
        const decision = authorize(identity, action, { owner: await ownerOf(kind, id) });
        // A token is refused another owner's resource exactly as one that does not exist: it cannot probe ids (a site's
        // token the centre's and other sites', a centre desk a site's: an outside audit told them apart, stop 43).
        const hidden = new AppError('NOT_FOUND', msg(`${kind}.notFound`, { id: String(id) }));
        enforce(decision, request, action, request.principal, hidden);
      };
      // Appended after the hooks registered before this plugin (the rate limit's): a flood of bad tokens is limited.
      route.onRequest = [...hookList(route.onRequest), check];
      route.preHandler = [checkOwner, ...hookList(route.preHandler)];
    });
  },
  { name: 'access', fastify: '5.x', dependencies: ['context', 'jwt', 'rate-limit'] },
);

/** One line for the OpenAPI document: the action, its roles, and whose resources a token of a site reaches or lists. */
function accessNote(action: Action, list: boolean): string {
  const rule = ACTIONS[action];
  const verb = list ? 'lists' : 'reaches';
  const reach = rule.resource === null ? '' : rule.reach === 'own' ? ` Each token ${verb} only its own ${rule.resource}s (a centre token the centre's).` : ` A token that names a site ${verb} only that site's ${rule.resource}s.`;
  return `Access: \`${action}\` — roles ${rule.roles.join(', ')}.${reach}`;
}

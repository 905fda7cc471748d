// Remote evaluation sites (远程异地评标): an admin registers a site with the certificate the centre's site CA issued
// (docs/sites.md). A site downloads its draws' sealed results from the draw routes (draws.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoggedText, SiteId } from '../../domain/primitives.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import { SITE_STATES, type SiteRecord } from '../../records/sites.js';

const CertificatePem = z
  .string()
  .min(1)
  .max(16_384)
  .describe('The site certificate, PEM (site-cert.pem from `expert-draw ca issue-site`)');

const SiteView = z
  .object({
    siteId: SiteId,
    siteName: z.string().describe('Site name (subject O of the certificate)'),
    certificate: z.string().describe('The registered certificate, PEM (public)'),
    fingerprint: z.string().describe('SHA-256 of the certificate (DER), hex: compare it with the site out of band'),
    serial: z.string().describe('Certificate serial number, hex'),
    notBefore: z.string().describe('Certificate valid from'),
    notAfter: z.string().describe('Results are not sealed to the site after this: renew before'),
    state: z.enum(SITE_STATES).describe('active, or revoked (its tokens reach nothing, its draws fail)'),
    revokedReason: z.string().nullable().describe('Why the site was revoked, if it was'),
    revision: z.int().describe('Revision of the site, raised by every change'),
    registeredAt: z.string().describe('When the site was registered'),
    updatedAt: z.string().describe('When it last changed'),
  })
  .describe('A registered remote evaluation site');

const Params = z.object({ id: SiteId });
const Reason = LoggedText({ min: 2, max: 500, description: 'Why: kept in the audit log (no phone or ID number)' });
const view = (s: SiteRecord) => s;

const routes: FastifyPluginAsyncZod = async (app) => {
  const { sites, users } = app.ctx;
  const manage = { access: 'site.manage' } as const;

  app.post(
    '/sites',
    {
      config: manage,
      schema: {
        summary: 'Register a remote evaluation site by its certificate',
        description: 'The certificate must be issued by the site CA (EXPERT_DRAW_SITE_CA_FILE), valid now, and hold an RSA key of at least 2048 bits.',
        tags: ['sites'],
        body: z.object({ certificate: CertificatePem }).strict(),
        response: { 201: SiteView, ...errorResponses('CONFLICT', 'SITE_CA_MISSING', 'CERT_MALFORMED', 'CERT_UNTRUSTED', 'CERT_EXPIRED', 'CERT_KEY_UNSUPPORTED', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => reply.status(201).send(view(await sites.register(request.body.certificate, request.principal))),
  );

  app.get(
    '/sites',
    {
      config: manage,
      schema: {
        summary: 'Registered sites',
        tags: ['sites'],
        querystring: z.object({ state: z.enum(SITE_STATES).optional().describe('Only sites in this state') }).strict(),
        response: { 200: z.object({ sites: z.array(SiteView).describe('Every registered site') }), ...errorResponses() },
      },
    },
    async (request) => ({ sites: (await sites.all()).filter((s) => request.query.state === undefined || s.state === request.query.state).map(view) }),
  );

  app.get(
    '/sites/:id',
    { config: { access: 'site.read' }, schema: { summary: 'One site (a site token: its own)', tags: ['sites'], params: Params, response: { 200: SiteView, ...errorResponses(404) } } },
    async (request) => view((await sites.get(request.params.id)).record),
  );

  app.put(
    '/sites/:id/certificate',
    {
      config: manage,
      schema: {
        summary: 'Renew a site’s certificate (or replace a leaked key); reactivates a revoked site',
        tags: ['sites'],
        params: Params,
        body: z.object({ certificate: CertificatePem }).strict(),
        response: { 200: SiteView, ...errorResponses(404, 'CONFLICT', 'SITE_CA_MISSING', 'CERT_MALFORMED', 'CERT_UNTRUSTED', 'CERT_EXPIRED', 'CERT_KEY_UNSUPPORTED', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => view(await sites.renew(request.params.id, request.body.certificate, request.principal)),
  );

  app.post(
    '/sites/:id/revoke',
    {
      config: manage,
      schema: { summary: 'Revoke a site: nothing more is sealed to it and its tokens reach nothing', tags: ['sites'], params: Params, body: z.object({ reason: Reason }).strict(), response: { 200: SiteView, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) } },
    },
    async (request) => {
      const revoked = await sites.revoke(request.params.id, request.body.reason, request.principal);
      // Its people are logged out: a session from before the revocation must not come back with a renewal.
      await users.endSiteSessions(revoked.siteId, request.principal);
      return view(revoked);
    },
  );
};
export default routes;

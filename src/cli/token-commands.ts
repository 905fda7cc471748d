// `expert-draw token issue`: a signed access token for one role (and site), from the instance's JWT key.
import { InvalidArgumentError, type Command } from 'commander';
import { ROLES, Role, siteCombinationError } from '../auth/roles.js';
import { siteId } from './ca-commands.js';
import { examples } from './examples.js';

/** 30s, 15m, 8h, 1d → seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw new InvalidArgumentError('expected a duration like 30m, 8h or 1d');
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('access tokens');
  token
    .command('issue')
    .description('print a signed token for a role; its holder may call the routes of that role until it expires')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`, (v) => {
      const r = Role.safeParse(v);
      if (!r.success) throw new InvalidArgumentError(`unknown role; use one of ${ROLES.join(', ')}`);
      return r.data;
    })
    .option('--site <site>', 'site the token is scoped to: required for site tokens, allowed for checkin (the site\'s desk), refused for every other role', siteId)
    .option('--subject <who>', 'who holds the token', 'cli')
    .option('--ttl <duration>', 'lifetime, e.g. 15m, 8h', parseTtl, 8 * 3600)
    .option('--keys-dir <dir>', 'keys folder (default: EXPERT_DRAW_KEYS_DIR or ./keys)')
    .addHelpText('after', examples(
      'expert-draw token issue --role admin --subject integration --ttl 1h',
      'expert-draw token issue --role checkin --subject desk-1            # a check-in terminal',
      'expert-draw token issue --role site --site S1 --subject s1-system   # a remote site\'s system',
    ))
    .action(async (opts: { role: Role; site?: string; subject: string; ttl: number; keysDir?: string }) => {
      const [{ loadConfig }, { loadKeys }, { tokenSigner }] = await Promise.all([import('../config.js'), import('../instance-keys.js'), import('../auth/tokens.js')]);
      const config = loadConfig();
      const problem = siteCombinationError(opts.role, opts.site);
      if (problem) throw new Error(`${problem.text('en')} (--site is for site tokens, and for checkin tokens of a site's desk)`);
      if (opts.ttl > config.EXPERT_DRAW_TOKEN_MAX_TTL_S) throw new Error(`--ttl exceeds the service's maximum of ${config.EXPERT_DRAW_TOKEN_MAX_TTL_S} s`);
      const keys = loadKeys({ dir: opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR, origin: config.EXPERT_DRAW_LOG_ORIGIN, generateMissing: false });
      console.log(tokenSigner(keys.jwt.privateKey)({ subject: opts.subject, role: opts.role, site: opts.site, ttlSeconds: opts.ttl }));
    });
}

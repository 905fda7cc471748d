// `expert-draw token issue`: a signed access token for one role (and site), from the instance's JWT key.
import type { Command } from 'commander';
import { ROLES, type Role } from '../auth/roles.js';
import { LocalizedError } from '../i18n/text.js';
import type { Speaking } from './language.js';
import type { OptionParsers } from './parsers.js';

export function registerTokenCommands(program: Command, { t, examples, groupExamples }: Speaking, parse: OptionParsers): void {
  const issueExamples = [
    'expert-draw token issue --role admin --subject integration --ttl 1h',
    ['expert-draw token issue --role checkin --subject desk-1', t('token.example.checkin')],
    ['expert-draw token issue --role site --site S1 --subject s1-system', t('token.example.site')],
  ] as const;
  const token = program.command('token').description(t('token')).addHelpText('after', groupExamples('token issue', issueExamples[0], issueExamples[2]));
  token
    .command('issue')
    .description(t('token.issue'))
    .requiredOption('--role <role>', t('opt.role', { roles: ROLES.join(', ') }), parse.role)
    .option('--site <site>', t('token.site'), parse.siteId)
    .option('--subject <who>', t('token.subject'), 'cli')
    .option('--ttl <duration>', t('token.ttl'), parse.ttl, 8 * 3600)
    .option('--keys-dir <dir>', t('keys.dir'))
    .addHelpText('after', examples(...issueExamples))
    .action(async (opts: { role: Role; site?: string; subject: string; ttl: number; keysDir?: string }) => {
      const [{ loadConfig }, { loadKeys }, { tokenSigner }, { siteCombinationError }, { reportTexts }] = await Promise.all([
        import('../config.js'),
        import('../instance-keys.js'),
        import('../auth/tokens.js'),
        import('../auth/roles.js'),
        import('../i18n/cli/reports.js'),
      ]);
      const config = loadConfig();
      const problem = siteCombinationError(opts.role, opts.site);
      if (problem) throw new LocalizedError(reportTexts.said('token.siteCombination', { problem }));
      if (opts.ttl > config.EXPERT_DRAW_TOKEN_MAX_TTL_S) throw new LocalizedError(reportTexts.said('token.ttlTooLong', { max: config.EXPERT_DRAW_TOKEN_MAX_TTL_S }));
      const keys = loadKeys({ dir: opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR, origin: config.EXPERT_DRAW_LOG_ORIGIN, generateMissing: false });
      console.log(tokenSigner(keys.jwt.privateKey)({ subject: opts.subject, role: opts.role, site: opts.site, ttlSeconds: opts.ttl }));
    });
}

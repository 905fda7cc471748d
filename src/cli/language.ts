// The command line in the reader's language: its help texts (src/i18n/cli/help.ts), commander's own words (the
// help's headings, "(default: …)", its parse errors) and the examples' heading. The language is chosen once, from
// `--lang` or the shell (cliLanguage), before the commands are declared, as their help is written in it.
import { Help, InvalidArgumentError, type Command, type Option, type Argument } from 'commander';
import { CLI_HELP } from '../i18n/cli/help.js';
import type { Lang } from '../i18n/language.js';
import { areaTexts } from '../i18n/text.js';
import { columns, wrapColumns } from './columns.js';
import { examples, type Example } from './examples.js';

export const helpTexts = areaTexts(CLI_HELP);
/** The help texts in the reader's language: `t('demo.size')`. */
export type HelpText = ReturnType<typeof helpTexts.in>;

/** What a command declaration needs: the language, its help texts, and examples under the heading. */
export interface Speaking {
  readonly lang: Lang;
  readonly t: HelpText;
  readonly examples: (...lines: Example[]) => string;
  /** A group's examples: some of its commands', then where the rest are (`expert-draw help <command>`). */
  readonly groupExamples: (command: string, ...lines: Example[]) => string;
}

export function speaking(lang: Lang): Speaking {
  const t = helpTexts.in(lang);
  const under = (...lines: Example[]) => examples(t('title.examples'), ...lines);
  return { lang, t, examples: under, groupExamples: (command, ...lines) => under(...lines, [`expert-draw help ${command}`, t('example.helpOf', { command })]) };
}

/** Commander's headings, as its Help passes them to styleTitle. */
const TITLES = {
  'Usage:': 'title.usage',
  'Options:': 'title.options',
  'Global Options:': 'title.globalOptions',
  'Commands:': 'title.commands',
  'Arguments:': 'title.arguments',
} as const;

/** `(default: …)` as commander appends it to an option's or argument's description. */
const DEFAULT = / \(default: (.*)\)$/s;

/** Commander's parse errors (lib/command.js), each read into a text of the catalogue. */
const ERRORS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray, t: HelpText) => string]> = [
  [/^unknown option '(.+?)'$/s, (m, t) => t('error.unknownOption', { option: m[1]! })],
  [/^unknown command '(.+?)'$/s, (m, t) => t('error.unknownCommand', { command: m[1]! })],
  [/^missing required argument '(.+)'$/s, (m, t) => t('error.missingArgument', { argument: m[1]! })],
  [/^option '(.+)' argument missing$/s, (m, t) => t('error.optionArgumentMissing', { option: m[1]! })],
  [/^required option '(.+)' not specified$/s, (m, t) => t('error.requiredOption', { option: m[1]! })],
  [/^too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/s, (m, t) => t('error.tooManyArguments', { command: m[1] ?? 'expert-draw', expected: m[2]!, received: m[3]! })],
  [/^option '(.+?)' argument '(.*)' is invalid\. (.*)$/s, (m, t) => t('error.invalidOption', { option: m[1]!, value: m[2]!, reason: m[3]! })],
  [/^command-argument value '(.*)' is invalid for argument '(.+?)'\. (.*)$/s, (m, t) => t('error.invalidArgument', { value: m[1]!, argument: m[2]!, reason: m[3]! })],
];
const SUGGESTION = /\n\(Did you mean (.+)\?\)$/;

/** One of commander's error lines in the reader's language; a line of ours (already in it) as it is. */
export function commanderError(line: string, t: HelpText): string {
  if (!line.startsWith('error: ')) return line;
  let text = line.slice('error: '.length).replace(/\n$/, '');
  const suggested = SUGGESTION.exec(text);
  if (suggested) text = text.slice(0, suggested.index);
  const known = ERRORS.map(([pattern, say]) => [pattern.exec(text), say] as const).find(([m]) => m !== null);
  const said = known ? known[1](known[0]!, t) : text;
  return `${t('error.line', { message: said })}${suggested ? `\n${t('error.didYouMean', { name: suggested[1]! })}` : ''}\n`;
}

/**
 * Sets the program's help and errors in the reader's language. Commander copies these settings to each command made
 * after, so this is called before any command is declared.
 */
export function speakOn(program: Command, { lang, t }: Speaking): Command {
  // Full-width brackets take no space before them.
  const withDefault = (description: string) => description.replace(DEFAULT, (_, value: string) => `${lang === 'en' ? ' ' : ''}${t('default', { value })}`);
  return program
    .helpOption('-h, --help', t('help'))
    .helpCommand('help [command]', t('help'))
    .configureHelp({
      showGlobalOptions: true,
      // A Chinese heading ends with a full-width colon, which takes no space after it.
      formatHelp(cmd: Command, helper: Help) {
        return Help.prototype.formatHelp.call(this, cmd, helper).replace(/^(\S+：) /, '$1');
      },
      styleTitle: (title: string) => (Object.hasOwn(TITLES, title) ? t(TITLES[title as keyof typeof TITLES]) : title),
      optionDescription(option: Option) {
        return withDefault(Help.prototype.optionDescription.call(this, option));
      },
      argumentDescription(argument: Argument) {
        return withDefault(Help.prototype.argumentDescription.call(this, argument));
      },
      // A Chinese description has no spaces to wrap at, and takes two columns a character.
      displayWidth: columns,
      boxWrap(this: Help, text: string, width: number) {
        return width < this.minWidthToWrap ? text : wrapColumns(text, width);
      },
    })
    .configureOutput({ outputError: (line, write) => write(commanderError(line, t)) })
    .showHelpAfterError(t('afterError'));
}

/** The parser of `--lang`: zh-CN or en. */
export function langOption(t: HelpText): (value: string) => Lang {
  return (value) => {
    if (value !== 'zh-CN' && value !== 'en') throw new InvalidArgumentError(t('parse.lang'));
    return value;
  };
}

// Reads the Dockerfile and .dockerignore the way Docker does, for the tests that run the image's steps without a Docker
// engine: instructions with their continuation lines, global ARG defaults substituted in FROM, stages by name, exec
// forms, ENV pairs; .dockerignore patterns with `!` exceptions, the last match deciding.

export interface Instruction {
  readonly op: string;
  readonly args: string;
}

export interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    // Comment lines are dropped, also inside a continued instruction.
    if (/^\s*#/.test(line) || (line.trim() === '' && current === '')) continue;
    if (line.endsWith('\\')) current += `${line.slice(0, -1)} `;
    else {
      logical.push(current + line);
      current = '';
    }
  }
  const globals: Record<string, string> = {};
  const stages: Array<{ from: string; name: string | null; instructions: Instruction[] }> = [];
  for (const line of logical) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`not an instruction: ${line}`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (op === 'ARG' && stages.length === 0) {
      const [name, value] = args.split('=', 2) as [string, string | undefined];
      globals[name] = value ?? '';
    } else if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.replace(/\$\{(\w+)\}/g, (_, v: string) => globals[v] ?? ''));
      if (!from) throw new Error(`bad FROM: ${args}`);
      stages.push({ from: from[1]!, name: from[2] ?? null, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`${op} before FROM`);
      stages.at(-1)!.instructions.push({ op, args });
    }
  }
  return stages;
}

/** The arguments of a JSON exec form (`["node", "x.js"]`); throws on the shell form. */
export function execForm(args: string): string[] {
  if (!args.startsWith('[')) throw new Error(`shell form, not exec form: ${args}`);
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`bad exec form: ${args}`);
  return parsed as string[];
}

/** `K=V K2=V2` pairs of an ENV instruction (values without quotes or spaces, as this Dockerfile writes them). */
export function envPairs(args: string): Record<string, string> {
  return Object.fromEntries(args.split(/\s+/).map((pair) => pair.split('=', 2) as [string, string]));
}

/** COPY's options, sources and destination. */
export function copyArgs(args: string): { from: string | null; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : null;
  return { from, sources: words.slice(0, -1), dest: words.at(-1)! };
}

/** Whether .dockerignore lets `path` (relative to the context) reach the builder. */
export function sentToBuilder(dockerignore: string, path: string): boolean {
  let included = true;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    const pattern = (exception ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const regex = new RegExp(`^${pattern.split('**').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('.*')}(?:/.*)?$`);
    if (regex.test(path)) included = exception;
  }
  return included;
}

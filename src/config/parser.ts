/**
 * redis.conf reading with Redis's rules: one directive per line, words split like
 * `sdssplitargs` (quotes and escapes), '#' comments, `include` (glob-free paths,
 * relative to the working directory as in Redis), and command-line overrides
 * appended after the file exactly as `redis-server` builds them.
 */
import { readFileSync } from 'node:fs';
import { splitInlineArgs } from '../protocol/inline.js';
import { repr } from '../util/repr.js';

export interface ConfigLine {
  /** Lower-cased directive name. */
  readonly name: string;
  readonly args: readonly string[];
  /** Where it came from: a file path, or "(command line)". */
  readonly file: string;
  readonly line: number;
  /** The line as written (for error messages and CONFIG REWRITE). */
  readonly text: string;
}

export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }

  /** The report printed before exiting, shaped like redis-server's. */
  report(version: string): string {
    return (
      `\n*** FATAL CONFIG FILE ERROR (Redoubt ${version}) ***\n` +
      `Reading the configuration file ${this.file}, at line ${this.line}\n` +
      `>>> '${this.text}'\n${this.reason}\n`
    );
  }
}

const MAX_INCLUDE_DEPTH = 16;

/** Parse config text into directive lines; `include` is followed from `file`. */
export function parseConfigText(text: string, file: string, depth = 0): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const words = splitInlineArgs(trimmed);
    if (words === undefined)
      throw new ConfigFileError(file, i + 1, trimmed, 'Unbalanced quotes in configuration line');
    if (words.length === 0) continue;
    const name = (words[0] as string).toLowerCase();
    const args = words.slice(1);
    if (name === 'include') {
      if (args.length !== 1)
        throw new ConfigFileError(file, i + 1, trimmed, 'Bad directive or wrong number of arguments');
      if (depth >= MAX_INCLUDE_DEPTH)
        throw new ConfigFileError(file, i + 1, trimmed, 'Too many nested includes');
      out.push(...readConfigFile(args[0] as string, depth + 1, { file, line: i + 1, text: trimmed }));
      continue;
    }
    out.push({ name, args, file, line: i + 1, text: trimmed });
  }
  return out;
}

export function readConfigFile(
  path: string,
  depth = 0,
  from?: { file: string; line: number; text: string },
): ConfigLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    const reason = `Fatal error, can't open config file '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
    if (from !== undefined) throw new ConfigFileError(from.file, from.line, from.text, reason);
    throw new ConfigFileError(path, 0, '', reason);
  }
  return parseConfigText(text, path, depth);
}

/**
 * redis-server's argument convention: `[configfile] [--name value ...]`. Each
 * `--name` starts a directive; the words after it are its arguments. A lone "-"
 * as the config file means standard input (read by the caller).
 */
export function parseCommandLine(argv: readonly string[]): {
  configFile: string | undefined;
  overrides: ConfigLine[];
} {
  let configFile: string | undefined;
  let i = 0;
  if (argv.length > 0 && !(argv[0] as string).startsWith('--')) {
    configFile = argv[0];
    i = 1;
  }
  const overrides: ConfigLine[] = [];
  let current: { name: string; args: string[] } | null = null;
  const flush = (): void => {
    if (current === null) return;
    const text = [current.name, ...current.args.map(quote)].join(' ');
    overrides.push({
      name: current.name,
      args: current.args,
      file: '(command line)',
      line: overrides.length + 1,
      text,
    });
    current = null;
  };
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--') && a.length > 2) {
      flush();
      current = { name: a.slice(2).toLowerCase(), args: [] };
    } else if (current !== null) {
      current.args.push(a);
    } else {
      throw new ConfigFileError('(command line)', 1, a, 'Bad directive or wrong number of arguments');
    }
  }
  flush();
  return { configFile, overrides };
}

/** Quote a word for a config file line: bare when safe, else as `sdscatrepr` would. */
export function quote(s: string): string {
  if (s !== '' && /^[\x21-\x7e]+$/.test(s) && !/["'\\]/.test(s)) return s;
  return repr(s);
}

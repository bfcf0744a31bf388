/**
 * redis.conf reading with Redis's rules: one directive per line (trimmed of
 * blanks, tabs, CR and LF), words split like `sdssplitargs` (quotes and escapes),
 * '#' comments, `include` (followed where it appears; a relative path is relative
 * to the working directory, and a wildcard in the file name includes every match
 * in name order, as Redis does), and the command-line overrides built exactly as
 * `redis-server` builds them: appended after the file, one line per `--name`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { splitInlineArgs } from '../protocol/inline.js';
import { globMatch } from '../util/glob.js';
import { repr } from '../util/repr.js';
import { strerror } from './kinds.js';
import { DIRECTIVES, SENSITIVE } from './table.js';

export interface ConfigLine {
  /** Lower-cased directive name. */
  readonly name: string;
  readonly args: readonly string[];
  /** Where it came from: a file path, "(command line)" or "(stdin)". */
  readonly file: string;
  readonly line: number;
  /** The line as written, trimmed (error messages). */
  readonly text: string;
}

export const COMMAND_LINE = '(command line)';

/** Directives whose arguments are secrets: a fatal error shows their name only. */
const SECRET_LINES: ReadonlySet<string> = new Set([
  ...DIRECTIVES.filter((d) => (d.flags ?? 0) & SENSITIVE).flatMap((d) => [
    d.name,
    ...(d.alias ? [d.alias] : []),
  ]),
  'user',
]);

export class ConfigFileError extends Error {
  /** The line as shown in the report: secrets (requirepass, user...) are redacted. */
  readonly text: string;

  constructor(
    readonly file: string,
    /** 1-based; 0 when the error is not about one line (a file that cannot be read). */
    readonly line: number,
    text: string,
    readonly reason: string,
  ) {
    super(line === 0 ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    const name = /^[^ \t]*/.exec(text)?.[0] ?? '';
    this.text = SECRET_LINES.has(name.toLowerCase()) && name !== text ? `${name} (redacted)` : text;
  }

  /**
   * The report printed before exiting, shaped like redis-server's; unlike Redis
   * it names the file (or the command line) the line comes from.
   */
  report(version: string): string {
    let where = '';
    if (this.line !== 0) {
      where =
        this.file === COMMAND_LINE
          ? `Reading the command line options, at option ${this.line}\n`
          : `Reading the configuration file ${this.file}, at line ${this.line}\n`;
      where += `>>> '${this.text}'\n`;
    }
    return `\n*** FATAL CONFIG FILE ERROR (Redoubt ${version}) ***\n${where}${this.reason}\n`;
  }
}

const MAX_INCLUDE_DEPTH = 16;

/** Redis's `sdstrim(line, " \t\r\n")` (JS trim() would also eat latin1 \xa0 and \v\f). */
export function trimConfigLine(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isTrimmed(s.charCodeAt(a))) a++;
  while (b > a && isTrimmed(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

function isTrimmed(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** Parse config text into directive lines; `include` is followed from `file`. */
export function parseConfigText(text: string, file: string, depth = 0): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = trimConfigLine(lines[i] as string);
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const words = splitInlineArgs(trimmed);
    if (words === undefined)
      throw new ConfigFileError(file, i + 1, trimmed, 'Unbalanced quotes in configuration line');
    if (words.length === 0) continue;
    const name = (words[0] as string).toLowerCase();
    const args = words.slice(1);
    if (name === 'include' && args.length === 1) {
      if (depth >= MAX_INCLUDE_DEPTH)
        throw new ConfigFileError(file, i + 1, trimmed, 'Too many nested includes');
      const from = { file, line: i + 1, text: trimmed };
      for (const path of expandInclude(args[0] as string)) out.push(...readConfigFile(path, depth + 1, from));
      continue;
    }
    out.push({ name, args, file, line: i + 1, text: trimmed });
  }
  return out;
}

/** A wildcard in the file name includes every match, sorted (glob(3) order); no match includes nothing. */
function expandInclude(path: string): string[] {
  if (!/[*?[]/.test(path)) return [path];
  const dir = dirname(path);
  const pattern = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.') && globMatch(pattern, n))
    .sort()
    .map((n) => (dir === '.' && !path.startsWith('./') ? n : join(dir, n)));
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
    const reason = `Fatal error, can't open config file '${path}': ${strerror(err)}`;
    if (from !== undefined) throw new ConfigFileError(from.file, from.line, from.text, reason);
    throw new ConfigFileError(path, 0, '', reason);
  }
  return parseConfigText(text, path, depth);
}

/**
 * redis-server's argument convention: `[configfile] [--name value ...] [-]`. The
 * first argument is the config file unless it starts with "-"; a lone "-" first or
 * last reads the config from standard input. The options become config text as
 * Redis builds it: each `--name` starts a line, each other argument is appended
 * quoted (so `--bind "127.0.0.1 ::1"` is one argument that multi-word directives
 * split again), and a bare `--save` means `save ""`.
 */
export function parseCommandLine(argv: readonly string[]): {
  configFile: string | undefined;
  stdin: boolean;
  overrides: ConfigLine[];
} {
  let configFile: string | undefined;
  let j = 0;
  if (argv.length > 0 && !(argv[0] as string).startsWith('-')) {
    configFile = argv[0];
    j = 1;
  }
  let stdin = false;
  let options = '';
  let handledLastArg = true;
  for (; j < argv.length; j++) {
    const a = argv[j] as string;
    const last = j === argv.length - 1;
    if (a === '-' && (j === 0 || last)) {
      stdin = true;
    } else if (handledLastArg && a.startsWith('--')) {
      if (options !== '') options += '\n';
      options += `${a.slice(2)} `;
      const words = splitInlineArgs(a);
      if (words !== undefined && words.length === 1) {
        handledLastArg = false;
        const next = argv[j + 1];
        if (a.toLowerCase() === '--save' && (last || (next as string).startsWith('--'))) {
          options += '""';
          handledLastArg = true;
        } else if (a.toLowerCase() === '--sentinel' && !last && (next as string).startsWith('--')) {
          handledLastArg = true;
        }
      } else {
        handledLastArg = true;
      }
    } else {
      options += `${repr(a)} `;
      handledLastArg = true;
    }
  }
  const overrides = options === '' ? [] : parseConfigText(options, COMMAND_LINE);
  return { configFile, stdin, overrides };
}

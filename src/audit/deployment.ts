/**
 * What the checks judge: a deployment's effective configuration, where each
 * directive was set, its `rename-command` lines and its ACL users. It is built
 * either from config files (following `include` and `aclfile`) or from a live
 * server (CONFIG GET, ACL LIST), so one set of checks serves both.
 *
 * Values are parsed by the config table's own kinds (config/config.ts). The
 * server refuses a file with a directive it does not know; the audit must read
 * Redis 6, Redis 7, Valkey and Redoubt files alike, so unknown directives are set
 * aside and a line whose value the table rejects is dropped and noted.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Config } from '../config/config.js';
import { ConfigFileError, type ConfigLine, readConfigFile } from '../config/parser.js';
import { DEPRECATED_DIRECTIVES } from '../config/table.js';
import {
  type AuditedUser,
  implicitDefaultUser,
  parseUser,
  parseUserLines,
  withRequirePass,
} from './acl-users.js';
import type { Location } from './findings.js';

export interface Deployment {
  /** The config file or the live target, as reports name it. */
  readonly origin: string;
  readonly source: 'config' | 'live';
  readonly config: Config;
  readonly lines: readonly ConfigLine[];
  readonly renames: readonly ConfigLine[];
  readonly users: readonly AuditedUser[];
  /** The aclfile, resolved, when one is configured. */
  readonly aclfile: string | undefined;
  /** The main config file: the audited file, or the one a live server reports (INFO config_file). */
  readonly configFile: string | undefined;
  /** Lines the table refused, with the reason (shown as info findings). */
  readonly rejected: readonly { readonly line: ConfigLine; readonly reason: string }[];
}

/** Lines a directive table may judge: known directives, `user`, `rename-command`, deprecated ones. */
function isKnown(l: ConfigLine): boolean {
  return (
    Config.lookup(l.name) !== undefined ||
    l.name === 'user' ||
    l.name === 'rename-command' ||
    DEPRECATED_DIRECTIVES.has(l.name)
  );
}

/** Config.fromLines, dropping each line it refuses (at most once per line). */
function lenientConfig(lines: readonly ConfigLine[]): {
  config: Config;
  kept: ConfigLine[];
  rejected: { line: ConfigLine; reason: string }[];
} {
  const kept = lines.filter(isKnown);
  const rejected: { line: ConfigLine; reason: string }[] = [];
  for (;;) {
    try {
      return { config: Config.fromLines(kept), kept, rejected };
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      const at = kept.findIndex((l) => l.file === err.file && l.line === err.line);
      if (at === -1) throw err;
      rejected.push({ line: kept[at] as ConfigLine, reason: err.reason });
      kept.splice(at, 1);
    }
  }
}

/** The location of a line: no line number for a live value (line 0). */
export function locationOf(l: ConfigLine): Location {
  return l.line > 0 ? { file: l.file, line: l.line } : { file: l.file };
}

/** The last of `lines` that set a directive (by name or alias), or undefined. */
function lastLine(lines: readonly ConfigLine[], name: string): ConfigLine | undefined {
  const canonical = Config.lookup(name)?.directive.name;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as ConfigLine;
    if (Config.lookup(l.name)?.directive.name === canonical) return l;
  }
  return undefined;
}

/** The line that set a directive in the deployment, or undefined (its default applies). */
export function lineOf(d: Deployment, name: string): ConfigLine | undefined {
  return lastLine(d.lines, name);
}

/** Where a directive was set, or the deployment's origin when it was not. */
export function whereSet(d: Deployment, name: string): Location {
  const l = lineOf(d, name);
  return l === undefined ? { file: d.origin } : locationOf(l);
}

/**
 * The effective users: `user` lines, then the aclfile's, then the implicit
 * default user if none named it; requirepass applies to the default user.
 */
function effectiveUsers(
  config: Config,
  userLines: readonly ConfigLine[],
  aclUsers: readonly AuditedUser[],
  origin: Location,
  requirepassAt: Location,
): AuditedUser[] {
  const users = [
    ...userLines.map((l) => parseUser(l.args[0] as string, l.args.slice(1), locationOf(l))),
    ...aclUsers,
  ];
  if (!users.some((u) => u.name === 'default')) users.unshift(implicitDefaultUser(origin));
  const pass = config.get<string>('requirepass');
  if (pass === '') return users;
  return users.map((u) =>
    u.name === 'default'
      ? { ...withRequirePass(u, pass), location: u.implicit ? requirepassAt : u.location }
      : u,
  );
}

/** Redis resolves a relative aclfile against `dir` (it changes directory while loading the config). */
function resolveAclfile(config: Config, configFile: string): string | undefined {
  const aclfile = config.get<string>('aclfile');
  if (aclfile === '') return undefined;
  const base = config.explicit.has('dir') ? config.get<string>('dir') : dirname(configFile);
  return resolve(dirname(configFile), base, aclfile);
}

/** Thrown for a file the audit cannot read at all (exit code 2). */
export class AuditInputError extends Error {}

/** A deployment from a config file and what it includes, with its aclfile. */
export function deploymentFromFile(path: string): Deployment {
  const file = resolve(path);
  let all: ConfigLine[];
  try {
    // Included files are named as given (relative to the working directory): report them absolute.
    all = readConfigFile(file).map((l) => ({ ...l, file: resolve(l.file) }));
  } catch (err) {
    if (err instanceof ConfigFileError) throw new AuditInputError(err.message);
    throw err;
  }
  const { config, kept, rejected } = lenientConfig(all);
  const aclfile = resolveAclfile(config, file);
  let aclUsers: AuditedUser[] = [];
  if (aclfile !== undefined) {
    try {
      aclUsers = parseUserLines(readFileSync(aclfile, 'latin1'), aclfile, true);
    } catch (err) {
      throw new AuditInputError(`cannot read the aclfile ${aclfile}: ${(err as Error).message}`);
    }
  }
  const requirepass = lastLine(kept, 'requirepass');
  return {
    origin: file,
    source: 'config',
    config,
    lines: kept,
    renames: config.renames,
    configFile: file,
    users: effectiveUsers(
      config,
      config.userLines,
      aclUsers,
      { file },
      requirepass === undefined ? { file } : locationOf(requirepass),
    ),
    aclfile,
    rejected,
  };
}

/**
 * A deployment from what a live server reports: CONFIG GET * pairs (each a line
 * of the target, without a line number) and its ACL LIST. Without an ACL LIST (not permitted) the
 * users are unknown and left out, rather than guessed.
 */
export function deploymentFromLive(
  target: string,
  pairs: readonly (readonly [string, string])[],
  aclList: string | undefined,
  configFile: string | undefined,
): Deployment {
  const lines: ConfigLine[] = pairs.map(([name, value]) => ({
    name: name.toLowerCase(),
    args: [value],
    file: target,
    line: 0,
    text: name,
  }));
  // Each pair is its own line 0: tell them apart by index so a refused value drops only itself.
  const numbered = lines.map((l, i) => ({ ...l, line: -(i + 1) }));
  const { config, kept } = lenientConfig(numbered);
  const live = kept.map((l) => ({ ...l, line: 0 }));
  const aclUsers = parseUserLines(aclList ?? '', target, false);
  return {
    origin: target,
    source: 'live',
    config,
    lines: live,
    renames: [],
    users:
      aclList === undefined ? [] : effectiveUsers(config, [], aclUsers, { file: target }, { file: target }),
    // CONFIG GET dir is the server's working directory, where a relative aclfile is.
    aclfile:
      config.get<string>('aclfile') === ''
        ? undefined
        : resolve(config.get<string>('dir'), config.get<string>('aclfile')),
    configFile,
    // The server runs with these values: a value our table reads differently (replicaof "") is not its fault.
    rejected: [],
  };
}

/**
 * The running configuration: a value for every directive of the table, built from
 * config lines (file + command line) with Redis's loader rules, read by CONFIG GET
 * patterns, changed by CONFIG SET all or nothing, and written back by CONFIG
 * REWRITE (rewrite.ts).
 */
import type { Server } from '../core/server.js';
import { splitInlineArgs } from '../protocol/inline.js';
import { globMatch } from '../util/glob.js';
import { ConfigValueError } from './kinds.js';
import { ConfigFileError, type ConfigLine } from './parser.js';
import {
  DEPRECATED_DIRECTIVES,
  DIRECTIVES,
  type Directive,
  HIDDEN,
  IMMUTABLE,
  PROTECTED,
  VOLATILE,
} from './table.js';

/** A name CONFIG GET/SET knows: a directive's name, or its alias (a separate entry, as in Redis 7.0). */
export interface ConfigEntry {
  readonly name: string;
  readonly directive: Directive;
  readonly isAlias: boolean;
}

/** Why CONFIG SET refused, for commands/config.ts to word as Redis does. */
export type ConfigSetFailure =
  | { readonly kind: 'unknown'; readonly name: string }
  | { readonly kind: 'failed'; readonly name: string; readonly reason: string };

/** Extra CONFIG REWRITE lines owned by another subsystem (ACL `user` lines...). */
export type RewriteExtra = () => { readonly option: string; readonly lines: readonly string[] };

const ENTRIES: readonly ConfigEntry[] = DIRECTIVES.flatMap((d) => {
  const own: ConfigEntry = { name: d.name, directive: d, isAlias: false };
  return d.alias === undefined ? [own] : [own, { name: d.alias, directive: d, isAlias: true }];
});
const BY_NAME: ReadonlyMap<string, ConfigEntry> = new Map(ENTRIES.map((e) => [e.name, e]));

const flagsOf = (d: Directive): number => d.flags ?? 0;

export class Config {
  private readonly values = new Map<string, unknown>();
  /** `rename-command` lines, in order (applied by the server to its command table). */
  readonly renames: ConfigLine[] = [];
  /** `user` lines, for the ACL subsystem. */
  readonly userLines: ConfigLine[] = [];
  /** Deprecated directives that were ignored (logged at start-up). */
  readonly ignored: ConfigLine[] = [];
  /** Canonical names of directives given explicitly (file or command line). */
  readonly explicit = new Set<string>();
  /** Absolute path of the config file, when started with one (CONFIG REWRITE). */
  configFile: string | undefined;
  /** Lines other subsystems contribute to CONFIG REWRITE; their option's old lines are replaced. */
  readonly rewriteExtras: RewriteExtra[] = [];

  /** Every entry (directives and aliases) in table order. */
  static readonly entries: readonly ConfigEntry[] = ENTRIES;

  /** A directive by name or alias, any case. */
  static lookup(name: string): ConfigEntry | undefined {
    return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
  }

  constructor() {
    for (const d of DIRECTIVES) this.values.set(d.name, d.initial !== undefined ? d.initial() : d.default);
  }

  /** Build from config lines; throws ConfigFileError naming the file and line. */
  static fromLines(lines: readonly ConfigLine[]): Config {
    const config = new Config();
    config.load(lines);
    return config;
  }

  /** Apply config lines in order, with redis-server's loader rules. */
  load(lines: readonly ConfigLine[]): void {
    const seen = new Set<string>();
    for (const line of lines) {
      const bad = (reason: string): never => {
        throw new ConfigFileError(line.file, line.line, line.text, reason);
      };
      const argc = line.args.length + 1;
      const entry = Config.lookup(line.name);
      if (entry !== undefined) {
        const d = entry.directive;
        if (d.kind.multiArg !== true && argc !== 2) bad('wrong number of arguments');
        let args = line.args;
        // A single non-empty argument of a multi-word directive is split again
        // (`--bind "127.0.0.1 ::1"`, `save "900 1"`).
        if (d.kind.multiArg === true && args.length === 1 && args[0] !== '')
          args = splitInlineArgs(args[0] as string) ?? [];
        try {
          let value = d.kind.parse(args, {
            loading: true,
            current: this.values.get(d.name),
            first: !seen.has(d.name),
          });
          if (d.normalize !== undefined) value = d.normalize(value);
          this.values.set(d.name, value);
        } catch (err) {
          if (err instanceof ConfigValueError) bad(err.message);
          throw err;
        }
        seen.add(d.name);
        this.explicit.add(d.name);
        continue;
      }
      const range = DEPRECATED_DIRECTIVES.get(line.name);
      if (range !== undefined && argc >= range[0] && argc <= range[1]) {
        this.ignored.push(line);
      } else if (line.name === 'rename-command' && argc === 3) {
        this.renames.push(line);
      } else if (line.name === 'user' && argc >= 2) {
        this.userLines.push(line);
      } else if (line.name === 'loadmodule' && argc >= 2) {
        bad('Redoubt cannot load Redis modules (loadmodule)');
      } else if (line.name === 'sentinel') {
        if (argc !== 1) bad('sentinel directive while not in sentinel mode');
      } else {
        bad('Bad directive or wrong number of arguments');
      }
    }
    if (this.get<boolean>('cluster-enabled') && this.get<string>('replicaof') !== '') {
      const last = lines[lines.length - 1];
      throw new ConfigFileError(last?.file ?? '', 0, '', 'replicaof directive not allowed in cluster mode');
    }
  }

  get<T>(name: string): T {
    const e = Config.lookup(name);
    if (e === undefined) throw new Error(`unknown directive ${name}`);
    return this.values.get(e.directive.name) as T;
  }

  /** A numeric directive as a JS number (values beyond 2^53 are rounded). */
  num(name: string): number {
    return Number(this.get<number | bigint>(name));
  }

  /** Set a value already in the kind's representation, without hooks (the actual port of `port 0`...). */
  setParsed(name: string, value: unknown): void {
    const e = Config.lookup(name);
    if (e === undefined) throw new Error(`unknown directive ${name}`);
    this.values.set(e.directive.name, value);
  }

  /** Apply every directive's runtime effect (start-up). */
  applyAll(server: Server): void {
    for (const d of DIRECTIVES) d.apply?.(server, this.values.get(d.name));
  }

  /** The value of a directive as CONFIG GET shows it. */
  format(d: Directive): string {
    return d.kind.format(this.values.get(d.name));
  }

  /** The value as CONFIG GET shows it, by name or alias. */
  show(name: string): string {
    const e = Config.lookup(name);
    if (e === undefined) throw new Error(`unknown directive ${name}`);
    return this.format(e.directive);
  }

  /** The raw value of a directive (rewrite.ts). */
  valueOf(d: Directive): unknown {
    return this.values.get(d.name);
  }

  /**
   * CONFIG GET: names and values matching any pattern, as Redis 7.0: a pattern
   * without glob characters is an exact name (any case, hidden directives included)
   * and is answered with the caller's spelling; other patterns match names and
   * aliases case-insensitively. Each entry appears once (the first spelling wins),
   * in table order.
   */
  getMatching(patterns: readonly string[]): [name: string, value: string][] {
    const matched = new Map<ConfigEntry, string>();
    for (const p of patterns) {
      if (!/[[*?]/.test(p)) {
        const e = Config.lookup(p);
        if (e !== undefined && !matched.has(e)) matched.set(e, p);
        continue;
      }
      for (const e of ENTRIES) {
        if (flagsOf(e.directive) & HIDDEN || matched.has(e)) continue;
        if (globMatch(p, e.name, true)) matched.set(e, e.name);
      }
    }
    const out: [string, string][] = [];
    for (const e of ENTRIES) {
      const shown = matched.get(e);
      if (shown !== undefined) out.push([shown, this.format(e.directive)]);
    }
    return out;
  }

  /**
   * CONFIG SET with one or more name/value pairs, all or nothing, in Redis 7.0's
   * order: every name is checked first (unknown, immutable, protected, duplicate;
   * the first problem wins), then each value is parsed and stored in turn, then the
   * changed directives are applied; if a value or an apply hook fails, every value
   * is restored (and re-applied).
   */
  set(
    server: Server,
    pairs: readonly (readonly [string, string])[],
    protectedAllowed: boolean,
  ): ConfigSetFailure | undefined {
    const entries: ConfigEntry[] = [];
    let failure: ConfigSetFailure | undefined;
    for (const [rawName] of pairs) {
      const e = Config.lookup(rawName);
      if (e === undefined) {
        failure ??= { kind: 'unknown', name: rawName };
        continue;
      }
      if (failure !== undefined) continue;
      const flags = flagsOf(e.directive);
      if (flags & IMMUTABLE)
        failure = { kind: 'failed', name: rawName, reason: "can't set immutable config" };
      else if (flags & PROTECTED && !protectedAllowed)
        failure = { kind: 'failed', name: rawName, reason: "can't set protected config" };
      else if (entries.includes(e))
        failure = { kind: 'failed', name: rawName, reason: 'duplicate parameter' };
      entries.push(e);
    }
    if (failure !== undefined) return failure;

    const old = entries.map((e) => this.values.get(e.directive.name));
    const restore = (): void => {
      for (let i = entries.length - 1; i >= 0; i--)
        this.values.set((entries[i] as ConfigEntry).directive.name, old[i]);
    };
    const changed: ConfigEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as ConfigEntry;
      const d = e.directive;
      const raw = (pairs[i] as readonly [string, string])[1];
      // Redis splits a multi-word value on single spaces (empty words kept).
      const args = d.kind.multiArg === true ? (raw === '' ? [] : raw.split(' ')) : [raw];
      const current = this.values.get(d.name);
      try {
        let value = d.kind.parse(args, { loading: false, current, first: true });
        if (d.normalize !== undefined) value = d.normalize(value);
        // A VOLATILE directive (a file path) applies even unchanged: the file may be new.
        if (d.kind.format(value) !== d.kind.format(current) || (flagsOf(d) & VOLATILE) !== 0) {
          changed.push(e);
          if (d.adjustOnSet !== undefined) value = d.adjustOnSet(value);
        }
        this.values.set(d.name, value);
      } catch (err) {
        if (!(err instanceof ConfigValueError)) throw err;
        restore();
        return { kind: 'failed', name: e.name, reason: err.message };
      }
    }
    // Each apply function runs once, even when several of its directives changed
    // (port and bind share one re-bind), as Redis dedupes its apply functions.
    const applies = new Map<(server: Server, value: never) => void, ConfigEntry>();
    for (const e of changed) {
      const fn = e.directive.apply;
      if (fn !== undefined && !applies.has(fn)) applies.set(fn, e);
    }
    const runAll = (): void => {
      for (const [fn, r] of applies) {
        try {
          fn(server, this.values.get(r.directive.name) as never);
        } catch (again) {
          server.logger.warning(
            `Failed applying restored failed CONFIG SET command: ${again instanceof Error ? again.message : String(again)}`,
          );
        }
      }
    };
    for (const [fn, e] of applies) {
      try {
        fn(server, this.values.get(e.directive.name) as never);
      } catch (err) {
        restore();
        runAll();
        server.logger.warning(
          `Failed applying new configuration. Possibly related to new ${e.directive.name} setting. Restoring previous settings.`,
        );
        return { kind: 'failed', name: e.name, reason: err instanceof Error ? err.message : String(err) };
      }
    }
    return undefined;
  }
}

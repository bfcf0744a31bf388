/**
 * The running configuration: values for every directive of the table, built from
 * config lines (file + command line) and changed by CONFIG SET, all or nothing.
 */

import type { Server } from '../core/server.js';
import { ErrorReply } from '../protocol/reply.js';
import { ConfigValueError } from './kinds.js';
import { ConfigFileError, type ConfigLine } from './parser.js';
import { DIRECTIVES, type Directive, IMMUTABLE, MULTI_LINE, PROTECTED } from './table.js';

/** Directives that are not values but instructions to the loader. */
const LOADER_DIRECTIVES = new Set(['rename-command', 'user', 'include']);

export class Config {
  private readonly values = new Map<string, unknown>();
  /** `rename-command` lines, in order. */
  readonly renames: ConfigLine[] = [];
  /** `user` lines, for the ACL subsystem. */
  readonly userLines: ConfigLine[] = [];
  /** Canonical names of directives given explicitly (file or command line). */
  readonly explicit = new Set<string>();
  /** Absolute path of the config file, when started with one (CONFIG REWRITE). */
  configFile: string | undefined;

  static readonly byName: ReadonlyMap<string, Directive> = (() => {
    const m = new Map<string, Directive>();
    for (const d of DIRECTIVES) {
      m.set(d.name, d);
      if (d.alias !== undefined) m.set(d.alias, d);
    }
    return m;
  })();

  constructor() {
    for (const d of DIRECTIVES) this.values.set(d.name, d.default);
  }

  /** Build from config lines; throws ConfigFileError naming the file and line. */
  static fromLines(lines: readonly ConfigLine[]): Config {
    const config = new Config();
    const seenMulti = new Set<string>();
    for (const line of lines) {
      if (LOADER_DIRECTIVES.has(line.name)) {
        if (line.name === 'rename-command') {
          if (line.args.length !== 2)
            throw new ConfigFileError(
              line.file,
              line.line,
              line.text,
              'Bad directive or wrong number of arguments',
            );
          config.renames.push(line);
        } else if (line.name === 'user') {
          config.userLines.push(line);
        }
        continue;
      }
      const d = Config.byName.get(line.name);
      if (d === undefined)
        throw new ConfigFileError(
          line.file,
          line.line,
          line.text,
          'Bad directive or wrong number of arguments',
        );
      let args = line.args;
      if (d.kind.splitOnSet === true && args.length === 1 && (args[0] as string).includes(' ')) {
        args = (args[0] as string).split(' ').filter((w) => w !== '');
      }
      let value: unknown;
      try {
        value = d.kind.parse(args);
      } catch (err) {
        if (err instanceof ConfigValueError)
          throw new ConfigFileError(line.file, line.line, line.text, err.message);
        throw err;
      }
      if ((d.flags ?? 0) & MULTI_LINE && seenMulti.has(d.name) && Array.isArray(value)) {
        value = [...(config.values.get(d.name) as unknown[]), ...value];
      }
      seenMulti.add(d.name);
      config.values.set(d.name, value);
      config.explicit.add(d.name);
    }
    return config;
  }

  get<T>(name: string): T {
    const d = Config.byName.get(name);
    if (d === undefined) throw new Error(`unknown directive ${name}`);
    return this.values.get(d.name) as T;
  }

  /** Set a value without validation hooks (tests, embedding options already parsed). */
  setParsed(name: string, value: unknown): void {
    const d = Config.byName.get(name);
    if (d === undefined) throw new Error(`unknown directive ${name}`);
    this.values.set(d.name, value);
  }

  /** Apply every directive's runtime effect (start-up). */
  applyAll(server: Server): void {
    for (const d of DIRECTIVES) d.apply?.(server, this.values.get(d.name));
  }

  /** The value of a directive as CONFIG GET shows it. */
  format(d: Directive): string {
    return d.kind.format(this.values.get(d.name));
  }

  /**
   * CONFIG SET with one or more name/value pairs, all or nothing: every value is
   * parsed first, then applied; if any step fails every value is restored.
   */
  set(
    server: Server,
    pairs: readonly (readonly [string, string])[],
    protectedAllowed: boolean,
  ): ErrorReply | undefined {
    const planned: [Directive, unknown][] = [];
    const seen = new Set<string>();
    for (const [rawName, raw] of pairs) {
      const name = rawName.toLowerCase();
      const d = Config.byName.get(name);
      if (d === undefined || LOADER_DIRECTIVES.has(name)) {
        return new ErrorReply(`ERR Unknown option or number of arguments for CONFIG SET - '${rawName}'`);
      }
      const fail = (why: string): ErrorReply =>
        new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${rawName}') - ${why}`);
      if (seen.has(d.name)) return fail('duplicate parameter');
      seen.add(d.name);
      if ((d.flags ?? 0) & IMMUTABLE) return fail("can't set immutable config");
      if ((d.flags ?? 0) & PROTECTED && !protectedAllowed) return fail("can't set protected config");
      const args = d.kind.splitOnSet === true ? raw.split(' ').filter((w) => w !== '') : [raw];
      try {
        planned.push([d, d.kind.parse(args)]);
      } catch (err) {
        if (err instanceof ConfigValueError) return fail(err.message);
        throw err;
      }
    }
    const old = planned.map(([d]) => [d, this.values.get(d.name)] as const);
    for (const [d, v] of planned) this.values.set(d.name, v);
    for (let i = 0; i < planned.length; i++) {
      const [d, v] = planned[i] as [Directive, unknown];
      try {
        d.apply?.(server, v);
      } catch (err) {
        for (const [od, ov] of old) this.values.set(od.name, ov);
        for (let j = 0; j < i; j++) {
          const [rd] = planned[j] as [Directive, unknown];
          try {
            rd.apply?.(server, this.values.get(rd.name));
          } catch {
            // Restoring a previously valid value cannot fail in a meaningful way.
          }
        }
        const name = pairs[i]?.[0] ?? d.name;
        const why = err instanceof ConfigValueError ? err.message : String(err);
        return new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
      }
    }
    return undefined;
  }
}

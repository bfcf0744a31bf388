/**
 * The commands ACL rules can name: every command Redoubt implements (facts from
 * its spec, id from the command table) plus every other command and subcommand of
 * Redis 7.0 (redis-commands.ts), so that rules written for Redis (`+hset`,
 * `-@stream`) load unchanged and ACL LIST fits categories over the same set as
 * Redis. Each has an id, the bit of a selector's command bit set.
 */
import { type Command, type CommandTable, categoryBit } from '../commands/registry.js';
import { ACL_CATEGORIES, type AclCategory } from '../commands/spec.js';
import { REDIS_COMMANDS } from './redis-commands.js';
import { asciiLower } from './rules.js';

export interface AclCommand {
  readonly id: number;
  /** Lower-case; `config|get` for subcommands. */
  readonly fullName: string;
  /** Bit set over ACL_CATEGORIES. */
  readonly categories: number;
  readonly parent: AclCommand | undefined;
  /** Subcommands by name, in name order (undefined: not a container). */
  readonly subcommands: ReadonlyMap<string, AclCommand> | undefined;
  /** The command Redoubt runs, or undefined for a Redis command it does not have yet. */
  readonly command: Command | undefined;
}

const categoriesOf = (list: string): number => {
  let bits = 0;
  for (const c of list.split(' ')) if (c !== '') bits |= categoryBit(c as AclCategory);
  return bits;
};

const byName = <T>(m: Map<string, T>): Map<string, T> =>
  new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class AclCommands {
  /** Ids are 0 .. size-1. */
  readonly size: number;
  /** Top-level commands in name order (the order ACL LIST names single commands in). */
  readonly top: ReadonlyMap<string, AclCommand>;
  readonly byId: readonly AclCommand[];
  /** Ids of the commands (and subcommands) of each category, by category index. */
  readonly categoryMembers: readonly (readonly number[])[];

  constructor(table: CommandTable) {
    let nextId = table.size;
    const byId: AclCommand[] = [];
    const facts = new Map(REDIS_COMMANDS.map((f) => [f[0], f]));
    const names = new Set<string>([...table.commands.keys(), ...facts.keys()]);
    const top = new Map<string, AclCommand>();
    for (const name of names) {
      const own = table.commands.get(name);
      const fact = facts.get(name);
      const entry: {
        id: number;
        fullName: string;
        categories: number;
        parent: undefined;
        subcommands: Map<string, AclCommand> | undefined;
        command: Command | undefined;
      } = {
        id: own?.id ?? nextId++,
        fullName: name,
        categories: own?.categories ?? categoriesOf(fact?.[1] ?? ''),
        parent: undefined,
        subcommands: undefined,
        command: own,
      };
      // A command we implement without subcommands stays a leaf.
      const hasSubs = own !== undefined ? own.subcommands !== undefined : (fact?.[2].length ?? 0) > 0;
      if (hasSubs) {
        const subs = new Map<string, AclCommand>();
        const redisSubs = new Map((fact?.[2] ?? []).map((s) => [s[0], s[1]]));
        const subNames = new Set<string>([...(own?.subcommands?.keys() ?? []), ...redisSubs.keys()]);
        for (const sub of subNames) {
          const ownSub = own?.subcommands?.get(sub);
          const s: AclCommand = {
            id: ownSub?.id ?? nextId++,
            fullName: `${name}|${sub}`,
            categories: ownSub?.categories ?? categoriesOf(redisSubs.get(sub) ?? ''),
            parent: entry as AclCommand,
            subcommands: undefined,
            command: ownSub,
          };
          subs.set(sub, s);
        }
        entry.subcommands = byName(subs);
      }
      top.set(name, entry as AclCommand);
    }
    this.top = byName(top);
    for (const c of this.top.values()) {
      byId[c.id] = c;
      for (const s of c.subcommands?.values() ?? []) byId[s.id] = s;
    }
    this.size = nextId;
    this.byId = byId;
    this.categoryMembers = ACL_CATEGORIES.map((cat) => {
      const bit = categoryBit(cat);
      const ids: number[] = [];
      for (const c of this.all()) if ((c.categories & bit) !== 0) ids.push(c.id);
      return ids;
    });
  }

  /** Every command and subcommand: each container before its subcommands. */
  *all(): IterableIterator<AclCommand> {
    for (const c of this.top.values()) {
      yield c;
      if (c.subcommands !== undefined) yield* c.subcommands.values();
    }
  }

  /**
   * Redis's ACLLookupCommand: `name` or `name|sub`, any case; a subcommand only
   * of a container, one level deep.
   */
  lookup(name: string): AclCommand | undefined {
    if (name === '') return undefined;
    const parts = name.split('|');
    if (parts.length > 2) return undefined;
    const base = this.top.get(asciiLower(parts[0] as string));
    if (parts.length === 1) return base;
    if (base?.subcommands === undefined) return undefined;
    return base.subcommands.get(asciiLower(parts[1] as string));
  }

  /** Index of a category by name (any case), or -1: ACLGetCommandCategoryFlagByName. */
  static categoryIndex(name: string): number {
    return ACL_CATEGORIES.indexOf(asciiLower(name) as AclCategory);
  }
}

/**
 * Runtime command table built from the specs: resolved flags and ACL categories
 * (explicit + derived from flags, as Redis's setImplicitACLCategories), legacy
 * first/last/step key positions, subcommand maps, per-command statistics, and
 * the lookup table that `rename-command` edits.
 */
import {
  ACL_CATEGORIES,
  type AclCategory,
  COMMAND_FLAGS,
  type CommandFlag,
  type CommandSpec,
  type Handler,
  type KeySpec,
} from './spec.js';

export const flagBit = (f: CommandFlag): number => 1 << COMMAND_FLAGS.indexOf(f);
export const categoryBit = (c: AclCategory): number => 1 << ACL_CATEGORIES.indexOf(c);

export const CMD_WRITE = flagBit('write');
export const CMD_READONLY = flagBit('readonly');
export const CMD_DENYOOM = flagBit('denyoom');
export const CMD_ADMIN = flagBit('admin');
export const CMD_PUBSUB = flagBit('pubsub');
export const CMD_NOSCRIPT = flagBit('noscript');
export const CMD_BLOCKING = flagBit('blocking');
export const CMD_LOADING = flagBit('loading');
export const CMD_STALE = flagBit('stale');
export const CMD_SKIP_MONITOR = flagBit('skip_monitor');
export const CMD_SKIP_SLOWLOG = flagBit('skip_slowlog');
export const CMD_FAST = flagBit('fast');
export const CMD_NO_AUTH = flagBit('no_auth');
export const CMD_NO_MANDATORY_KEYS = flagBit('no_mandatory_keys');
export const CMD_NO_MULTI = flagBit('no_multi');
export const CMD_MOVABLE_KEYS = flagBit('movablekeys');
export const CMD_PROTECTED = flagBit('protected');

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class Command {
  readonly name: string;
  /** `config|get` for subcommands, as Redis names them in errors and COMMAND. */
  readonly fullName: string;
  readonly arity: number;
  /** Bit set over COMMAND_FLAGS, including the derived `movablekeys`. */
  readonly flags: number;
  /** Bit set over ACL_CATEGORIES, explicit and derived. */
  readonly categories: number;
  readonly handler: Handler | undefined;
  readonly subcommands: ReadonlyMap<string, Command> | undefined;
  readonly keySpecs: readonly KeySpec[];
  /** What key extraction needs to know about the key specs, computed once. */
  readonly keySummary: { readonly hasRealKey: boolean; readonly hasVariableFlags: boolean };
  /** Legacy (first, last, step) key positions for COMMAND INFO. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** Sequential id (ACL command bitmaps). */
  readonly id: number;
  readonly stats: CommandStats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };

  constructor(
    readonly spec: CommandSpec,
    readonly parent: Command | undefined,
    nextId: () => number,
  ) {
    this.id = nextId();
    this.name = spec.name;
    this.fullName = parent === undefined ? spec.name : `${parent.name}|${spec.name}`;
    this.arity = spec.arity;
    this.handler = spec.handler;
    this.keySpecs = spec.keySpecs ?? [];
    this.keySummary = {
      hasRealKey: this.keySpecs.some((k) => !k.flags.includes('not_key')),
      hasVariableFlags: this.keySpecs.some((k) => k.flags.includes('variable_flags')),
    };
    let flags = 0;
    for (const f of spec.flags) flags |= flagBit(f);
    const legacy = legacyRange(this.keySpecs);
    if (legacy.movable) flags |= CMD_MOVABLE_KEYS;
    this.flags = flags;
    [this.firstKey, this.lastKey, this.keyStep] = legacy.range;
    this.categories = deriveCategories(spec);
    if (spec.subcommands !== undefined) {
      const subs = new Map<string, Command>();
      for (const s of spec.subcommands) subs.set(s.name, new Command(s, this, nextId));
      this.subcommands = subs;
    } else {
      this.subcommands = undefined;
    }
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** Arity check with Redis's sign rule. */
  arityOk(argc: number): boolean {
    const a = this.arity;
    return a > 0 ? argc === a : argc >= -a;
  }

  flagNames(): CommandFlag[] {
    return COMMAND_FLAGS.filter((f) => f !== 'protected' && (this.flags & flagBit(f)) !== 0);
  }

  categoryNames(): AclCategory[] {
    return ACL_CATEGORIES.filter((c) => (this.categories & categoryBit(c)) !== 0);
  }
}

function deriveCategories(spec: CommandSpec): number {
  let cats = 0;
  for (const c of spec.acl ?? []) cats |= categoryBit(c);
  const has = (f: CommandFlag): boolean => spec.flags.includes(f);
  if (has('write')) cats |= categoryBit('write');
  if (has('readonly') && (cats & categoryBit('scripting')) === 0) cats |= categoryBit('read');
  if (has('admin')) cats |= categoryBit('admin') | categoryBit('dangerous');
  if (has('pubsub')) cats |= categoryBit('pubsub');
  if (has('fast')) cats |= categoryBit('fast');
  if (has('blocking')) cats |= categoryBit('blocking');
  if ((cats & categoryBit('fast')) === 0) cats |= categoryBit('slow');
  return cats;
}

/** Redis's populateCommandLegacyRangeSpec. */
function legacyRange(specs: readonly KeySpec[]): { range: [number, number, number]; movable: boolean } {
  if (specs.length === 0) return { range: [0, 0, 0], movable: false };
  const only = specs[0] as KeySpec;
  if (
    specs.length === 1 &&
    typeof only.begin === 'object' &&
    'index' in only.begin &&
    typeof only.find === 'object' &&
    'range' in only.find
  ) {
    const first = only.begin.index;
    const [lastRel, step] = only.find.range;
    return {
      range: [first, lastRel >= 0 ? first + lastRel : lastRel, step],
      movable: only.flags.includes('incomplete'),
    };
  }
  let movable = false;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (
      typeof s.begin !== 'object' ||
      !('index' in s.begin) ||
      typeof s.find !== 'object' ||
      !('range' in s.find)
    ) {
      movable = true;
      continue;
    }
    const [lastRel, step] = s.find.range;
    if (step !== 1 || (prevLast !== 0 && prevLast !== s.begin.index - 1)) {
      movable = true;
      continue;
    }
    if (s.flags.includes('incomplete')) movable = true;
    first = Math.min(first, s.begin.index);
    const abs = lastRel >= 0 ? lastRel + s.begin.index : lastRel;
    // Redis compares as unsigned: a negative (relative-to-end) last key wins.
    last = unsignedMax(last, abs);
    prevLast = last;
  }
  if (first === Number.POSITIVE_INFINITY) return { range: [0, 0, 0], movable };
  return { range: [first, last, 1], movable };
}

function unsignedMax(a: number, b: number): number {
  return a >>> 0 >= b >>> 0 ? a : b;
}

/** Result of resolving argv to a command. */
export type Lookup =
  | { kind: 'found'; command: Command }
  | { kind: 'unknown' }
  | { kind: 'unknown-subcommand'; container: Command };

export class CommandTable {
  /** Every top-level command by its original name (renames do not change this). */
  readonly commands = new Map<string, Command>();
  /** The names clients can call: edited by rename-command. */
  private readonly lookupTable = new Map<string, Command>();
  private ids = 0;

  constructor(specs: readonly CommandSpec[]) {
    const nextId = (): number => this.ids++;
    for (const spec of specs) {
      if (this.commands.has(spec.name)) throw new Error(`duplicate command spec: ${spec.name}`);
      const cmd = new Command(spec, undefined, nextId);
      this.commands.set(spec.name, cmd);
      this.lookupTable.set(spec.name, cmd);
    }
  }

  get size(): number {
    return this.ids;
  }

  /**
   * Names as clients spell them ("SET", "Get") mapped to commands, so the hot path
   * does one Map lookup instead of lower-casing every request. Bounded, and
   * rebuilt on rename.
   */
  private readonly spelled = new Map<string, Command>();

  private resolveName(name: string): Command | undefined {
    const hit = this.spelled.get(name);
    if (hit !== undefined) return hit;
    const cmd = this.lookupTable.get(name.toLowerCase());
    if (cmd !== undefined && this.spelled.size < 4096) this.spelled.set(name, cmd);
    return cmd;
  }

  /** Resolve argv[0] (and argv[1] for containers) as Redis's lookupCommand does. */
  lookup(argv: readonly string[]): Lookup {
    const name = argv[0] as string;
    const base = this.resolveName(name);
    if (base === undefined) return { kind: 'unknown' };
    if (base.subcommands === undefined || argv.length === 1) return { kind: 'found', command: base };
    const sub = argv[1] as string;
    const command = base.subcommands.get(sub) ?? base.subcommands.get(sub.toLowerCase());
    if (command === undefined) return { kind: 'unknown-subcommand', container: base };
    return { kind: 'found', command };
  }

  /** A command by its current (possibly renamed) name, or `name|sub`. */
  byCurrentName(fullName: string): Command | undefined {
    const [name, sub] = fullName.toLowerCase().split('|');
    const base = this.lookupTable.get(name as string);
    if (sub === undefined || base === undefined) return base;
    return base.subcommands?.get(sub);
  }

  /** A command by its original name, or `name|sub` (ACL rules, COMMAND INFO). */
  byName(fullName: string): Command | undefined {
    const [name, sub] = fullName.toLowerCase().split('|');
    const base = this.commands.get(name as string);
    if (sub === undefined || base === undefined) return base;
    return base.subcommands?.get(sub);
  }

  /** Commands clients can currently call, with the name they call them by. */
  *callable(): IterableIterator<[string, Command]> {
    yield* this.lookupTable;
  }

  /**
   * `rename-command old new` (`new` empty: the command disappears). Returns an
   * error message, or undefined.
   */
  rename(from: string, to: string): string | undefined {
    const key = from.toLowerCase();
    const cmd = this.lookupTable.get(key);
    if (cmd === undefined) return 'No such command in rename-command';
    if (to !== '' && this.lookupTable.has(to.toLowerCase())) return 'Target command name already exists';
    this.lookupTable.delete(key);
    if (to !== '') this.lookupTable.set(to.toLowerCase(), cmd);
    this.spelled.clear();
    return undefined;
  }

  /** Every command and subcommand (stats, COMMAND COUNT, meta-tests). */
  *all(): IterableIterator<Command> {
    for (const c of this.commands.values()) {
      yield c;
      if (c.subcommands !== undefined) yield* c.subcommands.values();
    }
  }
}

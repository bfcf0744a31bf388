/**
 * The permission check (Redis's ACLCheckAllUserCommandPerm): may this user run
 * this command with these arguments? A selector allows a command when it allows
 * the command (bit set, or an allowed first argument), every key the command
 * touches (from its key specs via getKeys, with the read/write needs of each key
 * spec for %R~ / %W~ patterns) and every channel. The caller skips the check for
 * users with an unrestricted selector, so the default user costs one flag test.
 *
 * The check is a function of (user, command, argv) only: the dispatcher calls it
 * before a command runs, and EXEC can call it again for each queued command.
 */
import { getKeys } from '../commands/keyspecs.js';
import { CMD_NO_AUTH, type Command } from '../commands/registry.js';
import type { KeyRef, KeySpec, KeySpecFlag } from '../commands/spec.js';
import { globMatch } from '../util/glob.js';
import { KEY_READ, KEY_WRITE, sameIgnoringCase } from './rules.js';
import {
  type KeyPattern,
  SELECTOR_ALLCHANNELS,
  SELECTOR_ALLCOMMANDS,
  SELECTOR_ALLKEYS,
  type Selector,
} from './selector.js';
import type { User } from './user.js';

/** Redis's ACL_DENIED_* values: their order decides which denial is reported. */
export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_AUTH = 3;
export const DENIED_CHANNEL = 4;
export type DenialReason = typeof DENIED_CMD | typeof DENIED_KEY | typeof DENIED_AUTH | typeof DENIED_CHANNEL;

export interface Denial {
  readonly reason: typeof DENIED_CMD | typeof DENIED_KEY | typeof DENIED_CHANNEL;
  /** argv index of the key or channel denied (0 for a command). */
  readonly pos: number;
}

/**
 * Channel arguments of the pub/sub commands (ACLDoesCommandHaveChannels):
 * where they start, whether all the rest are channels, and whether they are
 * patterns to compare literally (PSUBSCRIBE).
 */
const CHANNEL_COMMANDS: ReadonlyMap<string, { readonly all: boolean; readonly literal: boolean }> = new Map([
  ['publish', { all: false, literal: false }],
  ['spublish', { all: false, literal: false }],
  ['subscribe', { all: true, literal: false }],
  ['ssubscribe', { all: true, literal: false }],
  ['psubscribe', { all: true, literal: true }],
]);

/**
 * The common key spec shape (one `index` + `range` spec, no incomplete or
 * variable flags, no custom key function): its keys are found without getKeys's
 * allocations, with exactly getKeys's rules.
 */
interface SimpleKeys {
  readonly first: number;
  readonly lastkey: number;
  readonly step: number;
  readonly limit: number;
  /** KEY_READ / KEY_WRITE needed for each key. */
  readonly needs: number;
}

/** Per-command facts the check needs, computed once per command. */
interface CheckFacts {
  /** doesCommandHaveKeys. */
  readonly hasKeys: boolean;
  readonly simple: SimpleKeys | undefined;
  readonly channels: { readonly all: boolean; readonly literal: boolean } | undefined;
}

const FACTS = new WeakMap<Command, CheckFacts>();

function simpleKeysOf(cmd: Command): SimpleKeys | undefined {
  const specs = cmd.keySpecs;
  if (specs.length !== 1 || cmd.spec.getKeys !== undefined) return undefined;
  const s = specs[0] as KeySpec;
  const f = s.flags;
  if (f.includes('not_key') || f.includes('incomplete') || f.includes('variable_flags')) return undefined;
  if (typeof s.begin !== 'object' || !('index' in s.begin)) return undefined;
  if (typeof s.find !== 'object' || !('range' in s.find)) return undefined;
  const [lastkey, step, limit] = s.find.range;
  return { first: s.begin.index, lastkey, step, limit, needs: keyNeeds(f) };
}

function factsOf(cmd: Command): CheckFacts {
  let f = FACTS.get(cmd);
  if (f === undefined) {
    f = {
      hasKeys: cmd.spec.getKeys !== undefined || cmd.keySpecs.some((s) => !s.flags.includes('not_key')),
      simple: simpleKeysOf(cmd),
      channels: cmd.parent === undefined ? CHANNEL_COMMANDS.get(cmd.name) : undefined,
    };
    FACTS.set(cmd, f);
  }
  return f;
}

const KEY_NEEDS = new WeakMap<readonly KeySpecFlag[], number>();

/** The permissions a key spec needs: access -> read; insert, delete, update -> write. */
function keyNeeds(flags: readonly KeySpecFlag[]): number {
  let n = KEY_NEEDS.get(flags);
  if (n === undefined) {
    n = 0;
    if (flags.includes('access')) n |= KEY_READ;
    if (flags.includes('insert') || flags.includes('delete') || flags.includes('update')) n |= KEY_WRITE;
    KEY_NEEDS.set(flags, n);
  }
  return n;
}

/** ACLSelectorCheckKey. */
export function selectorAllowsKey(s: Selector, key: string, needs: number): boolean {
  if ((s.flags & SELECTOR_ALLKEYS) !== 0) return true;
  const keys = s.keys;
  for (let i = 0; i < keys.length; i++) {
    const p = keys[i] as KeyPattern;
    if ((p.flags & needs) !== needs) continue;
    if (
      p.match === 'exact'
        ? key === p.literal
        : p.match === 'prefix'
          ? key.startsWith(p.literal)
          : globMatch(p.pattern, key)
    )
      return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: patterns compared literally (PSUBSCRIBE) or as globs. */
export function channelAllowed(patterns: readonly string[], channel: string, literal: boolean): boolean {
  for (const p of patterns) {
    if (literal ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

/** Set by checkSelector with a denial: the argv index of the key or channel denied. */
let deniedPos = 0;
/** getKeys's result for the command being checked, shared by its selectors (reset per check). */
let keyRefs: KeyRef[] | undefined;

/** ACLSelectorCheckCmd: 0 when the selector allows the command, else the DENIED_* reason (and deniedPos). */
function checkSelector(s: Selector, cmd: Command, argv: readonly string[], facts: CheckFacts): number {
  const id = cmd.id;
  if (
    (s.flags & SELECTOR_ALLCOMMANDS) === 0 &&
    (cmd.flags & CMD_NO_AUTH) === 0 &&
    ((s.bits[id >>> 5] as number) & (1 << (id & 31))) === 0
  ) {
    const allowed = argv.length >= 2 ? s.firstArgs?.get(id) : undefined;
    const arg = argv[cmd.parent !== undefined ? 2 : 1];
    if (allowed === undefined || arg === undefined || !allowed.some((a) => sameIgnoringCase(a, arg))) {
      deniedPos = 0;
      return DENIED_CMD;
    }
  }
  if ((s.flags & SELECTOR_ALLKEYS) === 0 && facts.hasKeys) {
    const simple = facts.simple;
    if (simple !== undefined) {
      // getKeys's range rules (keyspecs.ts fromSpecs) for the one-spec case.
      const argc = argv.length;
      const first = simple.first;
      const last =
        simple.lastkey >= 0
          ? first + simple.lastkey
          : simple.limit === 0
            ? argc + simple.lastkey
            : first + (Math.trunc((argc - first) / simple.limit) + simple.lastkey);
      if (!(last >= argc || last < first || first >= argc)) {
        for (let i = first; i <= last; i += simple.step) {
          if (!selectorAllowsKey(s, argv[i] as string, simple.needs)) {
            deniedPos = i;
            return DENIED_KEY;
          }
        }
      }
    } else {
      keyRefs ??= getKeys(cmd, argv) ?? [];
      for (const k of keyRefs) {
        if (!selectorAllowsKey(s, argv[k.pos] as string, keyNeeds(k.flags))) {
          deniedPos = k.pos;
          return DENIED_KEY;
        }
      }
    }
  }
  const ch = facts.channels;
  if ((s.flags & SELECTOR_ALLCHANNELS) === 0 && ch !== undefined) {
    const end = ch.all ? argv.length : Math.min(2, argv.length);
    for (let j = 1; j < end; j++) {
      if (!channelAllowed(s.channels, argv[j] as string, ch.literal)) {
        deniedPos = j;
        return DENIED_CHANNEL;
      }
    }
  }
  return 0;
}

/**
 * May `user` run `cmd` with `argv`? Undefined when allowed; otherwise the denial
 * Redis reports: a command denial only if no selector got further, else the
 * key or channel denial with the highest reason, then the highest position.
 */
export function checkCommand(user: User, cmd: Command, argv: readonly string[]): Denial | undefined {
  if (user.unrestricted) return undefined;
  const facts = factsOf(cmd);
  keyRefs = undefined;
  let reason: number = DENIED_CMD;
  let pos = 0;
  const selectors = user.selectors;
  for (let i = 0; i < selectors.length; i++) {
    const r = checkSelector(selectors[i] as Selector, cmd, argv, facts);
    if (r === 0) return undefined;
    if (r > reason || (r === reason && deniedPos > pos)) {
      reason = r;
      pos = deniedPos;
    }
  }
  return { reason: reason as Denial['reason'], pos };
}

/**
 * ACLUserCheckCmdWithUnrestrictedKeyAccess: does one selector of `user` both
 * allow `cmd` with `argv` and grant `needs` (KEY_READ, KEY_WRITE) on every
 * key, by `allkeys` or a `*` pattern with those permissions? SORT asks it
 * before following BY and GET patterns, whose keys no key spec can name.
 */
export function allowsOnEveryKey(user: User, cmd: Command, argv: readonly string[], needs: number): boolean {
  if (user.unrestricted) return true;
  const facts = factsOf(cmd);
  keyRefs = undefined;
  for (const s of user.selectors) {
    if (checkSelector(s, cmd, argv, facts) === 0 && grantsEveryKey(s, needs)) return true;
  }
  return false;
}

function grantsEveryKey(s: Selector, needs: number): boolean {
  if ((s.flags & SELECTOR_ALLKEYS) !== 0) return true;
  return s.keys.some((p) => (p.flags & needs) === needs && p.pattern === '*');
}

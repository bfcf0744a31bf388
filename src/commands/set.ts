/**
 * Set commands (Redis 7.0 group "set"). Values are SetObject
 * (src/store/types/set.ts) in Redis 7.0's encodings, intset (sorted integers) or
 * hashtable, converted exactly when Redis converts, so replies come in Redis's
 * order wherever Redis's order is deterministic (intsets). The algebra
 * (SINTER, SUNION, SDIFF and their STORE forms) follows t_set.c step by step,
 * including which set is iterated and how the result set is built, since that
 * decides the result's encoding and order.
 */

import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { alsoPropagate, preventPropagation, rewriteCommand } from '../persistence/aof/propagation.js';
import { type Reply, SetReply } from '../protocol/reply.js';
import type { ScanDict } from '../store/types/scan-dict.js';
import { SetObject } from '../store/types/set.js';
import { randomInt } from '../util/random.js';
import { optionWord } from '../util/words.js';
import {
  checkRandomCount,
  EMPTY_SCAN,
  LONG_MAX,
  limits,
  parseScanOptions,
  positiveLong,
  rangeLong,
  readObj,
  scanReply,
  touched,
} from './collections.js';
import { ERR, SET_ERR } from './errors.js';
import { parseScanCursor } from './generic.js';
import type { CommandSpec } from './spec.js';

export const setCommands = [
  {
    name: 'sadd',
    group: 'set',
    summary: 'Add one or more members to a set',
    since: '1.0.0',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['set'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: saddCommand,
  },
  {
    name: 'srem',
    group: 'set',
    summary: 'Remove one or more members from a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: sremCommand,
  },
  {
    name: 'scard',
    group: 'set',
    summary: 'Get the number of members in a set',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: scardCommand,
  },
  {
    name: 'sismember',
    group: 'set',
    summary: 'Determine if a given value is a member of a set',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
    ],
    handler: sismemberCommand,
  },
  {
    name: 'smismember',
    group: 'set',
    summary: 'Returns the membership associated with the given elements for a set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: smismemberCommand,
  },
  {
    name: 'smembers',
    group: 'set',
    summary: 'Get all the members in a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the set cardinality.',
    arity: 2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: smembersCommand,
  },
  {
    name: 'srandmember',
    group: 'set',
    summary: 'Get one or multiple random members from a set',
    since: '1.0.0',
    complexity:
      'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    history: [['2.6.0', 'Added the optional `count` argument.']],
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', since: '2.6.0', flags: ['optional'] },
    ],
    handler: srandmemberCommand,
  },
  {
    name: 'spop',
    group: 'set',
    summary: 'Remove and return one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    history: [['3.2.0', 'Added the `count` argument.']],
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', since: '3.2.0', flags: ['optional'] },
    ],
    handler: spopCommand,
  },
  {
    name: 'smove',
    group: 'set',
    summary: 'Move a member from one set to another',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'member', type: 'string' },
    ],
    handler: smoveCommand,
  },
  {
    name: 'sinter',
    group: 'set',
    summary: 'Intersect multiple sets',
    since: '1.0.0',
    complexity:
      'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: sinterCommand,
  },
  {
    name: 'sintercard',
    group: 'set',
    summary: 'Intersect multiple sets and return the cardinality of the result',
    since: '7.0.0',
    complexity:
      'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] },
    ],
    handler: sintercardCommand,
  },
  {
    name: 'sinterstore',
    group: 'set',
    summary: 'Intersect multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity:
      'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [-1, 1, 0] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: sinterstoreCommand,
  },
  {
    name: 'sunion',
    group: 'set',
    summary: 'Add multiple sets',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: sunionCommand,
  },
  {
    name: 'sunionstore',
    group: 'set',
    summary: 'Add multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [-1, 1, 0] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: sunionstoreCommand,
  },
  {
    name: 'sdiff',
    group: 'set',
    summary: 'Subtract multiple sets',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: sdiffCommand,
  },
  {
    name: 'sdiffstore',
    group: 'set',
    summary: 'Subtract multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [-1, 1, 0] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: sdiffstoreCommand,
  },
  {
    name: 'sscan',
    group: 'set',
    summary: 'Incrementally iterate Set elements',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: sscanCommand,
  },
] as const satisfies readonly CommandSpec[];

function getSet(c: Client, key: string): SetObject | null {
  return c.db.getObject(key, SetObject);
}

/** After members were removed: the command's event, and the key deleted when its set is empty (Redis never keeps empty sets). */
function afterRemove(c: Client, key: string, s: SetObject, event: string): void {
  keyspaceEvent(c, NOTIFY.SET, event, key);
  if (s.size === 0) {
    c.db.delete(key);
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
  } else {
    touched(c.db, key);
  }
}

// ---- single set ----

function saddCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  let s = getSet(c, key);
  if (s === null) {
    s = SetObject.forFirst(argv[2] as string);
    c.db.add(key, s);
  }
  const lim = limits(c);
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (s.add(argv[j] as string, lim)) added++;
  if (added > 0) {
    touched(c.db, key);
    keyspaceEvent(c, NOTIFY.SET, 'sadd', key);
  }
  return added;
}

function sremCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const s = getSet(c, key);
  if (s === null) return 0;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (s.remove(argv[j] as string)) {
      deleted++;
      if (s.size === 0) break;
    }
  }
  if (deleted > 0) afterRemove(c, key, s, 'srem');
  return deleted;
}

function scardCommand(c: Client, argv: string[]): Reply {
  return getSet(c, argv[1] as string)?.size ?? 0;
}

function sismemberCommand(c: Client, argv: string[]): Reply {
  return getSet(c, argv[1] as string)?.has(argv[2] as string) === true ? 1 : 0;
}

function smismemberCommand(c: Client, argv: string[]): Reply {
  const s = getSet(c, argv[1] as string);
  const out: number[] = new Array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) out[j - 2] = s?.has(argv[j] as string) === true ? 1 : 0;
  return out;
}

/** SMEMBERS is SINTER of one key in Redis 7.0 (a RESP3 set reply). */
function smembersCommand(c: Client, argv: string[]): Reply {
  return sinterGeneric(c, argv, 1, argv.length, null, false, 0);
}

function smoveCommand(c: Client, argv: string[]): Reply {
  const srcKey = argv[1] as string;
  const dstKey = argv[2] as string;
  const member = argv[3] as string;
  const db = c.db;
  const srcSlot = db.lookup(srcKey);
  const dstSlot = db.lookup(dstKey);
  if (srcSlot === -1) return 0;
  const src = setAtSlot(c, srcSlot);
  const dst = dstSlot === -1 ? null : setAtSlot(c, dstSlot);
  if (src === dst) return src.has(member) ? 1 : 0;
  if (!src.remove(member)) return 0;
  afterRemove(c, srcKey, src, 'srem');
  let target = dst;
  if (target === null) {
    target = SetObject.forFirst(member);
    db.add(dstKey, target);
  }
  const added = target.add(member, limits(c));
  touched(db, dstKey);
  if (added) keyspaceEvent(c, NOTIFY.SET, 'sadd', dstKey);
  return 1;
}

function setAtSlot(c: Client, slot: number): SetObject {
  const db = c.db;
  const v = db.isStringAt(slot) ? null : db.value(slot);
  if (!(v instanceof SetObject)) throw ERR.wrongType;
  return v;
}

// ---- random members ----

function srandmemberCommand(c: Client, argv: string[]): Reply {
  if (argv.length === 3) return srandmemberWithCount(c, argv);
  if (argv.length > 3) throw ERR.syntax;
  const s = getSet(c, argv[1] as string);
  return s === null ? null : s.random(randomInt);
}

function srandmemberWithCount(c: Client, argv: string[]): Reply {
  const l = rangeLong(argv[2] as string, -LONG_MAX, LONG_MAX);
  const s = getSet(c, argv[1] as string);
  if (s === null || l === 0) return [];
  const count = Math.abs(l);
  const out: string[] = [];
  // CASE 1: negative count (repetitions allowed), or a single member.
  if (l < 0 || count === 1) {
    checkRandomCount(count);
    for (let i = 0; i < count; i++) out.push(s.random(randomInt));
    return out;
  }
  // CASE 2: the whole set, in its order.
  if (count >= s.size) return s.members();
  // CASE 3/4: distinct random members, in no particular order.
  return distinctRandom(s, count);
}

/** `count` (< size) distinct random members, in random order. */
function distinctRandom(s: SetObject, count: number): string[] {
  const all = s.ints;
  if (all !== null || count * 3 > s.size) {
    const members = all ?? s.members();
    // Partial Fisher-Yates over a copy.
    const a = all !== null ? all.slice() : members;
    for (let i = 0; i < count; i++) {
      const j = i + randomInt(a.length - i);
      const t = a[i] as string;
      a[i] = a[j] as string;
      a[j] = t;
    }
    a.length = count;
    return a;
  }
  const d = s.dict as ScanDict<true>;
  const picked = new Set<string>();
  while (picked.size < count) picked.add(d.keyAt(d.randomPos(randomInt)) as string);
  return [...picked];
}

/** SPOP_MOVE_STRATEGY_MUL. */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spopCommand(c: Client, argv: string[]): Reply {
  if (argv.length === 3) return spopWithCount(c, argv);
  if (argv.length > 3) throw ERR.syntax;
  const key = argv[1] as string;
  const s = getSet(c, key);
  if (s === null) return null;
  const m = s.random(randomInt);
  s.remove(m);
  afterRemove(c, key, s, 'spop');
  // The member chosen at random is recorded, so a replay removes the same one.
  rewriteCommand(c, ['SREM', key, m]);
  return m;
}

function spopWithCount(c: Client, argv: string[]): Reply {
  const count = positiveLong(argv[2] as string);
  const key = argv[1] as string;
  const s = getSet(c, key);
  if (s === null || count === 0) return new SetReply([]);
  const size = s.size;
  // CASE 1: the whole set (as SUNION of the key replies it), then the key goes.
  if (count >= size) {
    const reply = sunionDiffGeneric(c, [key], null, UNION);
    keyspaceEvent(c, NOTIFY.SET, 'spop', key);
    c.db.delete(key);
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
    rewriteCommand(c, [c.server.config.get<boolean>('lazyfree-lazy-server-del') ? 'UNLINK' : 'DEL', key]);
    return reply;
  }
  const remaining = size - count;
  const out: string[] = [];
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: pop random members one by one.
    for (let i = 0; i < count; i++) {
      const m = s.random(randomInt);
      s.remove(m);
      out.push(m);
    }
    touched(c.db, key);
  } else {
    // CASE 3: move the members that stay into a new set (its encoding chosen
    // afresh, as setTypeCreate does), reply with what is left in the old one.
    const lim = limits(c);
    let kept: SetObject | null = null;
    for (let i = 0; i < remaining; i++) {
      const m = s.random(randomInt);
      if (kept === null) kept = SetObject.forFirst(m);
      kept.add(m, lim);
      s.remove(m);
    }
    s.forEach((m) => {
      out.push(m);
    });
    c.db.set(key, kept as SetObject, true);
  }
  keyspaceEvent(c, NOTIFY.SET, 'spop', key);
  // One SREM per member popped, as Redis 7.0 (wrapped in MULTI/EXEC by the propagation).
  preventPropagation(c);
  for (const m of out) alsoPropagate(c, ['SREM', key, m]);
  return new SetReply(out);
}

// ---- algebra ----

/**
 * `sinterGenericCommand` over argv[from..to): every key is type-checked; a
 * missing one makes the result empty. The smallest set is iterated (sorting by
 * size is stable, as glibc's qsort is on small arrays) and the reply follows
 * its order.
 */
function sinterGeneric(
  c: Client,
  argv: readonly string[],
  from: number,
  to: number,
  dst: string | null,
  cardinalityOnly: boolean,
  limit: number,
): Reply {
  const sets: SetObject[] = [];
  let empty = false;
  for (let j = from; j < to; j++) {
    const s = readObj(c.db, argv[j] as string, SetObject);
    if (s === null) empty = true;
    else sets.push(s);
  }
  if (empty) {
    if (dst !== null) {
      if (c.db.delete(dst)) keyspaceEvent(c, NOTIFY.GENERIC, 'del', dst);
      return 0;
    }
    return cardinalityOnly ? 0 : new SetReply([]);
  }
  sets.sort((a, b) => a.size - b.size);
  const first = sets[0] as SetObject;
  const out: string[] = [];
  let cardinality = 0;
  first.forEach((m) => {
    if (limit !== 0 && cardinality >= limit) return;
    for (let j = 1; j < sets.length; j++) {
      const s = sets[j] as SetObject;
      if (s !== first && !s.has(m)) return;
    }
    cardinality++;
    if (!cardinalityOnly) out.push(m);
  });
  if (cardinalityOnly) return cardinality;
  if (dst === null) return new SetReply(out);
  const result = new SetObject();
  const lim = limits(c);
  for (const m of out) result.add(m, lim);
  return storeResult(c, dst, result, 'sinterstore');
}

/** Store a computed set (replacing the key and its TTL) or delete the key when it is empty. */
function storeResult(c: Client, dst: string, result: SetObject, event: string): Reply {
  if (result.size > 0) {
    c.db.set(dst, result);
    keyspaceEvent(c, NOTIFY.SET, event, dst);
    return result.size;
  }
  if (c.db.delete(dst)) keyspaceEvent(c, NOTIFY.GENERIC, 'del', dst);
  return 0;
}

const UNION = 0;
const DIFF = 1;

/** `sunionDiffGenericCommand`, with its choice between the two DIFF algorithms. */
function sunionDiffGeneric(c: Client, keys: readonly string[], dst: string | null, op: number): Reply {
  const sets: (SetObject | null)[] = [];
  let sameSet = false;
  for (let j = 0; j < keys.length; j++) {
    const s = readObj(c.db, keys[j] as string, SetObject);
    sets.push(s);
    if (s !== null && j > 0 && s === sets[0]) sameSet = true;
  }
  const first = sets[0] ?? null;
  let algo = 1;
  if (op === DIFF && first !== null && !sameSet) {
    let one = 0;
    let two = 0;
    for (const s of sets) {
      if (s === null) continue;
      one += first.size;
      two += s.size;
    }
    one = Math.floor(one / 2);
    algo = one <= two ? 1 : 2;
    if (algo === 1 && sets.length > 1) {
      const rest = sets.slice(1).sort((a, b) => (b?.size ?? 0) - (a?.size ?? 0));
      sets.splice(1, rest.length, ...rest);
    }
  }
  const result = new SetObject();
  const lim = limits(c);
  if (op === UNION) {
    for (const s of sets)
      s?.forEach((m) => {
        result.add(m, lim);
      });
  } else if (sameSet || first === null) {
    // Empty: a set minus itself, or nothing to subtract from.
  } else if (algo === 1) {
    first.forEach((m) => {
      for (let j = 1; j < sets.length; j++) {
        const s = sets[j];
        if (s === null || s === undefined) continue;
        if (s === first || s.has(m)) return;
      }
      result.add(m, lim);
    });
  } else {
    for (let j = 0; j < sets.length; j++) {
      const s = sets[j];
      if (s === null || s === undefined) continue;
      if (j === 0)
        s.forEach((m) => {
          result.add(m, lim);
        });
      else
        s.forEach((m) => {
          result.remove(m);
        });
      if (result.size === 0) break;
    }
  }
  if (dst === null) return new SetReply(result.members());
  return storeResult(c, dst, result, op === UNION ? 'sunionstore' : 'sdiffstore');
}

function sinterCommand(c: Client, argv: string[]): Reply {
  return sinterGeneric(c, argv, 1, argv.length, null, false, 0);
}

function sinterstoreCommand(c: Client, argv: string[]): Reply {
  return sinterGeneric(c, argv, 2, argv.length, argv[1] as string, false, 0);
}

function sintercardCommand(c: Client, argv: string[]): Reply {
  const numkeys = rangeLong(argv[1] as string, 1n, LONG_MAX, SET_ERR.numkeys);
  if (numkeys > argv.length - 2) throw SET_ERR.tooManyKeys;
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (optionWord(argv[j] as string) === 'limit' && j < argv.length - 1) {
      limit = positiveLong(argv[++j] as string, SET_ERR.limitNegative);
    } else {
      throw ERR.syntax;
    }
  }
  return sinterGeneric(c, argv, 2, 2 + numkeys, null, true, limit);
}

function sunionCommand(c: Client, argv: string[]): Reply {
  return sunionDiffGeneric(c, argv.slice(1), null, UNION);
}

function sunionstoreCommand(c: Client, argv: string[]): Reply {
  return sunionDiffGeneric(c, argv.slice(2), argv[1] as string, UNION);
}

function sdiffCommand(c: Client, argv: string[]): Reply {
  return sunionDiffGeneric(c, argv.slice(1), null, DIFF);
}

function sdiffstoreCommand(c: Client, argv: string[]): Reply {
  return sunionDiffGeneric(c, argv.slice(2), argv[1] as string, DIFF);
}

// ---- SSCAN ----

function sscanCommand(c: Client, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2] as string);
  const s = getSet(c, argv[1] as string);
  if (s === null) return EMPTY_SCAN;
  const { count, pattern } = parseScanOptions(argv, 3);
  if (s.ints !== null) return scanReply(0, s.ints.slice(), pattern, false);
  const items: string[] = [];
  const next = (s.dict as ScanDict<true>).scan(cursor, count, (m) => {
    items.push(m);
  });
  return scanReply(next, items, pattern, false);
}

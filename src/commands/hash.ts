/**
 * Hash commands (Redis 7.0 group "hash"). Values are HashObject
 * (src/store/types/hash.ts): insertion-ordered, so listpack-encoded hashes reply
 * in Redis's order; the encoding follows hash-max-listpack-entries/value exactly
 * as Redis converts. HINCRBYFLOAT computes in emulated x87 long double, as
 * INCRBYFLOAT does.
 */

import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { rewriteCommand } from '../persistence/aof/propagation.js';
import { MapReply, OK, type Reply } from '../protocol/reply.js';
import { HashObject } from '../store/types/hash.js';
import type { ScanDict } from '../store/types/scan-dict.js';
import { addLongDouble, formatLongDoubleHuman, isInf, parseLongDouble } from '../util/longdouble.js';
import { LLONG_MAX, LLONG_MIN, parseInt64 } from '../util/number.js';
import { randomInt } from '../util/random.js';
import {
  checkRandomCount,
  EMPTY_SCAN,
  limits,
  parseScanOptions,
  randomCountArgs,
  scanReply,
  touched,
} from './collections.js';
import { ERR, HASH_ERR, wrongArity } from './errors.js';
import { parseScanCursor } from './generic.js';
import type { CommandSpec } from './spec.js';

export const hashCommands = [
  {
    name: 'hset',
    group: 'hash',
    summary: 'Set the string value of a hash field',
    since: '2.0.0',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'field_value',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'field', type: 'string' },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: hsetCommand,
  },
  {
    name: 'hsetnx',
    group: 'hash',
    summary: 'Set the value of a hash field, only if the field does not exist',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ],
    handler: hsetnxCommand,
  },
  {
    name: 'hget',
    group: 'hash',
    summary: 'Get the value of a hash field',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
    ],
    handler: hgetCommand,
  },
  {
    name: 'hmget',
    group: 'hash',
    summary: 'Get the values of all the given hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string', flags: ['multiple'] },
    ],
    handler: hmgetCommand,
  },
  {
    name: 'hmset',
    group: 'hash',
    summary: 'Set multiple hash fields to multiple values',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'field_value',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'field', type: 'string' },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: hmsetCommand,
  },
  {
    name: 'hdel',
    group: 'hash',
    summary: 'Delete one or more hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string', flags: ['multiple'] },
    ],
    handler: hdelCommand,
  },
  {
    name: 'hexists',
    group: 'hash',
    summary: 'Determine if a hash field exists',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
    ],
    handler: hexistsCommand,
  },
  {
    name: 'hlen',
    group: 'hash',
    summary: 'Get the number of fields in a hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: hlenCommand,
  },
  {
    name: 'hstrlen',
    group: 'hash',
    summary: 'Get the length of the value of a hash field',
    since: '3.2.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
    ],
    handler: hstrlenCommand,
  },
  {
    name: 'hkeys',
    group: 'hash',
    summary: 'Get all the fields in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: hkeysCommand,
  },
  {
    name: 'hvals',
    group: 'hash',
    summary: 'Get all the values in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: hvalsCommand,
  },
  {
    name: 'hgetall',
    group: 'hash',
    summary: 'Get all the fields and values in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: hgetallCommand,
  },
  {
    name: 'hincrby',
    group: 'hash',
    summary: 'Increment the integer value of a hash field by the given number',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'integer' },
    ],
    handler: hincrbyCommand,
  },
  {
    name: 'hincrbyfloat',
    group: 'hash',
    summary: 'Increment the float value of a hash field by the given amount',
    since: '2.6.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'double' },
    ],
    handler: hincrbyfloatCommand,
  },
  {
    name: 'hrandfield',
    group: 'hash',
    summary: 'Get one or multiple random fields from a hash',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
    arity: -2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'options',
        type: 'block',
        flags: ['optional'],
        arguments: [
          { name: 'count', type: 'integer' },
          {
            name: 'withvalues',
            type: 'pure-token',
            token: 'WITHVALUES',
            flags: ['optional'],
          },
        ],
      },
    ],
    handler: hrandfieldCommand,
  },
  {
    name: 'hscan',
    group: 'hash',
    summary: 'Incrementally iterate hash fields and associated values',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arity: -3,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: hscanCommand,
  },
] as const satisfies readonly CommandSpec[];

// ---- lookups ----

function getHash(c: Client, key: string): HashObject | null {
  return c.db.getObject(key, HashObject);
}

/** `hashTypeLookupWriteOrCreate`. */
function hashForWrite(c: Client, key: string): HashObject {
  const h = c.db.getObject(key, HashObject);
  if (h !== null) return h;
  const created = new HashObject();
  c.db.add(key, created);
  return created;
}

/** After HDEL removed fields: its event, and the key deleted once its last field is gone, as Redis does. */
function afterDelete(c: Client, key: string, h: HashObject): void {
  keyspaceEvent(c, NOTIFY.HASH, 'hdel', key);
  if (h.size === 0) {
    c.db.delete(key);
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
  } else {
    touched(c.db, key);
  }
}

// ---- writes ----

function hsetGeneric(c: Client, argv: string[], name: string): number {
  if (argv.length % 2 === 1) throw wrongArity(name);
  const key = argv[1] as string;
  const h = hashForWrite(c, key);
  const lim = limits(c);
  h.tryConversion(argv, 2, argv.length - 1, lim);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2)
    if (h.set(argv[i] as string, argv[i + 1] as string, lim)) created++;
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.HASH, 'hset', key);
  return created;
}

function hsetCommand(c: Client, argv: string[]): Reply {
  return hsetGeneric(c, argv, 'hset');
}

function hmsetCommand(c: Client, argv: string[]): Reply {
  hsetGeneric(c, argv, 'hmset');
  return OK;
}

function hsetnxCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const h = hashForWrite(c, key);
  if (h.dict.has(argv[2] as string)) return 0;
  const lim = limits(c);
  h.tryConversion(argv, 2, 3, lim);
  h.set(argv[2] as string, argv[3] as string, lim);
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.HASH, 'hset', key);
  return 1;
}

function hdelCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const h = getHash(c, key);
  if (h === null) return 0;
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (h.dict.delete(argv[i] as string)) {
      deleted++;
      if (h.size === 0) break;
    }
  }
  if (deleted > 0) afterDelete(c, key, h);
  return deleted;
}

function hincrbyCommand(c: Client, argv: string[]): Reply {
  const incr = parseInt64(argv[3] as string);
  if (incr === undefined) throw ERR.notInteger;
  const key = argv[1] as string;
  const field = argv[2] as string;
  const h = hashForWrite(c, key);
  const cur = h.dict.get(field);
  let value: number | bigint = 0;
  if (cur !== undefined) {
    const v = parseInt64(cur);
    if (v === undefined) throw HASH_ERR.notInteger;
    value = v;
  }
  let result: number | bigint;
  if (typeof value === 'number' && typeof incr === 'number' && Number.isSafeInteger(value + incr)) {
    result = value + incr;
  } else {
    const big = BigInt(value) + BigInt(incr);
    if (big > LLONG_MAX || big < LLONG_MIN) throw ERR.overflow;
    const n = Number(big);
    result = Number.isSafeInteger(n) ? n : big;
  }
  h.set(field, String(result), limits(c));
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.HASH, 'hincrby', key);
  return result;
}

const LONG_DOUBLE_ZERO = { neg: false, mant: 0n, exp: 0 } as const;

function hincrbyfloatCommand(c: Client, argv: string[]): Reply {
  const incr = parseLongDouble(argv[3] as string);
  if (incr === undefined) throw ERR.notFloat;
  if (isInf(incr)) throw HASH_ERR.nanOrInfinity;
  const key = argv[1] as string;
  const field = argv[2] as string;
  const h = hashForWrite(c, key);
  const cur = h.dict.get(field);
  const value = cur === undefined ? LONG_DOUBLE_ZERO : parseLongDouble(cur);
  if (value === undefined) throw HASH_ERR.notFloat;
  const sum = addLongDouble(value, incr);
  if (sum === undefined) throw ERR.nanOrInfinity;
  const text = formatLongDoubleHuman(sum);
  h.set(field, text, limits(c));
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.HASH, 'hincrbyfloat', key);
  // The result, not the increment: float arithmetic need not replay exactly.
  rewriteCommand(c, ['HSET', key, field, text]);
  return text;
}

// ---- reads ----

function hgetCommand(c: Client, argv: string[]): Reply {
  return getHash(c, argv[1] as string)?.dict.get(argv[2] as string) ?? null;
}

function hmgetCommand(c: Client, argv: string[]): Reply {
  const h = getHash(c, argv[1] as string);
  const out: Reply[] = new Array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = h?.dict.get(argv[i] as string) ?? null;
  return out;
}

function hexistsCommand(c: Client, argv: string[]): Reply {
  return getHash(c, argv[1] as string)?.dict.has(argv[2] as string) === true ? 1 : 0;
}

function hlenCommand(c: Client, argv: string[]): Reply {
  return getHash(c, argv[1] as string)?.size ?? 0;
}

function hstrlenCommand(c: Client, argv: string[]): Reply {
  return getHash(c, argv[1] as string)?.dict.get(argv[2] as string)?.length ?? 0;
}

function hkeysCommand(c: Client, argv: string[]): Reply {
  const h = getHash(c, argv[1] as string);
  const out: string[] = [];
  h?.dict.forEach((k) => {
    out.push(k);
  });
  return out;
}

function hvalsCommand(c: Client, argv: string[]): Reply {
  const h = getHash(c, argv[1] as string);
  const out: string[] = [];
  h?.dict.forEach((_, v) => {
    out.push(v);
  });
  return out;
}

function hgetallCommand(c: Client, argv: string[]): Reply {
  const h = getHash(c, argv[1] as string);
  const out: string[] = [];
  h?.dict.forEach((k, v) => {
    out.push(k, v);
  });
  return new MapReply(out);
}

// ---- HRANDFIELD ----

function hrandfieldCommand(c: Client, argv: string[]): Reply {
  if (argv.length >= 3) {
    const { count, withPairs } = randomCountArgs(argv, 'withvalues', HASH_ERR.outOfRange);
    return hrandfieldWithCount(c, argv[1] as string, count, withPairs);
  }
  const h = getHash(c, argv[1] as string);
  if (h === null) return null;
  return h.dict.keyAt(h.dict.randomPos(randomInt)) as string;
}

function hrandfieldWithCount(c: Client, key: string, l: number, withValues: boolean): Reply {
  const h = getHash(c, key);
  if (h === null || l === 0) return [];
  const d = h.dict;
  const size = d.size;
  const uniq = l > 0;
  const count = Math.abs(l);
  const nested = withValues && c.resp === 3;
  const out: Reply[] = [];
  const emit = (pos: number): void => {
    const k = d.keyAt(pos) as string;
    if (!withValues) out.push(k);
    else if (nested) out.push([k, d.valueAt(pos)]);
    else out.push(k, d.valueAt(pos));
  };
  // CASE 1: negative count (repetitions allowed), or a single field.
  if (!uniq || count === 1) {
    checkRandomCount(count);
    for (let i = 0; i < count; i++) emit(d.randomPos(randomInt));
    return out;
  }
  // CASE 2: the whole hash, in its order.
  if (count >= size) {
    for (let pos = 0; pos < d.end; pos++) if (d.keyAt(pos) !== undefined) emit(pos);
    return out;
  }
  // CASE 2.5 (listpack) and CASE 3/4 (hashtable): `count` distinct random fields.
  // A listpack returns them in its order; a hashtable in no particular order.
  for (const pos of sampleDistinct(d, count, h.listpack)) emit(pos);
  return out;
}

/** `count` (< size) distinct random live positions of a dict; in order when `ordered`. */
function sampleDistinct(d: ScanDict<unknown>, count: number, ordered: boolean): number[] {
  const size = d.size;
  if (ordered || count * 3 > size) {
    // Selection sampling over the live positions: each subset equally likely, in order.
    const out: number[] = [];
    let needed = count;
    let left = size;
    for (let pos = 0; pos < d.end && needed > 0; pos++) {
      if (d.keyAt(pos) === undefined) continue;
      if (randomInt(left) < needed) {
        out.push(pos);
        needed--;
      }
      left--;
    }
    if (!ordered) shuffle(out);
    return out;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(d.randomPos(randomInt));
  return [...picked];
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
}

// ---- HSCAN ----

function hscanCommand(c: Client, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2] as string);
  const h = getHash(c, argv[1] as string);
  if (h === null) return EMPTY_SCAN;
  const { count, pattern } = parseScanOptions(argv, 3);
  const items: string[] = [];
  let next = 0;
  if (h.listpack)
    h.dict.forEach((k, v) => {
      items.push(k, v);
    });
  else
    next = h.dict.scan(cursor, count, (k, v) => {
      items.push(k, v);
    });
  return scanReply(next, items, pattern, true);
}

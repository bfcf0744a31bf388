/**
 * String commands (Redis 7.0 group "string"): GET, SET and its variants, counters
 * (exact int64, and INCRBYFLOAT in emulated x87 long double), ranges, MGET/MSET
 * and LCS. Values are latin1 strings; SETRANGE patches the store's bytes in place
 * rather than copying the whole value.
 */

import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { rewriteCommand } from '../persistence/aof/propagation.js';
import { MapReply, OK, type Reply } from '../protocol/reply.js';
import { Database, type ExpireTime, NONE } from '../store/database.js';
import { DataObject } from '../store/value.js';
import { now } from '../util/clock.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../util/longdouble.js';
import { LLONG_MAX, LLONG_MIN, parseInt64 } from '../util/number.js';
import { optionWord } from '../util/words.js';
import { longLongArg } from './args.js';
import { ERR, ERR_STRING, invalidExpireTime, wrongArity } from './errors.js';
import type { CommandSpec, KeyRef, KeySpecFlag } from './spec.js';

export const stringCommands = [
  {
    name: 'get',
    group: 'string',
    summary: 'Get the value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: getCommand,
  },
  {
    name: 'set',
    group: 'string',
    summary: 'Set the string value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
    ],
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [
      {
        notes: 'RW and ACCESS due to the optional `GET` argument',
        flags: ['RW', 'access', 'update', 'variable_flags'],
        begin: { index: 1 },
        find: { range: [0, 1, 0] },
      },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
      {
        name: 'condition',
        type: 'oneof',
        since: '2.6.12',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', flags: ['optional'] },
      {
        name: 'expiration',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          {
            name: 'unix-time-milliseconds',
            type: 'unix-time',
            token: 'PXAT',
            since: '6.2.0',
          },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ],
      },
    ],
    handler: setCommand,
    getKeys: setGetKeys,
  },
  {
    name: 'setnx',
    group: 'string',
    summary: 'Set the value of a key, only if the key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['OW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
    ],
    handler: setnxCommand,
  },
  {
    name: 'setex',
    group: 'string',
    summary: 'Set the value and expiration of a key',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'seconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setexCommand,
  },
  {
    name: 'psetex',
    group: 'string',
    summary: 'Set the value and expiration in milliseconds of a key',
    since: '2.6.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'milliseconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: psetexCommand,
  },
  {
    name: 'getset',
    group: 'string',
    summary: 'Set the string value of a key and return its old value',
    since: '1.0.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`SET` with the `!GET` argument',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
    ],
    handler: getsetCommand,
  },
  {
    name: 'getdel',
    group: 'string',
    summary: 'Get the value of a key and delete the key',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: getdelCommand,
  },
  {
    name: 'getex',
    group: 'string',
    summary: 'Get the value of a key and optionally set its expiration',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['string'],
    keySpecs: [
      {
        notes: 'RW and UPDATE because it changes the TTL',
        flags: ['RW', 'access', 'update'],
        begin: { index: 1 },
        find: { range: [0, 1, 0] },
      },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'expiration',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX' },
          { name: 'milliseconds', type: 'integer', token: 'PX' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
          { name: 'persist', type: 'pure-token', token: 'PERSIST' },
        ],
      },
    ],
    handler: getexCommand,
  },
  {
    name: 'mget',
    group: 'string',
    summary: 'Get the values of all the given keys',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    tips: ['request_policy:multi_shard'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: mgetCommand,
  },
  {
    name: 'mset',
    group: 'string',
    summary: 'Set multiple keys to multiple values',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [-1, 2, 0] } }],
    args: [
      {
        name: 'key_value',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: msetCommand,
  },
  {
    name: 'msetnx',
    group: 'string',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    keySpecs: [{ flags: ['OW', 'insert'], begin: { index: 1 }, find: { range: [-1, 2, 0] } }],
    args: [
      {
        name: 'key_value',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: msetnxCommand,
  },
  {
    name: 'append',
    group: 'string',
    summary: 'Append a value to a key',
    since: '2.0.0',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
    ],
    handler: appendCommand,
  },
  {
    name: 'strlen',
    group: 'string',
    summary: 'Get the length of the value stored in a key',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: strlenCommand,
  },
  {
    name: 'incr',
    group: 'string',
    summary: 'Increment the integer value of a key by one',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: incrCommand,
  },
  {
    name: 'decr',
    group: 'string',
    summary: 'Decrement the integer value of a key by one',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: decrCommand,
  },
  {
    name: 'incrby',
    group: 'string',
    summary: 'Increment the integer value of a key by the given amount',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'integer' },
    ],
    handler: incrbyCommand,
  },
  {
    name: 'decrby',
    group: 'string',
    summary: 'Decrement the integer value of a key by the given number',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'decrement', type: 'integer' },
    ],
    handler: decrbyCommand,
  },
  {
    name: 'incrbyfloat',
    group: 'string',
    summary: 'Increment the float value of a key by the given amount',
    since: '2.6.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'double' },
    ],
    handler: incrbyfloatCommand,
  },
  {
    name: 'getrange',
    group: 'string',
    summary: 'Get a substring of the string stored at a key',
    since: '2.4.0',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    arity: 4,
    flags: ['readonly'],
    acl: ['string'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    handler: getrangeCommand,
  },
  {
    name: 'setrange',
    group: 'string',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    since: '2.2.0',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setrangeCommand,
  },
  {
    name: 'substr',
    group: 'string',
    summary: 'Get a substring of the string stored at a key',
    since: '1.0.0',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    docFlags: ['deprecated'],
    deprecatedSince: '2.0.0',
    replacedBy: '`GETRANGE`',
    arity: 4,
    flags: ['readonly'],
    acl: ['string'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    handler: getrangeCommand,
  },
  {
    name: 'lcs',
    group: 'string',
    summary: 'Find longest common substring',
    since: '7.0.0',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    arity: -3,
    flags: ['readonly'],
    acl: ['string'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [1, 1, 0] } }],
    args: [
      { name: 'key1', type: 'key', key_spec_index: 0 },
      { name: 'key2', type: 'key', key_spec_index: 0 },
      { name: 'len', type: 'pure-token', token: 'LEN', flags: ['optional'] },
      { name: 'idx', type: 'pure-token', token: 'IDX', flags: ['optional'] },
      { name: 'len', type: 'integer', token: 'MINMATCHLEN', flags: ['optional'] },
      { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', flags: ['optional'] },
    ],
    handler: lcsCommand,
  },
] as const satisfies readonly CommandSpec[];

// ---- SET family ------------------------------------------------------------

/** Option bits of Redis's parseExtendedStringArgumentsOrReply (OBJ_SET_NX ...). */
const F_NX = 1 << 0;
const F_XX = 1 << 1;
const F_EX = 1 << 2;
const F_PX = 1 << 3;
const F_KEEPTTL = 1 << 4;
const F_GET = 1 << 5;
const F_EXAT = 1 << 6;
const F_PXAT = 1 << 7;
const F_PERSIST = 1 << 8;
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;
/**
 * The parser returns the flags with the argv index of the expire value packed
 * above them, so SET with options needs no result object.
 */
const EXPIRE_INDEX_SHIFT = 9;
const FLAGS_MASK = (1 << EXPIRE_INDEX_SHIFT) - 1;

/**
 * SET options (NX XX GET KEEPTTL EX PX EXAT PXAT) or GETEX options (PERSIST EX PX
 * EXAT PXAT), with Redis's exact conflict rules: a repeated EX is accepted (the
 * last one wins), EX with PX is not, and anything unknown is a syntax error.
 */
function parseStringOptions(argv: readonly string[], forSet: boolean): number {
  let flags = 0;
  let expireIndex = 0;
  const argc = argv.length;
  for (let j = forSet ? 3 : 2; j < argc; j++) {
    const opt = optionWord(argv[j] as string);
    const hasNext = j < argc - 1;
    if (opt === 'nx' && forSet && (flags & F_XX) === 0) {
      flags |= F_NX;
    } else if (opt === 'xx' && forSet && (flags & F_NX) === 0) {
      flags |= F_XX;
    } else if (opt === 'get' && forSet) {
      flags |= F_GET;
    } else if (opt === 'keepttl' && forSet && (flags & (F_PERSIST | F_ANY_EXPIRE)) === 0) {
      flags |= F_KEEPTTL;
    } else if (opt === 'persist' && !forSet && (flags & (F_KEEPTTL | F_ANY_EXPIRE)) === 0) {
      flags |= F_PERSIST;
    } else if (opt === 'ex' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) === 0) {
      flags |= F_EX;
      expireIndex = ++j;
    } else if (opt === 'px' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) === 0) {
      flags |= F_PX;
      expireIndex = ++j;
    } else if (opt === 'exat' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) === 0) {
      flags |= F_EXAT;
      expireIndex = ++j;
    } else if (opt === 'pxat' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) === 0) {
      flags |= F_PXAT;
      expireIndex = ++j;
    } else {
      throw ERR.syntax;
    }
  }
  return flags | (expireIndex << EXPIRE_INDEX_SHIFT);
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for an EX / PX /
 * EXAT / PXAT value, refusing non-positive values and int64 overflow (seconds
 * times 1000, or relative time plus now) as "invalid expire time".
 */
function expireAt(arg: string, flags: number, command: string): ExpireTime {
  const v = parseInt64(arg);
  if (v === undefined) throw ERR.notInteger;
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  const relative = (flags & (F_EX | F_PX)) !== 0;
  if (typeof v === 'number') {
    if (v <= 0) throw invalidExpireTime(command);
    const ms = seconds ? v * 1000 : v;
    const when = relative ? ms + now() : ms;
    if (Number.isSafeInteger(when)) return when;
  }
  // Past 2^53: exact int64 arithmetic (the store keeps such expiries as bigints).
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) throw invalidExpireTime(command);
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(now());
  if (ms > LLONG_MAX) throw invalidExpireTime(command);
  return ms;
}

function getCommand(c: Client, argv: string[]): Reply {
  // A view of the stored bytes: the encoder copies them out straight away.
  return c.db.getStringOrBytes(argv[1] as string);
}

function setCommand(c: Client, argv: string[]): Reply {
  if (argv.length === 3) {
    c.db.set(argv[1] as string, argv[2] as string);
    keyspaceEvent(c, NOTIFY.STRING, 'set', argv[1] as string);
    return OK;
  }
  return setWithOptions(c, argv);
}

function setWithOptions(c: Client, argv: string[]): Reply {
  const packed = parseStringOptions(argv, true);
  const flags = packed & FLAGS_MASK;
  const expireIndex = packed >>> EXPIRE_INDEX_SHIFT;
  const key = argv[1] as string;
  const when: ExpireTime = expireIndex === 0 ? -1 : expireAt(argv[expireIndex] as string, flags, 'set');
  const db = c.db;
  const withGet = (flags & F_GET) !== 0;
  const old = withGet ? db.getString(key, true) : null;
  const found = withGet ? old !== null : db.exists(key);
  if (((flags & F_NX) !== 0 && found) || ((flags & F_XX) !== 0 && !found)) return old;
  db.set(key, argv[2] as string, (flags & F_KEEPTTL) !== 0 || when !== -1);
  keyspaceEvent(c, NOTIFY.STRING, 'set', key);
  if (when !== -1) {
    db.setExpire(key, when);
    keyspaceEvent(c, NOTIFY.GENERIC, 'expire', key);
    // Recorded with the absolute expiry and no other option (as Redis 7.0): a replay expires it at the same instant.
    rewriteCommand(c, ['SET', key, argv[2] as string, 'PXAT', String(when)]);
  }
  return withGet ? old : OK;
}

const KEY_OW_UPDATE: readonly KeySpecFlag[] = ['OW', 'update'];
const KEY_RW_ACCESS_UPDATE: readonly KeySpecFlag[] = ['RW', 'access', 'update'];

/** Redis's setGetKeys: with a GET option the key is also read. */
function setGetKeys(argv: readonly string[]): KeyRef[] {
  for (let i = 3; i < argv.length; i++) {
    if (optionWord(argv[i] as string) === 'get') return [{ pos: 1, flags: KEY_RW_ACCESS_UPDATE }];
  }
  return [{ pos: 1, flags: KEY_OW_UPDATE }];
}

function setnxCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const key = argv[1] as string;
  if (db.exists(key)) return 0;
  db.add(key, argv[2] as string);
  keyspaceEvent(c, NOTIFY.STRING, 'set', key);
  return 1;
}

function setexGeneric(c: Client, argv: string[], flags: number, command: string): Reply {
  const key = argv[1] as string;
  const when = expireAt(argv[2] as string, flags, command);
  c.db.set(key, argv[3] as string, true);
  keyspaceEvent(c, NOTIFY.STRING, 'set', key);
  c.db.setExpire(key, when);
  keyspaceEvent(c, NOTIFY.GENERIC, 'expire', key);
  rewriteCommand(c, ['SET', key, argv[3] as string, 'PXAT', String(when)]);
  return OK;
}

function setexCommand(c: Client, argv: string[]): Reply {
  return setexGeneric(c, argv, F_EX, 'setex');
}

function psetexCommand(c: Client, argv: string[]): Reply {
  return setexGeneric(c, argv, F_PX, 'psetex');
}

function getsetCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const old = c.db.getString(key, true);
  c.db.set(key, argv[2] as string);
  keyspaceEvent(c, NOTIFY.STRING, 'set', key);
  rewriteCommand(c, ['SET', key, argv[2] as string]);
  return old;
}

function getdelCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const v = c.db.getString(key, true);
  if (v !== null && c.db.delete(key)) {
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
    rewriteCommand(c, [c.server.config.get<boolean>('lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', key]);
  }
  return v;
}

function getexCommand(c: Client, argv: string[]): Reply {
  const packed = argv.length > 2 ? parseStringOptions(argv, false) : 0;
  const flags = packed & FLAGS_MASK;
  const expireIndex = packed >>> EXPIRE_INDEX_SHIFT;
  const db = c.db;
  const key = argv[1] as string;
  const v = db.getString(key, true);
  if (v === null) return null;
  // As in Redis the expire value is validated only once the key is known to exist.
  if (expireIndex !== 0) {
    const when = expireAt(argv[expireIndex] as string, flags, 'getex');
    if ((flags & (F_EXAT | F_PXAT)) !== 0 && when <= now() && !Database.loading) {
      db.delete(key);
      keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
      rewriteCommand(c, [c.server.config.get<boolean>('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    } else {
      db.setExpire(key, when);
      keyspaceEvent(c, NOTIFY.GENERIC, 'expire', key);
      rewriteCommand(c, ['PEXPIREAT', key, String(when)]);
    }
  } else if ((flags & F_PERSIST) !== 0) {
    if (db.persist(key)) {
      keyspaceEvent(c, NOTIFY.GENERIC, 'persist', key);
      rewriteCommand(c, ['PERSIST', key]);
    }
  }
  return v;
}

// ---- multi-key -------------------------------------------------------------

function mgetCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const out: Reply[] = new Array(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    // MGET answers nil, not WRONGTYPE, for keys of other types.
    // A value comes back as a copy: a string, or bytes when too long for one.
    const v = db.get(argv[j] as string);
    out[j - 1] = v === undefined || v instanceof DataObject ? null : v;
  }
  return out;
}

function msetCommand(c: Client, argv: string[]): Reply {
  if (argv.length % 2 === 0) throw wrongArity('mset');
  const db = c.db;
  for (let j = 1; j < argv.length; j += 2) {
    db.set(argv[j] as string, argv[j + 1] as string);
    keyspaceEvent(c, NOTIFY.STRING, 'set', argv[j] as string);
  }
  return OK;
}

function msetnxCommand(c: Client, argv: string[]): Reply {
  if (argv.length % 2 === 0) throw wrongArity('msetnx');
  const db = c.db;
  for (let j = 1; j < argv.length; j += 2) if (db.exists(argv[j] as string)) return 0;
  for (let j = 1; j < argv.length; j += 2) {
    db.set(argv[j] as string, argv[j + 1] as string);
    keyspaceEvent(c, NOTIFY.STRING, 'set', argv[j] as string);
  }
  return 1;
}

// ---- length and ranges -----------------------------------------------------

/** Redis's checkStringLength: the result may not exceed proto-max-bulk-len. */
export function checkStringLength(c: Client, size: number): void {
  if (size > c.server.protoMaxBulkLen) throw ERR.stringTooLong;
}

function appendCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const key = argv[1] as string;
  const add = argv[2] as string;
  const cur = db.getStringOrBytes(key);
  if (cur === null) {
    db.add(key, add);
    keyspaceEvent(c, NOTIFY.STRING, 'append', key);
    return add.length;
  }
  checkStringLength(c, cur.length + add.length);
  const len = db.append(key, add);
  keyspaceEvent(c, NOTIFY.STRING, 'append', key);
  return len;
}

function strlenCommand(c: Client, argv: string[]): Reply {
  const v = c.db.getStringOrBytes(argv[1] as string);
  return v === null ? 0 : v.length;
}

function getrangeCommand(c: Client, argv: string[]): Reply {
  let start = longLongArg(argv[2] as string);
  let end = longLongArg(argv[3] as string);
  const v = c.db.getStringOrBytes(argv[1] as string);
  if (v === null) return '';
  const len = v.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  return typeof v === 'string' ? v.slice(start, end + 1) : v.latin1Slice(start, end + 1);
}

function setrangeCommand(c: Client, argv: string[]): Reply {
  const offset = longLongArg(argv[2] as string);
  if (offset < 0) throw ERR_STRING.offsetOutOfRange;
  const db = c.db;
  const key = argv[1] as string;
  const value = argv[3] as string;
  const cur = db.getStringOrBytes(key);
  if (cur === null) {
    if (value.length === 0) return 0;
    checkStringLength(c, offset + value.length);
    const buf = Buffer.alloc(offset + value.length);
    buf.latin1Write(value, offset);
    db.add(key, buf, true);
    keyspaceEvent(c, NOTIFY.STRING, 'setrange', key);
    return buf.length;
  }
  if (value.length === 0) return cur.length;
  checkStringLength(c, offset + value.length);
  const [buf] = writableString(c, key, offset + value.length);
  buf.latin1Write(value, offset);
  db.touchWritten(key);
  keyspaceEvent(c, NOTIFY.STRING, 'setrange', key);
  return buf.length;
}

/** Zero padding up to this size goes through APPEND's amortized growth; beyond, a copy. */
const MAX_PAD = 1 << 28;

/**
 * The key's string value as a writable Buffer of at least `size` bytes, as Redis's
 * lookupStringForBitCommand and SETRANGE get it: created zero-filled when missing,
 * zero padded when shorter (growing like APPEND, so rising SETBIT offsets stay
 * amortized O(1)), and marked "raw". WRONGTYPE for other types. The boolean says
 * whether the value was created or grown. The Buffer is a view of the store,
 * valid until the next keyspace write.
 */
export function writableString(c: Client, key: string, size: number): [Buffer, boolean] {
  const db = c.db;
  const cur = db.getBytes(key);
  if (cur === null) {
    db.add(key, Buffer.alloc(size), true);
    return [db.getBytes(key) as Buffer, true];
  }
  if (cur.length >= size) return [cur, false];
  const pad = size - cur.length;
  if (pad <= MAX_PAD) {
    db.append(key, '\0'.repeat(pad));
  } else {
    const grown = Buffer.alloc(size);
    cur.copy(grown, 0);
    db.set(key, grown, true, true);
  }
  return [db.getBytes(key) as Buffer, true];
}

// ---- counters --------------------------------------------------------------

function incrDecr(c: Client, key: string, incr: number | bigint): Reply {
  const db = c.db;
  const slot = db.lookup(key);
  const cur = slot === NONE ? null : db.stringAt(slot);
  let value: number | bigint = 0;
  if (cur !== null) {
    // Bytes come back only for a value too long to be any number.
    const v = typeof cur === 'string' ? parseInt64(cur) : undefined;
    if (v === undefined) throw ERR.notInteger;
    value = v;
  }
  let result: number | bigint;
  if (typeof value === 'number' && typeof incr === 'number' && Number.isSafeInteger(value + incr)) {
    result = value + incr;
  } else {
    // Past 2^53: exact int64 arithmetic, with Redis's overflow check.
    const big = BigInt(value) + BigInt(incr);
    if (big > LLONG_MAX || big < LLONG_MIN) throw ERR.overflow;
    const n = Number(big);
    result = Number.isSafeInteger(n) ? n : big;
  }
  const text = String(result);
  if (slot === NONE) db.add(key, text);
  else db.setAt(slot, text, true);
  keyspaceEvent(c, NOTIFY.STRING, 'incrby', key);
  return result;
}

function incrCommand(c: Client, argv: string[]): Reply {
  return incrDecr(c, argv[1] as string, 1);
}

function decrCommand(c: Client, argv: string[]): Reply {
  return incrDecr(c, argv[1] as string, -1);
}

function incrbyCommand(c: Client, argv: string[]): Reply {
  const incr = parseInt64(argv[2] as string);
  if (incr === undefined) throw ERR.notInteger;
  return incrDecr(c, argv[1] as string, incr);
}

function decrbyCommand(c: Client, argv: string[]): Reply {
  const decr = parseInt64(argv[2] as string);
  if (decr === undefined) throw ERR.notInteger;
  if (decr === LLONG_MIN) throw ERR_STRING.decrementOverflow;
  return incrDecr(c, argv[1] as string, -decr);
}

/** A missing key counts as 0. */
const LONG_DOUBLE_ZERO = { neg: false, mant: 0n, exp: 0 } as const;

function incrbyfloatCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const key = argv[1] as string;
  const cur = db.getString(key);
  const value = cur === null ? LONG_DOUBLE_ZERO : typeof cur === 'string' ? parseLongDouble(cur) : undefined;
  if (value === undefined) throw ERR.notFloat;
  const incr = parseLongDouble(argv[2] as string);
  if (incr === undefined) throw ERR.notFloat;
  const sum = addLongDouble(value, incr);
  if (sum === undefined) throw ERR.nanOrInfinity;
  const text = formatLongDoubleHuman(sum);
  if (cur === null) db.add(key, text);
  else db.set(key, text, true);
  // createStringObjectFromLongDouble skips tryObjectEncoding: "8" stays an embstr.
  db.markEmbstr(db.peek(key));
  keyspaceEvent(c, NOTIFY.STRING, 'incrbyfloat', key);
  // The result, not the increment: float arithmetic need not replay exactly.
  rewriteCommand(c, ['SET', key, text, 'KEEPTTL']);
  return text;
}

// ---- LCS -------------------------------------------------------------------

/**
 * An LCS input as bytes (a view: LCS writes nothing), empty when missing,
 * undefined when of another type. Bytes, not a latin1 string: a value near
 * proto-max-bulk-len is longer than V8's longest string.
 */
function lcsInput(c: Client, key: string): Buffer | undefined {
  try {
    const v = c.db.getStringOrBytes(key);
    return v === null ? EMPTY : typeof v === 'string' ? Buffer.from(v, 'latin1') : v;
  } catch (err) {
    if (err === ERR.wrongType) return undefined;
    throw err;
  }
}

const EMPTY = Buffer.alloc(0);

function lcsCommand(c: Client, argv: string[]): Reply {
  // Both keys are looked up before the type check, as Redis does.
  const a = lcsInput(c, argv[1] as string);
  const b = lcsInput(c, argv[2] as string);
  if (a === undefined || b === undefined) throw ERR_STRING.lcsNotStrings;
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionWord(argv[j] as string);
    const more = argv.length - 1 - j;
    if (opt === 'idx') {
      getIdx = true;
    } else if (opt === 'len') {
      getLen = true;
    } else if (opt === 'withmatchlen') {
      withMatchLen = true;
    } else if (opt === 'minmatchlen' && more > 0) {
      minMatchLen = Math.max(0, longLongArg(argv[++j] as string));
    } else {
      throw ERR.syntax;
    }
  }
  if (getLen && getIdx) throw ERR_STRING.lcsLenAndIdx;
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  const cells = (alen + 1) * width;
  if (cells * 4 > c.server.protoMaxBulkLen) throw ERR_STRING.lcsTooMuchMemory;
  let lcs: Uint32Array;
  try {
    lcs = new Uint32Array(cells);
  } catch {
    throw ERR_STRING.lcsAllocFailed;
  }
  // lcs[i * width + j] is the LCS length of a[0..i-1] and b[0..j-1]; row 0 and column 0 stay 0.
  for (let i = 1; i <= alen; i++) {
    const ca = a[i - 1] as number;
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ca === b[j - 1]) {
        lcs[row + j] = (lcs[prev + j - 1] as number) + 1;
      } else {
        const up = lcs[prev + j] as number;
        const left = lcs[row + j - 1] as number;
        lcs[row + j] = Math.max(up, left);
      }
    }
  }
  const total = lcs[alen * width + blen] as number;
  if (getLen) return total;
  // Walk back from the end, collecting the LCS and (for IDX) the matching ranges
  // exactly in the order Redis emits them.
  const result = Buffer.allocUnsafe(total);
  const matches: Reply[] = [];
  let idx = total;
  let aStart = alen; // alen means "no range open"
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1] as number;
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = lcs[(i - 1) * width + j] as number;
      const left = lcs[i * width + j - 1] as number;
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        const m: Reply[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ];
        if (withMatchLen) m.push(matchLen);
        matches.push(m);
      }
      aStart = alen;
    }
  }
  if (getIdx) return new MapReply(['matches', matches, 'len', total]);
  return result.latin1Slice(0, total);
}

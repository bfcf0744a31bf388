/**
 * Generic (keyspace) commands: DEL, UNLINK, EXISTS, TYPE, RENAME[NX], COPY, MOVE,
 * TOUCH, the EXPIRE and TTL families, PERSIST, KEYS, SCAN, RANDOMKEY and OBJECT.
 *
 * DBSIZE, FLUSHDB, FLUSHALL and SWAPDB are documented by Redis in the server group
 * (their specs say `group: 'server'`, which COMMAND DOCS reports), but they are
 * whole-keyspace operations on `Database` like the rest of this file and share its
 * helpers, so they live here rather than among configuration and introspection.
 *
 * Option words are compared as Redis's `strcasecmp` does: on the C string, i.e. up
 * to the first NUL byte (`EXPIRE k 10 "nx\0junk"` is NX in Redis too).
 */

import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { rewriteCommand } from '../persistence/aof/propagation.js';
import { killBgsave } from '../persistence/bgsave.js';
import { savePoints, saveSync } from '../persistence/snapshot.js';
import { OK, type Reply, StatusReply } from '../protocol/reply.js';
import { Database, type ExpireTime, NONE, type Slot } from '../store/database.js';
import { lfuDecrAndReturn } from '../store/lfu.js';
import { DataObject, typeOf, type Value } from '../store/value.js';
import { idleSeconds, now } from '../util/clock.js';
import { globMatch } from '../util/glob.js';
import { isCSpace, LLONG_MAX, LLONG_MIN, parseInt64 } from '../util/number.js';
import { intArg } from './args.js';
import { cString, ERR, GENERIC_ERR, invalidExpireTime, unsupportedOption } from './errors.js';
import { helpReply } from './help.js';
import type { CommandSpec } from './spec.js';

export const genericCommands = [
  {
    name: 'del',
    group: 'generic',
    summary: 'Delete a key',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [{ flags: ['RM', 'delete'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: delCommand,
  },
  {
    name: 'unlink',
    group: 'generic',
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    since: '4.0.0',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [{ flags: ['RM', 'delete'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: unlinkCommand,
  },
  {
    name: 'exists',
    group: 'generic',
    summary: 'Determine if a key exists',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: existsCommand,
  },
  {
    name: 'type',
    group: 'generic',
    summary: 'Determine the type stored at key',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: typeCommand,
  },
  {
    name: 'rename',
    group: 'generic',
    summary: 'Rename a key',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write'],
    acl: ['keyspace'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'update'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'newkey', type: 'key', key_spec_index: 1 },
    ],
    handler: renameCommand,
  },
  {
    name: 'renamenx',
    group: 'generic',
    summary: 'Rename a key, only if the new key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [
      ['3.2.0', 'The command no longer returns an error when source and destination names are the same.'],
    ],
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'newkey', type: 'key', key_spec_index: 1 },
    ],
    handler: renamenxCommand,
  },
  {
    name: 'copy',
    group: 'generic',
    summary: 'Copy a key',
    since: '6.2.0',
    complexity:
      'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['keyspace'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'update'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', flags: ['optional'] },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', flags: ['optional'] },
    ],
    handler: copyCommand,
  },
  {
    name: 'move',
    group: 'generic',
    summary: 'Move a key to another database',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'db', type: 'integer' },
    ],
    handler: moveCommand,
  },
  {
    name: 'touch',
    group: 'generic',
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: touchCommand,
  },
  {
    name: 'expire',
    group: 'generic',
    summary: "Set a key's time to live in seconds",
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'seconds', type: 'integer' },
      {
        name: 'condition',
        type: 'oneof',
        since: '7.0.0',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
          { name: 'gt', type: 'pure-token', token: 'GT' },
          { name: 'lt', type: 'pure-token', token: 'LT' },
        ],
      },
    ],
    handler: expireCommand,
  },
  {
    name: 'pexpire',
    group: 'generic',
    summary: "Set a key's time to live in milliseconds",
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'milliseconds', type: 'integer' },
      {
        name: 'condition',
        type: 'oneof',
        since: '7.0.0',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
          { name: 'gt', type: 'pure-token', token: 'GT' },
          { name: 'lt', type: 'pure-token', token: 'LT' },
        ],
      },
    ],
    handler: pexpireCommand,
  },
  {
    name: 'expireat',
    group: 'generic',
    summary: 'Set the expiration for a key as a UNIX timestamp',
    since: '1.2.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'unix-time-seconds', type: 'unix-time' },
      {
        name: 'condition',
        type: 'oneof',
        since: '7.0.0',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
          { name: 'gt', type: 'pure-token', token: 'GT' },
          { name: 'lt', type: 'pure-token', token: 'LT' },
        ],
      },
    ],
    handler: expireatCommand,
  },
  {
    name: 'pexpireat',
    group: 'generic',
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'unix-time-milliseconds', type: 'unix-time' },
      {
        name: 'condition',
        type: 'oneof',
        since: '7.0.0',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
          { name: 'gt', type: 'pure-token', token: 'GT' },
          { name: 'lt', type: 'pure-token', token: 'LT' },
        ],
      },
    ],
    handler: pexpireatCommand,
  },
  {
    name: 'ttl',
    group: 'generic',
    summary: 'Get the time to live for a key in seconds',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: ttlCommand,
  },
  {
    name: 'pttl',
    group: 'generic',
    summary: 'Get the time to live for a key in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: pttlCommand,
  },
  {
    name: 'expiretime',
    group: 'generic',
    summary: 'Get the expiration Unix timestamp for a key',
    since: '7.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: expiretimeCommand,
  },
  {
    name: 'pexpiretime',
    group: 'generic',
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    since: '7.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: pexpiretimeCommand,
  },
  {
    name: 'persist',
    group: 'generic',
    summary: 'Remove the expiration from a key',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: persistCommand,
  },
  {
    name: 'keys',
    group: 'generic',
    summary: 'Find all keys matching the given pattern',
    since: '1.0.0',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    args: [{ name: 'pattern', type: 'pattern' }],
    handler: keysCommand,
  },
  {
    name: 'scan',
    group: 'generic',
    summary: 'Incrementally iterate the keys space',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    arity: -2,
    flags: ['readonly'],
    acl: ['keyspace'],
    tips: ['nondeterministic_output', 'request_policy:special'],
    args: [
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
      { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', flags: ['optional'] },
    ],
    handler: scanCommand,
  },
  {
    name: 'randomkey',
    group: 'generic',
    summary: 'Return a random key from the keyspace',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['readonly'],
    acl: ['keyspace'],
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    handler: randomkeyCommand,
  },
  {
    name: 'object',
    group: 'generic',
    summary: 'A container for object introspection commands',
    since: '2.2.3',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'encoding',
        group: 'generic',
        summary: 'Inspect the internal encoding of a Redis object',
        since: '2.2.3',
        complexity: 'O(1)',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace'],
        tips: ['nondeterministic_output'],
        keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
        handler: objectEncodingCommand,
      },
      {
        name: 'freq',
        group: 'generic',
        summary: 'Get the logarithmic access frequency counter of a Redis object',
        since: '4.0.0',
        complexity: 'O(1)',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace'],
        tips: ['nondeterministic_output'],
        keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
        handler: objectFreqCommand,
      },
      {
        name: 'help',
        group: 'generic',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['keyspace'],
        handler: objectHelpCommand,
      },
      {
        name: 'idletime',
        group: 'generic',
        summary: 'Get the time since a Redis object was last accessed',
        since: '2.2.3',
        complexity: 'O(1)',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace'],
        tips: ['nondeterministic_output'],
        keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
        handler: objectIdletimeCommand,
      },
      {
        name: 'refcount',
        group: 'generic',
        summary: 'Get the number of references to the value of the key',
        since: '2.2.3',
        complexity: 'O(1)',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace'],
        tips: ['nondeterministic_output'],
        keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
        handler: objectRefcountCommand,
      },
    ],
  },
  {
    name: 'dbsize',
    group: 'server',
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler: dbsizeCommand,
  },
  {
    name: 'flushdb',
    group: 'server',
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: [
      {
        name: 'async',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
          { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
        ],
      },
    ],
    handler: flushdbCommand,
  },
  {
    name: 'flushall',
    group: 'server',
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: [
      {
        name: 'async',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
          { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
        ],
      },
    ],
    handler: flushallCommand,
  },
  {
    name: 'swapdb',
    group: 'server',
    summary: 'Swaps two Redis databases',
    since: '4.0.0',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'dangerous'],
    args: [
      { name: 'index1', type: 'integer' },
      { name: 'index2', type: 'integer' },
    ],
    handler: swapdbCommand,
  },
] as const satisfies readonly CommandSpec[];

// ---- argument parsing ----

/** An option word as `strcasecmp` sees it: up to the first NUL, case-folded. */
function word(s: string): string {
  return cString(s).toLowerCase();
}

/** A database by index, as `selectDb` checks it. */
function dbAt(c: Client, id: number): Database {
  const db = id < 0 ? undefined : c.server.dbs[id];
  if (db === undefined) throw ERR.dbIndexOutOfRange;
  return db;
}

const ULONG_MAX = 18446744073709551615n;

/**
 * `parseScanCursorOrReply`: C `strtoul(s, &end, 10)` that must stop at the end of
 * the C string, with no leading space and no overflow. strtoul accepts a sign (a
 * negative cursor wraps modulo 2^64) and, with no digits at all, returns 0 and
 * stops at the start, which is valid only for an empty C string.
 */
export function parseScanCursor(s: string): number {
  const len = s.length;
  if (len > 0 && isCSpace(s.charCodeAt(0))) throw ERR.invalidCursor;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 /* + */ || c0 === 45 /* - */) i = 1;
  let j = i;
  while (j < len) {
    const d = s.charCodeAt(j);
    if (d < 48 || d > 57) break;
    j++;
  }
  if (j === i) {
    if (len === 0 || c0 === 0) return 0;
    throw ERR.invalidCursor;
  }
  if (j < len && s.charCodeAt(j) !== 0) throw ERR.invalidCursor;
  let v = j - i <= 15 ? BigInt(Number(s.slice(i, j))) : BigInt(s.slice(i, j));
  if (v > ULONG_MAX) throw ERR.invalidCursor;
  if (c0 === 45 && v !== 0n) v = ULONG_MAX + 1n - v;
  // Our cursors are slot numbers: any value past the last slot ends the scan.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

// ---- lookups with Redis's flags ----

/**
 * `lookupKeyReadWithFlags(LOOKUP_NOTOUCH)` (EXISTS, TYPE, TTL, OBJECT, SCAN TYPE):
 * the access time is left alone but keyspace hits and misses are counted.
 */
function lookupReadNoTouch(db: Database, key: string): Slot {
  const touch = Database.noTouch;
  const stats = Database.countStats;
  Database.noTouch = true;
  Database.countStats = true;
  const slot = db.lookup(key);
  Database.noTouch = touch;
  Database.countStats = stats;
  return slot;
}

/**
 * OBJECT's lookup (`LOOKUP_NOTOUCH | LOOKUP_NONOTIFY`): counted in keyspace hits
 * and misses, but a miss is no "keymiss" event.
 */
function lookupObject(db: Database, key: string): Slot {
  const slot = db.peek(key);
  if (slot === NONE) db.misses++;
  else db.hits++;
  return slot;
}

/** `lookupKeyRead` from a write command (COPY's source): counted in keyspace hits and misses. */
function lookupRead(db: Database, key: string): Slot {
  const stats = Database.countStats;
  Database.countStats = true;
  const slot = db.lookup(key);
  Database.countStats = stats;
  return slot;
}

// ---- DEL, UNLINK, EXISTS, TYPE, TOUCH ----

function delGeneric(c: Client, argv: string[], lazy: boolean): Reply {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i] as string;
    if (lazy) {
      const slot = db.slotOf(key);
      if (slot !== NONE) c.server.memory.countLazyFree(db, slot);
    }
    if (db.delete(key)) {
      n++;
      keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
    }
  }
  return n;
}

function delCommand(c: Client, argv: string[]): Reply {
  return delGeneric(c, argv, c.server.config.get<boolean>('lazyfree-lazy-user-del'));
}

/** Freeing never blocks in Redoubt, so UNLINK is DEL (counted as a lazy free, as Redis). */
function unlinkCommand(c: Client, argv: string[]): Reply {
  return delGeneric(c, argv, true);
}

function existsCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupReadNoTouch(db, argv[i] as string) !== NONE) n++;
  return n;
}

const TYPE_REPLIES = new Map<string, StatusReply>(
  ['none', 'string', 'list', 'set', 'zset', 'hash', 'stream'].map((t) => [t, new StatusReply(t)]),
);

function typeName(db: Database, key: string): string {
  const slot = lookupReadNoTouch(db, key);
  if (slot === NONE) return 'none';
  // A string's type needs no copy of its bytes.
  return db.isStringAt(slot) ? 'string' : typeOf(db.value(slot));
}

function typeCommand(c: Client, argv: string[]): Reply {
  return TYPE_REPLIES.get(typeName(c.db, argv[1] as string)) as StatusReply;
}

function touchCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (db.lookup(argv[i] as string) !== NONE) n++;
  return n;
}

// ---- RENAME, RENAMENX, COPY, MOVE ----

function renameGeneric(c: Client, argv: string[], nx: boolean): Reply {
  const db = c.db;
  const from = argv[1] as string;
  const to = argv[2] as string;
  if (db.lookup(from) === NONE) throw ERR.noKey;
  // Same name: nothing to do, but a missing key is still an error (checked above).
  if (from === to) return nx ? 0 : OK;
  if (db.lookup(to) !== NONE && nx) return 0;
  db.rename(from, to);
  keyspaceEvent(c, NOTIFY.GENERIC, 'rename_from', from);
  keyspaceEvent(c, NOTIFY.GENERIC, 'rename_to', to);
  return nx ? 1 : OK;
}

function renameCommand(c: Client, argv: string[]): Reply {
  return renameGeneric(c, argv, false);
}

function renamenxCommand(c: Client, argv: string[]): Reply {
  return renameGeneric(c, argv, true);
}

/** Redis's `dupStringObject` / type `dup`: a copy that shares nothing mutable. */
function duplicate(v: Value): Value {
  if (v instanceof DataObject) return v.clone();
  // `value()` hands strings out as fresh copies (bytes when too long for a JS string).
  return v;
}

function copyCommand(c: Client, argv: string[]): Reply {
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = word(argv[j] as string);
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && j + 1 < argv.length) {
      dst = dbAt(c, intArg(argv[j + 1] as string));
      j++;
    } else {
      throw ERR.syntax;
    }
  }
  const key = argv[1] as string;
  const newkey = argv[2] as string;
  if (src === dst && key === newkey) throw ERR.sameObject;
  const slot = lookupRead(src, key);
  if (slot === NONE) return 0;
  const value = src.value(slot);
  const raw = src.isRaw(slot);
  const embstr = src.isEmbstr(slot);
  const when = src.getExpireExact(key);
  if (dst.lookup(newkey) !== NONE) {
    if (!replace) return 0;
    // Deleted, then added anew (keyspace event "new"), as Redis does.
    dst.delete(newkey);
  }
  dst.set(newkey, duplicate(value), false, raw);
  // A copied small integer is a private object in Redis (refcount 1), not the shared one.
  dst.markUnshared(dst.peek(newkey));
  if (embstr) dst.markEmbstr(dst.peek(newkey));
  if (when !== -1) dst.setExpire(newkey, when);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'copy_to', newkey, dst.id);
  return 1;
}

function moveCommand(c: Client, argv: string[]): Reply {
  const src = c.db;
  const dst = dbAt(c, intArg(argv[2] as string));
  if (src === dst) throw ERR.sameObject;
  const key = argv[1] as string;
  const slot = src.lookup(key);
  if (slot === NONE) return 0;
  const when = src.getExpireExact(key);
  if (dst.lookup(key) !== NONE) return 0;
  // The same object moves: its encoding flags come along.
  const value = src.value(slot);
  const raw = src.isRaw(slot);
  const unshared = src.isUnshared(slot);
  const embstr = src.isEmbstr(slot);
  src.delete(key);
  dst.add(key, value, raw);
  if (unshared) dst.markUnshared(dst.peek(key));
  if (embstr) dst.markEmbstr(dst.peek(key));
  if (when !== -1) dst.setExpire(key, when);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'move_from', key, src.id);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'move_to', key, dst.id);
  return 1;
}

// ---- EXPIRE family, TTL family, PERSIST ----

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** `parseExtendedExpireArgumentsOrReply`: checked before the time argument. */
function parseExpireFlags(argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    const w = word(opt);
    if (w === 'nx') flags |= EXPIRE_NX;
    else if (w === 'xx') flags |= EXPIRE_XX;
    else if (w === 'gt') flags |= EXPIRE_GT;
    else if (w === 'lt') flags |= EXPIRE_LT;
    else throw unsupportedOption(opt);
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0)
    throw GENERIC_ERR.expireNxAndOthers;
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) throw GENERIC_ERR.expireGtAndLt;
  return flags;
}

/** Below this magnitude the unit conversion and base addition stay exact as JS numbers. */
const FAST_LIMIT = 1e12;

/**
 * `expireGenericCommand`: `relative` adds the current time; `seconds` scales by
 * 1000. Overflow of either step is "invalid expire time"; a time already past
 * deletes the key (reply 1).
 */
function expireGeneric(c: Client, argv: string[], name: string, relative: boolean, seconds: boolean): Reply {
  const flags = parseExpireFlags(argv);
  const v = parseInt64(argv[2] as string);
  if (v === undefined) throw ERR.notInteger;
  const base = relative ? now() : 0;
  let when: ExpireTime;
  if (typeof v === 'number' && v < FAST_LIMIT && v > -FAST_LIMIT) {
    when = (seconds ? v * 1000 : v) + base;
  } else {
    let w = BigInt(v);
    if (seconds) {
      if (w > LLONG_MAX / 1000n || w < LLONG_MIN / 1000n) throw invalidExpireTime(name);
      w *= 1000n;
    }
    const b = BigInt(base);
    if (w > LLONG_MAX - b) throw invalidExpireTime(name);
    when = w + b;
  }
  const db = c.db;
  const key = argv[1] as string;
  if (db.lookup(key) === NONE) return 0;
  if (flags !== 0) {
    const current = db.getExpireExact(key);
    if ((flags & EXPIRE_NX) !== 0 && current !== -1) return 0;
    if ((flags & EXPIRE_XX) !== 0 && current === -1) return 0;
    // No TTL counts as an infinite one: GT always fails, LT always passes.
    if ((flags & EXPIRE_GT) !== 0 && (current === -1 || when <= current)) return 0;
    if ((flags & EXPIRE_LT) !== 0 && current !== -1 && when >= current) return 0;
  }
  // Already expired (never while loading the AOF, as Redis's checkAlreadyExpired).
  if (when <= now() && !Database.loading) {
    db.delete(key);
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
    rewriteCommand(c, [c.server.config.get<boolean>('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    return 1;
  }
  db.setExpire(key, when);
  db.observer.modified(db, key);
  keyspaceEvent(c, NOTIFY.GENERIC, 'expire', key);
  // Recorded as PEXPIREAT with the absolute time (options kept), as Redis: a replay expires it at the same instant.
  if (name !== 'pexpireat') rewriteCommand(c, ['PEXPIREAT', key, String(when), ...argv.slice(3)]);
  return 1;
}

function expireCommand(c: Client, argv: string[]): Reply {
  return expireGeneric(c, argv, 'expire', true, true);
}

function pexpireCommand(c: Client, argv: string[]): Reply {
  return expireGeneric(c, argv, 'pexpire', true, false);
}

function expireatCommand(c: Client, argv: string[]): Reply {
  return expireGeneric(c, argv, 'expireat', false, true);
}

function pexpireatCommand(c: Client, argv: string[]): Reply {
  return expireGeneric(c, argv, 'pexpireat', false, false);
}

/**
 * `ttlGenericCommand`: -2 missing, -1 persistent, else the remaining (or, with
 * `absolute`, the expiry) time, never negative; seconds are rounded half up.
 */
function ttlGeneric(c: Client, key: string, ms: boolean, absolute: boolean): Reply {
  const db = c.db;
  if (lookupReadNoTouch(db, key) === NONE) return -2;
  const expire = db.getExpireExact(key);
  if (expire === -1) return -1;
  if (typeof expire === 'number') {
    let ttl = absolute ? expire : expire - now();
    if (ttl < 0) ttl = 0;
    return ms ? ttl : Math.floor((ttl + 500) / 1000);
  }
  let ttl = absolute ? expire : expire - BigInt(now());
  if (ttl < 0n) ttl = 0n;
  return ms ? ttl : (ttl + 500n) / 1000n;
}

function ttlCommand(c: Client, argv: string[]): Reply {
  return ttlGeneric(c, argv[1] as string, false, false);
}

function pttlCommand(c: Client, argv: string[]): Reply {
  return ttlGeneric(c, argv[1] as string, true, false);
}

function expiretimeCommand(c: Client, argv: string[]): Reply {
  return ttlGeneric(c, argv[1] as string, false, true);
}

function pexpiretimeCommand(c: Client, argv: string[]): Reply {
  return ttlGeneric(c, argv[1] as string, true, true);
}

function persistCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const key = argv[1] as string;
  if (db.lookup(key) === NONE || !db.persist(key)) return 0;
  db.observer.modified(db, key);
  keyspaceEvent(c, NOTIFY.GENERIC, 'persist', key);
  return 1;
}

// ---- KEYS, SCAN, RANDOMKEY ----

/** Expired keys are skipped (not deleted, as in Redis). */
function keysCommand(c: Client, argv: string[]): Reply {
  const pattern = argv[1] as string;
  const all = pattern === '*';
  const out: string[] = [];
  for (const key of c.db.keys()) if (all || globMatch(pattern, key)) out.push(key);
  return out;
}

/**
 * `scanGenericCommand` over the keyspace. COUNT bounds the keys collected by one
 * step (before MATCH and TYPE filter them, as in Redis). Expired keys are never
 * returned, not even to `TYPE none` (which Redis 7.0 lets through).
 */
function scanCommand(c: Client, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[1] as string);
  let count = 10;
  let pattern: string | undefined;
  let type: string | undefined;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = word(argv[i] as string);
    const arg = argv[i + 1];
    if (arg === undefined) throw ERR.syntax;
    if (opt === 'count') {
      const v = parseInt64(arg);
      if (v === undefined) throw ERR.notInteger;
      if (v < 1) throw ERR.syntax;
      count = Number(v);
    } else if (opt === 'match') {
      pattern = arg === '*' ? undefined : arg;
    } else if (opt === 'type') {
      type = word(arg);
    } else {
      throw ERR.syntax;
    }
  }
  const db = c.db;
  const found: string[] = [];
  const next = db.scan(cursor, count, found);
  let keys = found;
  if (pattern !== undefined || type !== undefined) {
    keys = [];
    for (const key of found) {
      if (pattern !== undefined && !globMatch(pattern, key)) continue;
      if (type !== undefined && typeName(db, key) !== type) continue;
      keys.push(key);
    }
  }
  return [String(next), keys];
}

function randomkeyCommand(c: Client): Reply {
  return c.db.randomKey();
}

// ---- OBJECT ----

/** OBJ_SHARED_INTEGERS: 0..9999 are shared objects unless an LRU/LFU policy needs private clocks. */
const SHARED_INTEGERS = 10000;
/** OBJ_SHARED_REFCOUNT (INT_MAX). */
const SHARED_REFCOUNT = 2147483647;
/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

/**
 * The encoding `tryObjectEncoding` picks, or "raw" once modified in place;
 * `embstr`: stored without tryObjectEncoding, so never "int".
 */
function stringEncoding(v: string | Buffer, raw: boolean, embstr: boolean): string {
  if (raw || typeof v !== 'string') return 'raw';
  if (!embstr && v.length <= 20 && parseInt64(v) !== undefined) return 'int';
  return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

function lfuPolicy(c: Client): boolean {
  return c.server.memory.policyIsLfu;
}

/** MAXMEMORY_FLAG_NO_SHARED_INTEGERS applies only while maxmemory is set. */
function sharedIntegers(c: Client): boolean {
  if (Number(c.server.config.get<number | bigint>('maxmemory')) === 0) return true;
  const policy = c.server.config.get<string>('maxmemory-policy');
  return !policy.includes('lru') && !policy.includes('lfu');
}

function objectEncodingCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const slot = lookupObject(db, argv[2] as string);
  if (slot === NONE) return null;
  // Long strings are "raw" whatever they hold: no need to copy them out.
  if (db.isStringAt(slot) && db.stringLengthAt(slot) > EMBSTR_SIZE_LIMIT) return 'raw';
  const v = db.value(slot);
  return v instanceof DataObject ? v.encoding() : stringEncoding(v, db.isRaw(slot), db.isEmbstr(slot));
}

function objectRefcountCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const slot = lookupObject(db, argv[2] as string);
  if (slot === NONE) return null;
  if (!db.isStringAt(slot) || db.stringLengthAt(slot) > 4) return 1;
  const v = db.value(slot);
  if (typeof v !== 'string' || db.isRaw(slot) || db.isUnshared(slot) || db.isEmbstr(slot)) return 1;
  const n = parseInt64(v);
  return n !== undefined && n >= 0 && n < SHARED_INTEGERS && sharedIntegers(c) ? SHARED_REFCOUNT : 1;
}

function objectIdletimeCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const slot = lookupObject(db, argv[2] as string);
  if (slot === NONE) return null;
  if (lfuPolicy(c)) throw GENERIC_ERR.lfuSelected;
  return idleSeconds(db.lruOf(slot));
}

function objectFreqCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const slot = lookupObject(db, argv[2] as string);
  if (slot === NONE) return null;
  if (!lfuPolicy(c)) throw GENERIC_ERR.lfuNotSelected;
  return lfuDecrAndReturn(db.lruOf(slot), c.server.memory.lfu.decayTime);
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelpCommand(): Reply {
  return helpReply('OBJECT', OBJECT_HELP);
}

// ---- DBSIZE, FLUSHDB, FLUSHALL, SWAPDB (server group) ----

function dbsizeCommand(c: Client): Reply {
  // Like Redis, counts keys that expired but were not reclaimed yet.
  return c.db.size;
}

/** `getFlushCommandFlags`: nothing, ASYNC or SYNC. Both free through the GC, so they act alike. */
function checkFlushArgs(argv: string[]): void {
  if (argv.length === 1) return;
  const w = argv.length === 2 ? word(argv[1] as string) : '';
  if (w !== 'async' && w !== 'sync') throw ERR.syntax;
}

function flushdbCommand(c: Client, argv: string[]): Reply {
  checkFlushArgs(argv);
  c.db.clear();
  return OK;
}

/**
 * flushAllDataAndResetRDB: a BGSAVE in progress is killed (its file would hold
 * the old data); with save points set, the empty dataset is saved at once.
 */
function flushallCommand(c: Client, argv: string[]): Reply {
  checkFlushArgs(argv);
  const server = c.server;
  killBgsave(server);
  for (const db of server.dbs) db.clear();
  if (savePoints(server).length > 0) saveSync(server);
  return OK;
}

const INVALID_FIRST_DB = ERR.invalidFirstDbIndex;
const INVALID_SECOND_DB = ERR.invalidSecondDbIndex;

function swapdbCommand(c: Client, argv: string[]): Reply {
  const id1 = intArg(argv[1] as string, INVALID_FIRST_DB);
  const id2 = intArg(argv[2] as string, INVALID_SECOND_DB);
  const a = dbAt(c, id1);
  const b = dbAt(c, id2);
  if (a !== b) a.swapWith(b);
  // Counted as a change whatever it moved, as Redis (so SWAPDB is always recorded).
  c.server.stats.dirty++;
  return OK;
}

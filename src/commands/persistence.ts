/**
 * Persistence commands: DUMP and RESTORE (values moved between servers in
 * Redis's payload format), SAVE (a synchronous RDB snapshot) and BGSAVE (one
 * written across event-loop turns, src/persistence/bgsave.ts). The formats
 * live in src/persistence/rdb/, the snapshot file in src/persistence/snapshot.ts.
 */

import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { rewriteCommand } from '../persistence/aof/propagation.js';
import { startBgsave } from '../persistence/bgsave.js';
import { RdbError } from '../persistence/rdb/format.js';
import { applyEvictionInfo } from '../persistence/rdb/loader.js';
import { createDumpPayload, readDumpPayload, verifyDumpPayload } from '../persistence/rdb/payload.js';
import { encodeOptions, evictionInfo, persistenceOf, saveSync } from '../persistence/snapshot.js';
import { OK, type Reply, StatusReply } from '../protocol/reply.js';
import { Database, type ExpireTime, NONE } from '../store/database.js';
import { limitsOf } from '../store/types/limits.js';
import type { Value } from '../store/value.js';
import { now } from '../util/clock.js';
import { LLONG_MAX, parseInt64 } from '../util/number.js';
import { cString, ERR, PERSIST_ERR } from './errors.js';
import type { CommandSpec } from './spec.js';

export const persistenceCommands = [
  {
    name: 'dump',
    group: 'generic',
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: dumpCommand,
  },
  {
    name: 'restore',
    group: 'generic',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    complexity:
      'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    history: [
      ['3.0.0', 'Added the `REPLACE` modifier.'],
      ['5.0.0', 'Added the `ABSTTL` modifier.'],
      ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
    ],
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'dangerous'],
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'ttl', type: 'integer' },
      { name: 'serialized-value', type: 'string' },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', flags: ['optional'] },
      { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', flags: ['optional'] },
      { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', flags: ['optional'] },
      { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', flags: ['optional'] },
    ],
    handler: restoreCommand,
  },
  {
    name: 'save',
    group: 'server',
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    handler: saveCommand,
  },
  {
    name: 'bgsave',
    group: 'server',
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    args: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', since: '3.2.2', flags: ['optional'] }],
    handler: bgsaveCommand,
  },
] as const satisfies readonly CommandSpec[];

function dumpCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const slot = db.lookup(argv[1] as string);
  if (slot === NONE) return null;
  return createDumpPayload(
    db.value(slot),
    c.server.config.get<boolean>('rdbcompression'),
    encodeOptions(c.server),
  );
}

/** An int64 argument (getLongLongFromObjectOrReply). */
function int64(s: string): bigint {
  const v = parseInt64(s);
  if (v === undefined) throw ERR.notInteger;
  return BigInt(v);
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  idle: number;
  freq: number;
}

/** restoreCommand's option loop: IDLETIME and FREQ exclude each other (a syntax error). */
function parseRestoreOptions(argv: readonly string[]): RestoreOptions {
  const o: RestoreOptions = { replace: false, absttl: false, idle: -1, freq: -1 };
  for (let j = 4; j < argv.length; j++) {
    const opt = cString(argv[j] as string).toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') o.replace = true;
    else if (opt === 'absttl') o.absttl = true;
    else if (opt === 'idletime' && more >= 1 && o.freq === -1) {
      const v = int64(argv[++j] as string);
      if (v < 0n) throw PERSIST_ERR.invalidIdletime;
      o.idle = Number(v);
    } else if (opt === 'freq' && more >= 1 && o.idle === -1) {
      const v = int64(argv[++j] as string);
      if (v < 0n || v > 255n) throw PERSIST_ERR.invalidFreq;
      o.freq = Number(v);
    } else throw ERR.syntax;
  }
  return o;
}

function restoreCommand(c: Client, argv: string[]): Reply {
  const o = parseRestoreOptions(argv);
  const db = c.db;
  const key = argv[1] as string;
  if (!o.replace && db.lookup(key) !== NONE) throw ERR.busyKey;
  const ttl = int64(argv[2] as string);
  if (ttl < 0n) throw PERSIST_ERR.invalidTtl;
  const payload = Buffer.from(argv[3] as string, 'latin1');
  if (!verifyDumpPayload(payload)) throw PERSIST_ERR.payloadVersionOrChecksum;
  let value: Value;
  try {
    value = readDumpPayload(payload, limitsOf(c.server));
  } catch (err) {
    if (err instanceof RdbError) throw PERSIST_ERR.badDataFormat;
    throw err;
  }
  const deleted = o.replace && db.delete(key);
  let when: ExpireTime = -1;
  if (ttl !== 0n) {
    let abs = o.absttl ? ttl : ttl + BigInt(now());
    // C's signed overflow wraps: such a time is in the past.
    if (abs > LLONG_MAX) abs -= 1n << 64n;
    // Already expired (never while loading the AOF, as Redis's checkAlreadyExpired).
    if (abs <= BigInt(now()) && !Database.loading) {
      if (deleted) {
        keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
        rewriteCommand(c, ['DEL', key]);
      }
      return OK;
    }
    when = abs <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(abs) : abs;
  }
  db.add(key, value);
  if (when !== -1) db.setExpire(key, when);
  // A relative TTL is recorded absolute (ABSTTL), so a replay expires the key at the same instant.
  if (when !== -1 && !o.absttl)
    rewriteCommand(c, [...argv.slice(0, 2), String(when), ...argv.slice(3), 'ABSTTL']);
  applyEvictionInfo(db, key, evictionInfo(c.server), o.idle, o.freq);
  keyspaceEvent(c, NOTIFY.GENERIC, 'restore', key);
  return OK;
}

function saveCommand(c: Client): Reply {
  if (c.server.snapshot?.purpose === 'rdb') throw PERSIST_ERR.bgsaveInProgress;
  persistenceOf(c.server).saves++;
  if (!saveSync(c.server)) throw PERSIST_ERR.saveFailed;
  return OK;
}

const BGSAVE_STARTED = new StatusReply('Background saving started');
const BGSAVE_SCHEDULED = new StatusReply('Background saving scheduled');

/**
 * bgsaveCommand: with an AOF rewrite running, SCHEDULE (or being inside EXEC,
 * which cannot start one half-way through a transaction) defers it to the cron.
 */
function bgsaveCommand(c: Client, argv: string[]): Reply {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && (argv[1] as string).toLowerCase() === 'schedule') schedule = true;
    else throw ERR.syntax;
  }
  const server = c.server;
  const running = server.snapshot;
  if (running?.purpose === 'rdb') throw PERSIST_ERR.bgsaveInProgress;
  if (running !== null || c.multi !== null) {
    if (!schedule && c.multi === null) throw PERSIST_ERR.bgsaveChildActive;
    persistenceOf(server).bgsaveScheduled = true;
    return BGSAVE_SCHEDULED;
  }
  if (!startBgsave(server)) throw PERSIST_ERR.saveFailed;
  return BGSAVE_STARTED;
}

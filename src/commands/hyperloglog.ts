/**
 * HyperLogLog commands (Redis 7.0 group "hyperloglog"): PFADD, PFCOUNT,
 * PFMERGE, and the internal PFDEBUG and PFSELFTEST. An HLL is a string value
 * in Redis's exact format (src/store/hll.ts), stored through the store's string
 * API: TYPE says string, GET returns Redis's bytes, and a value copied from
 * Redis (SET, RESTORE) works here and back.
 *
 * Dense values (12304 bytes) are updated in place in the store's bytes; sparse
 * ones, whose length changes, are edited in a copy and stored back. Like
 * Redis's dbUnshareStringValue, every command that may write an HLL leaves its
 * value "raw" for OBJECT ENCODING, and PFCOUNT writes the cardinality it
 * computes into the value's header cache.
 */

import type { Int } from '../config/kinds.js';
import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { OK, type Reply, StatusReply } from '../protocol/reply.js';
import { Database } from '../store/database.js';
import {
  cachedCard,
  createHll,
  decodeSparse,
  denseRegisters,
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HllWork,
  hllAdd,
  hllCount,
  hllCountRaw,
  hllMerge,
  hllSetRegisters,
  invalidateCache,
  isCacheValid,
  isValidHll,
  selfTest,
  setCachedCard,
  sparseToDense,
} from '../store/hll.js';
import { optionWord } from '../util/words.js';
import { HLL_ERR, pfdebugUnknown, pfselftestFailed } from './errors.js';
import type { CommandSpec } from './spec.js';

export const hyperloglogCommands = [
  {
    name: 'pfadd',
    group: 'hyperloglog',
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hyperloglog'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', flags: ['optional', 'multiple'] },
    ],
    handler: pfaddCommand,
  },
  {
    name: 'pfcount',
    group: 'hyperloglog',
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    since: '2.8.9',
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    arity: -2,
    flags: ['readonly'],
    acl: ['hyperloglog'],
    keySpecs: [
      {
        notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
        flags: ['RW', 'access'],
        begin: { index: 1 },
        find: { range: [-1, 1, 0] },
      },
    ],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: pfcountCommand,
  },
  {
    name: 'pfmerge',
    group: 'hyperloglog',
    summary: 'Merge N different HyperLogLogs into a single one.',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['hyperloglog'],
    keySpecs: [
      { flags: ['RW', 'access', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [-1, 1, 0] } },
    ],
    args: [
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'sourcekey', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: pfmergeCommand,
  },
  {
    name: 'pfdebug',
    group: 'hyperloglog',
    summary: 'Internal commands for debugging HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    acl: ['hyperloglog'],
    keySpecs: [{ flags: ['RW', 'access'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'subcommand', type: 'string' },
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    handler: pfdebugCommand,
  },
  {
    name: 'pfselftest',
    group: 'hyperloglog',
    summary: 'An internal command for testing HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    arity: 1,
    flags: ['admin'],
    acl: ['hyperloglog'],
    handler: pfselftestCommand,
  },
] as const satisfies readonly CommandSpec[];

/** hll-sparse-max-bytes. */
function sparseMaxBytes(c: Client): number {
  return Number(c.server.config.get<Int>('hll-sparse-max-bytes'));
}

/** An HLL being written: its bytes, and the store's own bytes when it is edited in place (dense). */
interface Opened {
  w: HllWork;
  inPlace: Buffer | null;
}

/**
 * An existing HLL opened for writing (Redis's isHLLObjectOrReply then
 * dbUnshareStringValue): dense values in place, sparse ones as a copy.
 * WRONGTYPE for other types and for strings that are not valid HLLs.
 */
function openForWrite(c: Client, key: string): Opened | null {
  const view = c.db.getStringOrBytes(key);
  if (view === null) return null;
  if (typeof view === 'string' || !isValidHll(view)) throw HLL_ERR.notHll;
  // getBytes marks the value raw, as dbUnshareStringValue makes it.
  const bytes = c.db.getBytes(key) as Buffer;
  if (bytes[4] === HLL_DENSE) return { w: new HllWork(bytes, bytes.length), inPlace: bytes };
  return { w: HllWork.copyOf(bytes), inPlace: null };
}

/** Store an edited HLL back: nothing to copy when it still is the store's own bytes. */
function writeBack(c: Client, key: string, o: Opened): void {
  if (o.inPlace !== null && o.w.buf === o.inPlace) c.db.touchWritten(key);
  else c.db.set(key, o.w.bytes(), true, true);
}

function pfaddCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const maxBytes = sparseMaxBytes(c);
  const opened = openForWrite(c, key);
  const w = opened === null ? createHll() : opened.w;
  // A new key counts as an update even without elements.
  let updated = opened === null ? 1 : 0;
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(w, argv[j] as string, maxBytes);
    if (r === 1) updated++;
    else if (r === -1) {
      // Redis keeps what the earlier elements changed, without signalling it.
      if (opened !== null) writeBack(c, key, opened);
      throw HLL_ERR.corrupted;
    }
  }
  if (updated === 0) return 0;
  invalidateCache(w.buf);
  if (opened === null) c.db.add(key, w.bytes(), true);
  else writeBack(c, key, opened);
  keyspaceEvent(c, NOTIFY.STRING, 'pfadd', key);
  return 1;
}

/**
 * dbUnshareStringValue of a value just looked up: the bytes to write the
 * cardinality cache into, marked raw, without counting the key as a second
 * keyspace hit (Redis looks it up once).
 */
function unsharedBytes(db: Database, key: string): Buffer {
  const counting = Database.countStats;
  Database.countStats = false;
  try {
    return db.getBytes(key) as Buffer;
  } finally {
    Database.countStats = counting;
  }
}

function pfcountCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  if (argv.length > 2) {
    // The cardinality of the union: registers merged into one byte per register.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const view = db.getStringOrBytes(argv[j] as string, true);
      if (view === null) continue;
      if (typeof view === 'string' || !isValidHll(view)) throw HLL_ERR.notHll;
      if (!hllMerge(max, view)) throw HLL_ERR.corrupted;
    }
    return hllCountRaw(max);
  }
  const key = argv[1] as string;
  const view = db.getStringOrBytes(key, true);
  if (view === null) return 0;
  if (typeof view === 'string' || !isValidHll(view)) throw HLL_ERR.notHll;
  const bytes = unsharedBytes(db, key);
  if (isCacheValid(bytes)) return cachedCard(bytes);
  const card = hllCount(bytes);
  if (card === undefined) throw HLL_ERR.corrupted;
  // The cache is part of the value: PFCOUNT writes it (a modification for WATCH, as in Redis).
  setCachedCard(bytes, card);
  db.touchWritten(key);
  return card;
}

function pfmergeCommand(c: Client, argv: string[]): Reply {
  const db = c.db;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const view = db.getStringOrBytes(argv[j] as string, true);
    if (view === null) continue;
    if (typeof view === 'string' || !isValidHll(view)) throw HLL_ERR.notHll;
    if (view[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, view)) throw HLL_ERR.corrupted;
  }
  const key = argv[1] as string;
  const opened = openForWrite(c, key);
  const w = opened === null ? createHll() : opened.w;
  if (useDense && !sparseToDense(w)) throw HLL_ERR.corrupted;
  hllSetRegisters(w, max, sparseMaxBytes(c));
  invalidateCache(w.buf);
  if (opened === null) db.add(key, w.bytes(), true);
  else writeBack(c, key, opened);
  // Redis signals PFMERGE as a "pfadd": in effect a mass add.
  keyspaceEvent(c, NOTIFY.STRING, 'pfadd', key);
  return OK;
}

function pfdebugCommand(c: Client, argv: string[]): Reply {
  const sub = argv[1] as string;
  const key = argv[2] as string;
  const opened = openForWrite(c, key);
  if (opened === null) throw HLL_ERR.noSuchKey;
  const w = opened.w;
  switch (optionWord(sub)) {
    case 'getreg': {
      if (w.encoding === HLL_SPARSE) {
        if (!sparseToDense(w)) throw HLL_ERR.corrupted;
        writeBack(c, key, opened);
      }
      return denseRegisters(w.buf);
    }
    case 'decode':
      if (w.encoding !== HLL_SPARSE) throw HLL_ERR.notSparse;
      return decodeSparse(w.bytes());
    case 'encoding':
      return new StatusReply(w.encoding === HLL_DENSE ? 'dense' : 'sparse');
    case 'todense': {
      if (w.encoding !== HLL_SPARSE) return 0;
      if (!sparseToDense(w)) throw HLL_ERR.corrupted;
      writeBack(c, key, opened);
      return 1;
    }
    default:
      throw pfdebugUnknown(sub);
  }
}

function pfselftestCommand(c: Client): Reply {
  const failure = selfTest(sparseMaxBytes(c), () => Math.floor(Math.random() * 2147483648));
  if (failure !== undefined) throw pfselftestFailed(failure);
  return OK;
}

/**
 * MEMORY: USAGE, STATS, DOCTOR, PURGE, MALLOC-STATS and HELP (Redis's object.c).
 * The numbers come from the structural accounting (src/store/memory.ts and
 * src/core/memory.ts); V8's heap stands in for the allocator, as in INFO memory,
 * which reads the same `memoryOverhead` snapshot.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import type { Client } from '../core/client.js';
import { fullGc } from '../core/memory.js';
import type { Server } from '../core/server.js';
import { DoubleReply, MapReply, OK, type Reply, VerbatimReply } from '../protocol/reply.js';
import { NONE } from '../store/database.js';
import { KEY_OVERHEAD, stringBytes } from '../store/memory.js';
import { parseInt64Number } from '../util/number.js';
import { ERR } from './errors.js';
import { helpReply } from './help.js';
import type { CommandSpec } from './spec.js';

const NONDETERMINISTIC_ALL_SHARDS = [
  'nondeterministic_output',
  'request_policy:all_shards',
  'response_policy:special',
];

export const memoryCommands = [
  {
    name: 'memory',
    group: 'server',
    summary: 'A container for memory diagnostics commands',
    since: '4.0.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'doctor',
        group: 'server',
        summary: 'Outputs memory problems report',
        since: '4.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: [],
        tips: NONDETERMINISTIC_ALL_SHARDS,
        handler: (c) => new VerbatimReply('txt', memoryDoctorReport(c.server)),
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '4.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        handler: () => helpReply('MEMORY', MEMORY_HELP),
      },
      {
        name: 'malloc-stats',
        group: 'server',
        summary: 'Show allocator internal stats',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        arity: 2,
        flags: [],
        tips: NONDETERMINISTIC_ALL_SHARDS,
        handler: () => new VerbatimReply('txt', heapStatsText()),
      },
      {
        name: 'purge',
        group: 'server',
        summary: 'Ask the allocator to release memory',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        arity: 2,
        flags: [],
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        // A full V8 collection stands in for jemalloc's purge. Like Redis built
        // without jemalloc, nothing to purge is still a success.
        handler: () => {
          fullGc();
          return OK;
        },
      },
      {
        name: 'stats',
        group: 'server',
        summary: 'Show memory usage details',
        since: '4.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: [],
        tips: NONDETERMINISTIC_ALL_SHARDS,
        handler: (c) => memoryStatsReply(c.server),
      },
      {
        name: 'usage',
        group: 'server',
        summary: 'Estimate the memory usage of a key',
        since: '4.0.0',
        complexity: 'O(N) where N is the number of samples.',
        arity: -3,
        flags: ['readonly'],
        keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'count', type: 'integer', token: 'SAMPLES', flags: ['optional'] },
        ],
        handler: memoryUsage,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

// ---- USAGE ----

/** OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const DEFAULT_SAMPLES = 5;

/**
 * The key's cost: its value (sampled as Redis's objectComputeSize), its name
 * and its keyspace record. Like Redis (a plain dictFind) it neither touches
 * the key's LRU/LFU clock nor counts a hit or miss, and a key past its TTL
 * that is not deleted yet is still measured.
 */
function memoryUsage(c: Client, argv: string[]): Reply {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if ((argv[j] as string).toLowerCase() === 'samples' && j + 1 < argv.length) {
      const n = parseInt64Number(argv[++j] as string);
      if (n === undefined) throw ERR.notInteger;
      if (n < 0) throw ERR.syntax;
      // 0 means every element (Redis: LLONG_MAX samples).
      samples = n;
    } else {
      throw ERR.syntax;
    }
  }
  const key = argv[2] as string;
  const db = c.db;
  const slot = db.slotOf(key);
  if (slot === NONE) return null;
  return db.valueBytesAt(slot, samples) + stringBytes(key.length) + KEY_OVERHEAD;
}

// ---- STATS ----

/** One database's share of the overhead (MEMORY STATS db.N). */
export interface DbOverhead {
  readonly id: number;
  readonly main: number;
  readonly expires: number;
}

/**
 * Redis's getMemoryOverheadData over our numbers: what INFO memory and the
 * MEMORY subcommands report, read once so they agree.
 */
export interface MemoryOverhead {
  readonly used: number;
  readonly peak: number;
  readonly startup: number;
  readonly clientsNormal: number;
  readonly clientsCount: number;
  readonly dbs: readonly DbOverhead[];
  readonly overhead: number;
  readonly keys: number;
  readonly dataset: number;
  /** used - startup, at least 1 (Redis's net_usage). */
  readonly netUsage: number;
  /** V8's heap in the allocator's place: live objects, committed pages, resident pages (plus Buffers). */
  readonly allocated: number;
  readonly active: number;
  readonly resident: number;
  readonly rss: number;
}

export function memoryOverhead(server: Server): MemoryOverhead {
  const memory = server.memory;
  memory.measureClients();
  const used = server.metrics.trackMemory(memory.used());
  const startup = memory.startup;
  const clientsNormal = memory.clientsBytes;
  let overhead = startup + clientsNormal;
  let keys = 0;
  const dbs: DbOverhead[] = [];
  for (const db of server.dbs) {
    const all = db.overheadBytes;
    overhead += all;
    if (db.size === 0) continue;
    keys += db.size;
    const expires = db.expiresOverheadBytes;
    dbs.push({ id: db.id, main: all - expires, expires });
  }
  const mu = process.memoryUsage();
  const heap = getHeapStatistics();
  return {
    used,
    peak: server.metrics.peakMemory,
    startup,
    clientsNormal,
    clientsCount: server.clients.size,
    dbs,
    overhead,
    keys,
    dataset: Math.max(0, used - overhead),
    netUsage: used > startup ? used - startup : 1,
    allocated: heap.used_heap_size + mu.external,
    active: heap.total_heap_size + mu.external,
    resident: heap.total_physical_size + mu.external,
    rss: mu.rss,
  };
}

/** Redis computes these ratios as C floats, then replies them as doubles. */
const float = (x: number): DoubleReply => new DoubleReply(Math.fround(x));

function memoryStatsReply(server: Server): Reply {
  const m = memoryOverhead(server);
  const items: Reply[] = [
    'peak.allocated',
    m.peak,
    'total.allocated',
    m.used,
    'startup.allocated',
    m.startup,
    'replication.backlog',
    0,
    'clients.slaves',
    0,
    'clients.normal',
    m.clientsNormal,
    'cluster.links',
    0,
    'aof.buffer',
    0,
    // No scripting engine yet: no Lua caches, no function libraries.
    'lua.caches',
    0,
    'functions.caches',
    0,
  ];
  for (const db of m.dbs) {
    items.push(
      `db.${db.id}`,
      new MapReply([
        'overhead.hashtable.main',
        db.main,
        'overhead.hashtable.expires',
        db.expires,
        // Cluster mode's slot-to-keys index: none outside a cluster.
        'overhead.hashtable.slot-to-keys',
        0,
      ]),
    );
  }
  items.push(
    'overhead.total',
    m.overhead,
    'keys.count',
    m.keys,
    'keys.bytes-per-key',
    m.keys === 0 ? 0 : Math.floor(m.netUsage / m.keys),
    'dataset.bytes',
    m.dataset,
    'dataset.percentage',
    float((m.dataset * 100) / m.netUsage),
    'peak.percentage',
    float((m.used * 100) / m.peak),
    'allocator.allocated',
    m.allocated,
    'allocator.active',
    m.active,
    'allocator.resident',
    m.resident,
    'allocator-fragmentation.ratio',
    float(m.active / m.allocated),
    'allocator-fragmentation.bytes',
    m.active - m.allocated,
    'allocator-rss.ratio',
    float(m.resident / m.active),
    'allocator-rss.bytes',
    m.resident - m.active,
    'rss-overhead.ratio',
    float(m.rss / m.resident),
    'rss-overhead.bytes',
    m.rss - m.resident,
    'fragmentation',
    float(m.rss / m.used),
    'fragmentation.bytes',
    m.rss - m.used,
  );
  return new MapReply(items);
}

// ---- DOCTOR ----

const MB = 1024 * 1024;

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_FINE =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_ISSUES = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n';
const DOCTOR_END = "I'm here to keep you safe, Sam. I want to help you.\n";
const DOCTOR_PEAK =
  ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const doctorHighFrag = (allocator: string): string =>
  ` * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "${allocator}".\n\n`;
const DOCTOR_ALLOC_FRAG =
  " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
const DOCTOR_ALLOC_RSS =
  ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n';
const DOCTOR_PROC_RSS =
  ' * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n';
const DOCTOR_CLIENT_BUF =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';

/**
 * Redis's getMemoryDoctorReport, its thresholds applied to the numbers MEMORY
 * STATS shows. One change: "empty" means less than 5 MB beyond
 * used_memory_startup, since our start-up heap (the Node runtime) alone is
 * about that size where Redis's is under 1 MB. There are no replicas and no
 * script cache, so those two checks never fire.
 */
export function memoryDoctorReport(server: Server): string {
  const m = memoryOverhead(server);
  if (m.used - m.startup < 5 * MB) return DOCTOR_EMPTY;
  const issues: string[] = [];
  if (m.used > 0 && m.peak / m.used > 1.5) issues.push(DOCTOR_PEAK);
  if (m.rss / m.used > 1.4 && m.rss - m.used > 10 * MB)
    issues.push(doctorHighFrag(`v8-${process.versions.v8}`));
  if (m.active / m.allocated > 1.1 && m.active - m.allocated > 10 * MB) issues.push(DOCTOR_ALLOC_FRAG);
  if (m.resident / m.active > 1.1 && m.resident - m.active > 10 * MB) issues.push(DOCTOR_ALLOC_RSS);
  if (m.rss / m.resident > 1.1 && m.rss - m.resident > 10 * MB) issues.push(DOCTOR_PROC_RSS);
  if (m.clientsCount > 0 && m.clientsNormal / m.clientsCount > 200 * 1024) issues.push(DOCTOR_CLIENT_BUF);
  if (issues.length === 0) return DOCTOR_FINE;
  return DOCTOR_ISSUES + issues.join('') + DOCTOR_END;
}

// ---- MALLOC-STATS ----

/** There is no jemalloc to ask: V8's heap spaces, its totals and the process's memory. */
function heapStatsText(): string {
  const pad = (v: string | number, n: number): string => String(v).padStart(n);
  let out = '___ Begin V8 heap statistics ___\n';
  out += `Redoubt runs on Node.js ${process.version} (V8 ${process.versions.v8}): there is no jemalloc allocator to report on.\n`;
  out +=
    'Below: V8 heap spaces (v8.getHeapSpaceStatistics), heap totals (v8.getHeapStatistics) and process.memoryUsage(), in bytes.\n\n';
  out += `${'space'.padEnd(28)}${pad('size', 14)}${pad('used', 14)}${pad('available', 14)}${pad('physical', 14)}\n`;
  for (const s of getHeapSpaceStatistics()) {
    out += `${s.space_name.padEnd(28)}${pad(s.space_size, 14)}${pad(s.space_used_size, 14)}${pad(s.space_available_size, 14)}${pad(s.physical_space_size, 14)}\n`;
  }
  out += '\n';
  for (const [name, value] of Object.entries(getHeapStatistics())) out += `${name}: ${value}\n`;
  out += '\n';
  for (const [name, value] of Object.entries(process.memoryUsage())) out += `process.${name}: ${value}\n`;
  out += '___ End V8 heap statistics ___\n';
  return out;
}

// ---- HELP ----

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

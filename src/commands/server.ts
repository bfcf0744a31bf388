/**
 * Server commands: INFO, TIME, LASTSAVE, SHUTDOWN, SLOWLOG, LATENCY, MONITOR and
 * DEBUG (a protected command, refused unless `enable-debug-command` allows it).
 * INFO's sections, field names and field order are Redis 7.0's; fields of
 * subsystems Redoubt does not have yet (replication, RDB/AOF persistence) show
 * what an idle Redis that never saved shows.
 */
import { createHash } from 'node:crypto';
import { machine, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import { CLIENT_BLOCKED, CLIENT_MONITOR, CLIENT_MULTI, type Client } from '../core/client.js';
import { type LatencyHistogram, type LatencySeries, latencyGraph } from '../core/latency.js';
import { formatTimeval, netBytes, nowMicros } from '../core/metrics.js';
import type { Server } from '../core/server.js';
import { REDIS_COMPAT_VERSION, VERSION } from '../core/version.js';
import { aofInfoFields, aofSizeFields } from '../persistence/aof/info.js';
import { bgsaveProgress } from '../persistence/bgsave.js';
import { debugReload } from '../persistence/reload.js';
import { persistenceOf, shutdownSave } from '../persistence/snapshot.js';
import {
  BooleanReply,
  DoubleReply,
  MapReply,
  NO_REPLY,
  OK,
  RawReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../protocol/reply.js';
import { type Database, NONE } from '../store/database.js';
import { idleSeconds, lru } from '../util/clock.js';
import { parseInt64Number } from '../util/number.js';
import { ERR, noLatencySamples, PERSIST_ERR, SERVER_ERR, subcommandSyntax } from './errors.js';
import { helpReply } from './help.js';
import { memoryOverhead } from './memory.js';
import type { Command } from './registry.js';
import type { CommandSpec } from './spec.js';

export const serverCommands = [
  {
    name: 'debug',
    group: 'server',
    summary: 'A container for debugging commands',
    since: '1.0.0',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
    handler: debugCommand,
  },
  {
    name: 'info',
    group: 'server',
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['dangerous'],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    args: [{ name: 'section', type: 'string', flags: ['optional', 'multiple'] }],
    handler: (c, argv) => new VerbatimReply('txt', genInfo(c.server, argv.slice(1))),
  },
  {
    name: 'lastsave',
    group: 'server',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['admin', 'dangerous'],
    tips: ['nondeterministic_output'],
    handler: (c) => c.server.lastSave,
  },
  {
    name: 'latency',
    group: 'server',
    summary: 'A container for latency diagnostics commands',
    since: '2.8.13',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'graph',
        group: 'server',
        summary: 'Return a latency graph for the event.',
        since: '2.8.13',
        complexity: 'O(1)',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        args: [{ name: 'event', type: 'string' }],
        handler: latencyGraphCommand,
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands.',
        since: '2.8.13',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        handler: latencyHelpCommand,
      },
      {
        name: 'histogram',
        group: 'server',
        summary: 'Return the cumulative distribution of latencies of a subset of commands or all.',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        args: [{ name: 'command', type: 'string', flags: ['optional', 'multiple'] }],
        handler: latencyHistogramCommand,
      },
      {
        name: 'history',
        group: 'server',
        summary: 'Return timestamp-latency samples for the event.',
        since: '2.8.13',
        complexity: 'O(1)',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        args: [{ name: 'event', type: 'string' }],
        handler: (c, argv) =>
          c.server.latency.events
            .get(argv[2] as string)
            ?.history()
            .map((s) => [s.time, s.latency]) ?? [],
      },
      {
        name: 'latest',
        group: 'server',
        summary: 'Return the latest latency samples for all events.',
        since: '2.8.13',
        complexity: 'O(1)',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        handler: (c) => [...c.server.latency.events].map(([event, s]) => latestReply(event, s)),
      },
      {
        name: 'reset',
        group: 'server',
        summary: 'Reset latency data for one or more events.',
        since: '2.8.13',
        complexity: 'O(1)',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [{ name: 'event', type: 'string', flags: ['optional', 'multiple'] }],
        handler: latencyResetCommand,
      },
    ],
  },
  {
    name: 'monitor',
    group: 'server',
    summary: 'Listen for all requests received by the server in real time',
    since: '1.0.0',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    handler: monitorCommand,
  },
  {
    name: 'shutdown',
    group: 'server',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    since: '1.0.0',
    complexity:
      'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    args: [
      {
        name: 'nosave_save',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
          { name: 'save', type: 'pure-token', token: 'SAVE' },
        ],
      },
      { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', flags: ['optional'] },
      { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', flags: ['optional'] },
      { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', flags: ['optional'] },
    ],
    handler: shutdownCommand,
  },
  {
    name: 'slowlog',
    group: 'server',
    summary: 'A container for slow log commands',
    since: '2.2.12',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'get',
        group: 'server',
        summary: "Get the slow log's entries",
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries returned',
        history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
        arity: -2,
        flags: ['admin', 'loading', 'stale'],
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        args: [{ name: 'count', type: 'integer', flags: ['optional'] }],
        handler: slowlogGetCommand,
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        handler: slowlogHelpCommand,
      },
      {
        name: 'len',
        group: 'server',
        summary: "Get the slow log's length",
        since: '2.2.12',
        complexity: 'O(1)',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        handler: (c) => c.server.slowlog.entries.length,
      },
      {
        name: 'reset',
        group: 'server',
        summary: 'Clear all entries from the slow log',
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: (c) => {
          c.server.slowlog.reset();
          return OK;
        },
      },
    ],
  },
  {
    name: 'time',
    group: 'server',
    summary: 'Return the current server time',
    since: '2.6.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    tips: ['nondeterministic_output'],
    handler: () => {
      const us = nowMicros();
      const sec = Math.floor(us / 1e6);
      return [String(sec), String(us - sec * 1e6)];
    },
  },
] as const satisfies readonly CommandSpec[];

// ---- INFO ----

type Field = readonly [name: string, value: string | number];

interface InfoSection {
  /** The name INFO takes (lower case). */
  readonly name: string;
  readonly title: string;
  /** Another name that selects it (Redis's `module_list` for Modules). */
  readonly alias?: string;
  readonly fields: (server: Server) => readonly Field[];
}

/** Every section, in Redis 7.0's output order. */
const INFO_SECTIONS: readonly InfoSection[] = [
  { name: 'server', title: 'Server', fields: serverFields },
  { name: 'clients', title: 'Clients', fields: clientsFields },
  { name: 'memory', title: 'Memory', fields: memoryFields },
  { name: 'persistence', title: 'Persistence', fields: persistenceFields },
  { name: 'stats', title: 'Stats', fields: statsFields },
  { name: 'replication', title: 'Replication', fields: replicationFields },
  { name: 'cpu', title: 'CPU', fields: cpuFields },
  { name: 'modules', title: 'Modules', alias: 'module_list', fields: () => [] },
  { name: 'commandstats', title: 'Commandstats', fields: commandstatsFields },
  { name: 'errorstats', title: 'Errorstats', fields: errorstatsFields },
  { name: 'latencystats', title: 'Latencystats', fields: latencystatsFields },
  { name: 'cluster', title: 'Cluster', fields: () => [['cluster_enabled', 0]] },
  { name: 'keyspace', title: 'Keyspace', fields: keyspaceFields },
];

/** What INFO with no argument (or `default`) shows. */
const DEFAULT_SECTIONS: readonly string[] = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'module_list',
  'errorstats',
  'cluster',
  'keyspace',
];

/**
 * The INFO text for the requested sections, with Redis's selection rules:
 * no argument or `default` means the default sections, `all` and `everything`
 * mean every section (the same here: `everything` only adds module-generated
 * sections), several names add up, unknown names select nothing.
 */
export function genInfo(server: Server, args: readonly string[]): string {
  const wanted = new Set<string>(args.length === 0 ? DEFAULT_SECTIONS : []);
  let all = false;
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (name === 'all' || name === 'everything') all = true;
    else wanted.add(name);
  }
  let out = '';
  let sections = 0;
  for (const s of INFO_SECTIONS) {
    if (!all && !wanted.has(s.name) && (s.alias === undefined || !wanted.has(s.alias))) continue;
    if (sections++ > 0) out += '\r\n';
    out += `# ${s.title}\r\n`;
    for (const [name, value] of s.fields(server)) out += `${name}:${value}\r\n`;
  }
  return out;
}

const OS_LINE = `${type()} ${release()} ${machine()}`;
const ARCH_BITS = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(process.arch)
  ? 64
  : 32;
/** The clock performance.now() reads (libuv's uv_hrtime). */
const MONOTONIC_CLOCK =
  process.platform === 'darwin'
    ? 'mach_absolute_time'
    : process.platform === 'win32'
      ? 'QueryPerformanceCounter'
      : 'POSIX clock_gettime';
/** libuv's I/O multiplexing per platform. */
const MULTIPLEXING_API =
  process.platform === 'linux' || process.platform === 'android'
    ? 'epoll'
    : process.platform === 'win32'
      ? 'iocp'
      : process.platform === 'sunos'
        ? 'evport'
        : process.platform === 'aix'
          ? 'pollset'
          : 'kqueue';
const BUILD_ID = createHash('sha1')
  .update(`redoubt ${VERSION} node ${process.version}`)
  .digest('hex')
  .slice(0, 16);
const EXECUTABLE = process.argv[1] !== undefined ? resolve(process.argv[1]) : process.execPath;

function clampedHz(server: Server): number {
  return Math.max(1, Math.min(500, Number(server.config.get('hz'))));
}

function serverFields(server: Server): Field[] {
  const uptime = Math.floor((Date.now() - server.stats.startTime) / 1000);
  const hz = clampedHz(server);
  return [
    ['redis_version', REDIS_COMPAT_VERSION],
    ['server_name', 'redoubt'],
    ['redoubt_version', VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', BUILD_ID],
    ['redis_mode', 'standalone'],
    ['os', OS_LINE],
    ['arch_bits', ARCH_BITS],
    ['monotonic_clock', MONOTONIC_CLOCK],
    ['multiplexing_api', MULTIPLEXING_API],
    // Redoubt is single-threaded and uses no atomic variables.
    ['atomicvar_api', 'none'],
    // What Redis prints when it was not built by GCC.
    ['gcc_version', '0.0.0'],
    ['node_version', process.versions.node],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', Number(server.config.get('port'))],
    ['server_time_usec', nowMicros()],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', lru()],
    ['executable', EXECUTABLE],
    ['config_file', server.config.configFile ?? ''],
    ['io_threads_active', 0],
  ];
}

/** Bytes a client holds in its query buffer and its pending output. */
function clientBuffers(c: Client): [input: number, output: number] {
  return [c.decoder.bufferedBytes, c.pendingOutput + (c.socket?.writableLength ?? 0)];
}

function clientsFields(server: Server): Field[] {
  let maxIn = 0;
  let maxOut = 0;
  let blocked = 0;
  for (const c of server.clients.values()) {
    const [input, output] = clientBuffers(c);
    if (input > maxIn) maxIn = input;
    if (output > maxOut) maxOut = output;
    // Clients held by CLIENT PAUSE count too, as Redis 7.0 (BLOCKED_POSTPONE).
    if ((c.flags & CLIENT_BLOCKED) !== 0 || c.paused) blocked++;
  }
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', Number(server.config.get('maxclients'))],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', blocked],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', server.blocking.inTimeoutTable],
  ];
}

/** Milliseconds spent over maxmemory: in all (`total`) or in the current stretch. */
function evictionExceeded(server: Server, total: boolean): number {
  const m = server.memory;
  const current = m.evictionExceededSince === 0 ? 0 : performance.now() - m.evictionExceededSince;
  return total ? m.totalEvictionExceededMs + current : current;
}

function memoryFields(server: Server): Field[] {
  const memory = server.memory;
  // The numbers MEMORY STATS shows (Redis's INFO reads getMemoryOverheadData too).
  // V8's heap stands in for the allocator: allocated = live objects, active =
  // heap pages committed, resident = heap pages in RAM; off-heap Buffers added to each.
  const m = memoryOverhead(server);
  const { used, peak, startup, overhead, dataset, netUsage, allocated, active, resident, rss } = m;
  const clientsMem = m.clientsNormal;
  const total = totalmem();
  const maxmemory = Number(server.config.get('maxmemory'));
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${fixed2((used * 100) / peak)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${fixed2((dataset * 100) / netUsage)}%`],
    ['allocator_allocated', allocated],
    ['allocator_active', active],
    ['allocator_resident', resident],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    // No scripting engine yet: no Lua VM, no scripts, no functions.
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.get<string>('maxmemory-policy')],
    ['allocator_frag_ratio', fixed2(active / allocated)],
    ['allocator_frag_bytes', active - allocated],
    ['allocator_rss_ratio', fixed2(resident / active)],
    ['allocator_rss_bytes', resident - active],
    ['rss_overhead_ratio', fixed2(rss / resident)],
    ['rss_overhead_bytes', rss - resident],
    ['mem_fragmentation_ratio', fixed2(rss / used)],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientsMem],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', memory.lazyfreedObjects],
  ];
}

/**
 * RDB state from src/persistence/snapshot.ts and the running snapshot
 * (bgsave.ts): the cow fields are the bytes it copied aside, the fork
 * percentage its progress through the keys.
 */
function persistenceFields(server: Server): Field[] {
  const rdb = persistenceOf(server);
  const bg = bgsaveProgress(server);
  const perc = bg.keysTotal > 0 ? (bg.keysProcessed * 100) / bg.keysTotal : 0;
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', bg.copied],
    ['current_cow_size', bg.copied],
    ['current_cow_size_age', 0],
    ['current_fork_perc', perc.toFixed(2)],
    ['current_save_keys_processed', bg.keysProcessed],
    ['current_save_keys_total', bg.keysTotal],
    ['rdb_changes_since_last_save', Math.max(0, server.stats.dirty)],
    ['rdb_bgsave_in_progress', bg.inProgress ? 1 : 0],
    ['rdb_last_save_time', server.lastSave],
    ['rdb_last_bgsave_status', rdb.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', rdb.lastBgsaveSeconds],
    ['rdb_current_bgsave_time_sec', bg.inProgress ? bg.seconds : -1],
    ['rdb_saves', rdb.saves],
    ['rdb_last_cow_size', rdb.lastCowSize],
    ['rdb_last_load_keys_expired', rdb.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', rdb.lastLoadKeysLoaded],
    ...aofInfoFields(server.aof),
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...aofSizeFields(server.aof),
  ];
}

function statsFields(server: Server): Field[] {
  const s = server.stats;
  const m = server.metrics;
  const [netIn, netOut] = netBytes(server);
  let hits = 0;
  let misses = 0;
  for (const db of server.dbs) {
    hits += db.hits;
    misses += db.misses;
  }
  return [
    ['total_connections_received', s.connections],
    ['total_commands_processed', s.commands],
    ['instantaneous_ops_per_sec', m.ops.value()],
    ['total_net_input_bytes', netIn],
    ['total_net_output_bytes', netOut],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', fixed2(Math.fround(m.netInput.value() / 1024))],
    ['instantaneous_output_kbps', fixed2(Math.fround(m.netOutput.value() / 1024))],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', fixed2(s.expiredStalePerc * 100)],
    ['expired_time_cap_reached_count', s.expiredTimeCapReached],
    ['expire_cycle_cpu_milliseconds', Math.floor(s.expireCycleMs)],
    ['evicted_keys', server.memory.evictedKeys],
    ['evicted_clients', server.memory.evictedClients],
    ['total_eviction_exceeded_time', Math.floor(evictionExceeded(server, true))],
    ['current_eviction_exceeded_time', Math.floor(evictionExceeded(server, false))],
    ['keyspace_hits', hits],
    ['keyspace_misses', misses],
    ['pubsub_channels', server.pubsub.channels.size],
    ['pubsub_patterns', server.pubsub.patterns.size],
    ['pubsubshard_channels', server.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    // total_reads_processed / total_writes_processed: not counted yet (see docs).
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    // Redoubt's output buffers are not resized the way Redis's reply buffers are.
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
    // Redis 7.2's ACL counters (ACL LOG events; CONFIG RESETSTAT keeps them, as in Redis).
    ['acl_access_denied_auth', server.acl.stats.auth],
    ['acl_access_denied_cmd', server.acl.stats.cmd],
    ['acl_access_denied_key', server.acl.stats.key],
    ['acl_access_denied_channel', server.acl.stats.channel],
    // Redoubt's own counters (also in rejected_connections where they refuse a connection).
    ['acl_access_denied_tls_cert', s.tlsCertAuthFailures],
    ['allow_from_rejected_connections', s.allowFromRejections],
    ['tls_handshake_failures', s.tlsHandshakeFailures],
    ['client_output_buffer_limit_disconnections', s.outputBufferCloses],
  ];
}

/** No replication yet: a master without replicas. */
function replicationFields(server: Server): Field[] {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', Number(server.config.get('repl-backlog-size'))],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

/**
 * Process CPU time. Redis adds `used_cpu_*_main_thread` where the platform has
 * per-thread usage; Node 20 does not expose it, so those lines are left out
 * (as Redis does on such platforms). Redoubt starts no child processes.
 */
function cpuFields(): Field[] {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', formatTimeval(u.system)],
    ['used_cpu_user', formatTimeval(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
  ];
}

/** One line per command or subcommand used, containers before their subcommands. */
function commandstatsFields(server: Server): Field[] {
  const out: Field[] = [];
  for (const cmd of server.commands.all()) {
    const st = cmd.stats;
    if (st.calls === 0 && st.failedCalls === 0 && st.rejectedCalls === 0) continue;
    // Redis divides as C floats.
    const perCall = st.calls === 0 ? 0 : Math.fround(Math.fround(st.usec) / Math.fround(st.calls));
    out.push([
      `cmdstat_${cmd.fullName}`,
      `calls=${st.calls},usec=${st.usec},usec_per_call=${fixed2(perCall)},` +
        `rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`,
    ]);
  }
  return out;
}

/** Per-command percentiles (µs) of `latency-tracking-info-percentiles`; nothing when tracking is off. */
function latencystatsFields(server: Server): Field[] {
  const latency = server.latency;
  if (!latency.tracking) return [];
  const percentiles = server.config.get<readonly number[]>('latency-tracking-info-percentiles');
  const out: Field[] = [];
  for (const cmd of server.commands.all()) {
    const h = latency.histograms.get(cmd);
    if (h === undefined) continue;
    const values = percentiles.map(
      (p) => `p${formatPercentile(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`,
    );
    out.push([`latency_percentiles_usec_${cmd.fullName}`, values.join(',')]);
  }
  return out;
}

/** Redis prints a percentile with `%f`, then trims trailing zeros and the point. */
function formatPercentile(p: number): string {
  const s = p.toFixed(6);
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/** Error codes in byte order, as Redis's rax iterates them. */
function errorstatsFields(server: Server): Field[] {
  return [...server.stats.errors]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);
}

function keyspaceFields(server: Server): Field[] {
  const out: Field[] = [];
  for (const db of server.dbs) {
    if (db.size === 0 && db.volatileCount === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.volatileCount},avg_ttl=${averageTtl(db)}`]);
  }
  return out;
}

/** Entries looked at to estimate a database's average TTL (INFO stays cheap on big databases). */
const AVG_TTL_SCAN_LIMIT = 100_000;

/**
 * The mean remaining TTL (ms) of keys that have one. Redis keeps a running
 * estimate from its active-expiry samples; Redoubt computes it at INFO time over
 * the first entries of the database: exact for databases up to the scan limit.
 */
function averageTtl(db: Database): number {
  if (db.volatileCount === 0) return 0;
  const now = Date.now();
  let sum = 0;
  let n = 0;
  let seen = 0;
  for (const [key] of db.entries()) {
    if (++seen > AVG_TTL_SCAN_LIMIT) break;
    const when = db.getExpire(key);
    if (when > now) {
      sum += when - now;
      n++;
    }
  }
  return n === 0 ? 0 : Math.floor(sum / n);
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const unit of units) {
    if (d < 1024) return `${fixed2(d)}${unit}`;
    d /= 1024;
  }
  return `${n}B`;
}

/**
 * C's `%.2f`: like toFixed(2) except on exact ties (x = odd/8, the only binary
 * fractions halfway between two cents), which C rounds to even and toFixed up.
 */
export function fixed2(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (Number.isInteger(a * 8) && !Number.isInteger(a * 4)) {
    let cents = Math.floor(a * 100);
    if (cents % 2 === 1) cents++;
    return `${x < 0 ? '-' : ''}${(cents / 100).toFixed(2)}`;
  }
  return x.toFixed(2);
}

// ---- SLOWLOG ----

function slowlogGetCommand(c: Client, argv: string[]): Reply {
  if (argv.length > 3) throw subcommandSyntax(argv[1] as string, 'slowlog');
  const entries = c.server.slowlog.entries;
  let count = 10;
  if (argv.length === 3) {
    const n = parseInt64Number(argv[2] as string);
    if (n === undefined || n < -1) throw SERVER_ERR.slowlogCount;
    count = n === -1 ? entries.length : n;
  }
  return entries.slice(0, count).map((e) => [e.id, e.time, e.usec, [...e.argv], e.peer, e.name]);
}

function slowlogHelpCommand(): Reply {
  return helpReply('SLOWLOG', [
    'GET [<count>]',
    '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
    '    Entries are made of:',
    '    id, timestamp, time in microseconds, arguments array, client IP and port,',
    '    client name',
    'LEN',
    '    Return the length of the slowlog.',
    'RESET',
    '    Reset the slowlog.',
  ]);
}

// ---- LATENCY ----

function latestReply(event: string, s: LatencySeries): Reply {
  const last = s.latest();
  return [event, last.time, last.latency, s.max];
}

function latencyResetCommand(c: Client, argv: string[]): Reply {
  const latency = c.server.latency;
  if (argv.length === 2) return latency.reset();
  let n = 0;
  for (let i = 2; i < argv.length; i++) n += latency.reset(argv[i] as string);
  return n;
}

function latencyGraphCommand(c: Client, argv: string[]): Reply {
  const event = argv[2] as string;
  const series = c.server.latency.events.get(event);
  if (series === undefined) throw noLatencySamples(event);
  return new VerbatimReply('txt', latencyGraph(event, series));
}

/** One command's LATENCY HISTOGRAM entry: name, then calls and the cumulative buckets. */
function histogramEntry(out: Reply[], cmd: Command, h: LatencyHistogram): void {
  const buckets: Reply[] = [];
  for (const [usec, count] of h.cumulative()) buckets.push(usec, count);
  out.push(cmd.fullName, new MapReply(['calls', h.total, 'histogram_usec', new MapReply(buckets)]));
}

/** All commands with data, or the named ones (a container stands for its subcommands). */
function latencyHistogramCommand(c: Client, argv: string[]): Reply {
  const { commands, latency } = c.server;
  const out: Reply[] = [];
  const add = (cmd: Command): void => {
    const h = latency.histograms.get(cmd);
    if (h !== undefined) histogramEntry(out, cmd, h);
  };
  if (argv.length === 2) {
    for (const cmd of commands.all()) add(cmd);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = commands.byCurrentName(argv[i] as string);
      if (cmd === undefined) continue;
      add(cmd);
      for (const sub of cmd.subcommands?.values() ?? []) add(sub);
    }
  }
  return new MapReply(out);
}

/** Redis's LATENCY HELP, less DOCTOR, which Redoubt does not have. */
function latencyHelpCommand(): Reply {
  return helpReply('LATENCY', [
    'GRAPH <event>',
    '    Return an ASCII latency graph for the <event> class.',
    'HISTORY <event>',
    '    Return time-latency samples for the <event> class.',
    'LATEST',
    '    Return the latest latency samples for all events.',
    'RESET [<event> ...]',
    '    Reset latency data of one or more <event> classes.',
    '    (default: reset all data for all event classes)',
    'HISTOGRAM [COMMAND ...]',
    '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
    '    If no commands are specified then all histograms are replied.',
  ]);
}

// ---- MONITOR ----

function monitorCommand(c: Client): Reply {
  // Redis refuses clients that cannot block (inside MULTI/EXEC).
  if ((c.flags & CLIENT_MULTI) !== 0) throw SERVER_ERR.monitorDenyBlocking;
  const monitors = c.server.monitors;
  // Already monitoring: ignored, without a reply, as in Redis.
  if (monitors.has(c)) return NO_REPLY;
  c.flags |= CLIENT_MONITOR;
  monitors.add(c);
  return OK;
}

// ---- SHUTDOWN ----

function shutdownCommand(c: Client, argv: string[]): Reply {
  let nosave = false;
  let save = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const opt = (argv[i] as string).toLowerCase();
    if (opt === 'nosave') nosave = true;
    else if (opt === 'save') save = true;
    else if (opt === 'now') now = true;
    else if (opt === 'force') force = true;
    else if (opt === 'abort') abort = true;
    else throw ERR.syntax;
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) throw ERR.syntax;
  // Shutting down never waits (there are no replicas to wait for), so none can be in progress.
  if (abort) throw SERVER_ERR.noShutdownInProgress;
  const server = c.server;
  const log = server.logger;
  log.warning('User requested shutdown...');
  if (!shutdownSave(server, { save, nosave, force })) {
    log.warning('Errors trying to shut down the server. Check the logs for more information.');
    throw SERVER_ERR.shutdownFailed;
  }
  if (server.config.get<string>('pidfile') !== '') log.notice('Removing the pid file.');
  void server.close().then(() => {
    log.warning('Redoubt is now ready to exit, bye bye...');
    server.onShutdown?.(0);
  });
  return NO_REPLY;
}

// ---- DEBUG ----

function debugCommand(c: Client, argv: string[]): Reply {
  const sub = (argv[1] as string).toLowerCase();
  const argc = argv.length;
  const arg = argv[2] as string;
  if (sub === 'help' && argc === 2) return debugHelp();
  if (sub === 'sleep' && argc === 3) return debugSleep(arg);
  if (sub === 'set-active-expire' && argc === 3) {
    c.server.activeExpireEnabled = atoi(arg) !== 0;
    return OK;
  }
  if (sub === 'object' && argc === 3) return debugObject(c, arg);
  if (sub === 'populate' && argc >= 3 && argc <= 5) return debugPopulate(c, argv);
  if (sub === 'protocol' && argc === 3) return debugProtocol(c, arg);
  if (sub === 'reload') return debugReloadCommand(c, argv);
  if (sub === 'error' && argc === 3) {
    // Sent as is: Redis does not count it in the error statistics either.
    return new RawReply(`-${arg.replace(/[\r\n]/g, ' ')}\r\n`);
  }
  if (sub === 'log' && argc === 3) {
    c.server.logger.warning(`DEBUG LOG: ${arg.replace(/[\r\n]/g, ' ')}`);
    return OK;
  }
  if (sub === 'change-repl-id' && argc === 2) {
    c.server.logger.warning('Changing replication IDs after receiving DEBUG change-repl-id');
    c.server.replId = createHash('sha1').update(`${Math.random()}${nowMicros()}`).digest('hex');
    return OK;
  }
  throw subcommandSyntax(argv[1] as string, 'debug');
}

function debugHelp(): Reply {
  return helpReply('DEBUG', [
    'CHANGE-REPL-ID',
    '    Change the replication IDs of the instance.',
    '    Dangerous: should be used only for testing the replication subsystem.',
    'ERROR <string>',
    '    Return a Redis protocol error with <string> as message. Useful for clients',
    '    unit tests to simulate Redis errors.',
    'LOG <message>',
    '    Write <message> to the server log.',
    'OBJECT <key>',
    '    Show low level info about `key` and associated value.',
    'POPULATE <count> [<prefix>] [<size>]',
    '    Create <count> string keys named key:<num>. If <prefix> is specified then',
    "    it is used instead of the 'key' prefix. These are not propagated to",
    '    replicas. Cluster slots are not respected so keys not belonging to the',
    '    current node can be created in cluster mode.',
    'PROTOCOL <type>',
    '    Reply with a test value of the specified type. <type> can be: string,',
    '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
    '    true, false.',
    'RELOAD [option ...]',
    '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
    '    * MERGE: conflicting keys will be loaded from RDB.',
    '    * NOFLUSH: the existing database will not be removed before load, but',
    '      conflicting keys will generate an exception and kill the server.',
    '    * NOSAVE: the database will be loaded from an existing RDB file.',
    '    Examples:',
    '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
    '      the database.',
    '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
    '      existing RDB file.',
    '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
    '      file to the database.',
    'SET-ACTIVE-EXPIRE <0|1>',
    '    Setting it to 0 disables expiring keys in background when they are not',
    '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
    '    default.',
    'SLEEP <seconds>',
    '    Stop the server for <seconds>. Decimals allowed.',
  ]);
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: every option is checked before anything is done. */
function debugReloadCommand(c: Client, argv: string[]): Reply {
  let save = true;
  let flush = true;
  let merge = false;
  for (let j = 2; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    if (opt === 'merge') merge = true;
    else if (opt === 'noflush') flush = false;
    else if (opt === 'nosave') save = false;
    else return SERVER_ERR.debugReloadOptions;
  }
  const failed = debugReload(c.server, { save, flush, merge });
  if (failed === 'save') return PERSIST_ERR.saveFailed;
  if (failed === 'load') return SERVER_ERR.debugReloadFailed;
  return OK;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** DEBUG SLEEP blocks the whole server, as in Redis (strtod: junk reads as 0). */
function debugSleep(arg: string): Reply {
  const micros = Math.trunc(strtod(arg) * 1e6);
  if (micros > 0 && Number.isFinite(micros)) Atomics.wait(sleepCell, 0, 0, micros / 1000);
  return OK;
}

/** C's strtod on the longest valid decimal prefix; 0 when there is none. */
function strtod(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/** C's atoi: optional blanks and sign, then digits; 0 when there are none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number.parseInt(m[1] as string, 10);
}

/**
 * `Value refcount:.. encoding:.. lru:.. lru_seconds_idle:..`. Redis also prints
 * the object's address and its RDB serialized length; Redoubt has neither
 * (no pointers, no RDB writer yet), so those fields are left out. Encoding and
 * refcount come from OBJECT ENCODING / REFCOUNT, their one source of truth.
 */
function debugObject(c: Client, key: string): Reply {
  const db = c.db;
  const slot = db.peek(key);
  if (slot === NONE) throw ERR.noKey;
  const encoding = objectSubcommand(c, 'encoding', key);
  const refcount = objectSubcommand(c, 'refcount', key);
  const lruStamp = db.lruOf(slot);
  return new StatusReply(
    `Value refcount:${refcount} encoding:${encoding} lru:${lruStamp} lru_seconds_idle:${idleSeconds(lruStamp)}`,
  );
}

function objectSubcommand(c: Client, sub: string, key: string): Reply {
  const handler = c.server.commands.byName(`object|${sub}`)?.handler;
  return handler === undefined ? '?' : handler(c, ['OBJECT', sub, key]);
}

function parsePositive(s: string): number {
  const n = parseInt64Number(s);
  if (n === undefined || n < 0) throw ERR.mustBePositive;
  return n;
}

function debugPopulate(c: Client, argv: string[]): Reply {
  const count = parsePositive(argv[2] as string);
  const prefix = argv[3] ?? 'key';
  const size = argv.length === 5 ? parsePositive(argv[4] as string) : 0;
  if (size > c.server.protoMaxBulkLen) throw ERR.stringTooLong;
  const db = c.db;
  for (let j = 0; j < count; j++) {
    // Redis formats the key into a 128-byte buffer.
    const key = `${prefix}:${j}`.slice(0, 127);
    if (db.lookup(key) !== NONE) continue;
    let value = `value:${j}`;
    if (size > 0)
      value = size <= value.length ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    db.add(key, value);
  }
  return OK;
}

function debugProtocol(c: Client, type: string): Reply {
  const resp3 = c.resp === 3;
  switch (type.toLowerCase()) {
    case 'string':
      return 'Hello World';
    case 'integer':
      return 12345;
    case 'double':
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: Redis's test value is 3.141, not pi.
      return new DoubleReply(3.141);
    case 'bignum':
      return resp3
        ? new RawReply('(1234567999999999999999999999999999999\r\n')
        : '1234567999999999999999999999999999999';
    case 'null':
      return null;
    case 'array':
      return [0, 1, 2];
    case 'set':
      return new SetReply([0, 1, 2]);
    case 'map':
      return new MapReply([
        0,
        new BooleanReply(false),
        1,
        new BooleanReply(true),
        2,
        new BooleanReply(false),
      ]);
    case 'attrib': {
      const real = 'Some real reply following the attribute';
      if (!resp3) return real;
      return new RawReply(
        `|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$${real.length}\r\n${real}\r\n`,
      );
    }
    case 'push': {
      if (!resp3) throw SERVER_ERR.resp2NotSupported;
      const real = 'Some real reply following the push reply';
      return new RawReply(`>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$${real.length}\r\n${real}\r\n`);
    }
    case 'verbatim':
      return new VerbatimReply('txt', 'This is a verbatim\nstring');
    case 'true':
      return new BooleanReply(true);
    case 'false':
      return new BooleanReply(false);
    default:
      throw SERVER_ERR.wrongProtocolType;
  }
}

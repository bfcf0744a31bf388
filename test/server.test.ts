/**
 * Server commands: INFO, TIME, LASTSAVE, SHUTDOWN, SLOWLOG, LATENCY, MONITOR and
 * DEBUG. Differential against a real redis-server wherever the reply is
 * deterministic (errors, arity, empty states, shapes once times and ports are
 * normalized); INFO is compared structurally (sections and field names); SHUTDOWN
 * is tested on a spawned bin/redoubt-server.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesToHuman, fixed2 } from '../src/commands/server.js';
import { LatencyHistogram, LatencySeries, latencyGraph } from '../src/core/latency.js';
import { Differential, sameType } from './helpers/diff.js';
import { type Arg, RespConnection, type Value } from './helpers/resp.js';
import { startRedoubt, startRedoubtProcess } from './helpers/servers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- INFO parsing ----

interface InfoSection {
  title: string;
  fields: [string, string][];
}

/** Split INFO text into sections; checks Redis's framing (CRLF lines, one blank line between sections). */
function parseInfo(text: string): InfoSection[] {
  if (text === '') return [];
  assert.ok(text.endsWith('\r\n'), 'INFO ends with CRLF');
  const sections: InfoSection[] = [];
  const blocks = text.slice(0, -2).split('\r\n\r\n');
  for (const block of blocks) {
    const lines = block.split('\r\n');
    const header = lines[0] as string;
    assert.match(header, /^# [A-Za-z]+$/, `section header ${JSON.stringify(header)}`);
    const fields: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      assert.ok(i > 0, `field line ${JSON.stringify(line)}`);
      fields.push([line.slice(0, i), line.slice(i + 1)]);
    }
    sections.push({ title: header.slice(2), fields });
  }
  return sections;
}

function infoMap(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of parseInfo(text)) for (const [k, v] of s.fields) m.set(k, v);
  return m;
}

/** Sections whose field names are fixed (the others list commands, errors, databases). */
const STATIC_SECTIONS = new Set([
  'Server',
  'Clients',
  'Memory',
  'Persistence',
  'Stats',
  'Replication',
  'CPU',
  'Cluster',
]);

/** Fields Redoubt adds on purpose. */
const EXTRA_FIELDS = new Set([
  'server_name',
  'redoubt_version',
  'node_version',
  // Redis 7.2's ACL counters (# Stats), not in 7.0.
  'acl_access_denied_auth',
  'acl_access_denied_cmd',
  'acl_access_denied_key',
  'acl_access_denied_channel',
  // Redoubt's own network counters.
  'acl_access_denied_tls_cert',
  'allow_from_rejected_connections',
  'tls_handshake_failures',
  'client_output_buffer_limit_disconnections',
]);

/**
 * Redis fields Redoubt leaves out on purpose: per-thread CPU time (Node 20 has no
 * per-thread usage; Redis too omits them where the platform lacks RUSAGE_THREAD),
 * and read/write event counts that the client layer does not count yet.
 */
const MISSING_FIELDS = new Set([
  'used_cpu_sys_main_thread',
  'used_cpu_user_main_thread',
  'total_reads_processed',
  'total_writes_processed',
]);

/** Redis's fields that exist only in some states (replicas, min-replicas, ...): not required. */
function comparableFields(s: InfoSection, drop: Set<string>): string[] {
  return s.fields.map(([k]) => k).filter((k) => !drop.has(k));
}

const str = (v: Value): string => {
  assert.equal(typeof v, 'string', `expected a string, got ${JSON.stringify(v)}`);
  return v as string;
};

// ---- tests ----

describe('server commands (differential, default configuration)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('errors, arity and empty states are the same as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['TIME', 'x'],
      ['LASTSAVE', 'x'],
      ['INFO', 'nosuch'],
      ['INFO', 'modules'],
      ['INFO', 'module_list'],
      ['INFO', 'cluster'],
      ['INFO', 'CLUSTER', 'nosuch'],
      ['INFO', 'cluster', 'Cluster', 'modules'],
      ['INFO', 'cluster', 'keyspace'],
      ['SLOWLOG'],
      ['SLOWLOG', 'foo'],
      ['SLOWLOG', 'LEN', 'x'],
      ['SLOWLOG', 'RESET', 'x'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', 'abc'],
      ['SLOWLOG', 'GET', '99999999999999999999'],
      ['SLOWLOG', 'GET', '1', '2'],
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'help', 'x'],
      ['LATENCY'],
      ['LATENCY', 'foo'],
      ['LATENCY', 'HISTORY'],
      ['LATENCY', 'HISTORY', 'a', 'b'],
      ['LATENCY', 'LATEST', 'x'],
      ['LATENCY', 'HELP', 'x'],
      ['LATENCY', 'RESET', 'x', 'y'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'command'],
      ['LATENCY', 'RESET'],
      ['SHUTDOWN', 'foo'],
      ['SHUTDOWN', 'NOSAVE', 'SAVE'],
      ['SHUTDOWN', 'save', 'nosave', 'now'],
      ['SHUTDOWN', 'ABORT'],
      ['SHUTDOWN', 'ABORT', 'NOW'],
      ['SHUTDOWN', 'FORCE', 'ABORT'],
      ['SHUTDOWN', 'NOSAVE', 'bogus'],
      ['MONITOR', 'x'],
      ['DEBUG'],
      ['SLOWLOG', 'RESET'],
    ]);
    await d.same(['LASTSAVE'], sameType);
  });

  it('DEBUG is refused by default, with Redis’s exact message, before arguments are looked at', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'HELP'],
      ['DEBUG', 'nosuch'],
      ['debug', 'object', 'k'],
    ]);
  });

  it('TIME replies [seconds, microseconds] as bulk strings, close to the real clock', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const reply = (await d.same(['TIME'], sameType)) as Value[];
    assert.equal(reply.length, 2);
    const [sec, usec] = reply.map(str) as [string, string];
    assert.match(sec, /^\d+$/);
    assert.match(usec, /^\d{1,6}$/);
    assert.ok(Math.abs(Number(sec) * 1000 + Number(usec) / 1000 - Date.now()) < 2000);
    const raw = await d.redis.raw('TIME');
    assert.match(raw.toString('latin1'), /^\*2\r\n\$\d+\r\n\d+\r\n\$\d+\r\n\d+\r\n$/);
  });

  it('LASTSAVE is the start-up time until something is saved', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const last = (await d.redoubt.call('LASTSAVE')) as number;
    const info = infoMap((await d.redoubt.call('INFO', 'persistence')) as string);
    assert.equal(String(last), info.get('rdb_last_save_time'));
    const uptime = Number(
      infoMap((await d.redoubt.call('INFO', 'server')) as string).get('uptime_in_seconds'),
    );
    assert.ok(Math.abs(Date.now() / 1000 - uptime - last) <= 2);
  });

  it('INFO selects sections as Redis 7.0: default, all, everything, several names, any case', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const titles = async (args: Arg[]): Promise<[string[], string[]]> => {
      const [a, b] = await Promise.all([d?.redoubt.call(...args), d?.redis.call(...args)]);
      return [parseInfo(str(a as Value)).map((s) => s.title), parseInfo(str(b as Value)).map((s) => s.title)];
    };
    for (const args of [
      ['INFO'],
      ['INFO', 'default'],
      ['INFO', 'all'],
      ['INFO', 'everything'],
      ['INFO', 'EVERYTHING'],
      ['INFO', 'default', 'commandstats'],
      ['INFO', 'server', 'cpu'],
      ['INFO', 'CPU', 'Server'],
      ['INFO', 'keyspace', 'default'],
      ['INFO', 'all', 'nosuch'],
      ['INFO', 'commandstats', 'errorstats', 'latencystats'],
      ['INFO', 'persistence', 'replication', 'stats', 'memory', 'clients'],
    ]) {
      const [ours, theirs] = await titles(args);
      assert.deepEqual(ours, theirs, `sections of ${args.join(' ')}`);
    }
  });

  it('INFO everything has Redis’s fields, in Redis’s order, in every fixed section', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const ours = parseInfo(str(await d.redoubt.call('INFO', 'everything')));
    const theirs = parseInfo(str(await d.redis.call('INFO', 'everything')));
    assert.deepEqual(
      ours.map((s) => s.title),
      theirs.map((s) => s.title),
    );
    for (let i = 0; i < ours.length; i++) {
      const a = ours[i] as InfoSection;
      const b = theirs[i] as InfoSection;
      if (!STATIC_SECTIONS.has(a.title)) continue;
      assert.deepEqual(
        comparableFields(a, EXTRA_FIELDS),
        comparableFields(b, MISSING_FIELDS),
        `fields of # ${a.title}`,
      );
    }
    const server = ours.find((s) => s.title === 'Server') as InfoSection;
    const keys = server.fields.map(([k]) => k);
    assert.deepEqual(keys.slice(0, 3), ['redis_version', 'server_name', 'redoubt_version']);
  });

  it('INFO is a verbatim "txt" string in RESP3, a bulk string in RESP2, as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [a, b] = await d.pair();
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
    for (const args of [
      ['INFO', 'cluster'],
      ['INFO', 'nosuch'],
      ['INFO', 'modules'],
    ]) {
      const ra = await a.raw(...args);
      assert.deepEqual(ra.toString('latin1'), (await b.raw(...args)).toString('latin1'));
    }
    assert.match((await a.raw('INFO', 'cpu')).toString('latin1'), /^=\d+\r\ntxt:# CPU\r\n/);
    a.close();
    b.close();
  });

  it('INFO commandstats and errorstats count the same things as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    // A fresh pair so both servers have seen exactly the same commands.
    const f = await Differential.start();
    if (f === null) return t.skip('redis-server not installed');
    try {
      await f.all([
        ['PING'],
        ['PING'],
        ['ECHO', 'a'],
        ['ECHO'],
        ['nosuch'],
        ['SELECT', 'x'],
        ['CLIENT'],
        ['CLIENT', 'nosuch'],
        ['CLIENT', 'GETNAME'],
        ['SLOWLOG', 'GET', 'x'],
        ['AUTH', 'a', 'b'],
        ['HELLO', '4'],
        ['SLOWLOG', 'LEN'],
      ]);
      await f.same(['INFO', 'errorstats']);
      const norm = (v: Value): string[] =>
        str(v)
          .split('\r\n')
          .filter((l) => l.startsWith('cmdstat_'))
          .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+/, 'usec=*'))
          .sort();
      const [a, b] = [
        await f.redoubt.call('INFO', 'commandstats'),
        await f.redis.call('INFO', 'commandstats'),
      ];
      assert.deepEqual(norm(a), norm(b));
      assert.match(
        str(a),
        /^# Commandstats\r\n(cmdstat_[a-z|-]+:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+\r\n)+$/,
      );
      const ks = ['total_error_replies', 'total_commands_processed'];
      const ma = infoMap(str(await f.redoubt.call('INFO', 'stats')));
      const mb = infoMap(str(await f.redis.call('INFO', 'stats')));
      for (const k of ks) assert.equal(ma.get(k), mb.get(k), k);
    } finally {
      await f.close();
    }
  });

  it('INFO latencystats and LATENCY HISTOGRAM track the same commands as Redis, in Redis’s format', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const f = await Differential.start();
    if (f === null) return t.skip('redis-server not installed');
    try {
      await f.all([
        ['LATENCY', 'HISTOGRAM'],
        ['LATENCY', 'HISTOGRAM', 'nosuch', 'get'],
        ['PING'],
        ['PING'],
        ['ECHO'],
      ]);
      await f.same(['CLIENT', 'ID'], sameType);
      await f.all([
        ['CLIENT', 'GETNAME'],
        ['SELECT', 'x'],
      ]);
      const lines = (v: Value): string[] =>
        str(v)
          .split('\r\n')
          .filter((l) => l.startsWith('latency_percentiles_usec_'))
          .map((l) => {
            assert.match(
              l,
              /^latency_percentiles_usec_[a-z|-]+:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/,
            );
            return l.slice(0, l.indexOf(':'));
          })
          .sort();
      const [a, b] = [
        await f.redoubt.call('INFO', 'latencystats'),
        await f.redis.call('INFO', 'latencystats'),
      ];
      assert.deepEqual(lines(a), lines(b));
      assert.ok(lines(a).includes('latency_percentiles_usec_client|id'));

      /** name -> calls, with each histogram's shape checked. */
      const histograms = (v: Value): Record<string, number> => {
        const items = v as Value[];
        const out: Record<string, number> = {};
        for (let i = 0; i < items.length; i += 2) {
          const [callsKey, calls, histKey, buckets] = items[i + 1] as [string, number, string, number[]];
          assert.deepEqual([callsKey, histKey], ['calls', 'histogram_usec']);
          let previous = 0;
          for (let j = 0; j < buckets.length; j += 2) {
            assert.ok((buckets[j + 1] as number) > previous, 'cumulative counts grow');
            previous = buckets[j + 1] as number;
          }
          assert.equal(previous, calls, 'the last bucket holds every call');
          out[items[i] as string] = calls;
        }
        return out;
      };
      for (const args of [
        ['LATENCY', 'HISTOGRAM'],
        ['LATENCY', 'HISTOGRAM', 'ping', 'CLIENT', 'nosuch'],
        ['LATENCY', 'HISTOGRAM', 'client|getname'],
      ]) {
        const [ha, hb]: [Value, Value] = [await f.redoubt.call(...args), await f.redis.call(...args)];
        assert.deepEqual(histograms(ha), histograms(hb), args.join(' '));
      }
      // Percentile labels follow latency-tracking-info-percentiles; latency-tracking no empties the section.
      await f.all([
        ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '0 50.5 100'],
        ['CONFIG', 'SET', 'latency-tracking', 'no'],
        ['INFO', 'latencystats'],
        ['CONFIG', 'SET', 'latency-tracking', 'yes'],
      ]);
      const labels = (v: Value): string[] =>
        str(v)
          .split('\r\n')
          .filter((l) => l.startsWith('latency_percentiles_usec_ping:'))
          .map((l) => l.replace(/=\d+\.\d{3}/g, '=*'));
      const [la, lb] = [
        await f.redoubt.call('INFO', 'latencystats'),
        await f.redis.call('INFO', 'latencystats'),
      ];
      assert.deepEqual(labels(la), labels(lb));
      assert.deepEqual(labels(la), ['latency_percentiles_usec_ping:p0=*,p50.5=*,p100=*']);
    } finally {
      await f.close();
    }
  });

  it('INFO keyspace lists databases with keys, as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['SELECT', '3'],
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['SELECT', '0'],
      ['SET', 'c', '3'],
    ]);
    await d.same(['INFO', 'keyspace']);
    await d.all([['SELECT', '3'], ['FLUSHDB'], ['SELECT', '0'], ['FLUSHDB']]);
    await d.same(['INFO', 'keyspace']);
  });
});

describe('INFO number formatting (C printf)', () => {
  it('%.2f rounds exact ties to even; bytesToHuman picks Redis’s units', () => {
    assert.equal(fixed2(1.125), '1.12');
    assert.equal(fixed2(1.375), '1.38');
    assert.equal(fixed2(0.005), '0.01');
    assert.equal(fixed2(2.5), '2.50');
    assert.equal(fixed2(-1.125), '-1.12');
    assert.equal(bytesToHuman(0), '0B');
    assert.equal(bytesToHuman(1023), '1023B');
    assert.equal(bytesToHuman(1152), '1.12K');
    assert.equal(bytesToHuman(1024 * 1024), '1.00M');
    assert.equal(bytesToHuman(25276502016), '23.54G');
    assert.equal(bytesToHuman(2 ** 60), `${2 ** 60}B`);
  });
});

describe('latency histograms (Redis’s HdrHistogram layout)', () => {
  it('percentiles and cumulative buckets match what Redis printed for the same durations', () => {
    // Redis 7.0: PING at 0 µs and 2 µs gave p50=0.001,p99=2.007 and buckets {1: 1, 2: 2}.
    const h = new LatencyHistogram();
    h.record(0);
    h.record(2000);
    assert.equal(h.total, 2);
    assert.equal(h.valueAtPercentile(50), 1);
    assert.equal(h.valueAtPercentile(99), 2007);
    assert.equal(h.valueAtPercentile(0), 1);
    assert.deepEqual(h.cumulative(), [
      [1, 1],
      [2, 2],
    ]);
    // Redis's documented LATENCY HISTOGRAM example reports the levels 1, 2, 4, 8, 16, 33 µs.
    const g = new LatencyHistogram();
    for (const us of [0, 1.5, 3, 7, 15, 31]) g.record(us * 1000);
    assert.deepEqual(
      g.cumulative().map(([us]) => us),
      [1, 2, 4, 8, 16, 33],
    );
    // Out-of-range durations are clamped to 1 ns .. 1 s.
    const big = new LatencyHistogram();
    big.record(5e12);
    assert.equal(big.valueAtPercentile(100), 1_002_438_655);
  });
});

describe('INFO values are real (Redoubt)', () => {
  it('clients, commands, connections, keyspace hits and misses, expiry, errors, ops/sec, memory', async () => {
    const s = await startRedoubt();
    const a = await RespConnection.open(s.port);
    const b = await RespConnection.open(s.port);
    try {
      const info = async (section: string): Promise<Map<string, string>> =>
        infoMap(str(await a.call('INFO', section)));
      let m = await info('everything');
      assert.equal(m.get('connected_clients'), '2');
      assert.equal(m.get('total_connections_received'), '2');
      assert.equal(m.get('server_name'), 'redoubt');
      assert.match(m.get('redoubt_version') ?? '', /^\d+\.\d+\.\d+/);
      assert.equal(m.get('redis_version'), '7.0.15');
      assert.equal(m.get('tcp_port'), String(s.port));
      assert.equal(m.get('process_id'), String(process.pid));
      assert.equal(m.get('role'), 'master');
      assert.equal(m.get('aof_enabled'), '0');
      assert.match(m.get('master_replid') ?? '', /^[0-9a-f]{40}$/);
      assert.match(m.get('run_id') ?? '', /^[0-9a-f]{40}$/);
      assert.match(m.get('used_cpu_user') ?? '', /^\d+\.\d{6}$/);
      assert.ok(Number(m.get('used_memory')) > 1024 * 1024);
      assert.ok(Number(m.get('used_memory_peak')) >= Number(m.get('used_memory')));
      assert.ok(Number(m.get('used_memory_rss')) > 0);
      assert.match(m.get('used_memory_human') ?? '', /^\d+\.\d\dM$/);
      assert.match(m.get('mem_fragmentation_ratio') ?? '', /^\d+\.\d\d$/);
      assert.equal(m.get('maxmemory_policy'), 'noeviction');
      const before = Number(m.get('total_commands_processed'));

      await a.call('SET', 'k', 'v');
      await a.call('GET', 'k');
      await a.call('GET', 'missing');
      await a.call('SET', 'e', 'v', 'PX', '1');
      await b.call('ECHO');
      await sleep(20);
      await a.call('GET', 'e');
      m = await info('everything');
      assert.equal(Number(m.get('total_commands_processed')), before + 6);
      assert.equal(m.get('keyspace_hits'), '1');
      assert.equal(m.get('keyspace_misses'), '2');
      assert.equal(m.get('expired_keys'), '1');
      assert.equal(m.get('errorstat_ERR'), 'count=1');
      assert.equal(m.get('total_error_replies'), '1');
      assert.match(
        m.get('cmdstat_get') ?? '',
        /^calls=3,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/,
      );
      assert.match(m.get('cmdstat_echo') ?? '', /,rejected_calls=1,failed_calls=0$/);
      assert.equal(m.get('db0'), 'keys=1,expires=0,avg_ttl=0');
      assert.ok(Number(m.get('rdb_changes_since_last_save')) >= 2);
      assert.ok(Number(m.get('total_net_input_bytes')) > 0);
      assert.ok(Number(m.get('total_net_output_bytes')) > 0);

      await a.call('SET', 't', 'v', 'EX', '100');
      m = await info('keyspace');
      const avg = Number(/avg_ttl=(\d+)/.exec(m.get('db0') ?? '')?.[1]);
      assert.ok(avg > 90_000 && avg <= 100_000, `avg_ttl ${avg}`);
      assert.match(m.get('db0') ?? '', /^keys=2,expires=1,/);

      // A burst of commands shows in instantaneous_ops_per_sec once the cron sampled it.
      const burst: Promise<Buffer>[] = [];
      for (let i = 0; i < 2000; i++) burst.push(b.raw('PING'));
      await Promise.all(burst);
      // The cron samples every 100 ms; allow for a loaded machine.
      for (let waited = 0; waited < 3000; waited += 100) {
        await sleep(100);
        m = await info('stats');
        if (Number(m.get('instantaneous_ops_per_sec')) > 0) break;
      }
      assert.ok(Number(m.get('instantaneous_ops_per_sec')) > 0, 'instantaneous_ops_per_sec');
      assert.ok(Number(m.get('instantaneous_input_kbps')) > 0, 'instantaneous_input_kbps');

      b.close();
      await sleep(50);
      m = await info('clients');
      assert.equal(m.get('connected_clients'), '1');
    } finally {
      a.close();
      b.close();
      await s.stop();
    }
  });
});

describe('SLOWLOG (differential, slowlog-log-slower-than 0)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start({
      redoubt: { 'slowlog-log-slower-than': 0 },
      redis: ['--slowlog-log-slower-than', '0'],
    });
  });
  after(async () => {
    await d?.close();
  });

  /** Entries with time, duration and client port normalized; ids, arguments and names exact. */
  const entries = (v: Value): unknown[] =>
    (v as Value[]).map((e) => {
      const [id, time, usec, argv, peer, name] = e as [number, number, number, Value[], string, string];
      assert.ok(Math.abs(time - Date.now() / 1000) < 5, 'timestamp is now');
      assert.ok(Number.isInteger(usec) && usec >= 0, 'duration');
      assert.match(peer, /^127\.0\.0\.1:\d+$/);
      return [id, argv, name];
    });

  it('records every command with its id, arguments (redacted secrets), peer and client name', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'LEN'],
      ['SLOWLOG', 'GET', '0'],
      ['PING'],
      ['AUTH', 'secret'],
      ['AUTH', 'someone', 'secret'],
    ]);
    // HELLO's reply holds the client id.
    await d.same(['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'n1'], sameType);
    await d.all([
      ['CLIENT', 'SETNAME', 'myname'],
      ['ECHO'],
      ['nosuch'],
      ['ECHO', 'x\r\ny'],
      ['CONFIG', 'SET', 'requirepass', 'secret', 'maxclients', '100'],
      ['AUTH', 'secret'],
      ['CONFIG', 'SET', 'requirepass', '', 'MAXCLIENTS', '10000'],
    ]);
    for (const args of [
      ['SLOWLOG', 'GET'],
      ['SLOWLOG', 'GET', '-1'],
      ['SLOWLOG', 'GET', '2'],
      ['SLOWLOG', 'GET', '100'],
    ]) {
      const [a, b]: [Value, Value] = await Promise.all([d.redoubt.call(...args), d.redis.call(...args)]);
      assert.deepEqual(entries(a), entries(b), args.join(' '));
    }
    const [ours]: [Value, Value] = await Promise.all([
      d.redoubt.call('SLOWLOG', 'GET', '-1'),
      d.redis.call('SLOWLOG', 'GET', '-1'),
    ]);
    const all = entries(ours) as [number, Value[], string][];
    const flat = JSON.stringify(all);
    assert.ok(!flat.includes('secret') && !flat.includes('"pw"'), 'passwords never reach the slowlog');
    assert.ok(flat.includes('(redacted)'));
    await d.same(['SLOWLOG', 'LEN']);
    await d.same(['SLOWLOG', 'RESET']);
    await d.same(['SLOWLOG', 'LEN']);
  });

  it('trims long argument lists and long arguments as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const names: string[] = [];
    for (let i = 0; i < 40; i++) names.push(i === 3 ? 'x'.repeat(200) : `n${i}`);
    await d.same(['COMMAND', 'INFO', ...names]);
    await d.same(['ECHO', 'y'.repeat(129)]);
    const [a, b] = await Promise.all([
      d.redoubt.call('SLOWLOG', 'GET', '2'),
      d.redis.call('SLOWLOG', 'GET', '2'),
    ]);
    assert.deepEqual(entries(a), entries(b));
    const argv = (a as Value[][])[1]?.[3] as string[];
    assert.equal(argv.length, 32);
    assert.equal(argv[31], '... (11 more arguments)');
    assert.equal(argv[5], `${'x'.repeat(128)}... (72 more bytes)`);
  });

  it('REDOUBT ONLY: AUTH and HELLO arguments are redacted even when the command fails early', async () => {
    const s = await startRedoubt({ 'slowlog-log-slower-than': 0 });
    const c = await RespConnection.open(s.port);
    try {
      await c.call('AUTH', 'a', 'leaked1', 'c');
      await c.call('HELLO', 'x', 'AUTH', 'default', 'leaked2');
      await c.call('CONFIG', 'SET', 'nosuch', '1', 'requirepass', 'leaked3');
      const log = JSON.stringify(await c.call('SLOWLOG', 'GET', '-1'));
      assert.ok(!log.includes('leaked'), log);
    } finally {
      c.close();
      await s.stop();
    }
  });

  it('slowlog-max-len bounds the log; 0 empties it; -1 threshold disables it', async () => {
    const s = await startRedoubt({ 'slowlog-log-slower-than': 0, 'slowlog-max-len': 3 });
    const c = await RespConnection.open(s.port);
    try {
      for (let i = 0; i < 10; i++) await c.call('PING');
      assert.equal(await c.call('SLOWLOG', 'LEN'), 3);
      const ids = ((await c.call('SLOWLOG', 'GET')) as Value[][]).map((e) => e[0]);
      // Ten PINGs (0-9), then SLOWLOG LEN (10), logged after it ran.
      assert.deepEqual(ids, [10, 9, 8]);
      s.handle.server.slowlog.maxLen = 0;
      await c.call('PING');
      assert.equal(await c.call('SLOWLOG', 'LEN'), 0);
    } finally {
      c.close();
      await s.stop();
    }
    const off = await startRedoubt({ 'slowlog-log-slower-than': -1 });
    const o = await RespConnection.open(off.port);
    try {
      await o.call('PING');
      assert.equal(await o.call('SLOWLOG', 'LEN'), 0);
    } finally {
      o.close();
      await off.stop();
    }
  });
});

describe('MONITOR (differential, two connections each)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  /** Collect what a monitor connection received, with timestamps and client ports normalized. */
  const monitored = async (m: RespConnection): Promise<string[]> => {
    // Until the monitor's own final PING has come back and been shown.
    const done = (): boolean => /\+PONG\r\n[^\r\n]*"PING"\r\n$/.test(m.pending().toString('latin1'));
    for (let waited = 0; !done() && waited < 5000; waited += 20) await sleep(20);
    const text = m.pending().toString('latin1');
    return text
      .split('\r\n')
      .filter((l) => l !== '')
      .map((l) => {
        if (l === '+PONG') return l;
        assert.match(l, /^\+\d+\.\d{6} \[\d+ 127\.0\.0\.1:\d+\] /, l);
        return l.replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '+T [$1 ADDR]');
      });
  };

  it('shows commands after they ran, Redis’s format and escaping, secrets redacted, admin commands hidden', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [ma, mb] = await d.pair();
    const [wa, wb] = await d.pair();
    assert.equal((await ma.raw('MONITOR')).toString(), '+OK\r\n');
    assert.equal((await mb.raw('MONITOR')).toString(), '+OK\r\n');
    const commands: Arg[][] = [
      ['SET', 'k', 'v'],
      ['AUTH', 'pw'],
      ['AUTH', 'u', 'pw'],
      ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'n'],
      ['HELLO', '2', 'SETNAME', 'n2', 'AUTH', 'default', 'pw'],
      ['SELECT', '1'],
      ['SELECT', '0'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'ID'],
      ['SLOWLOG', 'LEN'],
      ['nosuch'],
      ['GET'],
      ['ECHO', 'a b\x01"\\\r\n\t\x07\b\xff'],
      ['INFO', 'cluster'],
      ['LASTSAVE'],
      ['TIME'],
      ['GET', 'k'],
    ];
    for (const c of commands) {
      await wa.raw(...c);
      await wb.raw(...c);
    }
    // The monitor connection's own commands show too, after their reply.
    ma.writeRaw('*1\r\n$4\r\nPING\r\n');
    mb.writeRaw('*1\r\n$4\r\nPING\r\n');
    const ours = await monitored(ma);
    const theirs = await monitored(mb);
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours.slice(-2), ['+PONG', '+T [0 ADDR] "PING"']);
    assert.ok(ours.some((l) => l.includes('"(redacted)"')));
    assert.ok(!ours.some((l) => l.includes('"pw"')));
    for (const c of [ma, mb, wa, wb]) c.close();
  });

  it('MONITOR twice is ignored; RESET and closing stop monitoring', async () => {
    const s = await startRedoubt();
    const monitors = s.handle.server.monitors;
    const m = await RespConnection.open(s.port);
    const w = await RespConnection.open(s.port);
    try {
      assert.equal((await m.raw('MONITOR')).toString(), '+OK\r\n');
      m.writeRaw('*1\r\n$7\r\nMONITOR\r\n');
      assert.equal((await m.raw('PING')).toString(), '+PONG\r\n', 'no reply to a second MONITOR');
      assert.match((await m.readFrame()).toString(), /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "PING"\r\n$/);
      assert.equal(monitors.size, 1);
      await w.call('SELECT', '2');
      assert.match(
        (await m.readFrame()).toString(),
        /^\+\d+\.\d{6} \[2 127\.0\.0\.1:\d+\] "SELECT" "2"\r\n$/,
      );
      assert.equal((await m.raw('RESET')).toString(), '+RESET\r\n');
      assert.equal(monitors.size, 0);
      await w.call('PING');
      assert.equal((await m.raw('PING')).toString(), '+PONG\r\n');
      assert.equal((await m.raw('MONITOR')).toString(), '+OK\r\n');
      assert.equal(monitors.size, 1);
      m.close();
      for (let waited = 0; monitors.size > 0 && waited < 3000; waited += 10) await sleep(10);
      assert.equal(monitors.size, 0);
    } finally {
      m.close();
      w.close();
      await s.stop();
    }
  });
});

describe('LATENCY (differential, latency-monitor-threshold 10, DEBUG enabled)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start({
      redoubt: { 'latency-monitor-threshold': 10, 'enable-debug-command': 'yes' },
      redis: ['--latency-monitor-threshold', '10', '--enable-debug-command', 'yes'],
    });
  });
  after(async () => {
    await d?.close();
  });

  it('records slow commands as "command" events: LATEST, HISTORY, RESET', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['LATENCY', 'RESET'], ['LATENCY', 'LATEST'], ['DEBUG', 'SLEEP', '0.03'], ['PING']]);
    const latest = (v: Value): unknown[] =>
      (v as Value[][]).map(([event, time, last, max]) => {
        assert.ok(Math.abs((time as number) - Date.now() / 1000) < 5);
        assert.ok((last as number) >= 30 && (last as number) < 1000, `latency ${last}`);
        assert.ok((max as number) >= (last as number));
        return event;
      });
    const [a, b] = await Promise.all([
      d.redoubt.call('LATENCY', 'LATEST'),
      d.redis.call('LATENCY', 'LATEST'),
    ]);
    assert.deepEqual(latest(a), latest(b));
    assert.deepEqual(latest(a), ['command']);
    const history = (v: Value): number => (v as Value[][]).filter(([, ms]) => (ms as number) >= 30).length;
    const [ha, hb] = await Promise.all([
      d.redoubt.call('LATENCY', 'HISTORY', 'command'),
      d.redis.call('LATENCY', 'HISTORY', 'command'),
    ]);
    assert.equal(history(ha), history(hb));
    await d.all([
      ['LATENCY', 'HISTORY', 'fast-command'],
      ['LATENCY', 'HISTORY', 'COMMAND'],
      ['LATENCY', 'GRAPH', 'Command'],
      ['LATENCY', 'RESET', 'nosuch', 'COMMAND'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'RESET'],
    ]);
  });

  it('LATENCY HELP lists what Redoubt implements, in Redis’s words', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const ours = (await d.redoubt.call('LATENCY', 'HELP')) as { status: string }[];
    const theirs = (await d.redis.call('LATENCY', 'HELP')) as { status: string }[];
    const theirLines = theirs.map((l) => l.status);
    for (const l of ours) assert.ok(theirLines.includes(l.status), `"${l.status}" is Redis's text`);
    assert.ok(ours.some((l) => l.status === 'LATEST'));
  });

  it('LATENCY GRAPH draws exactly what Redis draws for the same samples', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['LATENCY', 'RESET'],
      ['LATENCY', 'GRAPH', 'command'],
      ['LATENCY', 'GRAPH', 'nosuch'],
    ]);
    // Samples in three different seconds on the reference server.
    const r = d.redis;
    for (const sec of ['0.02', '0.05', '0.012']) {
      await r.call('DEBUG', 'SLEEP', sec);
      await sleep(1100);
    }
    await r.call('DEBUG', 'SLEEP', '0.03');
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = Number(((await r.call('TIME')) as string[])[0]);
      const history = (await r.call('LATENCY', 'HISTORY', 'command')) as [number, number][];
      const latest = (await r.call('LATENCY', 'LATEST')) as [string, number, number, number][];
      const graph = str(await r.call('LATENCY', 'GRAPH', 'command'));
      const after = Number(((await r.call('TIME')) as string[])[0]);
      if (before !== after) continue; // a second boundary changes the labels: try again
      assert.ok(history.length >= 4);
      const series = new LatencySeries();
      for (const [time, ms] of history) series.add(ms, time);
      assert.equal(series.max, latest[0]?.[3]);
      assert.equal(latencyGraph('command', series, before), graph);
      // And Redoubt serves it the same way: bulk in RESP2, verbatim txt in RESP3.
      await d.redoubt.call('DEBUG', 'SLEEP', '0.02');
      assert.match(
        str(await d.redoubt.call('LATENCY', 'GRAPH', 'command')),
        /^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/,
      );
      return;
    }
    assert.fail('could not sample the graph within one second');
  });

  it('LATENCY GRAPH of a single sample (as captured from Redis 7.0)', () => {
    const series = new LatencySeries();
    series.add(20, 1000);
    assert.equal(
      latencyGraph('command', series, 1000),
      `command - high 20 ms, low 20 ms (all time high 20 ms)\n${'-'.repeat(80)}\n \n \n \n_\n \n0\ns\n`,
    );
  });
});

describe('DEBUG (differential, enable-debug-command yes)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start({
      redoubt: { 'enable-debug-command': 'yes' },
      redis: ['--enable-debug-command', 'yes'],
    });
  });
  after(async () => {
    await d?.close();
  });

  it('subcommand errors and the implemented subcommands reply as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['DEBUG', 'foo'],
      ['DEBUG', 'SLEEP'],
      ['DEBUG', 'SLEEP', '0', 'x'],
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'SLEEP', 'abc'],
      ['DEBUG', 'SLEEP', '-1'],
      ['DEBUG', 'SLEEP', '.001'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE'],
      ['DEBUG', 'set-active-expire', 'abc'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
      ['DEBUG', 'OBJECT'],
      ['DEBUG', 'OBJECT', 'a', 'b'],
      ['DEBUG', 'OBJECT', 'nokey'],
      ['DEBUG', 'ERROR', 'my error'],
      ['DEBUG', 'ERROR', 'WRONGTYPE x\r\ny'],
      ['DEBUG', 'ERROR'],
      ['DEBUG', 'LOG', 'hello'],
      ['DEBUG', 'LOG'],
      ['DEBUG', 'HELP', 'x'],
      ['DEBUG', 'POPULATE'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', 'x'],
      ['DEBUG', 'POPULATE', '3', 'p', '-3'],
      ['DEBUG', 'POPULATE', '1', 'p', '1', 'x'],
      ['DEBUG', 'POPULATE', '0'],
      ['DEBUG', 'POPULATE', '3'],
      ['DEBUG', 'POPULATE', '5'],
      ['DEBUG', 'POPULATE', '2', 'p', '10'],
      ['DEBUG', 'POPULATE', '2', 'q', '3'],
      ['DEBUG', 'POPULATE', '1', 'z'.repeat(200)],
      ['GET', 'key:0'],
      ['GET', 'key:4'],
      ['GET', 'p:1'],
      ['GET', 'q:1'],
      ['DBSIZE'],
      ['INFO', 'keyspace'],
      ['DEBUG', 'CHANGE-REPL-ID'],
      ['DEBUG', 'CHANGE-REPL-ID', 'x'],
      ['DEBUG', 'PROTOCOL'],
      ['DEBUG', 'PROTOCOL', 'nosuch'],
      ['FLUSHALL'],
    ]);
    // DEBUG ERROR is not counted as an error reply, as in Redis.
    await d.same(['INFO', 'errorstats']);
  });

  it('DEBUG PROTOCOL replies every type exactly as Redis, in RESP2 and RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const types = [
      'string',
      'integer',
      'double',
      'bignum',
      'null',
      'array',
      'set',
      'map',
      'attrib',
      'verbatim',
      'true',
      'false',
      'MAP',
    ];
    for (const type of [...types, 'push']) await d.same(['DEBUG', 'PROTOCOL', type]);
    const [a, b] = await d.pair();
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
    for (const type of types) {
      assert.equal(
        (await a.raw('DEBUG', 'PROTOCOL', type)).toString('latin1'),
        (await b.raw('DEBUG', 'PROTOCOL', type)).toString('latin1'),
        type,
      );
    }
    // attrib and push send two frames: the out-of-band one, then the real reply.
    for (const type of ['attrib', 'push']) {
      const fa = [await a.raw('DEBUG', 'PROTOCOL', type), await a.readFrame()];
      const fb = [await b.raw('DEBUG', 'PROTOCOL', type), await b.readFrame()];
      assert.deepEqual(fa.map(String), fb.map(String), type);
    }
    a.close();
    b.close();
  });

  it('DEBUG OBJECT reports the encoding, refcount and idle time Redis reports', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const fields = (v: Value): Record<string, string> => {
      const text = (v as { status: string }).status;
      assert.match(text, /^Value /);
      const out: Record<string, string> = {};
      for (const kv of text.split(' ').slice(1)) {
        const [k, val] = kv.split(':') as [string, string];
        out[k] = val;
      }
      return out;
    };
    const cases: [string, string][] = [
      ['small', '12'],
      ['int', '123456'],
      ['short', 'hello'],
      ['long', 'x'.repeat(60)],
    ];
    for (const [k, v] of cases) await d.same(['SET', k, v]);
    for (const [k] of cases) {
      const [a, b] = await Promise.all([
        d.redoubt.call('DEBUG', 'OBJECT', k),
        d.redis.call('DEBUG', 'OBJECT', k),
      ]);
      const fa = fields(a);
      const fb = fields(b);
      for (const f of ['encoding', 'refcount']) assert.equal(fa[f], fb[f], `${k} ${f}`);
      // One-second clocks: the two servers may tick at different moments.
      assert.ok(Math.abs(Number(fa.lru_seconds_idle) - Number(fb.lru_seconds_idle)) <= 1, `${k} idle`);
      assert.match(fa.lru ?? '', /^\d+$/);
    }
    await d.same(['FLUSHALL']);
  });

  it('DEBUG SLEEP blocks the server for that long', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const start = Date.now();
    await d.redoubt.call('DEBUG', 'SLEEP', '0.1');
    assert.ok(Date.now() - start >= 95);
  });

  it('DEBUG SET-ACTIVE-EXPIRE 0 stops the active expiry cycle, 1 restarts it', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const c = d.redoubt;
    const keys = async (): Promise<string> => infoMap(str(await c.call('INFO', 'keyspace'))).get('db0') ?? '';
    await c.call('FLUSHALL');
    assert.deepEqual(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { status: 'OK' });
    await c.call('DEBUG', 'POPULATE', '50', 'exp');
    for (let i = 0; i < 50; i++) await c.call('PEXPIRE', `exp:${i}`, '100');
    await sleep(400);
    assert.match(await keys(), /^keys=50,expires=50,/);
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    for (let waited = 0; waited < 3000 && (await keys()) !== ''; waited += 100) await sleep(100);
    assert.equal(await keys(), '');
  });
});

describe('DEBUG with enable-debug-command local', () => {
  it('is allowed from a loopback connection', async () => {
    const s = await startRedoubt({ 'enable-debug-command': 'local' });
    const c = await RespConnection.open(s.port);
    try {
      assert.deepEqual(await c.call('DEBUG', 'SLEEP', '0'), { status: 'OK' });
    } finally {
      c.close();
      await s.stop();
    }
  });
});

describe('SHUTDOWN', () => {
  it('a spawned redoubt-server exits 0, closes clients and removes its pidfile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-shutdown-'));
    const pidfile = join(dir, 'redoubt.pid');
    const proc = await startRedoubtProcess(['--pidfile', pidfile, '--dir', dir]);
    try {
      assert.ok(existsSync(pidfile), 'pidfile written');
      const c = await RespConnection.open(proc.port);
      const other = await RespConnection.open(proc.port);
      // The final save cannot replace a directory standing at dump.rdb: the shutdown is refused.
      mkdirSync(join(dir, 'dump.rdb'));
      assert.deepEqual(await c.call('SHUTDOWN', 'SAVE'), {
        error: 'ERR Errors trying to SHUTDOWN. Check logs.',
      });
      assert.deepEqual(await c.call('SHUTDOWN', 'ABORT'), { error: 'ERR No shutdown in progress.' });
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      rmSync(join(dir, 'dump.rdb'), { recursive: true });
      // The default save points: a plain SHUTDOWN saves first.
      c.writeRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
      assert.equal(await c.waitClosed(5000), true, 'the connection is closed, without a reply');
      assert.equal(c.pending().length, 0);
      assert.equal(await other.waitClosed(5000), true, 'other clients are disconnected');
      assert.equal(await proc.exited, 0);
      assert.ok(!existsSync(pidfile), 'pidfile removed');
      assert.match(proc.output(), /User requested shutdown/);
      assert.match(proc.output(), /Saving the final RDB snapshot before exiting/);
      assert.equal(statSync(join(dir, 'dump.rdb')).mode & 0o777, 0o600);
      assert.match(proc.output(), /ready to exit, bye bye/);
    } finally {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SHUTDOWN SAVE FORCE and NOSAVE NOW exit too', async () => {
    for (const args of [
      ['SHUTDOWN', 'SAVE', 'FORCE'],
      ['SHUTDOWN', 'NOSAVE', 'NOW'],
    ]) {
      const dir = mkdtempSync(join(tmpdir(), 'redoubt-shutdown-'));
      const proc = await startRedoubtProcess(['--dir', dir]);
      try {
        const c = await RespConnection.open(proc.port);
        c.writeRaw(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
        assert.equal(await c.waitClosed(5000), true);
        assert.equal(await proc.exited, 0, args.join(' '));
        assert.equal(existsSync(join(dir, 'dump.rdb')), args[1] === 'SAVE', args.join(' '));
      } finally {
        await proc.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('embedded: closes the server without exiting the process', async () => {
    const s = await startRedoubt();
    let code: number | undefined;
    s.handle.server.onShutdown = (c) => {
      code = c;
    };
    const c = await RespConnection.open(s.port);
    c.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    assert.equal(await c.waitClosed(5000), true);
    await sleep(50);
    assert.equal(code, 0);
    await assert.rejects(RespConnection.open(s.port));
    await s.stop();
  });
});

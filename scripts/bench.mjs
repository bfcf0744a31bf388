#!/usr/bin/env node
/**
 * `npm run bench`: redis-benchmark against Redoubt and a real redis-server, side by
 * side on loopback, persistence off. Servers are pinned to one core and
 * redis-benchmark to the other; Redoubt is warmed up first (V8's JIT); the two
 * servers are measured alternately, several rounds, and medians are reported:
 * requests/s, the Redoubt/Redis ratio, and each server's CPU time per request read
 * from /proc/<pid>/stat. Then resident memory after loading 1 M keys with 100-byte
 * values into each.
 *
 * Two suites: the core string commands (SET, GET, INCR, MSET) at pipeline 1
 * and 16, and the data-type commands (LPUSH, RPOP, HSET, SADD, ZADD, ZRANGE of
 * 100 elements, XADD) at pipeline 1. LPUSH runs before RPOP so RPOP pops real
 * elements; ZRANGE reads a 100-member sorted set created on both servers first;
 * ZRANGE and XADD are not redis-benchmark built-in tests, so they run as
 * explicit commands.
 *
 * Options (environment): BENCH_ROUNDS (3), BENCH_REQUESTS_P1 (200000),
 * BENCH_REQUESTS_P16 (1000000), BENCH_CLIENTS (50), BENCH_SKIP_MEMORY=1,
 * BENCH_TESTS (run only these tests, at BENCH_PIPELINES), BENCH_SUITES
 * (core,types), BENCH_ONLY_MEMORY=1, BENCH_JSON (path for machine-readable
 * results).
 *
 * BGSAVE (BENCH_BGSAVE=1): scripts/bench-bgsave.mjs after everything else
 * (BGSAVE of BENCH_BGSAVE_KEYS keys while a client writes, next to Redis).
 *
 * Eviction suite (`evict`, on by default): SET and GET over 1 M random keys with
 * maxmemory at start-up usage + BENCH_EVICT_MB (32) and allkeys-lru, so the
 * servers evict continuously; evicted keys, used_memory and RSS reported.
 *
 * AOF suite (BENCH_AOF=1, or `aof` in BENCH_SUITES): SET at each pipeline depth
 * against a second pair of servers with `appendonly yes` and `appendfsync
 * everysec` (data directories in a temporary directory), same method.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** redoubt-server refuses to run as root unless told (CI runs as root). */
const ALLOW_ROOT = process.getuid?.() === 0 ? ['--allow-root', 'yes'] : [];
const env = process.env;
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const N_P1 = Number(env.BENCH_REQUESTS_P1 ?? 200000);
const N_P16 = Number(env.BENCH_REQUESTS_P16 ?? 1000000);
const CLIENTS = Number(env.BENCH_CLIENTS ?? 50);
const PIPELINES = (env.BENCH_PIPELINES ?? '1,16').split(',').map(Number);
/** Each suite: its tests and the pipeline depths they run at. */
const SUITES = env.BENCH_TESTS
  ? [{ name: 'custom', tests: env.BENCH_TESTS.split(','), pipelines: PIPELINES }]
  : [
      { name: 'core', tests: ['set', 'get', 'incr', 'mset'], pipelines: PIPELINES },
      {
        name: 'types',
        tests: ['lpush', 'rpop', 'hset', 'sadd', 'zadd', 'zrange100', 'xadd'],
        pipelines: [1],
      },
    ].filter((suite) => (env.BENCH_SUITES ?? 'core,types').split(',').includes(suite.name));
/** Tests that are explicit commands rather than redis-benchmark built-ins. */
const COMMANDS = {
  zrange100: ['ZRANGE', 'bench:zset', '0', '99'],
  xadd: ['XADD', 'bench:stream', '*', 'field', 'value'],
};
/** Data a test reads, created on each server before it runs. */
const SETUP = {
  zrange100: () => [
    'ZADD',
    'bench:zset',
    ...Array.from({ length: 100 }, (_, i) => [String(i), `member:${i}`]).flat(),
  ],
};
const VALUE_SIZE = Number(env.BENCH_VALUE_SIZE ?? 1024);
const KEYSPACE = 100000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const ncpu = cpus().length;
const SERVER_CPU = ncpu > 1 ? String(ncpu - 1) : '0';
const BENCH_CPU = ncpu > 1 ? '0' : '0';
const haveTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();
const pin = (cpu, cmd, args) => (haveTaskset ? ['taskset', ['-c', cpu, cmd, ...args]] : [cmd, args]);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.once('error', rej);
  });
}

async function startServer(name, cmd, args, port) {
  const [c, a] = pin(SERVER_CPU, cmd, args);
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 20000;
  while (!out.includes('Ready to accept connections')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} failed to start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // With taskset in front, the server is the child's child only if taskset forks; it execs, so the PID is the server's.
  return { name, port, pid: child.pid, child };
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function benchmark(port, test, pipeline, requests, keyspace = KEYSPACE) {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-c',
    String(CLIENTS),
    '-n',
    String(requests),
    '-P',
    String(pipeline),
    '-d',
    String(VALUE_SIZE),
    '-r',
    String(keyspace),
    '--csv',
    ...(COMMANDS[test] ?? ['-t', test]),
  ];
  const [c, a] = pin(BENCH_CPU, 'redis-benchmark', args);
  const out = execFileSync(c, a, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = out
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (line === undefined) throw new Error(`unexpected redis-benchmark output:\n${out}`);
  return Number(line.split(',')[1].replace(/"/g, ''));
}

function measure(server, test, pipeline, requests, keyspace = KEYSPACE) {
  const before = cpuTicks(server.pid);
  const rps = benchmark(server.port, test, pipeline, requests, keyspace);
  const ticks = cpuTicks(server.pid) - before;
  return { rps, cpuUsPerReq: ((ticks / CLK_TCK) * 1e6) / requests };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function redisCli(port, ...args) {
  return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
}

/** Load `n` keys with `size`-byte values through redis-cli --pipe; returns RSS growth info. */
function loadKeys(server, file) {
  const before = rssBytes(server.pid);
  execFileSync('sh', ['-c', `redis-cli -p ${server.port} --pipe < ${file}`], {
    stdio: 'ignore',
    maxBuffer: 1 << 26,
  });
  const keys = Number(redisCli(server.port, 'DBSIZE'));
  return { keys, rssBefore: before, rssAfter: rssBytes(server.pid) };
}

function makeLoadFile(dir, n, size) {
  const file = join(dir, 'load.resp');
  const value = 'x'.repeat(size);
  const chunks = [];
  let buf = '';
  for (let i = 0; i < n; i++) {
    const key = `key:${String(i).padStart(12, '0')}`;
    buf += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${size}\r\n${value}\r\n`;
    if (buf.length > 1 << 20) {
      chunks.push(buf);
      buf = '';
    }
  }
  chunks.push(buf);
  writeFileSync(file, chunks.join(''));
  return file;
}

const fmtN = (n) => Math.round(n).toLocaleString('en-US');

/** A fresh Redoubt and redis-server on free loopback ports, each with its own extra arguments. */
async function startPair(redoubtArgs, redisArgs) {
  const ports = [await freePort(), await freePort()];
  return [
    await startServer(
      'redoubt',
      join(ROOT, 'bin', 'redoubt-server'),
      ['--port', String(ports[0]), '--bind', '127.0.0.1', ...redoubtArgs, ...ALLOW_ROOT],
      ports[0],
    ),
    await startServer(
      'redis',
      'redis-server',
      ['--port', String(ports[1]), '--bind', '127.0.0.1', ...redisArgs],
      ports[1],
    ),
  ];
}

function killAll(servers) {
  for (const s of servers) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {}
  }
}

const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];

/**
 * One row: `test` at pipeline `p` on both servers, measured alternately for
 * ROUNDS rounds; medians of throughput and CPU per request, their ratios,
 * printed under `label`.
 */
function compare(suite, label, test, p, [redoubt, redis], keyspace = KEYSPACE) {
  const n = p === 1 ? N_P1 : N_P16;
  const runs = { redoubt: [], redis: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.redoubt.push(measure(redoubt, test, p, n, keyspace));
    runs.redis.push(measure(redis, test, p, n, keyspace));
  }
  const row = {
    suite,
    test: test.toUpperCase(),
    pipeline: p,
    redoubtRps: median(runs.redoubt.map((x) => x.rps)),
    redisRps: median(runs.redis.map((x) => x.rps)),
    redoubtCpuUs: median(runs.redoubt.map((x) => x.cpuUsPerReq)),
    redisCpuUs: median(runs.redis.map((x) => x.cpuUsPerReq)),
  };
  row.ratio = row.redoubtRps / row.redisRps;
  row.cpuRatio = row.redoubtCpuUs / row.redisCpuUs;
  console.log(
    `${label} P${String(p).padEnd(3)} redoubt ${fmtN(row.redoubtRps).padStart(9)} rps  redis ${fmtN(row.redisRps).padStart(9)} rps  ratio ${row.ratio.toFixed(2)}   cpu/req redoubt ${row.redoubtCpuUs.toFixed(2)} us  redis ${row.redisCpuUs.toFixed(2)} us  (x${row.cpuRatio.toFixed(2)})`,
  );
  return row;
}

/** The summary entry of a single-row comparison. */
const rowSummary = (row) => ({ medianRatio: row.ratio, minRatio: row.ratio, medianCpuRatio: row.cpuRatio });

/**
 * Resident memory after loading 1 M keys with 100-byte values into a fresh
 * Redoubt and a fresh redis-server (fresh, so earlier tests leave nothing behind).
 */
async function measureMemory(work) {
  const file = makeLoadFile(work, 1000000, 100);
  const servers = await startPair(NO_PERSISTENCE, [...NO_PERSISTENCE, '--dir', work]);
  const mem = {};
  try {
    for (const s of servers) {
      const r = loadKeys(s, file);
      // Let the server settle (V8 may still be sweeping) before reading RSS.
      await new Promise((res) => setTimeout(res, 3000));
      mem[s.name] = { keys: r.keys, rss: rssBytes(s.pid), rssEmpty: r.rssBefore };
      console.log(
        `memory ${s.name.padEnd(7)} ${r.keys} keys: RSS ${(mem[s.name].rss / 1048576).toFixed(1)} MB (empty: ${(r.rssBefore / 1048576).toFixed(1)} MB)`,
      );
    }
  } finally {
    killAll(servers);
  }
  mem.ratio = mem.redoubt.rss / mem.redis.rss;
  console.log(`memory ratio (RSS, 1 M keys x 100 B): ${mem.ratio.toFixed(2)}`);
  return mem;
}

const AOF_BENCH = env.BENCH_AOF === '1' || (env.BENCH_SUITES ?? '').split(',').includes('aof');
const EVICT_BENCH = !env.BENCH_TESTS && (env.BENCH_SUITES ?? 'core,types,evict').split(',').includes('evict');
/** The eviction suite's budget above each server's start-up used_memory, and its keyspace. */
const EVICT_BUDGET = Number(env.BENCH_EVICT_MB ?? 32) * 1024 * 1024;
const EVICT_KEYSPACE = 1000000;

function infoNumber(port, section, name) {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(redisCli(port, 'INFO', section));
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * The eviction suite: SET and GET over 1 M random keys of VALUE_SIZE bytes
 * (about 1 GB) into `maxmemory` = start-up used_memory + EVICT_BUDGET with
 * allkeys-lru, so every write past the first few seconds evicts; same on both
 * servers, same method as the other suites.
 */
async function evictBench(work, results) {
  const lru = [...NO_PERSISTENCE, '--maxmemory-policy', 'allkeys-lru'];
  const servers = await startPair(lru, [...lru, '--dir', work]);
  const summary = {};
  try {
    for (const s of servers) {
      const limit = infoNumber(s.port, 'memory', 'used_memory') + EVICT_BUDGET;
      redisCli(s.port, 'CONFIG', 'SET', 'maxmemory', String(limit));
      s.maxmemory = limit;
      // Fill to the limit (and warm Redoubt up) before measuring.
      benchmark(s.port, 'set', 16, N_P16 / 2, EVICT_KEYSPACE);
    }
    for (const p of PIPELINES) {
      for (const test of ['set', 'get']) {
        const row = compare(
          'evict',
          `evict ${test.toUpperCase().padEnd(4)}`,
          test,
          p,
          servers,
          EVICT_KEYSPACE,
        );
        results.push(row);
        summary[`evict ${row.test} P${p}`] = rowSummary(row);
      }
    }
    for (const s of servers) {
      const used = infoNumber(s.port, 'memory', 'used_memory');
      const evicted = infoNumber(s.port, 'stats', 'evicted_keys');
      const rss = rssBytes(s.pid);
      summary[`evict ${s.name}`] = { evictedKeys: evicted, usedMemory: used, maxmemory: s.maxmemory, rss };
      console.log(
        `evict ${s.name.padEnd(7)} evicted ${fmtN(evicted)} keys; used_memory ${(used / 1048576).toFixed(1)} MB of maxmemory ${(s.maxmemory / 1048576).toFixed(1)} MB; RSS ${(rss / 1048576).toFixed(1)} MB`,
      );
    }
  } finally {
    killAll(servers);
  }
  return summary;
}

/** SET with appendonly yes + appendfsync everysec on both servers (the AOF suite). */
async function aofBench(work, results) {
  const aof = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
  const dirs = ['redoubt-aof', 'redis-aof'].map((d) => join(work, d));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const servers = await startPair(['--dir', dirs[0], ...aof], ['--dir', dirs[1], ...aof]);
  const summary = {};
  try {
    for (const p of PIPELINES) benchmark(servers[0].port, 'set', p, p === 1 ? N_P1 / 4 : N_P16 / 4);
    for (const p of PIPELINES) {
      const row = compare('aof', 'AOF SET ', 'set', p, servers);
      results.push(row);
      summary[`aof P${p}`] = rowSummary(row);
    }
  } finally {
    killAll(servers);
  }
  return summary;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'redoubt-bench-'));
  const pair = await startPair(NO_PERSISTENCE, [...NO_PERSISTENCE, '--dir', work]);
  const [redoubt, redis] = pair;
  const results = [];
  try {
    console.log(
      `redis-benchmark: ${CLIENTS} clients, ${VALUE_SIZE}-byte values, ${KEYSPACE} random keys, ${ROUNDS} rounds; servers on CPU ${SERVER_CPU}, benchmark on CPU ${BENCH_CPU}${haveTaskset ? '' : ' (taskset missing: not pinned)'}`,
    );
    const suites = env.BENCH_ONLY_MEMORY === '1' ? [] : SUITES;
    for (const suite of suites)
      for (const test of suite.tests)
        for (const s of [redoubt, redis]) if (SETUP[test]) redisCli(s.port, ...SETUP[test]());
    const summary = {};
    for (const suite of suites) {
      // Warm-up, suite by suite: V8 optimises the suite's hot paths, and the data an
      // earlier suite's warm-up leaves (LPUSH's list) is not there while the core suite runs.
      for (const test of suite.tests)
        for (const p of suite.pipelines) benchmark(redoubt.port, test, p, p === 1 ? N_P1 / 4 : N_P16 / 4);
      for (const p of suite.pipelines) {
        const rows = [];
        for (const test of suite.tests) {
          const row = compare(suite.name, test.toUpperCase().padEnd(9), test, p, pair);
          rows.push(row);
          results.push(row);
        }
        const key = `${suite.name} P${p}`;
        summary[key] = {
          medianRatio: median(rows.map((r) => r.ratio)),
          minRatio: Math.min(...rows.map((r) => r.ratio)),
          medianCpuRatio: median(rows.map((r) => r.cpuRatio)),
        };
        console.log(
          `${key}: median throughput ratio ${summary[key].medianRatio.toFixed(2)} (lowest ${summary[key].minRatio.toFixed(2)}), CPU per request x${summary[key].medianCpuRatio.toFixed(2)} of Redis`,
        );
      }
    }
    if (env.BENCH_SKIP_MEMORY !== '1') summary.memory = await measureMemory(work);
    if (EVICT_BENCH && env.BENCH_ONLY_MEMORY !== '1') Object.assign(summary, await evictBench(work, results));
    if (AOF_BENCH) Object.assign(summary, await aofBench(work, results));
    if (env.BENCH_JSON) {
      mkdirSync(dirname(env.BENCH_JSON), { recursive: true });
      writeFileSync(
        env.BENCH_JSON,
        JSON.stringify({ date: new Date().toISOString(), node: process.version, results, summary }, null, 2),
      );
    }
  } finally {
    killAll(pair);
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .then(() => {
    // BENCH_BGSAVE=1: BGSAVE of 1 M keys under load next to redis-server's, once the rest is done.
    if (env.BENCH_BGSAVE === '1')
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'bench-bgsave.mjs')], { stdio: 'inherit' });
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });

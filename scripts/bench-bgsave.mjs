#!/usr/bin/env node
/**
 * BGSAVE under load: Redoubt's fork-less incremental snapshot next to
 * redis-server's fork-based one, same dataset, same load.
 *
 * Each server (a real process, loopback, persistence off but for BGSAVE, its
 * own temporary `dir`) gets BENCH_BGSAVE_KEYS keys (default 1 000 000): 99 %
 * 100-byte strings, 1 % collections (hash, list, set, sorted set of 10
 * elements each, in turn). Then, while BENCH_BGSAVE_WRITERS (8) connections
 * keep writing (SET of 100-byte values spread over the whole key range,
 * closed loops of 16-command pipelines) and another sends PING in a closed
 * loop, BGSAVE runs. Reported per server:
 * - total: BGSAVE reply to `rdb_bgsave_in_progress:0` (INFO polled every 10 ms);
 * - longest stall: the longest PING round trip during the save (what a client
 *   waits at worst; the baseline is the same probe before the save);
 * - writes/s during the save, and for one second before it (baseline);
 * - peak extra memory: the server's peak RSS during the save minus its RSS
 *   before (for Redis the parent only: its child's copy-on-write is
 *   rdb_last_cow_size), and rdb_last_cow_size (Redoubt: bytes copied aside);
 * - the file's size.
 * Both processes are stopped by PID and their directories removed.
 *
 * Run: `npm run build && node scripts/bench-bgsave.mjs`, or with `npm run
 * bench` and BENCH_BGSAVE=1. BENCH_BGSAVE_JSON=<path> writes the results.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const ALLOW_ROOT = process.getuid?.() === 0 ? ['--allow-root', 'yes'] : [];
const KEYS = Number(process.env.BENCH_BGSAVE_KEYS ?? 1_000_000);
/** Writing connections, each a closed loop of 16-command pipelines. */
const WRITERS = Number(process.env.BENCH_BGSAVE_WRITERS ?? 8);
/** 100 printable bytes that LZF cannot shrink much (a fixed pseudo-random string). */
const VALUE = Array.from({ length: 100 }, (_, i) => String.fromCharCode(33 + ((i * 7919 + 17) % 89))).join(
  '',
);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/** A minimal pipelining RESP client: replies are counted, bulk/status text returned. */
class Client {
  static open(port) {
    return new Promise((res, rej) => {
      const s = connect({ port, host: '127.0.0.1' }, () => res(new Client(s)));
      s.once('error', rej);
    });
  }
  constructor(socket) {
    this.socket = socket;
    this.buf = '';
    this.waiting = [];
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      this.buf += d;
      this.drain();
    });
  }
  /** Parse complete replies off the buffer; enough for +, -, :, $ replies. */
  drain() {
    for (;;) {
      if (this.waiting.length === 0 || this.buf.length === 0) return;
      const nl = this.buf.indexOf('\r\n');
      if (nl === -1) return;
      let value;
      let end;
      if (this.buf[0] === '$') {
        const len = Number(this.buf.slice(1, nl));
        if (len < 0) {
          value = null;
          end = nl + 2;
        } else {
          if (this.buf.length < nl + 2 + len + 2) return;
          value = this.buf.slice(nl + 2, nl + 2 + len);
          end = nl + 2 + len + 2;
        }
      } else {
        value = this.buf.slice(1, nl);
        end = nl + 2;
      }
      this.buf = this.buf.slice(end);
      this.waiting.shift()(value);
    }
  }
  send(cmds) {
    const replies = cmds.map(() => new Promise((res) => this.waiting.push(res)));
    this.socket.write(cmds.map(encode).join(''));
    return Promise.all(replies);
  }
  async call(...args) {
    return (await this.send([args]))[0];
  }
  close() {
    this.socket.destroy();
  }
}

function field(info, name) {
  return new RegExp(`^${name}:(.*)\\r$`, 'm').exec(info)?.[1];
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function startProcess(cmd, args, port) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise((res) => child.once('exit', res));
  for (let i = 0; i < 1000 && !out.includes('Ready to accept connections'); i++) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited:\n${out}`);
    await sleep(20);
  }
  return {
    pid: child.pid,
    port,
    async stop() {
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      await exited;
    },
  };
}

/** The dataset, in pipelined batches. */
async function load(c) {
  const BATCH = 2000;
  for (let i = 0; i < KEYS; i += BATCH) {
    const cmds = [];
    for (let j = i; j < Math.min(KEYS, i + BATCH); j++) {
      if (j % 100 !== 99) {
        cmds.push(['SET', `key:${j}`, VALUE]);
        continue;
      }
      const members = Array.from({ length: 10 }, (_, m) => `member-${m}`);
      const kind = ((j / 100) % 4) | 0;
      if (kind === 0) cmds.push(['HSET', `key:${j}`, ...members.flatMap((m) => [m, VALUE.slice(0, 20)])]);
      else if (kind === 1) cmds.push(['RPUSH', `key:${j}`, ...members]);
      else if (kind === 2) cmds.push(['SADD', `key:${j}`, ...members]);
      else cmds.push(['ZADD', `key:${j}`, ...members.flatMap((m, s) => [String(s), m])]);
    }
    await c.send(cmds);
  }
}

/** Closed-loop PING: the longest round trip while `running()` holds. */
async function probe(c, running) {
  let max = 0;
  let n = 0;
  while (running()) {
    const t = performance.now();
    await c.call('PING');
    max = Math.max(max, performance.now() - t);
    n++;
  }
  return { maxMs: max, pings: n };
}

/** Pipelines of 16 SETs over the key range while `running()` holds; writes done. */
async function writer(c, running, seed) {
  let n = 0;
  let k = 7 + seed * 104729;
  while (running()) {
    const cmds = [];
    for (let i = 0; i < 16; i++) {
      k = (k * 7919 + 13) % KEYS;
      // Strings only: a collection key stays the type it was.
      if (k % 100 === 99) k = (k + 1) % KEYS;
      cmds.push(['SET', `key:${k}`, VALUE]);
    }
    await c.send(cmds);
    n += 16;
  }
  return n;
}

/** The writers together: writes done. */
async function writers(conns, running) {
  const counts = await Promise.all(conns.map((c, i) => writer(c, running, i)));
  return counts.reduce((a, b) => a + b, 0);
}

async function measure(name, server, dir) {
  const admin = await Client.open(server.port);
  const ws = await Promise.all(Array.from({ length: WRITERS }, () => Client.open(server.port)));
  const p = await Client.open(server.port);
  const t0 = performance.now();
  await load(admin);
  const loadS = (performance.now() - t0) / 1000;
  // Baseline: the same load and probe for one second without a save.
  let baselineOn = true;
  const baseW = writers(ws, () => baselineOn);
  const baseP = probe(p, () => baselineOn);
  await sleep(1000);
  baselineOn = false;
  const baseWrites = await baseW;
  const baseline = await baseP;
  const rssBefore = rssBytes(server.pid);
  let saving = true;
  const writes = writers(ws, () => saving);
  const stall = probe(p, () => saving);
  const start = performance.now();
  const reply = await admin.call('BGSAVE');
  if (!String(reply).startsWith('Background saving')) throw new Error(`${name}: BGSAVE: ${reply}`);
  let peakRss = rssBefore;
  let info = '';
  for (let i = 0; i < 100_000; i++) {
    peakRss = Math.max(peakRss, rssBytes(server.pid));
    info = await admin.call('INFO', 'persistence');
    if (field(info, 'rdb_bgsave_in_progress') === '0') break;
    await sleep(10);
  }
  const totalS = (performance.now() - start) / 1000;
  saving = false;
  const written = await writes;
  const { maxMs } = await stall;
  for (const c of [admin, ...ws, p]) c.close();
  if (field(info, 'rdb_last_bgsave_status') !== 'ok') throw new Error(`${name}: BGSAVE failed`);
  return {
    server: name,
    keys: KEYS,
    loadSeconds: +loadS.toFixed(1),
    bgsaveSeconds: +totalS.toFixed(2),
    reportedSeconds: Number(field(info, 'rdb_last_bgsave_time_sec')),
    longestStallMs: +maxMs.toFixed(1),
    baselineLongestPingMs: +baseline.maxMs.toFixed(1),
    writesPerSecDuringSave: Math.round(written / totalS),
    writesPerSecBaseline: baseWrites,
    rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(0),
    peakExtraRssMB: +((peakRss - rssBefore) / 2 ** 20).toFixed(1),
    cowSizeMB: +(Number(field(info, 'rdb_last_cow_size')) / 2 ** 20).toFixed(2),
    fileMB: +(statSync(join(dir, 'dump.rdb')).size / 2 ** 20).toFixed(1),
  };
}

async function main() {
  const results = [];
  const servers = [
    {
      name: 'redoubt',
      cmd: join(ROOT, 'bin', 'redoubt-server'),
      args: (port, dir) => ['--port', String(port), '--dir', dir, '--save', '', ...ALLOW_ROOT],
    },
    {
      name: 'redis',
      cmd: 'redis-server',
      args: (port, dir) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
    },
  ];
  for (const s of servers) {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-bench-bgsave-'));
    const port = await freePort();
    const server = await startProcess(s.cmd, s.args(port, dir), port);
    try {
      const r = await measure(s.name, server, dir);
      results.push(r);
      console.log(JSON.stringify(r));
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('\nBGSAVE under load (%d keys)', KEYS);
  console.table(results);
  if (process.env.BENCH_BGSAVE_JSON)
    writeFileSync(process.env.BENCH_BGSAVE_JSON, JSON.stringify(results, null, 2));
}

await main();

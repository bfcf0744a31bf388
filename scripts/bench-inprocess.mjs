#!/usr/bin/env node
/**
 * Per-command cost of Redoubt's own code, without sockets: a client with a fake
 * socket is fed pre-built batches of 16 pipelined commands (like
 * `redis-benchmark -P 16`, 1 KB values, 100 000 keys) and the best of several
 * rounds is printed in ns per command. Less noisy than `npm run bench` on a busy
 * machine, and what to watch when changing the request path (decoder,
 * dispatcher, ACL checks, store). Run after `npm run build`:
 *
 * LPUSH runs before RPOP, so RPOP pops what LPUSH pushed.
 *
 *   node scripts/bench-inprocess.mjs [rounds=6] [TEST,TEST...]
 */
import { Client } from '../dist/src/core/client.js';
import { createServer } from '../dist/src/index.js';

const rounds = Number(process.argv[2] ?? 6);
const handle = createServer({ port: 0, bind: '127.0.0.1' });
const server = handle.server;
const fakeSocket = {
  on() {},
  write() {
    return true;
  },
  get writableLength() {
    return 0;
  },
  end() {},
  destroy() {},
  pause() {},
  resume() {},
};
const client = new Client(1, server, fakeSocket, server.dbs[0], '127.0.0.1:1', '127.0.0.1:2');
const value = 'x'.repeat(1024);
const KEYS = 100000;

/** One RESP command. */
function resp(argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

const key = (i) => `key:${String(i % KEYS).padStart(12, '0')}`;
const rand = (i) => String((i * 7919) % KEYS).padStart(12, '0');
/** The commands redis-benchmark sends for each test (`-d 1024 -r 100000`). */
const COMMANDS = {
  PING: () => ['PING'],
  SET: (i) => ['SET', key(i * 7919), value],
  GET: (i) => ['GET', key(i * 7919)],
  INCR: (i) => ['INCR', `ctr:${rand(i)}`],
  LPUSH: () => ['LPUSH', 'mylist', value],
  RPOP: () => ['RPOP', 'mylist'],
  HSET: (i) => ['HSET', `myhash:${rand(i)}`, `element:${rand(i + 1)}`, value],
  SADD: (i) => ['SADD', 'myset', `element:${rand(i)}`],
  ZADD: (i) => ['ZADD', 'myzset', rand(i + 3), `element:${rand(i)}`],
  ZRANGE100: () => ['ZRANGE', 'bench:zset', '0', '99'],
};

function batch(cmd, from) {
  let s = '';
  for (let i = 0; i < 16; i++) s += resp(COMMANDS[cmd](from + i));
  return Buffer.from(s, 'latin1');
}

const tests = (process.argv[3] ?? 'PING,SET,GET,INCR,LPUSH,RPOP,HSET,SADD,ZADD,ZRANGE100').split(',');
const batches = Object.fromEntries(
  tests.map((t) => [t, Array.from({ length: 2000 }, (_, b) => batch(t, b * 16))]),
);
for (let i = 0; i < KEYS; i += 16) client.onData(batch('SET', i));
client.onData(
  Buffer.from(
    resp(['ZADD', 'bench:zset', ...Array.from({ length: 100 }, (_, i) => [String(i), `member:${i}`]).flat()]),
    'latin1',
  ),
);

const best = Object.fromEntries(tests.map((t) => [t, Number.POSITIVE_INFINITY]));
for (let r = 0; r < rounds; r++) {
  for (const t of tests) {
    const start = performance.now();
    for (let k = 0; k < 10; k++) for (const b of batches[t]) client.onData(b);
    const ns = ((performance.now() - start) * 1e6) / (10 * batches[t].length * 16);
    best[t] = Math.min(best[t], ns);
  }
}
console.log(tests.map((t) => `${t} ${best[t].toFixed(0)} ns`).join('  '));

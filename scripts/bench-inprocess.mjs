#!/usr/bin/env node
/**
 * Per-command cost of Redoubt's own code, without sockets: a client with a fake
 * socket is fed pre-built batches of 16 pipelined commands (like
 * `redis-benchmark -P 16`, 1 KB values, 100 000 keys) and the best of several
 * rounds is printed in ns per command. Less noisy than `npm run bench` on a busy
 * machine, and what to watch when changing the request path (decoder,
 * dispatcher, ACL checks, store). Run after `npm run build`:
 *
 *   node scripts/bench-inprocess.mjs [rounds=6]
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

function batch(cmd, from) {
  let s = '';
  for (let i = 0; i < 16; i++) {
    const k = `key:${String((from + i * 7919) % KEYS).padStart(12, '0')}`;
    if (cmd === 'SET') s += `*3\r\n$3\r\nSET\r\n$16\r\n${k}\r\n$1024\r\n${value}\r\n`;
    else if (cmd === 'GET') s += `*2\r\n$3\r\nGET\r\n$16\r\n${k}\r\n`;
    else if (cmd === 'INCR') s += `*2\r\n$4\r\nINCR\r\n$16\r\nctr:${k.slice(4)}\r\n`;
    else s += '*1\r\n$4\r\nPING\r\n';
  }
  return Buffer.from(s, 'latin1');
}

const tests = ['PING', 'SET', 'GET', 'INCR'];
const batches = Object.fromEntries(
  tests.map((t) => [t, Array.from({ length: 2000 }, (_, b) => batch(t, b * 16))]),
);
for (let i = 0; i < KEYS; i += 16) client.onData(batch('SET', i));

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

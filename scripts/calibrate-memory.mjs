#!/usr/bin/env node
// Compare the memory accounting (used_memory_dataset) with the real heap after
// a full garbage collection, per workload: the constants in src/store/memory.ts
// and the types' memoryUsage methods are tuned with this. Run after `npm run build`:
//   node scripts/calibrate-memory.mjs [workload...]
import Redis from 'ioredis';
import { fullGc } from '../dist/src/core/memory.js';
import { createServer } from '../dist/src/index.js';

const server = await createServer({ port: 0 }).listen();
const { port } = server.address();
const r = new Redis({ port, lazyConnect: false });

function heap() {
  fullGc();
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function dataset() {
  const info = await r.info('memory');
  return (
    Number(/used_memory_dataset:(\d+)/.exec(info)[1]) + Number(/used_memory_overhead:(\d+)/.exec(info)[1])
  );
}

const pad = (n, w) => String(n).padStart(w);
const val = (i, len) => `${i}`.padEnd(len, 'x');

async function pipelined(n, fn) {
  const BATCH = 2000;
  for (let i = 0; i < n; i += BATCH) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(n, i + BATCH); j++) fn(p, j);
    await p.exec();
  }
}

const WORKLOADS = {
  'string-100': () => pipelined(200000, (p, i) => p.set(`key:${i}`, val(i, 100))),
  'string-int': () => pipelined(200000, (p, i) => p.set(`key:${i}`, String(i))),
  'string-ttl': () => pipelined(200000, (p, i) => p.set(`key:${i}`, val(i, 20), 'EX', 10000)),
  'hash-small': () => pipelined(200000, (p, i) => p.hset(`h:${i % 2000}`, `field:${i}`, val(i, 10))),
  'hash-big': () => pipelined(200000, (p, i) => p.hset(`h:${i % 20}`, `field:${i}`, val(i, 10))),
  list: () => pipelined(200000, (p, i) => p.rpush(`l:${i % 20}`, val(i, 20))),
  'set-int': () => pipelined(200000, (p, i) => p.sadd(`s:${i % 20}`, String(i))),
  'set-short': () => pipelined(200000, (p, i) => p.sadd(`s:${i % 20}`, `x${i}`)),
  'set-str': () => pipelined(200000, (p, i) => p.sadd(`s:${i % 20}`, `member:${i}`)),
  zset: () => pipelined(200000, (p, i) => p.zadd(`z:${i % 20}`, i * 1.5, `member:${i}`)),
  'zset-int': () => pipelined(200000, (p, i) => p.zadd(`z:${i % 20}`, i, `m${i}`)),
  stream: () => pipelined(200000, (p, i) => p.xadd(`x:${i % 5}`, '*', 'name', val(i, 10), 'n', String(i))),
  // Many small values: per-object costs dominate.
  'hash-tiny': () =>
    pipelined(50000, (p, i) => p.hset(`h:${i}`, 'f1', val(i, 10), 'f2', val(i, 12), 'f3', 'x')),
  'list-tiny': () => pipelined(50000, (p, i) => p.rpush(`l:${i}`, val(i, 10), val(i, 12), 'x')),
  'set-tiny': () => pipelined(50000, (p, i) => p.sadd(`s:${i}`, `a${i}`, `b${i}`, `c${i}`)),
  'intset-tiny': () => pipelined(50000, (p, i) => p.sadd(`s:${i}`, '1', '2', String(i))),
  'zset-tiny': () => pipelined(50000, (p, i) => p.zadd(`z:${i}`, 1.5, `a${i}`, 2.5, `b${i}`, 3, `c${i}`)),
  'stream-tiny': () => pipelined(50000, (p, i) => p.xadd(`x:${i}`, '*', 'f', val(i, 10), 'g', '1')),
};

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(WORKLOADS);
console.log(`${'workload'.padEnd(12)} ${pad('heap bytes', 12)} ${pad('accounted', 12)} ${pad('ratio', 6)}`);
for (const name of names) {
  await r.flushall();
  const h0 = heap();
  const d0 = await dataset();
  await WORKLOADS[name]();
  const h1 = heap();
  const d1 = await dataset();
  const real = h1 - h0;
  const acc = d1 - d0;
  console.log(`${name.padEnd(12)} ${pad(real, 12)} ${pad(acc, 12)} ${pad((acc / real).toFixed(2), 6)}`);
}
r.disconnect();
await server.close();

#!/usr/bin/env node
/**
 * Sorted-set micro-benchmark: the cost of ZADD and ZRANK as a sorted set grows
 * from 1 000 to 1 000 000 members, to show it grows as O(log n) (the counted
 * B+tree in src/store/types/ztree.ts). Two measurements per size:
 *
 * - command: whole ZADD / ZRANK commands run in-process through a client with a
 *   fake socket (RESP decoding, dispatch, handler, reply encoding), pipelined by
 *   16 like `redis-benchmark -P 16`;
 * - structure: ZSetObject operations alone (score update = delete + insert in
 *   the tree, rank lookup), member lookups in the dictionary included.
 *
 * ZADD updates the score of a random existing member (so the size stays put and
 * every call moves an element); ZRANK asks the rank of a random member. Random
 * members at a million also measure the memory hierarchy (each level of the
 * tree is a cache miss once the set outgrows the CPU caches), so "ZRANK hot"
 * repeats the ranks of the same 1 000 members: the algorithmic cost, whose
 * ratio to log2(n) stays about flat. The best of several rounds is printed in
 * ns per operation.
 * Run after `npm run build`:
 *
 *   node scripts/bench-zset.mjs [rounds=5] [maxSize=1000000]
 */
import { Client } from '../dist/src/core/client.js';
import { createServer } from '../dist/src/index.js';
import { limitsOf } from '../dist/src/store/types/limits.js';
import { ZSetObject } from '../dist/src/store/types/zset.js';

const rounds = Number(process.argv[2] ?? 5);
const maxSize = Number(process.argv[3] ?? 1_000_000);
const OPS = 100_000;

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

/** A seeded generator so runs are comparable (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
const command = (...args) => `*${args.length}\r\n${args.map(bulk).join('')}`;
const member = (i) => `member:${String(i).padStart(8, '0')}`;

/** Pre-built batches of 16 pipelined commands. */
function batches(make, count) {
  const out = [];
  for (let b = 0; b < count / 16; b++) {
    let s = '';
    for (let i = 0; i < 16; i++) s += make(b * 16 + i);
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

function best(fn) {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) min = Math.min(min, fn());
  return min;
}

const sizes = [];
const minSize = Number(process.argv[4] ?? 1000);
for (let n = minSize; n <= maxSize; n *= 10) sizes.push(n);
const rows = [];
for (const n of sizes) {
  const rnd = prng(n);
  const key = `bench:${n}`;
  // Fill through the command path, 1 000 members per ZADD.
  for (let i = 0; i < n; i += 1000) {
    const args = ['ZADD', key];
    for (let j = i; j < Math.min(n, i + 1000); j++) args.push(String(rnd() * 1e6), member(j));
    client.onData(Buffer.from(command(...args), 'latin1'));
  }
  const zaddBatches = batches(
    () => command('ZADD', key, String(rnd() * 1e6), member(Math.floor(rnd() * n))),
    OPS,
  );
  const zrankBatches = batches(() => command('ZRANK', key, member(Math.floor(rnd() * n))), OPS);
  const timeBatches = (list) => () => {
    const start = performance.now();
    for (const b of list) client.onData(b);
    return ((performance.now() - start) * 1e6) / OPS;
  };
  const cmdZadd = best(timeBatches(zaddBatches));
  const cmdZrank = best(timeBatches(zrankBatches));

  // The structure alone, on its own copy.
  const z = new ZSetObject();
  const limits = limitsOf(server);
  for (let i = 0; i < n; i++) z.insert(rnd() * 1e6, member(i), limits);
  const picks = Array.from({ length: OPS }, () => member(Math.floor(rnd() * n)));
  const scores = Array.from({ length: OPS }, () => rnd() * 1e6);
  const structZadd = best(() => {
    const start = performance.now();
    for (let i = 0; i < OPS; i++) {
      const m = picks[i];
      z.update(m, z.dict.get(m), scores[i]);
    }
    return ((performance.now() - start) * 1e6) / OPS;
  });
  let sink = 0;
  const structZrank = best(() => {
    const start = performance.now();
    for (let i = 0; i < OPS; i++) {
      const m = picks[i];
      sink += z.tree.rank(z.dict.get(m), m);
    }
    return ((performance.now() - start) * 1e6) / OPS;
  });
  // The same 1 000 members over and over: their paths stay in the CPU caches, so
  // this isolates the algorithmic cost from the memory hierarchy.
  const hot = picks.slice(0, 1000);
  const structZrankHot = best(() => {
    const start = performance.now();
    for (let i = 0; i < OPS; i++) {
      const m = hot[i % 1000];
      sink += z.tree.rank(z.dict.get(m), m);
    }
    return ((performance.now() - start) * 1e6) / OPS;
  });
  if (sink < 0) console.log(sink);
  client.onData(Buffer.from(command('DEL', key), 'latin1'));
  rows.push({ n, cmdZadd, cmdZrank, structZadd, structZrank, structZrankHot });
}

const log2 = (n) => Math.log2(n);
const pad = (s, w) => String(s).padStart(w);
console.log(
  `${pad('members', 9)} ${pad('ZADD cmd', 10)} ${pad('ZRANK cmd', 10)} ${pad('ZADD struct', 12)} ${pad('ZRANK struct', 13)} ${pad('ZRANK hot', 10)} ${pad('ZRANK hot/log2n', 16)}`,
);
for (const r of rows) {
  console.log(
    `${pad(r.n.toLocaleString('en'), 9)} ${pad(`${r.cmdZadd.toFixed(0)} ns`, 10)} ${pad(`${r.cmdZrank.toFixed(0)} ns`, 10)} ${pad(`${r.structZadd.toFixed(0)} ns`, 12)} ${pad(`${r.structZrank.toFixed(0)} ns`, 13)} ${pad(`${r.structZrankHot.toFixed(0)} ns`, 10)} ${pad((r.structZrankHot / log2(r.n)).toFixed(1), 16)}`,
  );
}
await handle.close?.();

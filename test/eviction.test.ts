/**
 * maxmemory and eviction against a spawned Redoubt and, side by side, a real
 * redis-server given the same budget above its own start-up usage (the two
 * count memory differently, so limits are set relative to each server's
 * used_memory): OOM refusals and their text, every policy keeping used_memory
 * under the limit, which keys each policy keeps (LRU, LFU, TTL, volatile-only)
 * compared with Redis's on the same workload, LFU counters, evictions in the
 * AOF and in keyspace notifications, client eviction, and RSS near the limit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { type RunningProcess, startRedis, startRedoubtProcess } from './helpers/servers.js';

const MB = 1024 * 1024;

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  assert.ok(m, `INFO has ${name}`);
  return Number(m[1]);
}

async function used(r: Redis): Promise<number> {
  return field(await r.info('memory'), 'used_memory');
}

async function stat(r: Redis, name: string): Promise<number> {
  return field(await r.info('stats'), name);
}

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const value = (i: number, len: number): string => `${i}:`.padEnd(len, 'v');

/** Write keys prefix:from..to-1 in pipelined batches; returns the replies (errors as Error). */
async function writeKeys(
  r: Redis,
  prefix: string,
  from: number,
  to: number,
  len: number,
  ttl = 0,
): Promise<(Error | string)[]> {
  const out: (Error | string)[] = [];
  for (let i = from; i < to; i += 500) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(to, i + 500); j++) {
      if (ttl > 0) p.set(`${prefix}:${j}`, value(j, len), 'EX', ttl);
      else p.set(`${prefix}:${j}`, value(j, len));
    }
    for (const [err, res] of (await p.exec()) ?? []) out.push(err ?? (res as string));
  }
  return out;
}

/** Count of keys prefix:from..to-1 still present. */
async function present(r: Redis, prefix: string, from: number, to: number): Promise<number> {
  let n = 0;
  for (let i = from; i < to; i += 1000) {
    const keys: string[] = [];
    for (let j = i; j < Math.min(to, i + 1000); j++) keys.push(`${prefix}:${j}`);
    n += await r.exists(...keys);
  }
  return n;
}

interface Side {
  name: string;
  proc: RunningProcess;
  r: Redis;
}

const sides: Side[] = [];

async function fresh(
  side: Side,
  budget: number,
  policy: string,
  extra: Record<string, string> = {},
): Promise<number> {
  const r = side.r;
  await r.config('SET', 'maxmemory', '0');
  await r.flushall();
  await r.config('RESETSTAT');
  await r.config('SET', 'maxmemory-policy', policy);
  await r.config('SET', 'maxmemory-samples', '5');
  for (const [k, v] of Object.entries(extra)) await r.config('SET', k, v);
  const limit = (await used(r)) + budget;
  await r.config('SET', 'maxmemory', String(limit));
  return limit;
}

before(async () => {
  const redoubt = await startRedoubtProcess(['--save', '', '--appendonly', 'no']);
  sides.push({ name: 'redoubt', proc: redoubt, r: new Redis({ port: redoubt.port, lazyConnect: false }) });
  const redis = await startRedis();
  if (redis !== null) sides.push({ name: 'redis', proc: redis, r: new Redis({ port: redis.port }) });
});

after(async () => {
  for (const s of sides) {
    s.r.disconnect();
    await s.proc.stop();
  }
});

describe('noeviction', () => {
  it('refuses writes with OOM once the limit is reached, keeps every acknowledged write and keeps serving reads', async () => {
    const texts = new Map<string, string>();
    for (const side of sides) {
      const r = side.r;
      await fresh(side, 2 * MB, 'noeviction');
      const replies = await writeKeys(r, 'k', 0, 40000, 100);
      const firstError = replies.findIndex((x) => x instanceof Error);
      assert.ok(firstError > 0, `${side.name}: some writes fail`);
      texts.set(side.name, (replies[firstError] as Error).message);
      // Every acknowledged write is there with its value.
      const acked = replies.map((x, i) => (x === 'OK' ? i : -1)).filter((i) => i >= 0);
      for (let i = 0; i < acked.length; i += 997)
        assert.equal(await r.get(`k:${acked[i]}`), value(acked[i] as number, 100));
      assert.equal(await r.dbsize(), acked.length);
      // Reads and deletions still work; writes are refused until memory is freed.
      assert.equal(await r.get(`k:${acked[0]}`), value(acked[0] as number, 100));
      // Client buffers count too: with the pipeline's buffers gone there may be
      // room again, so fill up with single writes before checking refusals.
      for (let n = 0; n < 20000; n++) {
        const ok = await r.set(`x:${n}`, value(n, 1000)).catch(() => null);
        if (ok === null) break;
      }
      await assert.rejects(
        r.set('more', 'x'),
        /^ReplyError: OOM command not allowed when used memory > 'maxmemory'\.$/,
      );
      await assert.rejects(r.lpush('list', 'x'), /OOM/);
      // Inside MULTI even a read is refused (queueing would grow memory), and EXEC aborts.
      const tx = await r
        .multi()
        .get('k:0')
        .exec()
        .catch((e: Error) => e);
      assert.ok(tx instanceof Error && /EXECABORT/.test(tx.message), `${side.name}: ${String(tx)}`);
      assert.equal(await stat(r, 'evicted_keys'), 0);
      await r.flushall();
      assert.equal(await r.set('more', 'x'), 'OK');
    }
    if (texts.size === 2) assert.equal(texts.get('redoubt'), texts.get('redis'));
  });
});

describe('every eviction policy keeps used_memory under maxmemory', () => {
  for (const policy of [
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
  ]) {
    it(policy, async () => {
      const side = sides[0] as Side;
      const r = side.r;
      const limit = await fresh(side, 4 * MB, policy);
      const volatile = policy.startsWith('volatile');
      // About four times the budget.
      const replies = await writeKeys(r, 'k', 0, 50000, 300, volatile ? 100000 : 0);
      assert.ok(
        replies.every((x) => x === 'OK'),
        'no write refused',
      );
      const now = await used(r);
      assert.ok(now <= limit, `used ${now} <= maxmemory ${limit}`);
      const evicted = await stat(r, 'evicted_keys');
      const size = await r.dbsize();
      assert.ok(evicted > 20000, `evicted ${evicted}`);
      assert.equal(size + evicted, 50000);
    });
  }
});

describe('volatile policies', () => {
  it('evict only keys with a TTL, then refuse with OOM as Redis does', async () => {
    for (const side of sides) {
      const r = side.r;
      await fresh(side, 3 * MB, 'volatile-lru');
      // A third of the budget in persistent keys, then volatile keys past the limit.
      await writeKeys(r, 'p', 0, 3000, 300);
      const v = await writeKeys(r, 'v', 0, 20000, 300, 100000);
      assert.ok(
        v.every((x) => x === 'OK'),
        `${side.name}: volatile writes accepted`,
      );
      assert.equal(await present(r, 'p', 0, 3000), 3000, `${side.name}: persistent keys all kept`);
      // Now persistent keys only: once no volatile key is left, OOM.
      const more = await writeKeys(r, 'q', 0, 30000, 300);
      const firstError = more.findIndex((x) => x instanceof Error);
      assert.ok(firstError > 0, `${side.name}: eventually refused`);
      assert.match((more[firstError] as Error).message, /^OOM command not allowed/);
      assert.equal(await present(r, 'v', 0, 20000), 0, `${side.name}: every volatile key evicted first`);
      assert.equal(await present(r, 'p', 0, 3000), 3000);
    }
  });

  it('volatile-ttl evicts the keys closest to expiring first', async () => {
    const kept = new Map<string, number>();
    for (const side of sides) {
      const r = side.r;
      await fresh(side, 3 * MB, 'volatile-ttl');
      for (let i = 0; i < 20000; i += 500) {
        const p = r.pipeline();
        for (let j = i; j < i + 500; j++) p.set(`t:${j}`, value(j, 300), 'EX', 1000 + j * 10);
        await p.exec();
      }
      // Survivors should be the longest TTLs: count how many of the last quarter are kept.
      const lastQuarter = await present(r, 't', 15000, 20000);
      const firstQuarter = await present(r, 't', 0, 5000);
      assert.ok(
        lastQuarter > firstQuarter * 3,
        `${side.name}: kept ${lastQuarter} late vs ${firstQuarter} early`,
      );
      kept.set(side.name, lastQuarter / 5000);
    }
    if (kept.size === 2) assert.ok((kept.get('redoubt') as number) >= (kept.get('redis') as number) - 0.15);
  });
});

describe('which keys survive, compared with Redis', () => {
  it('allkeys-lru keeps the keys used recently', async () => {
    const survival = new Map<string, number>();
    await Promise.all(
      sides.map(async (side) => {
        const r = side.r;
        await fresh(side, 6 * MB, 'allkeys-lru');
        await writeKeys(r, 'hot', 0, 2000, 200);
        await writeKeys(r, 'cold', 0, 12000, 200);
        // The LRU clock ticks in seconds: let the first keys age, then use the hot ones.
        await new Promise((res) => setTimeout(res, 2100));
        for (let i = 0; i < 2000; i += 500) {
          const p = r.pipeline();
          for (let j = i; j < i + 500; j++) p.get(`hot:${j}`);
          await p.exec();
        }
        await writeKeys(r, 'new', 0, 12000, 200);
        survival.set(side.name, (await present(r, 'hot', 0, 2000)) / 2000);
      }),
    );
    const mine = survival.get('redoubt') as number;
    assert.ok(mine >= 0.8, `hot keys kept: ${mine}`);
    if (survival.has('redis'))
      assert.ok(mine >= (survival.get('redis') as number) - 0.1, JSON.stringify([...survival]));
  });

  it('allkeys-lfu keeps the keys used often', async () => {
    const survival = new Map<string, number>();
    await Promise.all(
      sides.map(async (side) => {
        const r = side.r;
        await fresh(side, 6 * MB, 'allkeys-lfu', { 'lfu-log-factor': '1' });
        await writeKeys(r, 'hot', 0, 2000, 200);
        await writeKeys(r, 'cold', 0, 12000, 200);
        for (let round = 0; round < 10; round++) {
          const p = r.pipeline();
          for (let j = 0; j < 2000; j++) p.get(`hot:${j}`);
          await p.exec();
        }
        await writeKeys(r, 'new', 0, 12000, 200);
        survival.set(side.name, (await present(r, 'hot', 0, 2000)) / 2000);
        await r.config('SET', 'lfu-log-factor', '10');
      }),
    );
    const mine = survival.get('redoubt') as number;
    assert.ok(mine >= 0.8, `hot keys kept: ${mine}`);
    if (survival.has('redis'))
      assert.ok(mine >= (survival.get('redis') as number) - 0.1, JSON.stringify([...survival]));
  });

  it('allkeys-random evicts old and new keys alike', async () => {
    const side = sides[0] as Side;
    const r = side.r;
    await fresh(side, 4 * MB, 'allkeys-random');
    await writeKeys(r, 'a', 0, 10000, 300);
    await writeKeys(r, 'b', 0, 10000, 300);
    const a = await present(r, 'a', 0, 10000);
    const b = await present(r, 'b', 0, 10000);
    assert.ok(a > 0 && b > 0 && b > a, `a ${a} b ${b}`);
  });
});

describe('LFU counters and idle time', () => {
  it('OBJECT FREQ counts accesses, OBJECT IDLETIME and FREQ refuse the other policy, as Redis', async () => {
    const results = new Map<string, unknown[]>();
    for (const side of sides) {
      const r = side.r;
      await r.config('SET', 'maxmemory', '0');
      await r.flushall();
      await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await r.config('SET', 'lfu-log-factor', '0');
      await r.set('k', 'v');
      const out: unknown[] = [await r.object('FREQ', 'k')];
      for (let i = 0; i < 20; i++) await r.get('k');
      out.push(await r.object('FREQ', 'k'));
      await r.set('k', 'w');
      out.push(await r.object('FREQ', 'k'));
      out.push(await r.object('IDLETIME', 'k').catch((e: Error) => e.message));
      await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
      out.push(await r.object('FREQ', 'k').catch((e: Error) => e.message));
      out.push(await r.object('IDLETIME', 'k'));
      await r.config('SET', 'lfu-log-factor', '10');
      await r.config('SET', 'maxmemory-policy', 'noeviction');
      results.set(side.name, out);
    }
    const mine = results.get('redoubt') as unknown[];
    assert.deepEqual(mine.slice(0, 3), [5, 25, 26]);
    const theirs = results.get('redis');
    if (theirs !== undefined) {
      // The last value reads the LFU bits as an LRU stamp against the clock in
      // seconds: the two servers are asked one after the other, so a second
      // may tick in between.
      assert.deepEqual(mine.slice(0, -1), theirs.slice(0, -1));
      const [a, b] = [mine.at(-1) as number, theirs.at(-1) as number];
      assert.ok(Math.abs(a - b) <= 1, `IDLETIME after the switch: ${a} vs ${b}`);
    }
  });
});

describe('evictions are propagated and notified', () => {
  it('each evicted key is an "evicted" event and a DEL in the AOF, so a restart finds the same keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-evict-aof-'));
    let proc = await startRedoubtProcess(['--dir', dir, '--appendonly', 'yes', '--save', '']);
    try {
      const r = new Redis({ port: proc.port });
      const sub = new Redis({ port: proc.port });
      await r.config('SET', 'notify-keyspace-events', 'Ee');
      let events = 0;
      await sub.subscribe('__keyevent@0__:evicted');
      sub.on('message', () => {
        events++;
      });
      const limit = (await used(r)) + 3 * MB;
      await r.config('SET', 'maxmemory', String(limit));
      await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await writeKeys(r, 'k', 0, 20000, 300);
      const evicted = await stat(r, 'evicted_keys');
      assert.ok(evicted > 5000);
      const deadline = Date.now() + 5000;
      while (events < evicted && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      assert.equal(events, evicted);
      const before = (await r.keys('*')).sort();
      sub.disconnect();
      r.disconnect();
      await proc.stop();
      proc = await startRedoubtProcess(['--dir', dir, '--appendonly', 'yes', '--save', '']);
      const again = new Redis({ port: proc.port });
      assert.deepEqual((await again.keys('*')).sort(), before);
      again.disconnect();
    } finally {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('client eviction (maxmemory-clients)', () => {
  it('closes the client with the biggest buffers and spares CLIENT NO-EVICT clients, as Redis', async () => {
    for (const side of sides) {
      const r = side.r;
      await r.config('SET', 'maxmemory', '0');
      const before = await stat(r, 'evicted_clients');
      await r.config('SET', 'maxmemory-clients', String(3 * MB));
      // Two clients hold query buffers (a bulk string still arriving): 3 MB for
      // the evictable one, 512 KB for the NO-EVICT one. (Redis allocates a big
      // argument's declared length at once, so each declares about what it sends:
      // the no-evict client must stay well under the limit, or Redis evicts
      // every other client trying to get under it.)
      const a = new Redis({ port: side.proc.port });
      const b = new Redis({ port: side.proc.port });
      await b.client('NO-EVICT', 'ON');
      const aClosed = new Promise<void>((res) => a.once('end', () => res()));
      a.options.maxRetriesPerRequest = 0;
      a.options.retryStrategy = () => null;
      const header = (n: number): string => `*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$${n}\r\n`;
      b.stream.write(header(MB));
      b.stream.write(Buffer.alloc(MB / 2, 'z'));
      await new Promise((res) => setTimeout(res, 200));
      a.stream.write(header(3 * MB + 1024));
      a.stream.write(Buffer.alloc(3 * MB, 'z'));
      const closed = await Promise.race([
        aClosed.then(() => true),
        new Promise((res) => setTimeout(() => res(false), 5000)),
      ]);
      assert.equal(closed, true, `${side.name}: the evictable client is closed`);
      assert.equal(await stat(r, 'evicted_clients'), before + 1, side.name);
      // The NO-EVICT client is still connected.
      const list = (await r.client('LIST')) as string;
      assert.match(list, / flags=e /, side.name);
      b.disconnect();
      a.disconnect();
      await r.config('SET', 'maxmemory-clients', '0');
    }
  });
});

describe('memory stays near the limit', () => {
  it('RSS stays bounded while 8x maxmemory is written under allkeys-lru', async () => {
    const side = sides[0] as Side;
    const r = side.r;
    await r.config('SET', 'maxmemory', '0');
    await r.flushall();
    const base = rss(side.proc.pid);
    const limit = await fresh(side, 64 * MB, 'allkeys-lru');
    for (let round = 0; round < 8; round++) await writeKeys(r, `r${round}`, 0, 64000, 1000);
    const now = await used(r);
    assert.ok(now <= limit, `used ${now} <= ${limit}`);
    const grown = rss(side.proc.pid) - base;
    assert.ok(grown < 64 * MB * 2.5, `RSS grew by ${Math.round(grown / MB)} MB for a 64 MB budget`);
    await r.config('SET', 'maxmemory', '0');
    await r.flushall();
  });

  it('CONFIG SET maxmemory below usage evicts down to it at the next write', async () => {
    const side = sides[0] as Side;
    const r = side.r;
    await fresh(side, 16 * MB, 'allkeys-lru');
    await writeKeys(r, 'k', 0, 30000, 300);
    const base = (await used(r)) - 8 * MB;
    await r.config('SET', 'maxmemory', String(base));
    await r.set('trigger', '1');
    // A pass stops after its time budget (maxmemory-eviction-tenacity) and goes on in the background.
    const deadline = Date.now() + 5000;
    while ((await used(r)) > base && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    assert.ok((await used(r)) <= base);
    assert.ok((await stat(r, 'evicted_keys')) > 0);
    assert.match(side.proc.output(), /is smaller than the current memory usage/);
    await r.config('SET', 'maxmemory', '0');
  });
});

describe('lazy freeing', () => {
  it('UNLINK of a big value counts in lazyfreed_objects, a small one does not, as Redis', async () => {
    for (const side of sides) {
      const r = side.r;
      await r.config('SET', 'maxmemory', '0');
      await r.flushall();
      await r.config('RESETSTAT');
      // A hashtable (over hash-max-listpack-entries) is freed in the background; a listpack is one allocation.
      await r.hset('big', Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, 'v'])));
      await r.hset('small', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'v'])));
      assert.equal(await r.unlink('big', 'small'), 2);
      // Redis frees in a background thread and counts when it is done.
      const deadline = Date.now() + 3000;
      let n = 0;
      while (Date.now() < deadline) {
        n = field(await r.info('memory'), 'lazyfreed_objects');
        if (n >= 1) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      assert.equal(n, 1, side.name);
      assert.equal(field(await r.info('memory'), 'lazyfree_pending_objects'), 0);
    }
  });
});

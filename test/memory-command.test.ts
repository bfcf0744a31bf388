/**
 * MEMORY USAGE, STATS, DOCTOR, PURGE, MALLOC-STATS and HELP: replies, errors,
 * COMMAND INFO/DOCS and ACL behaviour compared with redis-server 7.0 (sizes
 * and statistics are our own, so only their shape is compared); the sizes
 * MEMORY USAGE gives for each type checked for plausibility; the same through
 * ioredis; and the accounting checked against the real V8 heap of a Redoubt
 * process loaded with 200 000 keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Differential, exact, sameType, sorted } from './helpers/diff.js';
import { type Arg, parse } from './helpers/resp.js';
import { type Running, type RunningProcess, startRedoubt, startRedoubtProcess } from './helpers/servers.js';

/** A reply reduced to its structure: aggregates by item, strings by type and text. */
interface Shape {
  type: string;
  text?: string;
  items?: Shape[];
}

function shapeOf(buf: Buffer, pos = 0): [Shape, number] {
  const type = String.fromCharCode(buf[pos] as number);
  const cr = buf.indexOf('\r\n', pos);
  const line = buf.toString('latin1', pos + 1, cr);
  const after = cr + 2;
  if (type === '*' || type === '%') {
    const n = Number(line) * (type === '%' ? 2 : 1);
    const items: Shape[] = [];
    let p = after;
    for (let i = 0; i < n; i++) {
      const [s, next] = shapeOf(buf, p);
      items.push(s);
      p = next;
    }
    return [{ type, items }, p];
  }
  if (type === '$' || type === '=') {
    const n = Number(line);
    return [{ type, text: buf.toString('latin1', after, after + n) }, after + n + 2];
  }
  return [{ type, text: line }, after];
}

/** A map (flat pairs in RESP2): names kept, values reduced to their reply type. */
function fieldsAndTypes(s: Shape): unknown[] {
  const items = s.items ?? [];
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i += 2) {
    const v = items[i + 1] as Shape;
    out.push((items[i] as Shape).text, v.items === undefined ? v.type : [v.type, fieldsAndTypes(v)]);
  }
  return [s.type, out];
}

const stats = (reply: unknown[]): Map<string, unknown> => {
  const m = new Map<string, unknown>();
  for (let i = 0; i < reply.length; i += 2) m.set(reply[i] as string, reply[i + 1]);
  return m;
};

const infoFields = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as [string, string]),
  );

const SUBCOMMANDS = ['doctor', 'help', 'malloc-stats', 'purge', 'stats', 'usage'];

describe('MEMORY against redis-server 7.0 (differential)', () => {
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

  it('DOCTOR on an empty instance, PURGE and HELP, in RESP2 and RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['MEMORY', 'DOCTOR'], ['MEMORY', 'PURGE'], ['MEMORY', 'HELP']]);
    await d.all([
      ['memory', 'doctor'],
      ['Memory', 'Help'],
      ['MEMORY', 'purge'],
    ]);
    const [a, b] = await d.pair();
    try {
      await Promise.all([a.call('HELLO', '3'), b.call('HELLO', '3')]);
      for (const args of [
        ['MEMORY', 'DOCTOR'],
        ['MEMORY', 'HELP'],
        ['MEMORY', 'PURGE'],
      ]) {
        exact(await a.raw(...args), await b.raw(...args), args);
      }
      // No jemalloc here: a verbatim text of its own, saying so.
      const [x, y] = [await a.raw('MEMORY', 'MALLOC-STATS'), await b.raw('MEMORY', 'MALLOC-STATS')];
      sameType(x, y, ['MEMORY', 'MALLOC-STATS']);
      const text = x.toString('latin1');
      assert.match(text, /^=\d+\r\ntxt:___ Begin V8 heap statistics ___\n/);
      assert.match(text, /no jemalloc/);
      assert.match(text, /old_space/);
    } finally {
      a.close();
      b.close();
    }
    sameType(await d.redoubt.raw('MEMORY', 'MALLOC-STATS'), await d.redis.raw('MEMORY', 'MALLOC-STATS'), []);
  });

  it('USAGE: nil for a missing key, and argument errors as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['SET', 'k', 'v'], ['RPUSH', 'l', 'a', 'b']]);
    await d.all([
      ['MEMORY', 'USAGE', 'nokey'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '3'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'k', 'samples', 'abc'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '1.5'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '99999999999999999999'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', ' 1'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '5', 'extra'],
      ['MEMORY', 'USAGE', 'k', 'foo'],
      ['MEMORY', 'USAGE', 'nokey', 'foo'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE'],
      ['MEMORY'],
      ['MEMORY', 'nosuch'],
      ['MEMORY', 'nosuch', 'a', 'b'],
      ['MEMORY', 'STATS', 'x'],
      ['MEMORY', 'DOCTOR', 'x'],
      ['MEMORY', 'PURGE', 'x'],
      ['MEMORY', 'MALLOC-STATS', 'x'],
      ['MEMORY', 'HELP', 'x'],
    ]);
    // Replies that are sizes: both integers.
    await d.all(
      [
        ['MEMORY', 'USAGE', 'k'],
        ['MEMORY', 'USAGE', 'k', 'SAMPLES', '0'],
        ['MEMORY', 'USAGE', 'l', 'samples', '1', 'SAMPLES', '2'],
        ['MEMORY', 'USAGE', 'l', 'SAMPLES', '9223372036854775807'],
      ],
      sameType,
    );
  });

  it('USAGE does not touch the key, count keyspace hits, nor expire it (a plain dictFind)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['SET', 'k', 'v']]);
    try {
      await d.same(['OBJECT', 'FREQ', 'k']);
      for (let i = 0; i < 300; i++) await d.same(['MEMORY', 'USAGE', 'k'], sameType);
      // The LFU counter would have grown with 300 reads (GET makes it grow).
      await d.same(['OBJECT', 'FREQ', 'k']);
      await d.all(
        [
          ['CONFIG', 'RESETSTAT'],
          ['MEMORY', 'USAGE', 'k'],
          ['MEMORY', 'USAGE', 'nokey'],
        ],
        sameType,
      );
      const info = infoFields(String(await d.redoubt.call('INFO', 'stats')));
      assert.equal(info.get('keyspace_hits'), '0');
      assert.equal(info.get('keyspace_misses'), '0');
      // A key past its TTL that the active cycle has not deleted is still measured.
      await d.all([
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
        ['SET', 'e', 'v', 'PX', '1'],
      ]);
      await new Promise((r) => setTimeout(r, 20));
      await d.same(['MEMORY', 'USAGE', 'e'], sameType);
      assert.equal(typeof (await d.redoubt.call('MEMORY', 'USAGE', 'e')), 'number');
      await d.all([['DBSIZE'], ['EXISTS', 'e'], ['MEMORY', 'USAGE', 'e']]);
    } finally {
      await d.all([
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
        ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
      ]);
    }
  });

  it('STATS: the same field names, order and reply types, in RESP2 and RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const setup: Arg[][] = [
      ['FLUSHALL'],
      ['SET', 'a', '1', 'EX', '100'],
      ['HSET', 'h', 'f', 'v'],
      ['SELECT', '2'],
      ['SET', 'b', '1'],
      ['SELECT', '0'],
    ];
    await d.all(setup);
    const compare = (x: Buffer, y: Buffer): void => {
      assert.deepEqual(fieldsAndTypes(shapeOf(x)[0]), fieldsAndTypes(shapeOf(y)[0]));
    };
    compare(await d.redoubt.raw('MEMORY', 'STATS'), await d.redis.raw('MEMORY', 'STATS'));
    const [a, b] = await d.pair();
    try {
      await Promise.all([a.call('HELLO', '3'), b.call('HELLO', '3')]);
      compare(await a.raw('MEMORY', 'STATS'), await b.raw('MEMORY', 'STATS'));
      await d.same(['FLUSHALL']);
      compare(await a.raw('MEMORY', 'STATS'), await b.raw('MEMORY', 'STATS'));
    } finally {
      a.close();
      b.close();
    }
  });

  it('COMMAND INFO, COMMAND DOCS and COMMAND GETKEYS of MEMORY and its subcommands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const sub of SUBCOMMANDS) {
      await d.same(['COMMAND', 'INFO', `memory|${sub}`]);
      await d.same(['COMMAND', 'DOCS', `memory|${sub}`]);
    }
    // The container without its subcommand list (Redis prints it in hash order).
    const a = parse(await d.redoubt.raw('COMMAND', 'INFO', 'memory'))[0] as unknown[][];
    const b = parse(await d.redis.raw('COMMAND', 'INFO', 'memory'))[0] as unknown[][];
    assert.deepEqual(a[0]?.slice(0, 9), b[0]?.slice(0, 9));
    const sortedSubs = (v: unknown[][]): string[] =>
      ((v[0] as unknown[])[9] as unknown[][]).map((s) => s[0] as string).sort();
    assert.deepEqual(sortedSubs(a), sortedSubs(b));
    await d.all([
      ['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k'],
      ['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k', 'SAMPLES', '3'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'MEMORY', 'USAGE', 'k'],
      ['COMMAND', 'GETKEYS', 'MEMORY', 'STATS'],
    ]);
    // Redis lists subcommands in hash order.
    await d.same(['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'memory*'], sorted);
  });

  it('ACL rules allow and deny the subcommands as Redis does', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const rulesets = [
      ['+@read', '~*'],
      ['+@slow', '~*'],
      ['+@all', '-@slow', '~*'],
      ['+@all', '-@read', '~*'],
      ['+@all', '-@dangerous', '~*'],
      ['+@all', '-@admin', '~*'],
      ['+memory', '~*'],
      ['+memory|usage', '~*'],
      ['+memory|usage', '%W~*'],
      ['+memory|usage', '%R~k*'],
      ['+@all', '-memory|stats', '~*'],
    ];
    const calls = [
      ['MEMORY', 'USAGE', 'k1'],
      ['MEMORY', 'USAGE', 'x1', 'SAMPLES', '2'],
      ['MEMORY', 'STATS'],
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'MALLOC-STATS'],
      ['MEMORY', 'HELP'],
    ];
    for (const rules of rulesets) {
      await d.same(['ACL', 'SETUSER', 'probe', 'reset', 'on', 'nopass', ...rules]);
      for (const argv of calls) await d.same(['ACL', 'DRYRUN', 'probe', ...argv]);
    }
    await d.same(['ACL', 'DELUSER', 'probe']);
  });
});

describe('MEMORY USAGE sizes', () => {
  let server: Running;
  let r: Redis;
  before(async () => {
    server = await startRedoubt({ save: '' });
    r = new Redis({ port: server.port, lazyConnect: true });
    await r.connect();
  });
  after(async () => {
    r.disconnect();
    await server.stop();
  });

  /** Write `n` elements of a type into `key`. */
  async function fill(type: string, key: string, n: number): Promise<void> {
    const p = r.pipeline();
    for (let i = 0; i < n; i += 1000) {
      const ids = Array.from({ length: Math.min(1000, n - i) }, (_, j) => i + j);
      switch (type) {
        case 'string':
          p.append(key, ids.map((j) => `chunk-${String(j).padStart(6, '0')}`).join(''));
          break;
        case 'list':
          p.rpush(key, ...ids.map((j) => `element-${j}`));
          break;
        case 'hash':
          p.hset(key, ...ids.flatMap((j) => [`field-${j}`, `value-${j}`]));
          break;
        case 'set':
          p.sadd(key, ...ids.map((j) => `member-${j}`));
          break;
        case 'zset':
          p.zadd(key, ...ids.flatMap((j) => [j * 1.25, `member-${j}`]));
          break;
        case 'stream':
          for (const j of ids) p.xadd(key, `${j + 1}-0`, 'field', `value-${j}`);
          break;
      }
    }
    await p.exec();
  }

  const usage = async (key: string, ...extra: string[]): Promise<number> =>
    (await r.call('MEMORY', 'USAGE', key, ...extra)) as number;

  for (const type of ['string', 'list', 'hash', 'set', 'zset', 'stream']) {
    it(`${type}: a plausible size that grows with the content`, async () => {
      await r.flushall();
      await fill(type, `small:${type}`, 1);
      await fill(type, `big:${type}`, 10_000);
      const small = await usage(`small:${type}`);
      const big = await usage(`big:${type}`);
      const all = await usage(`big:${type}`, 'SAMPLES', '0');
      assert.ok(small >= 40 && small < 4096, `${type}: one element costs ${small} bytes`);
      assert.ok(big > 100 * small, `${type}: 10 000 elements cost ${big} bytes, one ${small}`);
      // A value of 10 000 elements of about 12 bytes each cannot take less than 12 bytes per element.
      assert.ok(all > 10_000 * 12, `${type}: ${all} bytes for 10 000 elements`);
      // Uniform elements: sampling 5 of them estimates the whole within 25%.
      assert.ok(Math.abs(big - all) <= all * 0.25, `${type}: default samples ${big}, all ${all}`);
      // The key name counts.
      await fill(type, `${'k'.repeat(1000)}`, 1);
      assert.ok((await usage('k'.repeat(1000))) >= small + 900, `${type}: a 1000-byte key name`);
    });
  }

  it('USAGE reads keys of the selected database only', async () => {
    await r.flushall();
    await r.set('here', 'v');
    assert.equal(typeof (await usage('here')), 'number');
    await r.select(3);
    assert.equal(await usage('here'), null);
    await r.select(0);
  });

  it('STATS agrees with INFO memory, and counts keys per database', async () => {
    await r.flushall();
    await r.set('a', 'x', 'EX', 100);
    await r.set('b', 'y');
    await r.select(5);
    await r.set('c', 'z');
    await r.select(0);
    const s = stats((await r.call('MEMORY', 'STATS')) as unknown[]);
    const info = infoFields(await r.info('memory'));
    assert.equal(s.get('startup.allocated'), Number(info.get('used_memory_startup')));
    assert.equal(s.get('overhead.total'), Number(info.get('used_memory_overhead')));
    assert.equal(s.get('dataset.bytes'), Number(info.get('used_memory_dataset')));
    assert.equal(s.get('clients.normal'), Number(info.get('mem_clients_normal')));
    assert.equal(s.get('keys.count'), 3);
    const used = s.get('total.allocated') as number;
    const startup = s.get('startup.allocated') as number;
    assert.equal(s.get('keys.bytes-per-key'), Math.floor((used - startup) / 3));
    assert.ok(used <= (s.get('peak.allocated') as number));
    const db0 = stats(s.get('db.0') as unknown[]);
    assert.ok((db0.get('overhead.hashtable.expires') as number) > 0);
    assert.ok((db0.get('overhead.hashtable.main') as number) > 0);
    assert.equal(db0.get('overhead.hashtable.slot-to-keys'), 0);
    const db5 = stats(s.get('db.5') as unknown[]);
    assert.equal(db5.get('overhead.hashtable.expires'), 0);
    assert.equal(s.has('db.1'), false);
    const pct = Number(s.get('dataset.percentage'));
    assert.ok(pct >= 0 && pct <= 100, `dataset.percentage ${pct}`);
  });

  it('DOCTOR finds issues, or none, once the instance holds data', async () => {
    await r.flushall();
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 8; i++) await r.set(`big${i}`, big);
    const report = (await r.call('MEMORY', 'DOCTOR')) as string;
    assert.match(
      report,
      /^(Hi Sam, I can't find any memory issue in your instance\. I can only account for what occurs on this base\.\n|Sam, I detected a few issues in this Redis instance memory implants:\n\n( \* [^\n]+\n\n)+I'm here to keep you safe, Sam\. I want to help you\.\n)$/,
    );
    await r.flushall();
  });
});

describe('MEMORY through ioredis (differential)', () => {
  let d: Differential | null;
  let ours: Redis;
  let theirs: Redis;
  before(async () => {
    d = await Differential.start();
    if (d === null) return;
    ours = new Redis({ port: d.redoubtServer.port, lazyConnect: true });
    theirs = new Redis({ port: d.redisServer.port, lazyConnect: true });
    await Promise.all([ours.connect(), theirs.connect()]);
  });
  after(async () => {
    ours?.disconnect();
    theirs?.disconnect();
    await d?.close();
  });

  it('the same results and errors from both servers', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const run = async (r: Redis): Promise<unknown[]> => {
      const out: unknown[] = [];
      const step = async (f: () => Promise<unknown>, shape: (v: unknown) => unknown = (v) => v) => {
        try {
          out.push(shape(await f()));
        } catch (e) {
          out.push(`error: ${(e as Error).message}`);
        }
      };
      await step(() => r.flushall());
      await step(() => r.memory('DOCTOR'));
      await step(() => r.memory('HELP'));
      await step(() => r.memory('PURGE'));
      await step(() => r.memory('USAGE', 'nokey'));
      await step(() => r.hset('h', 'f1', 'v1', 'f2', 'v2'));
      await step(
        () => r.memory('USAGE', 'h'),
        (v) => typeof v,
      );
      await step(
        () => r.memory('USAGE', 'h', 'SAMPLES', 0),
        (v) => typeof v,
      );
      await step(() => r.memory('USAGE', 'h', 'SAMPLES', -1));
      await step(() => r.call('MEMORY', 'USAGE', 'h', 'SAMPLES', 'many'));
      await step(() => r.call('MEMORY', 'USAGE'));
      await step(() => r.call('MEMORY', 'FROB'));
      await step(
        () => r.memory('STATS'),
        (v) => (v as unknown[]).map((x, i) => (i % 2 === 0 ? x : Array.isArray(x) ? 'map' : typeof x)),
      );
      await step(
        () => r.memory('MALLOC-STATS'),
        (v) => typeof v,
      );
      return out;
    };
    assert.deepEqual(await run(ours), await run(theirs));
  });
});

describe('the accounting tracks the real heap', () => {
  let proc: RunningProcess;
  let r: Redis;
  before(async () => {
    proc = await startRedoubtProcess(['--save', '']);
    r = new Redis({ port: proc.port, lazyConnect: true });
    await r.connect();
  });
  after(async () => {
    r?.disconnect();
    await proc?.stop();
  });

  /**
   * A full collection, then another once V8's background sweeper has released
   * the freed Buffers (process.memoryUsage().external drops after the GC).
   */
  async function purge(): Promise<Map<string, string>> {
    await r.memory('PURGE');
    await new Promise((res) => setTimeout(res, 500));
    await r.memory('PURGE');
    return infoFields(await r.info('memory'));
  }

  const TYPES = ['string', 'list', 'hash', 'set', 'zset', 'stream'] as const;

  function add(p: ReturnType<Redis['pipeline']>, i: number): void {
    const type = TYPES[i % TYPES.length] as (typeof TYPES)[number];
    const key = `key:${type}:${i}`;
    const n = 4 + (i % 5);
    const els = Array.from({ length: n }, (_, j) => j);
    switch (type) {
      case 'string':
        p.set(key, `value-${i}-`.padEnd(16 + (i % 48), 'x'));
        break;
      case 'list':
        p.rpush(key, ...els.map((j) => `item-${j}-${i}`));
        break;
      case 'hash':
        p.hset(key, ...els.flatMap((j) => [`field${j}`, `val-${i}-${j}`]));
        break;
      case 'set':
        p.sadd(key, ...els.map((j) => `member-${j}-${i}`));
        break;
      case 'zset':
        p.zadd(key, ...els.flatMap((j) => [j * 1.5 + i, `m-${j}-${i}`]));
        break;
      case 'stream':
        for (let j = 0; j < 1 + (i % 3); j++) p.xadd(key, '*', 'f', `v${j}-${i}`, 'g', String(j));
        break;
    }
  }

  it('after 200 000 keys of mixed types, what they add to used_memory is within 15% of the heap they take', async (t) => {
    const N = 200_000;
    const empty0 = await purge();
    for (let i = 0; i < N; i += 1000) {
      const p = r.pipeline();
      for (let j = i; j < Math.min(N, i + 1000); j++) add(p, j);
      await p.exec();
    }
    assert.equal(await r.dbsize(), N);
    const loaded = await purge();
    await r.flushall();
    const empty = await purge();
    const heap = Number(loaded.get('allocator_allocated')) - Number(empty.get('allocator_allocated'));
    // The keyspace's share of used_memory: dataset (keys and values) plus its
    // structures (used_memory_overhead without start-up and clients).
    const keyspace = (m: Map<string, string>): number =>
      Number(m.get('used_memory')) -
      Number(m.get('used_memory_startup')) -
      Number(m.get('mem_clients_normal'));
    const accounted = keyspace(loaded) - keyspace(empty0);
    const dataset = Number(loaded.get('used_memory_dataset'));
    const ratio = accounted / heap;
    t.diagnostic(
      `heap ${heap}, accounted ${accounted} (ratio ${ratio.toFixed(3)}), used_memory_dataset ${dataset}`,
    );
    assert.ok(ratio >= 0.85 && ratio <= 1.15, `accounted ${accounted} / heap ${heap} = ${ratio.toFixed(3)}`);
    // Keys and values are the dataset; the keyspace's tables its overhead (both real heap).
    assert.ok(dataset < accounted && dataset > accounted * 0.5, `dataset ${dataset} of ${accounted}`);
  });
});

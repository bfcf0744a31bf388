/**
 * The data-type commands of issue 5 through real client libraries over real
 * sockets: ioredis and node-redis (typed methods, and sendCommand/call for
 * mistakes), RESP2 and RESP3, each run against Redoubt and against a real
 * redis-server 7.0. What each client returns after its own reply
 * transformation (objects, tuples, numbers, errors) must be the same from
 * both servers, step by step. Hashes, lists (blocking pops woken by a second
 * client), sets, sorted sets, HyperLogLog, geo, SORT, OBJECT ENCODING,
 * MULTI/EXEC/WATCH, streams with consumer groups, and pub/sub through each
 * client's subscriber API.
 * Replies Redis leaves unordered or random are put in order (or reduced to
 * what is certain) before the comparison.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { Differential } from './helpers/diff.js';

type Protocol = 2 | 3;

/** A client error as data: the message is what both servers must agree on. */
const errText = (e: unknown): string => `error: ${(e as Error).message}`;

/** Lists put in order (sets, random picks): only their contents are certain. */
function sorted(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v
    .map((x) => (Buffer.isBuffer(x) ? x.toString('latin1') : x))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** The results of a scenario: one labelled entry per step, errors included. */
class Steps {
  readonly results: [string, unknown][] = [];

  async run(
    label: string,
    f: () => Promise<unknown>,
    shape: (v: unknown) => unknown = (v) => v,
  ): Promise<unknown> {
    let value: unknown;
    try {
      value = shape(await f());
    } catch (err) {
      value = errText(err);
    }
    this.results.push([label, value]);
    return value;
  }
}

/** Compare two scenario runs step by step, so a failure names the step. */
function sameSteps(redoubt: Steps, redis: Steps, what: string): void {
  assert.equal(redoubt.results.length, redis.results.length, `${what}: number of steps`);
  redoubt.results.forEach(([label, value], i) => {
    const [otherLabel, other] = redis.results[i] as [string, unknown];
    assert.equal(label, otherLabel);
    assert.deepEqual(
      value,
      other,
      `${what}, step "${label}": redoubt ${show(value)} vs redis ${show(other)}`,
    );
  });
}

const show = (v: unknown): string =>
  JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? [...x] : x));

/** Poll (bounded) until `check` holds: waits for an event (a client blocked, a message), not a duration. */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.fail(`never happened: ${what}`);
}

const blockedClients = (info: string): number => Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? -1);

// ---- ioredis ---------------------------------------------------------------------------

function ioredis(port: number, protocol: Protocol): Redis {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    protocol,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  return r;
}

async function ioredisDataTypes(r: Redis, p: string, s: Steps): Promise<void> {
  const k = (name: string): string => `${p}${name}`;
  // Hashes.
  await s.run('HSET', () => r.hset(k('h'), 'f1', 'v1', 'f2', '2', 'f3', '1.5'));
  await s.run('HSET object', () => r.hset(k('h'), { f4: 'four' }));
  await s.run('HSETNX', () => r.hsetnx(k('h'), 'f1', 'x'));
  await s.run('HMSET', () => r.hmset(k('h'), 'f5', 'five'));
  await s.run('HGET', () => r.hget(k('h'), 'f1'));
  await s.run('HMGET', () => r.hmget(k('h'), 'f1', 'nope', 'f2'));
  await s.run('HDEL', () => r.hdel(k('h'), 'f5', 'nope'));
  await s.run('HEXISTS', () => r.hexists(k('h'), 'f1'));
  await s.run('HLEN', () => r.hlen(k('h')));
  await s.run('HSTRLEN', () => r.hstrlen(k('h'), 'f4'));
  await s.run('HKEYS', () => r.hkeys(k('h')));
  await s.run('HVALS', () => r.hvals(k('h')));
  await s.run('HGETALL', () => r.hgetall(k('h')));
  await s.run('HINCRBY', () => r.hincrby(k('h'), 'f2', 40));
  await s.run('HINCRBY not an integer', () => r.hincrby(k('h'), 'f1', 1));
  await s.run('HINCRBYFLOAT', () => r.hincrbyfloat(k('h'), 'f3', '0.25'));
  await s.run(
    'HRANDFIELD',
    () => r.hrandfield(k('h')),
    (v) => typeof v === 'string',
  );
  await s.run('HRANDFIELD all', () => r.hrandfield(k('h'), 10), sorted);
  await s.run(
    'HRANDFIELD WITHVALUES',
    () => r.hrandfield(k('h'), -3, 'WITHVALUES'),
    (v) => (v as unknown[]).length,
  );
  await s.run(
    'HSCAN',
    () => r.hscan(k('h'), 0, 'COUNT', 100),
    (v) => {
      const [cursor, flat] = v as [string, string[]];
      return [cursor, sorted(flat)];
    },
  );
  await s.run('hgetallBuffer binary', async () => {
    await r.hset(k('hb'), Buffer.from([0, 255]), Buffer.from([1, 2, 0xfe]));
    return r.hgetallBuffer(k('hb'));
  });
  await s.run('HGET wrong type', async () => {
    await r.set(k('str'), 'v');
    return r.hget(k('str'), 'f');
  });
  await s.run('HSET arity', () => r.call('HSET', k('h'), 'f'));
  // Lists.
  await s.run('RPUSH', () => r.rpush(k('l'), 'a', 'b', 'c', 'd', 'e'));
  await s.run('LPUSH', () => r.lpush(k('l'), 'z'));
  await s.run('LPUSHX missing', () => r.lpushx(k('none'), 'x'));
  await s.run('RPUSHX', () => r.rpushx(k('l'), 'f'));
  await s.run('LPOP', () => r.lpop(k('l')));
  await s.run('LPOP count', () => r.lpop(k('l'), 2));
  await s.run('RPOP count', () => r.rpop(k('l'), 1));
  await s.run('LLEN', () => r.llen(k('l')));
  await s.run('LRANGE', () => r.lrange(k('l'), 0, -1));
  await s.run('LINDEX', () => r.lindex(k('l'), -1));
  await s.run('LSET', () => r.lset(k('l'), 0, 'C'));
  await s.run('LSET out of range', () => r.lset(k('l'), 100, 'x'));
  await s.run('LINSERT', () => r.linsert(k('l'), 'BEFORE', 'd', 'cc'));
  await s.run('LREM', () => r.lrem(k('l'), 0, 'cc'));
  await s.run('LPOS', () => r.lpos(k('l'), 'd'));
  await s.run('LPOS COUNT', () => r.lpos(k('l'), 'd', 'RANK', -1, 'COUNT', 0));
  await s.run('LMOVE', () => r.lmove(k('l'), k('l2'), 'LEFT', 'RIGHT'));
  await s.run('RPOPLPUSH', () => r.rpoplpush(k('l'), k('l2')));
  await s.run('LMPOP', () => r.lmpop(2, k('none'), k('l2'), 'LEFT', 'COUNT', 5));
  await s.run('LTRIM', () => r.ltrim(k('l'), 0, 0));
  await s.run('LRANGE after', () => r.lrange(k('l'), 0, -1));
  await s.run('LPUSH wrong type', () => r.lpush(k('h'), 'x'));
  await s.run('LPOP bad count', () => r.call('LPOP', k('l'), '-1'));
  // Sets (integers: an intset keeps them in order).
  await s.run('SADD', () => r.sadd(k('s1'), 1, 2, 3, 4));
  await s.run('SADD 2', () => r.sadd(k('s2'), 3, 4, 5));
  await s.run('SREM', () => r.srem(k('s1'), 4, 9));
  await s.run('SCARD', () => r.scard(k('s1')));
  await s.run('SISMEMBER', () => r.sismember(k('s1'), 2));
  await s.run('SMISMEMBER', () => r.smismember(k('s1'), 1, 9));
  await s.run('SMEMBERS', () => r.smembers(k('s1')), sorted);
  await s.run('SRANDMEMBER all', () => r.srandmember(k('s1'), 10), sorted);
  await s.run(
    'SRANDMEMBER negative',
    () => r.srandmember(k('s1'), -5),
    (v) => (v as unknown[]).length,
  );
  await s.run('SMOVE', () => r.smove(k('s1'), k('s2'), 1));
  await s.run('SINTER', () => r.sinter(k('s1'), k('s2')), sorted);
  await s.run('SINTERCARD', () => r.sintercard(2, k('s1'), k('s2'), 'LIMIT', 1));
  await s.run('SUNION', () => r.sunion(k('s1'), k('s2')), sorted);
  await s.run('SDIFF', () => r.sdiff(k('s2'), k('s1')), sorted);
  await s.run('SINTERSTORE', () => r.sinterstore(k('s3'), k('s1'), k('s2')));
  await s.run('SUNIONSTORE', () => r.sunionstore(k('s3'), k('s1'), k('s2')));
  await s.run('SDIFFSTORE', () => r.sdiffstore(k('s3'), k('s2'), k('s1')));
  await s.run(
    'SSCAN',
    () => r.sscan(k('s3'), 0),
    (v) => [(v as [string, string[]])[0], sorted((v as [string, string[]])[1])],
  );
  await s.run('SPOP all', () => r.spop(k('s3'), 10), sorted);
  await s.run(
    'SPOP one',
    () => r.spop(k('s2')),
    (v) => typeof v === 'string',
  );
  await s.run('SADD wrong type', () => r.sadd(k('l'), 'x'));
  // Sorted sets.
  await s.run('ZADD', () => r.zadd(k('z'), 1, 'a', 2, 'b', 3, 'c', 4, 'd'));
  await s.run('ZADD NX CH', () => r.zadd(k('z'), 'NX', 'CH', 10, 'a', 5, 'e'));
  await s.run('ZADD XX GT INCR', () => r.zadd(k('z'), 'XX', 'GT', 'INCR', 2, 'a'));
  await s.run('ZADD LT CH', () => r.zadd(k('z'), 'LT', 'CH', 0.5, 'b', 9, 'c'));
  await s.run('ZADD conflict', () => r.call('ZADD', k('z'), 'NX', 'GT', 1, 'a'));
  await s.run('ZADD bad score', () => r.call('ZADD', k('z'), 'x', 'a'));
  await s.run('ZINCRBY', () => r.zincrby(k('z'), 1.5, 'b'));
  await s.run('ZREM', () => r.zrem(k('z'), 'e', 'nope'));
  await s.run('ZCARD', () => r.zcard(k('z')));
  await s.run('ZCOUNT', () => r.zcount(k('z'), '(1', '+inf'));
  await s.run('ZLEXCOUNT', async () => {
    await r.zadd(k('lex'), 0, 'a', 0, 'b', 0, 'c', 0, 'd');
    return r.zlexcount(k('lex'), '[b', '+');
  });
  await s.run('ZSCORE', () => r.zscore(k('z'), 'b'));
  await s.run('ZMSCORE', () => r.zmscore(k('z'), 'a', 'nope'));
  await s.run('ZRANK', () => r.zrank(k('z'), 'c'));
  await s.run('ZREVRANK', () => r.zrevrank(k('z'), 'c'));
  await s.run('ZRANGE WITHSCORES', () => r.zrange(k('z'), '0', '-1', 'WITHSCORES'));
  await s.run('ZRANGE BYSCORE REV LIMIT', () =>
    r.zrange(k('z'), '+inf', '(1', 'BYSCORE', 'REV', 'LIMIT', 0, 2),
  );
  await s.run('ZRANGE BYLEX', () => r.zrange(k('lex'), '[b', '(d', 'BYLEX'));
  await s.run('ZRANGESTORE', () => r.zrangestore(k('z2'), k('z'), 0, 1));
  await s.run('ZRANGEBYSCORE', () => r.zrangebyscore(k('z'), '-inf', 3, 'WITHSCORES', 'LIMIT', 1, 2));
  await s.run('ZREVRANGEBYSCORE', () => r.zrevrangebyscore(k('z'), 3, '-inf'));
  await s.run('ZRANGEBYLEX', () => r.zrangebylex(k('lex'), '-', '[c', 'LIMIT', 1, 5));
  await s.run('ZREVRANGEBYLEX', () => r.zrevrangebylex(k('lex'), '+', '(a'));
  await s.run('ZREVRANGE', () => r.zrevrange(k('z'), 0, 1, 'WITHSCORES'));
  await s.run('ZUNION', () =>
    r.zunion(2, k('z'), k('z2'), 'WEIGHTS', 1, 2, 'AGGREGATE', 'MAX', 'WITHSCORES'),
  );
  await s.run('ZINTER', () => r.zinter(2, k('z'), k('z2'), 'WITHSCORES'));
  await s.run('ZDIFF', () => r.zdiff(2, k('z'), k('z2'), 'WITHSCORES'));
  await s.run('ZUNIONSTORE', () => r.zunionstore(k('z3'), 2, k('z'), k('s1')));
  await s.run('ZINTERSTORE', () => r.zinterstore(k('z3'), 2, k('z'), k('z2'), 'AGGREGATE', 'MIN'));
  await s.run('ZDIFFSTORE', () => r.zdiffstore(k('z3'), 2, k('z'), k('z2')));
  await s.run('ZINTERCARD', () => r.zintercard(2, k('z'), k('z2')));
  await s.run(
    'ZRANDMEMBER all',
    () => r.zrandmember(k('z'), 10, 'WITHSCORES'),
    (v) => sorted(pairs(v as string[])),
  );
  await s.run(
    'ZRANDMEMBER one',
    () => r.zrandmember(k('z')),
    (v) => typeof v === 'string',
  );
  await s.run(
    'ZSCAN',
    () => r.zscan(k('z'), 0),
    (v) => [(v as [string, string[]])[0], sorted(pairs((v as [string, string[]])[1]))],
  );
  await s.run('ZPOPMIN', () => r.zpopmin(k('z')));
  await s.run('ZPOPMAX count', () => r.zpopmax(k('z'), 2));
  await s.run('ZMPOP', () => r.zmpop(2, k('none'), k('z'), 'MIN', 'COUNT', 1));
  await s.run('ZREMRANGEBYRANK', () => r.zremrangebyrank(k('z3'), 0, 0));
  await s.run('ZREMRANGEBYSCORE', () => r.zremrangebyscore(k('z2'), '-inf', '(2'));
  await s.run('ZREMRANGEBYLEX', () => r.zremrangebylex(k('lex'), '[a', '[b'));
  await s.run('ZADD wrong type', () => r.zadd(k('l'), 1, 'a'));
  // HyperLogLog.
  await s.run('PFADD', () => r.pfadd(k('hll'), 'a', 'b', 'c'));
  await s.run('PFADD 2', () => r.pfadd(k('hll2'), 'c', 'd'));
  await s.run('PFCOUNT', () => r.pfcount(k('hll'), k('hll2')));
  await s.run('PFMERGE', () => r.pfmerge(k('hll3'), k('hll'), k('hll2')));
  await s.run('PFCOUNT merged', () => r.pfcount(k('hll3')));
  await s.run('HLL bytes', () => r.getBuffer(k('hll3')));
  await s.run('PFADD not an HLL', () => r.pfadd(k('str'), 'x'));
  // Geo.
  await s.run('GEOADD', () =>
    r.geoadd(k('g'), 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'),
  );
  await s.run('GEOADD bad', () => r.geoadd(k('g'), 200, 100, 'x'));
  await s.run('GEOPOS', () => r.geopos(k('g'), 'Palermo', 'nope'));
  await s.run('GEODIST', () => r.geodist(k('g'), 'Palermo', 'Catania', 'KM'));
  await s.run('GEOHASH', () => r.geohash(k('g'), 'Palermo', 'Catania'));
  await s.run('GEOSEARCH', () =>
    r.geosearch(
      k('g'),
      'FROMLONLAT',
      15,
      37,
      'BYRADIUS',
      200,
      'km',
      'ASC',
      'WITHCOORD',
      'WITHDIST',
      'WITHHASH',
    ),
  );
  await s.run('GEOSEARCH BYBOX', () =>
    r.geosearch(k('g'), 'FROMMEMBER', 'Palermo', 'BYBOX', 400, 400, 'km', 'DESC', 'COUNT', 1),
  );
  await s.run('GEOSEARCHSTORE', () =>
    r.geosearchstore(k('g2'), k('g'), 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km', 'STOREDIST'),
  );
  await s.run('GEOSEARCH bad unit', () =>
    r.call('GEOSEARCH', k('g'), 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'parsec'),
  );
  // SORT and OBJECT ENCODING.
  await s.run('SORT setup', () =>
    r.rpush(k('sl'), 3, 1, 2).then(() => r.mset(k('w_1'), 30, k('w_2'), 10, k('w_3'), 20)),
  );
  await s.run('SORT', () => r.sort(k('sl')));
  await s.run('SORT BY GET DESC LIMIT', () =>
    r.sort(k('sl'), 'BY', k('w_*'), 'LIMIT', 0, 2, 'GET', '#', 'GET', k('w_*'), 'DESC'),
  );
  await s.run('SORT ALPHA STORE', () => r.sort(k('sl'), 'ALPHA', 'STORE', k('sorted')));
  await s.run('SORT_RO', () => r.sort_ro(k('sl'), 'DESC'));
  await s.run('SORT not numbers', () => r.sort(k('l')));
  await s.run('OBJECT ENCODING', async () => [
    await r.object('ENCODING', k('h')),
    await r.object('ENCODING', k('l')),
    await r.object('ENCODING', k('s1')),
    await r.object('ENCODING', k('z2')),
    await r.object('ENCODING', k('str')),
  ]);
}

/** A flat [member, score, ...] list as pairs. */
function pairs(flat: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

async function ioredisTransactionsAndBlocking(
  port: number,
  protocol: Protocol,
  p: string,
  s: Steps,
): Promise<void> {
  const r = ioredis(port, protocol);
  const other = ioredis(port, protocol);
  const blocker = ioredis(port, protocol);
  await Promise.all([r.connect(), other.connect(), blocker.connect()]);
  try {
    const k = (name: string): string => `${p}${name}`;
    await s.run('MULTI/EXEC', () => r.multi().set(k('t'), '1').incr(k('t')).lpush(k('tl'), 'a').exec());
    await s.run('EXEC with a failing command', () =>
      r
        .multi()
        .set(k('t'), 'x')
        .incr(k('t'))
        .exec()
        .then((res) => res?.map(([e, v]) => (e === null ? v : errText(e)))),
    );
    await s.run('EXECABORT', () => r.multi().set(k('t'), '1').call('NOSUCHCOMMAND').exec());
    await s.run('WATCH touched by another client', async () => {
      await r.watch(k('w'));
      await other.set(k('w'), 'changed');
      return r.multi().get(k('w')).exec();
    });
    await s.run('WATCH untouched', async () => {
      await r.watch(k('w'));
      return r.multi().get(k('w')).exec();
    });
    await s.run('UNWATCH', async () => {
      await r.watch(k('w'));
      const unwatched = await r.unwatch();
      await other.set(k('w'), 'again');
      return [unwatched, await r.multi().get(k('w')).exec()];
    });
    await s.run('DISCARD', async () => {
      await r.multi({ pipeline: false });
      const queued = await r.set(k('d'), 'x');
      const discarded = await r.discard();
      return [queued, discarded, await r.exists(k('d'))];
    });
    // Blocking pops woken by a second client.
    const wake = async (
      label: string,
      pop: () => Promise<unknown>,
      push: () => Promise<unknown>,
    ): Promise<void> => {
      await s.run(label, async () => {
        const pending = pop();
        await until(`${label} blocks`, async () => blockedClients(await other.info('clients')) === 1);
        await push();
        return pending;
      });
    };
    await wake(
      'BLPOP woken',
      () => blocker.blpop(k('q'), k('q2'), 5),
      () => other.rpush(k('q2'), 'job'),
    );
    await wake(
      'BRPOP woken',
      () => blocker.brpop(k('q'), 5),
      () => other.rpush(k('q'), 'x', 'y'),
    );
    await wake(
      'BLMOVE woken',
      () => blocker.blmove(k('q3'), k('q4'), 'LEFT', 'RIGHT', 5),
      () => other.lpush(k('q3'), 'm'),
    );
    await wake(
      'BRPOPLPUSH woken',
      () => blocker.brpoplpush(k('q5'), k('q4'), 5),
      () => other.lpush(k('q5'), 'n'),
    );
    await wake(
      'BLMPOP woken',
      () => blocker.blmpop(5, 2, k('q6'), k('q7'), 'RIGHT', 'COUNT', 3),
      () => other.rpush(k('q7'), '1', '2'),
    );
    await wake(
      'BZPOPMIN woken',
      () => blocker.bzpopmin(k('bz'), 5),
      () => other.zadd(k('bz'), 2, 'two', 1, 'one'),
    );
    await wake(
      'BZPOPMAX woken',
      () => blocker.bzpopmax(k('bz2'), 5),
      () => other.zadd(k('bz2'), 2, 'two', 1, 'one'),
    );
    await wake(
      'BZMPOP woken',
      () => blocker.bzmpop(5, 1, k('bz3'), 'MAX', 'COUNT', 2),
      () => other.zadd(k('bz3'), 1, 'a', 2, 'b', 3, 'c'),
    );
    await s.run('BLPOP times out', () => blocker.blpop(k('empty'), 0.01));
    await s.run('BLPOP negative timeout', () => blocker.blpop(k('empty'), -1));
    await s.run('BLPOP inside MULTI', () => r.multi().blpop(k('empty'), 0).exec());
  } finally {
    r.disconnect();
    other.disconnect();
    blocker.disconnect();
  }
}

async function ioredisPubSub(port: number, protocol: Protocol, p: string, s: Steps): Promise<void> {
  const sub = ioredis(port, protocol);
  const pub = ioredis(port, protocol);
  await Promise.all([sub.connect(), pub.connect()]);
  try {
    const got: string[] = [];
    sub.on('message', (ch: string, msg: string) => got.push(`message ${ch} ${msg}`));
    sub.on('pmessage', (pattern: string, ch: string, msg: string) =>
      got.push(`pmessage ${pattern} ${ch} ${msg}`),
    );
    sub.on('smessage', (ch: string, msg: string) => got.push(`smessage ${ch} ${msg}`));
    await s.run('SUBSCRIBE', () => sub.subscribe(`${p}ch1`, `${p}ch2`));
    await s.run('PSUBSCRIBE', () => sub.psubscribe(`${p}ch*`));
    await s.run('SSUBSCRIBE', () => sub.ssubscribe(`${p}shard`));
    await s.run('PUBLISH', () => pub.publish(`${p}ch1`, 'hello'));
    await s.run('PUBLISH pattern only', () => pub.publish(`${p}ch3`, 'world'));
    await s.run('SPUBLISH', () => pub.spublish(`${p}shard`, 'sharded'));
    await s.run('PUBSUB CHANNELS', () => pub.pubsub('CHANNELS', `${p}*`), sorted);
    await s.run('PUBSUB NUMSUB', () => pub.pubsub('NUMSUB', `${p}ch1`, `${p}none`));
    await s.run('PUBSUB NUMPAT', () => pub.pubsub('NUMPAT'));
    await s.run('PUBSUB SHARDCHANNELS', () => pub.call('PUBSUB', 'SHARDCHANNELS'));
    await s.run('messages', async () => {
      await until('4 messages', () => got.length >= 4);
      return [...got].sort();
    });
    await s.run('keyspace notifications', async () => {
      const before = got.length;
      const channels = [`__keyspace@0__:${p}ev`, '__keyevent@0__:lpush'];
      await pub.config('SET', 'notify-keyspace-events', 'KEl');
      await sub.subscribe(...channels);
      await pub.lpush(`${p}ev`, 'x');
      await until('2 notifications', () => got.length >= before + 2);
      await sub.unsubscribe(...channels);
      await pub.config('SET', 'notify-keyspace-events', '');
      return got.slice(before).sort();
    });
    await s.run('UNSUBSCRIBE', () => sub.unsubscribe(`${p}ch1`));
    // (ioredis never resolves an argument-less PUNSUBSCRIBE, from redis-server either.)
    await s.run('PUNSUBSCRIBE', () => sub.punsubscribe(`${p}ch*`));
    await s.run('SUNSUBSCRIBE', () => sub.sunsubscribe(`${p}shard`));
    await s.run('PUBLISH after', () => pub.publish(`${p}ch1`, 'nobody'));
    await s.run('GET in subscribed context', () =>
      protocol === 2 ? sub.call('GET', 'x') : Promise.resolve('RESP3 allows it'),
    );
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
}

/**
 * Time-dependent stream fields (idle times, delivery times) replaced by "T":
 * object keys named so by the clients, the value after an "idle" name in raw
 * replies, and the idle time in XPENDING entries ([id, consumer, idle, count]).
 */
function maskTimes(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length === 4 && typeof v[0] === 'string' && /^\d+-\d+$/.test(v[0]) && typeof v[2] === 'number')
      return [v[0], v[1], 'T', v[3]];
    return v.map((x, i) => (i > 0 && v[i - 1] === 'idle' ? 'T' : maskTimes(x)));
  }
  if (v instanceof Map) return new Map([...v].map(([key, x]) => [key, key === 'idle' ? 'T' : maskTimes(x)]));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([key, x]) => [
        key,
        /idle|millisecondsSinceLastDelivery/i.test(key) ? 'T' : maskTimes(x),
      ]),
    );
  return v;
}

/** Streams with explicit IDs (replies are then deterministic), groups, and XREAD BLOCK woken by a second client. */
async function ioredisStreams(port: number, protocol: Protocol, p: string, s: Steps): Promise<void> {
  const r = ioredis(port, protocol);
  const blocker = ioredis(port, protocol);
  await Promise.all([r.connect(), blocker.connect()]);
  const k = (name: string): string => `${p}${name}`;
  try {
    await s.run('XADD', () => r.xadd(k('s'), '1-1', 'f', 'v1'));
    await s.run('XADD second', () => r.xadd(k('s'), '2-0', 'f', 'v2', 'g', 'w'));
    await s.run('XADD too small', () => r.xadd(k('s'), '1-0', 'f', 'x'));
    await s.run('XADD NOMKSTREAM', () => r.xadd(k('none'), 'NOMKSTREAM', '*', 'f', 'v'));
    await s.run('XADD MAXLEN', () => r.xadd(k('s'), 'MAXLEN', '=', '5', '3-0', 'f', 'v3'));
    await s.run('XLEN', () => r.xlen(k('s')));
    await s.run('XRANGE', () => r.xrange(k('s'), '-', '+'));
    await s.run('XRANGE COUNT exclusive', () => r.xrange(k('s'), '(1-1', '+', 'COUNT', 1));
    await s.run('XREVRANGE', () => r.xrevrange(k('s'), '+', '-'));
    await s.run('XREAD', () => r.xread('COUNT', 2, 'STREAMS', k('s'), '0-0'));
    await s.run('XREAD nothing new', () => r.xread('STREAMS', k('s'), '3-0'));
    await s.run('XGROUP CREATE', () => r.xgroup('CREATE', k('s'), 'g1', '0'));
    await s.run('XGROUP CREATE again', () => r.xgroup('CREATE', k('s'), 'g1', '0'));
    await s.run('XGROUP CREATECONSUMER', () => r.xgroup('CREATECONSUMER', k('s'), 'g1', 'c0'));
    await s.run('XREADGROUP', () => r.xreadgroup('GROUP', 'g1', 'c1', 'COUNT', 2, 'STREAMS', k('s'), '>'));
    await s.run('XREADGROUP NOGROUP', () => r.xreadgroup('GROUP', 'nope', 'c1', 'STREAMS', k('s'), '>'));
    await s.run('XPENDING summary', () => r.xpending(k('s'), 'g1'));
    await s.run('XPENDING range', () => r.xpending(k('s'), 'g1', '-', '+', 10), maskTimes);
    await s.run('XCLAIM JUSTID', () => r.xclaim(k('s'), 'g1', 'c2', 0, '1-1', 'JUSTID'));
    await s.run('XAUTOCLAIM', () => r.xautoclaim(k('s'), 'g1', 'c3', 0, '0-0', 'COUNT', 5));
    await s.run('XACK', () => r.xack(k('s'), 'g1', '1-1', '9-9'));
    await s.run('XINFO STREAM', () => r.xinfo('STREAM', k('s')));
    await s.run('XINFO GROUPS', () => r.xinfo('GROUPS', k('s')));
    await s.run('XINFO CONSUMERS', () => r.xinfo('CONSUMERS', k('s'), 'g1'), maskTimes);
    await s.run('XGROUP SETID', () => r.xgroup('SETID', k('s'), 'g1', '0'));
    await s.run('XGROUP DELCONSUMER', () => r.xgroup('DELCONSUMER', k('s'), 'g1', 'c0'));
    await s.run('XDEL', () => r.xdel(k('s'), '1-1', '7-7'));
    await s.run('XTRIM', () => r.xtrim(k('s'), 'MAXLEN', 1));
    await s.run('XSETID', () => r.xsetid(k('s'), '10-0'));
    await s.run('XSETID too small', () => r.xsetid(k('s'), '1-0'));
    await s.run('XGROUP DESTROY', () => r.xgroup('DESTROY', k('s'), 'g1'));
    await s.run('WRONGTYPE', async () => {
      await r.set(k('str'), 'x');
      return r.xadd(k('str'), '*', 'f', 'v');
    });
    await s.run('XREAD BLOCK woken', async () => {
      const waiting = blocker.xread('BLOCK', 5000, 'STREAMS', k('q'), '$');
      await until('a client blocked on XREAD', async () => blockedClients(await r.info('clients')) === 1);
      await r.xadd(k('q'), '5-1', 'job', '1');
      return waiting;
    });
    await s.run('XREAD BLOCK timeout', () => blocker.xread('BLOCK', 10, 'STREAMS', k('q'), '$'));
  } finally {
    r.disconnect();
    blocker.disconnect();
  }
}

// ---- node-redis -------------------------------------------------------------------------

function nodeRedis(port: number, resp: Protocol) {
  const c = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false }, RESP: resp });
  c.on('error', () => {});
  return c;
}
type NodeRedis = ReturnType<typeof nodeRedis>;

async function nodeRedisDataTypes(c: NodeRedis, p: string, s: Steps): Promise<void> {
  const k = (name: string): string => `${p}${name}`;
  // Hashes.
  await s.run('HSET', () => c.hSet(k('h'), { f1: 'v1', f2: '2', f3: '1.5' }));
  await s.run('HSET field', () => c.hSet(k('h'), 'f4', 'four'));
  await s.run('HSETNX', () => c.hSetNX(k('h'), 'f1', 'x'));
  await s.run('HMSET', () => c.sendCommand(['HMSET', k('h'), 'f5', 'five']));
  await s.run('HGET', () => c.hGet(k('h'), 'f1'));
  await s.run('HMGET', () => c.hmGet(k('h'), ['f1', 'nope', 'f2']));
  await s.run('HDEL', () => c.hDel(k('h'), ['f5', 'nope']));
  await s.run('HEXISTS', () => c.hExists(k('h'), 'f1'));
  await s.run('HLEN', () => c.hLen(k('h')));
  await s.run('HSTRLEN', () => c.hStrLen(k('h'), 'f4'));
  await s.run('HKEYS', () => c.hKeys(k('h')));
  await s.run('HVALS', () => c.hVals(k('h')));
  await s.run(
    'HGETALL',
    () => c.hGetAll(k('h')),
    (v) => ({ ...(v as object) }),
  );
  await s.run('HINCRBY', () => c.hIncrBy(k('h'), 'f2', 40));
  await s.run('HINCRBY not an integer', () => c.hIncrBy(k('h'), 'f1', 1));
  await s.run('HINCRBYFLOAT', () => c.hIncrByFloat(k('h'), 'f3', 0.25));
  await s.run(
    'HRANDFIELD',
    () => c.hRandField(k('h')),
    (v) => typeof v === 'string',
  );
  await s.run('HRANDFIELD all', () => c.hRandFieldCount(k('h'), 10), sorted);
  await s.run(
    'HRANDFIELD WITHVALUES',
    () => c.hRandFieldCountWithValues(k('h'), -3),
    (v) => (v as unknown[]).length,
  );
  await s.run(
    'HSCAN',
    () => c.hScan(k('h'), '0', { COUNT: 100 }),
    (v) => {
      const { cursor, entries } = v as { cursor: string; entries: { field: string; value: string }[] };
      return [cursor, sorted(entries.map((e) => [e.field, e.value]))];
    },
  );
  await s.run('HGETALL binary', async () => {
    await c.hSet(k('hb'), Buffer.from([0, 255]), Buffer.from([1, 2, 0xfe]));
    return c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).sendCommand(['HGETALL', k('hb')]);
  });
  await s.run('HGET wrong type', async () => {
    await c.set(k('str'), 'v');
    return c.hGet(k('str'), 'f');
  });
  await s.run('HSET arity', () => c.sendCommand(['HSET', k('h'), 'f']));
  // Lists.
  await s.run('RPUSH', () => c.rPush(k('l'), ['a', 'b', 'c', 'd', 'e']));
  await s.run('LPUSH', () => c.lPush(k('l'), 'z'));
  await s.run('LPUSHX missing', () => c.lPushX(k('none'), 'x'));
  await s.run('RPUSHX', () => c.rPushX(k('l'), 'f'));
  await s.run('LPOP', () => c.lPop(k('l')));
  await s.run('LPOP count', () => c.lPopCount(k('l'), 2));
  await s.run('RPOP count', () => c.rPopCount(k('l'), 1));
  await s.run('RPOP', () => c.rPop(k('none')));
  await s.run('LLEN', () => c.lLen(k('l')));
  await s.run('LRANGE', () => c.lRange(k('l'), 0, -1));
  await s.run('LINDEX', () => c.lIndex(k('l'), -1));
  await s.run('LSET', () => c.lSet(k('l'), 0, 'C'));
  await s.run('LSET out of range', () => c.lSet(k('l'), 100, 'x'));
  await s.run('LINSERT', () => c.lInsert(k('l'), 'BEFORE', 'd', 'cc'));
  await s.run('LREM', () => c.lRem(k('l'), 0, 'cc'));
  await s.run('LPOS', () => c.lPos(k('l'), 'd'));
  await s.run('LPOS COUNT', () => c.lPosCount(k('l'), 'd', 0, { RANK: -1 }));
  await s.run('LMOVE', () => c.lMove(k('l'), k('l2'), 'LEFT', 'RIGHT'));
  await s.run('RPOPLPUSH', () => c.rPopLPush(k('l'), k('l2')));
  await s.run('LMPOP', () => c.lmPop([k('none'), k('l2')], 'LEFT', { COUNT: 5 }));
  await s.run('LTRIM', () => c.lTrim(k('l'), 0, 0));
  await s.run('LRANGE after', () => c.lRange(k('l'), 0, -1));
  await s.run('LPUSH wrong type', () => c.lPush(k('h'), 'x'));
  await s.run('LPOP bad count', () => c.sendCommand(['LPOP', k('l'), '-1']));
  // Sets.
  await s.run('SADD', () => c.sAdd(k('s1'), ['1', '2', '3', '4']));
  await s.run('SADD 2', () => c.sAdd(k('s2'), ['3', '4', '5']));
  await s.run('SREM', () => c.sRem(k('s1'), ['4', '9']));
  await s.run('SCARD', () => c.sCard(k('s1')));
  await s.run('SISMEMBER', () => c.sIsMember(k('s1'), '2'));
  await s.run('SMISMEMBER', () => c.smIsMember(k('s1'), ['1', '9']));
  await s.run('SMEMBERS', () => c.sMembers(k('s1')), sorted);
  await s.run('SRANDMEMBER all', () => c.sRandMemberCount(k('s1'), 10), sorted);
  await s.run(
    'SRANDMEMBER negative',
    () => c.sRandMemberCount(k('s1'), -5),
    (v) => (v as unknown[]).length,
  );
  await s.run('SMOVE', () => c.sMove(k('s1'), k('s2'), '1'));
  await s.run('SINTER', () => c.sInter([k('s1'), k('s2')]), sorted);
  await s.run('SINTERCARD', () => c.sInterCard([k('s1'), k('s2')], { LIMIT: 1 }));
  await s.run('SUNION', () => c.sUnion([k('s1'), k('s2')]), sorted);
  await s.run('SDIFF', () => c.sDiff([k('s2'), k('s1')]), sorted);
  await s.run('SINTERSTORE', () => c.sInterStore(k('s3'), [k('s1'), k('s2')]));
  await s.run('SUNIONSTORE', () => c.sUnionStore(k('s3'), [k('s1'), k('s2')]));
  await s.run('SDIFFSTORE', () => c.sDiffStore(k('s3'), [k('s2'), k('s1')]));
  await s.run(
    'SSCAN',
    () => c.sScan(k('s3'), '0'),
    (v) => {
      const { cursor, members } = v as { cursor: string; members: string[] };
      return [cursor, sorted(members)];
    },
  );
  await s.run('SPOP all', () => c.sPopCount(k('s3'), 10), sorted);
  await s.run(
    'SPOP one',
    () => c.sPop(k('s2')),
    (v) => typeof v === 'string',
  );
  await s.run('SADD wrong type', () => c.sAdd(k('l'), 'x'));
  // Sorted sets.
  await s.run('ZADD', () =>
    c.zAdd(k('z'), [
      { score: 1, value: 'a' },
      { score: 2, value: 'b' },
      { score: 3, value: 'c' },
      { score: 4, value: 'd' },
    ]),
  );
  await s.run('ZADD NX CH', () =>
    c.zAdd(
      k('z'),
      [
        { score: 10, value: 'a' },
        { score: 5, value: 'e' },
      ],
      { condition: 'NX', CH: true },
    ),
  );
  await s.run('ZADD XX GT INCR', () =>
    c.zAddIncr(k('z'), { score: 2, value: 'a' }, { condition: 'XX', comparison: 'GT' }),
  );
  await s.run('ZADD LT CH', () =>
    c.zAdd(
      k('z'),
      [
        { score: 0.5, value: 'b' },
        { score: 9, value: 'c' },
      ],
      { comparison: 'LT', CH: true },
    ),
  );
  await s.run('ZADD conflict', () => c.sendCommand(['ZADD', k('z'), 'NX', 'GT', '1', 'a']));
  await s.run('ZADD bad score', () => c.sendCommand(['ZADD', k('z'), 'x', 'a']));
  await s.run('ZINCRBY', () => c.zIncrBy(k('z'), 1.5, 'b'));
  await s.run('ZREM', () => c.zRem(k('z'), ['e', 'nope']));
  await s.run('ZCARD', () => c.zCard(k('z')));
  await s.run('ZCOUNT', () => c.zCount(k('z'), '(1', '+inf'));
  await s.run('ZLEXCOUNT', async () => {
    await c.zAdd(
      k('lex'),
      ['a', 'b', 'c', 'd'].map((value) => ({ score: 0, value })),
    );
    return c.zLexCount(k('lex'), '[b', '+');
  });
  await s.run('ZSCORE', () => c.zScore(k('z'), 'b'));
  await s.run('ZMSCORE', () => c.zmScore(k('z'), ['a', 'nope']));
  await s.run('ZRANK', () => c.zRank(k('z'), 'c'));
  await s.run('ZREVRANK', () => c.zRevRank(k('z'), 'c'));
  await s.run('ZRANGE WITHSCORES', () => c.zRangeWithScores(k('z'), 0, -1));
  await s.run('ZRANGE BYSCORE REV LIMIT', () =>
    c.zRange(k('z'), '+inf', '(1', { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 2 } }),
  );
  await s.run('ZRANGE BYLEX', () => c.zRange(k('lex'), '[b', '(d', { BY: 'LEX' }));
  await s.run('ZRANGESTORE', () => c.zRangeStore(k('z2'), k('z'), 0, 1));
  await s.run('ZRANGEBYSCORE', () =>
    c.zRangeByScoreWithScores(k('z'), '-inf', 3, { LIMIT: { offset: 1, count: 2 } }),
  );
  await s.run('ZREVRANGEBYSCORE', () => c.sendCommand(['ZREVRANGEBYSCORE', k('z'), '3', '-inf']));
  await s.run('ZRANGEBYLEX', () => c.zRangeByLex(k('lex'), '-', '[c', { LIMIT: { offset: 1, count: 5 } }));
  await s.run('ZREVRANGEBYLEX', () => c.sendCommand(['ZREVRANGEBYLEX', k('lex'), '+', '(a']));
  await s.run('ZREVRANGE', () => c.sendCommand(['ZREVRANGE', k('z'), '0', '1', 'WITHSCORES']));
  await s.run('ZUNION', () =>
    c.zUnionWithScores(
      [
        { key: k('z'), weight: 1 },
        { key: k('z2'), weight: 2 },
      ],
      { AGGREGATE: 'MAX' },
    ),
  );
  await s.run('ZINTER', () => c.zInterWithScores([k('z'), k('z2')]));
  await s.run('ZDIFF', () => c.zDiffWithScores([k('z'), k('z2')]));
  await s.run('ZUNIONSTORE', () => c.zUnionStore(k('z3'), [k('z'), k('s1')]));
  await s.run('ZINTERSTORE', () => c.zInterStore(k('z3'), [k('z'), k('z2')], { AGGREGATE: 'MIN' }));
  await s.run('ZDIFFSTORE', () => c.zDiffStore(k('z3'), [k('z'), k('z2')]));
  await s.run('ZINTERCARD', () => c.zInterCard([k('z'), k('z2')]));
  await s.run('ZRANDMEMBER all', () => c.zRandMemberCountWithScores(k('z'), 10), sorted);
  await s.run(
    'ZRANDMEMBER one',
    () => c.zRandMember(k('z')),
    (v) => typeof v === 'string',
  );
  await s.run(
    'ZSCAN',
    () => c.zScan(k('z'), '0'),
    (v) => {
      const { cursor, members } = v as { cursor: string; members: unknown[] };
      return [cursor, sorted(members)];
    },
  );
  await s.run('ZPOPMIN', () => c.zPopMin(k('z')));
  await s.run('ZPOPMAX count', () => c.zPopMaxCount(k('z'), 2));
  await s.run('ZMPOP', () => c.zmPop([k('none'), k('z')], 'MIN', { COUNT: 1 }));
  await s.run('ZREMRANGEBYRANK', () => c.zRemRangeByRank(k('z3'), 0, 0));
  await s.run('ZREMRANGEBYSCORE', () => c.zRemRangeByScore(k('z2'), '-inf', '(2'));
  await s.run('ZREMRANGEBYLEX', () => c.zRemRangeByLex(k('lex'), '[a', '[b'));
  await s.run('ZADD wrong type', () => c.zAdd(k('l'), { score: 1, value: 'a' }));
  // HyperLogLog.
  await s.run('PFADD', () => c.pfAdd(k('hll'), ['a', 'b', 'c']));
  await s.run('PFADD 2', () => c.pfAdd(k('hll2'), ['c', 'd']));
  await s.run('PFCOUNT', () => c.pfCount([k('hll'), k('hll2')]));
  await s.run('PFMERGE', () => c.pfMerge(k('hll3'), [k('hll'), k('hll2')]));
  await s.run('PFCOUNT merged', () => c.pfCount(k('hll3')));
  await s.run('HLL bytes', () => c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(k('hll3')));
  await s.run('PFADD not an HLL', () => c.pfAdd(k('str'), 'x'));
  // Geo.
  await s.run('GEOADD', () =>
    c.geoAdd(k('g'), [
      { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
      { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
    ]),
  );
  await s.run('GEOADD bad', () => c.geoAdd(k('g'), { longitude: 200, latitude: 100, member: 'x' }));
  await s.run('GEOPOS', () => c.geoPos(k('g'), ['Palermo', 'nope']));
  await s.run('GEODIST', () => c.geoDist(k('g'), 'Palermo', 'Catania', 'km'));
  await s.run('GEOHASH', () => c.geoHash(k('g'), ['Palermo', 'Catania']));
  await s.run('GEOSEARCH', () =>
    c.geoSearchWith(
      k('g'),
      { longitude: 15, latitude: 37 },
      { radius: 200, unit: 'km' },
      ['WITHCOORD', 'WITHDIST', 'WITHHASH'],
      { SORT: 'ASC' },
    ),
  );
  await s.run('GEOSEARCH BYBOX', () =>
    c.geoSearch(k('g'), 'Palermo', { width: 400, height: 400, unit: 'km' }, { SORT: 'DESC', COUNT: 1 }),
  );
  await s.run('GEOSEARCHSTORE', () =>
    c.geoSearchStore(k('g2'), k('g'), 'Palermo', { radius: 300, unit: 'km' }, { STOREDIST: true }),
  );
  await s.run('GEOSEARCH bad unit', () =>
    c.sendCommand(['GEOSEARCH', k('g'), 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'parsec']),
  );
  // SORT and OBJECT ENCODING.
  await s.run('SORT setup', async () => {
    await c.rPush(k('sl'), ['3', '1', '2']);
    return c.mSet({ [k('w_1')]: '30', [k('w_2')]: '10', [k('w_3')]: '20' });
  });
  await s.run('SORT', () => c.sort(k('sl')));
  await s.run('SORT BY GET DESC LIMIT', () =>
    c.sort(k('sl'), {
      BY: k('w_*'),
      GET: ['#', k('w_*')],
      LIMIT: { offset: 0, count: 2 },
      DIRECTION: 'DESC',
    }),
  );
  await s.run('SORT ALPHA STORE', () => c.sortStore(k('sl'), k('sorted'), { ALPHA: true }));
  await s.run('SORT_RO', () => c.sortRo(k('sl'), { DIRECTION: 'DESC' }));
  await s.run('SORT not numbers', () => c.sort(k('l')));
  await s.run('OBJECT ENCODING', async () => [
    await c.objectEncoding(k('h')),
    await c.objectEncoding(k('l')),
    await c.objectEncoding(k('s1')),
    await c.objectEncoding(k('z2')),
    await c.objectEncoding(k('str')),
  ]);
}

async function nodeRedisTransactionsAndBlocking(
  port: number,
  resp: Protocol,
  p: string,
  s: Steps,
): Promise<void> {
  const c = nodeRedis(port, resp);
  const other = nodeRedis(port, resp);
  const blocker = nodeRedis(port, resp);
  await Promise.all([c.connect(), other.connect(), blocker.connect()]);
  try {
    const k = (name: string): string => `${p}${name}`;
    await s.run('MULTI/EXEC', () => c.multi().set(k('t'), '1').incr(k('t')).lPush(k('tl'), 'a').exec());
    await s.run('EXEC with a failing command', () => c.multi().set(k('t'), 'x').incr(k('t')).exec());
    await s.run('EXECABORT', () => c.multi().set(k('t'), '1').addCommand(['NOSUCHCOMMAND']).exec());
    await s.run('WATCH touched by another client', async () => {
      await c.watch(k('w'));
      await other.set(k('w'), 'changed');
      return c.multi().get(k('w')).exec();
    });
    await s.run('WATCH untouched', async () => {
      await c.watch(k('w'));
      return c.multi().get(k('w')).exec();
    });
    await s.run('UNWATCH', async () => {
      await c.watch(k('w'));
      const unwatched = await c.unwatch();
      await other.set(k('w'), 'again');
      return [unwatched, await c.multi().get(k('w')).exec()];
    });
    await s.run('DISCARD', async () => {
      const replies: unknown[] = [await c.sendCommand(['MULTI']), await c.sendCommand(['SET', k('d'), 'x'])];
      replies.push(await c.sendCommand(['DISCARD']), await c.exists(k('d')));
      return replies;
    });
    // Blocking pops woken by a second client.
    const wake = async (
      label: string,
      pop: () => Promise<unknown>,
      push: () => Promise<unknown>,
    ): Promise<void> => {
      await s.run(label, async () => {
        const pending = pop();
        await until(`${label} blocks`, async () => blockedClients(await other.info('clients')) === 1);
        await push();
        return pending;
      });
    };
    await wake(
      'BLPOP woken',
      () => blocker.blPop([k('q'), k('q2')], 5),
      () => other.rPush(k('q2'), 'job'),
    );
    await wake(
      'BRPOP woken',
      () => blocker.brPop(k('q'), 5),
      () => other.rPush(k('q'), ['x', 'y']),
    );
    await wake(
      'BLMOVE woken',
      () => blocker.blMove(k('q3'), k('q4'), 'LEFT', 'RIGHT', 5),
      () => other.lPush(k('q3'), 'm'),
    );
    await wake(
      'BRPOPLPUSH woken',
      () => blocker.brPopLPush(k('q5'), k('q4'), 5),
      () => other.lPush(k('q5'), 'n'),
    );
    await wake(
      'BLMPOP woken',
      () => blocker.blmPop(5, [k('q6'), k('q7')], 'RIGHT', { COUNT: 3 }),
      () => other.rPush(k('q7'), ['1', '2']),
    );
    await wake(
      'BZPOPMIN woken',
      () => blocker.bzPopMin(k('bz'), 5),
      () =>
        other.zAdd(k('bz'), [
          { score: 2, value: 'two' },
          { score: 1, value: 'one' },
        ]),
    );
    await wake(
      'BZPOPMAX woken',
      () => blocker.bzPopMax(k('bz2'), 5),
      () =>
        other.zAdd(k('bz2'), [
          { score: 2, value: 'two' },
          { score: 1, value: 'one' },
        ]),
    );
    await wake(
      'BZMPOP woken',
      () => blocker.bzmPop(5, k('bz3'), 'MAX', { COUNT: 2 }),
      () =>
        other.zAdd(k('bz3'), [
          { score: 1, value: 'a' },
          { score: 2, value: 'b' },
          { score: 3, value: 'c' },
        ]),
    );
    await s.run('BLPOP times out', () => blocker.blPop(k('empty'), 0.01));
    await s.run('BLPOP negative timeout', () => blocker.blPop(k('empty'), -1));
    await s.run('BLPOP inside MULTI', () => c.multi().blPop(k('empty'), 0).exec());
  } finally {
    c.destroy();
    other.destroy();
    blocker.destroy();
  }
}

async function nodeRedisPubSub(port: number, resp: Protocol, p: string, s: Steps): Promise<void> {
  const pub = nodeRedis(port, resp);
  await pub.connect();
  const sub = pub.duplicate();
  sub.on('error', () => {});
  await sub.connect();
  try {
    const got: string[] = [];
    const listener = (kind: string) => (message: string, channel: string) =>
      got.push(`${kind} ${channel} ${message}`);
    await s.run('SUBSCRIBE', () => sub.subscribe([`${p}ch1`, `${p}ch2`], listener('message')));
    await s.run('PSUBSCRIBE', () => sub.pSubscribe(`${p}ch*`, listener('pmessage')));
    await s.run('SSUBSCRIBE', () => sub.sSubscribe(`${p}shard`, listener('smessage')));
    await s.run('PUBLISH', () => pub.publish(`${p}ch1`, 'hello'));
    await s.run('PUBLISH pattern only', () => pub.publish(`${p}ch3`, 'world'));
    await s.run('SPUBLISH', () => pub.sPublish(`${p}shard`, 'sharded'));
    await s.run('PUBSUB CHANNELS', () => pub.pubSubChannels(`${p}*`), sorted);
    await s.run('PUBSUB NUMSUB', () => pub.pubSubNumSub([`${p}ch1`, `${p}none`]));
    await s.run('PUBSUB NUMPAT', () => pub.pubSubNumPat());
    await s.run('PUBSUB SHARDCHANNELS', () => pub.pubSubShardChannels());
    await s.run('messages', async () => {
      await until('4 messages', () => got.length >= 4);
      return [...got].sort();
    });
    await s.run('keyspace notifications', async () => {
      const before = got.length;
      const channels = [`__keyspace@0__:${p}ev`, '__keyevent@0__:lpush'];
      await pub.configSet('notify-keyspace-events', 'KEl');
      await sub.subscribe(channels, listener('message'));
      await pub.lPush(`${p}ev`, 'x');
      await until('2 notifications', () => got.length >= before + 2);
      await sub.unsubscribe(channels);
      await pub.configSet('notify-keyspace-events', '');
      return got.slice(before).sort();
    });
    await s.run('UNSUBSCRIBE', () => sub.unsubscribe(`${p}ch1`));
    await s.run('PUNSUBSCRIBE', () => sub.pUnsubscribe());
    await s.run('SUNSUBSCRIBE', () => sub.sUnsubscribe(`${p}shard`));
    await s.run('PUBSUB NUMSUB after', () => pub.pubSubNumSub([`${p}ch1`, `${p}ch2`]));
    await s.run('PUBLISH after', () => pub.publish(`${p}ch1`, 'nobody'));
  } finally {
    sub.destroy();
    pub.destroy();
  }
}

// ---- the tests ---------------------------------------------------------------------------

/** The stream scenario of ioredisStreams, through node-redis's typed methods. */
async function nodeRedisStreams(port: number, resp: Protocol, p: string, s: Steps): Promise<void> {
  const c = nodeRedis(port, resp);
  const blocker = nodeRedis(port, resp);
  await Promise.all([c.connect(), blocker.connect()]);
  const k = (name: string): string => `${p}${name}`;
  try {
    await s.run('XADD', () => c.xAdd(k('s'), '1-1', { f: 'v1' }));
    await s.run('XADD second', () => c.xAdd(k('s'), '2-0', { f: 'v2', g: 'w' }));
    await s.run('XADD too small', () => c.xAdd(k('s'), '1-0', { f: 'x' }));
    await s.run('XADD NOMKSTREAM', () => c.xAddNoMkStream(k('none'), '*', { f: 'v' }));
    await s.run('XADD MAXLEN', () =>
      c.xAdd(
        k('s'),
        '3-0',
        { f: 'v3' },
        { TRIM: { strategy: 'MAXLEN', strategyModifier: '=', threshold: 5 } },
      ),
    );
    await s.run('XLEN', () => c.xLen(k('s')));
    await s.run('XRANGE', () => c.xRange(k('s'), '-', '+'));
    await s.run('XRANGE COUNT exclusive', () => c.xRange(k('s'), '(1-1', '+', { COUNT: 1 }));
    await s.run('XREVRANGE', () => c.xRevRange(k('s'), '+', '-'));
    await s.run('XREAD', () => c.xRead({ key: k('s'), id: '0-0' }, { COUNT: 2 }));
    await s.run('XREAD nothing new', () => c.xRead({ key: k('s'), id: '3-0' }));
    await s.run('XGROUP CREATE', () => c.xGroupCreate(k('s'), 'g1', '0'));
    await s.run('XGROUP CREATE again', () => c.xGroupCreate(k('s'), 'g1', '0'));
    await s.run('XGROUP CREATECONSUMER', () => c.xGroupCreateConsumer(k('s'), 'g1', 'c0'));
    await s.run('XREADGROUP', () => c.xReadGroup('g1', 'c1', { key: k('s'), id: '>' }, { COUNT: 2 }));
    await s.run('XREADGROUP NOGROUP', () => c.xReadGroup('nope', 'c1', { key: k('s'), id: '>' }));
    await s.run('XPENDING summary', () => c.xPending(k('s'), 'g1'));
    await s.run('XPENDING range', () => c.xPendingRange(k('s'), 'g1', '-', '+', 10), maskTimes);
    await s.run('XCLAIM JUSTID', () => c.xClaimJustId(k('s'), 'g1', 'c2', 0, '1-1'));
    await s.run('XAUTOCLAIM', () => c.xAutoClaim(k('s'), 'g1', 'c3', 0, '0-0', { COUNT: 5 }));
    await s.run('XACK', () => c.xAck(k('s'), 'g1', ['1-1', '9-9']));
    await s.run('XINFO STREAM', () => c.xInfoStream(k('s')));
    await s.run('XINFO GROUPS', () => c.xInfoGroups(k('s')));
    await s.run('XINFO CONSUMERS', () => c.xInfoConsumers(k('s'), 'g1'), maskTimes);
    await s.run('XGROUP SETID', () => c.xGroupSetId(k('s'), 'g1', '0'));
    await s.run('XGROUP DELCONSUMER', () => c.xGroupDelConsumer(k('s'), 'g1', 'c0'));
    await s.run('XDEL', () => c.xDel(k('s'), ['1-1', '7-7']));
    await s.run('XTRIM', () => c.xTrim(k('s'), 'MAXLEN', 1));
    await s.run('XSETID', () => c.sendCommand(['XSETID', k('s'), '10-0']));
    await s.run('XSETID too small', () => c.sendCommand(['XSETID', k('s'), '1-0']));
    await s.run('XGROUP DESTROY', () => c.xGroupDestroy(k('s'), 'g1'));
    await s.run('WRONGTYPE', async () => {
      await c.set(k('str'), 'x');
      return c.xAdd(k('str'), '*', { f: 'v' });
    });
    await s.run('XREAD BLOCK woken', async () => {
      const waiting = blocker.xRead({ key: k('q'), id: '$' }, { BLOCK: 5000 });
      await until('a client blocked on XREAD', async () => blockedClients(await c.info('clients')) === 1);
      await c.xAdd(k('q'), '5-1', { job: '1' });
      return waiting;
    });
    await s.run('XREAD BLOCK timeout', () => blocker.xRead({ key: k('q'), id: '$' }, { BLOCK: 10 }));
  } finally {
    c.destroy();
    blocker.destroy();
  }
}

describe('issue-5 data types through ioredis and node-redis (Redoubt vs redis-server)', () => {
  let d: Differential | null = null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  /** Run a scenario on both servers and compare what the client returned, step by step. */
  const both = async (what: string, scenario: (port: number, s: Steps) => Promise<void>): Promise<Steps> => {
    assert.ok(d !== null);
    const [a, b] = [new Steps(), new Steps()];
    await Promise.all([scenario(d.redoubtServer.port, a), scenario(d.redisServer.port, b)]);
    sameSteps(a, b, what);
    return a;
  };

  for (const protocol of [2, 3] as const) {
    it(`ioredis RESP${protocol}: hashes, lists, sets, sorted sets, HyperLogLog, geo, SORT, OBJECT ENCODING`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`ioredis RESP${protocol}`, async (port, s) => {
        const r = ioredis(port, protocol);
        await r.connect();
        try {
          await ioredisDataTypes(r, `io${protocol}:`, s);
        } finally {
          r.disconnect();
        }
      });
      assert.ok(steps.results.length > 100, 'the scenario ran to its end');
    });

    it(`ioredis RESP${protocol}: MULTI/EXEC/WATCH and blocking pops woken by a second client`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`ioredis RESP${protocol} transactions`, (port, s) =>
        ioredisTransactionsAndBlocking(port, protocol, `iot${protocol}:`, s),
      );
      const woken = steps.results.find(([label]) => label === 'BLPOP woken');
      assert.deepEqual(woken?.[1], [`iot${protocol}:q2`, 'job']);
    });

    it(`ioredis RESP${protocol}: pub/sub through the subscriber API`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`ioredis RESP${protocol} pub/sub`, (port, s) =>
        ioredisPubSub(port, protocol, `iop${protocol}:`, s),
      );
      const messages = steps.results.find(([label]) => label === 'messages')?.[1] as string[];
      assert.ok(messages.includes(`message iop${protocol}:ch1 hello`), JSON.stringify(messages));
    });

    it(`node-redis RESP${protocol}: hashes, lists, sets, sorted sets, HyperLogLog, geo, SORT, OBJECT ENCODING`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`node-redis RESP${protocol}`, async (port, s) => {
        const c = nodeRedis(port, protocol);
        await c.connect();
        try {
          await nodeRedisDataTypes(c, `nr${protocol}:`, s);
        } finally {
          c.destroy();
        }
      });
      assert.ok(steps.results.length > 100, 'the scenario ran to its end');
    });

    it(`node-redis RESP${protocol}: MULTI/EXEC/WATCH and blocking pops woken by a second client`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`node-redis RESP${protocol} transactions`, (port, s) =>
        nodeRedisTransactionsAndBlocking(port, protocol, `nrt${protocol}:`, s),
      );
      const woken = steps.results.find(([label]) => label === 'BLPOP woken');
      assert.deepEqual({ ...(woken?.[1] as object) }, { key: `nrt${protocol}:q2`, element: 'job' });
    });

    it(`node-redis RESP${protocol}: pub/sub through the subscriber API`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`node-redis RESP${protocol} pub/sub`, (port, s) =>
        nodeRedisPubSub(port, protocol, `nrp${protocol}:`, s),
      );
      const messages = steps.results.find(([label]) => label === 'messages')?.[1] as string[];
      assert.ok(messages.includes(`message nrp${protocol}:ch1 hello`), JSON.stringify(messages));
    });
    it(`ioredis RESP${protocol}: streams, consumer groups, XREAD BLOCK woken by a second client`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`ioredis RESP${protocol} streams`, (port, s) =>
        ioredisStreams(port, protocol, `ios${protocol}:`, s),
      );
      assert.ok(steps.results.length === 34, 'the scenario ran to its end');
      assert.ok(!String(steps.results.find(([l]) => l === 'XREAD BLOCK woken')?.[1]).startsWith('error'));
    });

    it(`node-redis RESP${protocol}: streams, consumer groups, XREAD BLOCK woken by a second client`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const steps = await both(`node-redis RESP${protocol} streams`, (port, s) =>
        nodeRedisStreams(port, protocol, `nrs${protocol}:`, s),
      );
      assert.ok(steps.results.length === 34, 'the scenario ran to its end');
      assert.ok(!String(steps.results.find(([l]) => l === 'XREAD BLOCK woken')?.[1]).startsWith('error'));
    });
  }
});

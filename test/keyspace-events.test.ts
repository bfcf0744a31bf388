/**
 * Keyspace notifications against a real redis-server 7.0: for each command,
 * the reply on the publishing connection and the whole sequence of messages a
 * `PSUBSCRIBE __key*__:*` subscriber gets are compared byte for byte, for every
 * command family, their error and no-op paths, each class letter of
 * notify-keyspace-events, and expiry (lazy and by the active cycle).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Comparator, Differential, exact, sameType, sorted } from './helpers/diff.js';
import { type Arg, encode } from './helpers/resp.js';
import { SubscriberPair } from './helpers/subscriber.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `f` until true (bounded; not a timing assertion). */
async function until(f: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    assert.ok(Date.now() < deadline, 'timed out waiting for a client to block');
    await sleep(5);
  }
}

describe('keyspace notifications (differential)', () => {
  let d: Differential | null;
  let sub: SubscriberPair;

  before(async () => {
    // DEBUG SET-ACTIVE-EXPIRE: the lazy-expiry tests turn the active cycle off.
    d = await Differential.start({
      redoubt: { 'enable-debug-command': 'yes' },
      redis: ['--enable-debug-command', 'yes'],
    });
    if (d === null) return;
    sub = await SubscriberPair.open(d);
    await sub.same(['PSUBSCRIBE', '__key*__:*']);
  });
  after(async () => {
    sub?.close();
    await d?.close();
  });

  /** Set the classes on both servers (compared), empty the keyspace, drain the subscriber. */
  async function classes(flags: string): Promise<void> {
    const dd = d as Differential;
    await dd.same(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    await dd.same(['FLUSHALL']);
    await dd.same(['CONFIG', 'SET', 'notify-keyspace-events', flags]);
    await dd.same(['CONFIG', 'GET', 'notify-keyspace-events']);
    await sub.received('drain');
  }

  /** Each command: same reply (or `compare`), then the same messages. */
  async function events(commands: readonly (readonly Arg[])[], compare: Comparator = exact): Promise<void> {
    const dd = d as Differential;
    for (const cmd of commands) {
      await dd.same(cmd, compare);
      await sub.same([], (a, b, _args) => {
        if (a.length !== b.length || a.some((f, i) => !f.equals(b[i] as Buffer))) {
          assert.fail(
            `events differ after ${JSON.stringify(cmd.map(String))}\n  redoubt: ${JSON.stringify(a.map(String))}\n  redis:   ${JSON.stringify(b.map(String))}`,
          );
        }
      });
    }
  }

  it('notify-keyspace-events: parsing and canonical form', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const v of ['KEA', 'xKE$', 'Ag$lshzxeKEtmdn', 'KEnm', 'E', 'gl', 'A', 'AKE', 'Kz', 'mK', 'd', '']) {
      await d.same(['CONFIG', 'SET', 'notify-keyspace-events', v]);
      await d.same(['CONFIG', 'GET', 'notify-keyspace-events']);
    }
    await d.same(['CONFIG', 'SET', 'notify-keyspace-events', 'KEQ']);
    await d.same(['CONFIG', 'SET', 'notify-keyspace-events', 'K E']);
    await d.same(['CONFIG', 'GET', 'notify-keyspace-events']);
  });

  it('off: no message at all', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('');
    await events([
      ['SET', 'k', 'v'],
      ['DEL', 'k'],
      ['LPUSH', 'l', 'a'],
      ['GET', 'missing'],
    ]);
    // Classes without K or E publish nothing either.
    await classes('A');
    await events([
      ['SET', 'k', 'v'],
      ['INCR', 'n'],
    ]);
  });

  it('strings', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['SET', 'k', 'v'],
      ['SET', 'k', 'v2', 'XX'],
      ['SET', 'k', 'v3', 'NX'],
      ['SET', 'nx', 'v', 'NX'],
      ['SET', 'xx', 'v', 'XX'],
      ['SET', 'k', 'v4', 'EX', '100'],
      ['SET', 'k', 'v5', 'PX', '100000', 'GET'],
      ['SET', 'k', 'v6', 'KEEPTTL'],
      ['SET', 'k', 'v7', 'EXAT', '99999999999'],
      ['SET', 'k', 'v', 'EX', '0'],
      ['SET', 'k', 'v', 'EX', 'x'],
      ['SET', 'k', 'v', 'FOO'],
      ['SETNX', 'k', 'x'],
      ['SETNX', 'k2', 'x'],
      ['SETEX', 'k3', '100', 'x'],
      ['SETEX', 'k3', '-1', 'x'],
      ['PSETEX', 'k4', '100000', 'x'],
      ['GETSET', 'k', 'y'],
      ['GETSET', 'g', 'y'],
      ['GETDEL', 'g'],
      ['GETDEL', 'g'],
      ['GETEX', 'k', 'EX', '1000'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k'],
      ['GETEX', 'nosuch', 'EX', '10'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['MSET', 'a', '1', 'b', '2', 'a', '3'],
      ['MSETNX', 'c', '1', 'd', '2'],
      ['MSETNX', 'c', '1', 'e', '2'],
      ['APPEND', 'a', 'xyz'],
      ['APPEND', 'newa', 'xyz'],
      ['APPEND', 'newb', ''],
      ['SETRANGE', 'a', '1', 'QQ'],
      ['SETRANGE', 'a', '1', ''],
      ['SETRANGE', 'sr', '3', 'x'],
      ['SETRANGE', 'sr2', '3', ''],
      ['SETRANGE', 'a', '-1', 'x'],
      ['INCR', 'n'],
      ['DECR', 'n'],
      ['INCRBY', 'n', '10'],
      ['DECRBY', 'n', '3'],
      ['INCRBY', 'n', 'x'],
      ['INCR', 'a'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['INCRBYFLOAT', 'f', 'x'],
      ['SET', 'big', '9223372036854775807'],
      ['INCR', 'big'],
      ['LPUSH', 'list', 'x'],
      ['SET', 'list', 'v', 'GET'],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['GETRANGE', 'k', '0', '1'],
      ['MGET', 'k', 'nosuch'],
      ['LCS', 'a', 'k'],
    ]);
  });

  it('bitmaps', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '0'],
      ['SETBIT', 'b', '100', '0'],
      ['SETBIT', 'b', 'x', '1'],
      ['SETBIT', 'b', '1', '2'],
      ['BITOP', 'AND', 'dest', 'b', 'b'],
      ['BITOP', 'OR', 'dest', 'nosuch1', 'nosuch2'],
      ['BITOP', 'OR', 'dest', 'nosuch1', 'nosuch2'],
      ['BITOP', 'NOT', 'dest2', 'b'],
      ['BITOP', 'XOR', 'dest2', 'b'],
      ['BITFIELD', 'bf', 'SET', 'u8', '0', '255'],
      ['BITFIELD', 'bf', 'SET', 'u8', '0', '255'],
      ['BITFIELD', 'bf', 'GET', 'u8', '0'],
      ['BITFIELD', 'bf', 'INCRBY', 'u8', '0', '10'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
      ['BITFIELD', 'bf2', 'GET', 'u8', '0'],
      ['BITFIELD', 'bf3', 'OVERFLOW', 'FAIL', 'SET', 'u2', '0', '7'],
      ['BITFIELD_RO', 'bf', 'GET', 'u8', '0'],
      ['GETBIT', 'b', '7'],
      ['BITCOUNT', 'b'],
      ['BITPOS', 'b', '1'],
    ]);
  });

  it('generic commands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['MSET', 'a', '1', 'b', '2', 'c', '3'],
      ['DEL', 'a', 'nosuch', 'b'],
      ['UNLINK', 'c', 'c'],
      ['SET', 'r', 'v'],
      ['RENAME', 'r', 'r2'],
      ['SET', 'r3', 'x'],
      ['RENAME', 'r2', 'r3'],
      ['RENAME', 'r3', 'r3'],
      ['RENAME', 'nosuch', 'x'],
      ['RENAMENX', 'r3', 'r4'],
      ['SET', 'r5', 'v'],
      ['RENAMENX', 'r4', 'r5'],
      ['COPY', 'r4', 'cp'],
      ['COPY', 'r4', 'cp'],
      ['COPY', 'r4', 'cp', 'REPLACE'],
      ['COPY', 'r4', 'cp', 'DB', '1'],
      ['COPY', 'nosuch', 'cp'],
      ['COPY', 'r4', 'r4'],
      ['MOVE', 'r4', '1'],
      ['MOVE', 'cp', '1'],
      ['MOVE', 'nosuch', '1'],
      ['SET', 'e', 'v'],
      ['EXPIRE', 'e', '100'],
      ['PEXPIRE', 'e', '100000'],
      ['EXPIREAT', 'e', '99999999999'],
      ['PEXPIREAT', 'e', '99999999999999'],
      ['EXPIRE', 'e', '100', 'NX'],
      ['EXPIRE', 'e', '100', 'XX'],
      ['EXPIRE', 'e', '1', 'GT'],
      ['EXPIRE', 'e', 'x'],
      ['EXPIRE', 'nosuch', '100'],
      ['PERSIST', 'e'],
      ['PERSIST', 'e'],
      ['PERSIST', 'nosuch'],
      ['EXPIRE', 'e', '-1'],
      ['SET', 'e2', 'v'],
      ['PEXPIREAT', 'e2', '1'],
      ['SET', 't', 'v'],
      ['TOUCH', 't', 'nosuch'],
      ['EXISTS', 't', 'nosuch'],
      ['TYPE', 't'],
      ['TTL', 't'],
      ['DBSIZE'],
      ['SWAPDB', '0', '1'],
      ['SWAPDB', '0', '1'],
      ['FLUSHDB'],
      ['SET', 'x', 'y'],
      ['FLUSHALL'],
    ]);
  });

  it('hashes', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['HSET', 'h', 'a', '1'],
      ['HMSET', 'h', 'c', '3'],
      ['HSET', 'h', 'x'],
      ['HSETNX', 'h', 'a', '9'],
      ['HSETNX', 'h', 'd', '4'],
      ['HSETNX', 'h2', 'd', '4'],
      ['HINCRBY', 'h', 'a', '5'],
      ['HINCRBY', 'h', 'new', '5'],
      ['HINCRBY', 'h', 'a', 'x'],
      ['HINCRBYFLOAT', 'h', 'f', '1.5'],
      ['HINCRBYFLOAT', 'h', 'f', 'x'],
      ['HDEL', 'h', 'nosuch'],
      ['HDEL', 'h', 'a', 'b'],
      ['HDEL', 'h2', 'd'],
      ['HDEL', 'nosuch', 'a'],
      ['HGET', 'h', 'c'],
      ['HGETALL', 'nosuch'],
      ['SET', 's', 'v'],
      ['HSET', 's', 'a', '1'],
    ]);
  });

  it('lists', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'd'],
      ['LPUSHX', 'l', 'x'],
      ['RPUSHX', 'l', 'y'],
      ['LPUSHX', 'nosuch', 'x'],
      ['RPUSHX', 'nosuch', 'x'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LPOP', 'l', '0'],
      ['LPOP', 'l', '2'],
      ['LPOP', 'nosuch'],
      ['LSET', 'l', '0', 'Z'],
      ['LSET', 'l', '99', 'Z'],
      ['LSET', 'nosuch', '0', 'Z'],
      ['LINSERT', 'l', 'BEFORE', 'Z', 'W'],
      ['LINSERT', 'l', 'AFTER', 'nosuch', 'W'],
      ['LINSERT', 'nosuch', 'AFTER', 'Z', 'W'],
      ['RPUSH', 'l', 'W', 'W', 'q'],
      ['LREM', 'l', '0', 'W'],
      ['LREM', 'l', '0', 'nosuch'],
      ['LTRIM', 'l', '0', '-1'],
      ['LTRIM', 'l', '0', '0'],
      ['LTRIM', 'l', '5', '10'],
      ['LTRIM', 'nosuch', '0', '1'],
      ['RPUSH', 'src', 'a', 'b'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'src', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'],
      ['LMOVE', 'nosuch', 'dst', 'RIGHT', 'LEFT'],
      ['RPOPLPUSH', 'dst', 'other'],
      ['RPOPLPUSH', 'dst', 'other'],
      ['RPUSH', 'm1', 'a', 'b', 'c'],
      ['LMPOP', '2', 'nosuch', 'm1', 'LEFT', 'COUNT', '2'],
      ['LMPOP', '1', 'm1', 'RIGHT'],
      ['LMPOP', '1', 'm1', 'RIGHT'],
      ['RPUSH', 'r1', 'x'],
      ['RPOP', 'r1', '5'],
      ['SET', 's', 'v'],
      ['LPUSH', 's', 'x'],
      ['LRANGE', 'nosuch', '0', '-1'],
      ['LLEN', 'nosuch'],
    ]);
  });

  it('lists: blocking commands served at once', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['RPUSH', 'bl', 'a', 'b', 'c'],
      ['BLPOP', 'bl', '1'],
      ['BRPOP', 'bl', '1'],
      ['BLMOVE', 'bl', 'bd', 'LEFT', 'LEFT', '1'],
      ['RPUSH', 'bl', 'x', 'y'],
      ['BRPOPLPUSH', 'bl', 'bd', '1'],
      ['BLMPOP', '1', '2', 'nosuch', 'bl', 'LEFT', 'COUNT', '5'],
    ]);
  });

  it('lists and sorted sets: blocked clients served by a later write', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const dd = d;
    await classes('KEAn');
    const [x, y] = await dd.pair();
    /** Block x and y with `cmd`, then run `write`: the events of the write and of the serving compared. */
    const served = async (cmd: readonly Arg[], write: readonly Arg[]): Promise<void> => {
      x.writeRaw(encode(cmd));
      y.writeRaw(encode(cmd));
      for (const conn of [dd.redoubt, dd.redis]) {
        await until(async () => /blocked_clients:1\r\n/.test(String(await conn.call('INFO', 'clients'))));
      }
      await events([write]);
      const [a, b] = await Promise.all([x.readFrame(), y.readFrame()]);
      assert.equal(a.toString('latin1'), b.toString('latin1'));
    };
    await served(['BLPOP', 'w1', '0'], ['RPUSH', 'w1', 'a', 'b']);
    await served(['BRPOP', 'w2', '0'], ['LPUSH', 'w2', 'a']);
    await served(['BLMOVE', 'w3', 'w4', 'LEFT', 'RIGHT', '0'], ['RPUSH', 'w3', 'a']);
    await served(['BLMPOP', '0', '1', 'w5', 'RIGHT', 'COUNT', '2'], ['RPUSH', 'w5', 'a', 'b', 'c']);
    await served(['BZPOPMIN', 'z1', '0'], ['ZADD', 'z1', '1', 'a']);
    await served(['BZMPOP', '0', '1', 'z2', 'MAX', 'COUNT', '5'], ['ZADD', 'z2', '1', 'a', '2', 'b']);
    x.close();
    y.close();
  });

  it('sets', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['SADD', 's', 'a'],
      ['SREM', 's', 'nosuch'],
      ['SREM', 's', 'a'],
      ['SREM', 'nosuch', 'a'],
      ['SMOVE', 's', 'd', 'b'],
      ['SMOVE', 's', 'd', 'nosuch'],
      ['SMOVE', 's', 's', 'c'],
      ['SADD', 'd', 'c'],
      ['SMOVE', 's', 'd', 'c'],
      ['SADD', 'one', 'x'],
      ['SMOVE', 'one', 'd', 'x'],
      ['SINTERSTORE', 'i', 's', 'd'],
      ['SINTERSTORE', 'i', 's', 'nosuch'],
      ['SINTERSTORE', 'i', 's', 'nosuch'],
      ['SADD', 'd', 'e'],
      ['SINTERSTORE', 'i', 's', 'd'],
      ['SUNIONSTORE', 'u', 's', 'd'],
      ['SUNIONSTORE', 'u', 'nosuch'],
      ['SDIFFSTORE', 'df', 's', 'd'],
      ['SDIFFSTORE', 'df', 's', 's'],
      ['SISMEMBER', 's', 'e'],
      ['SCARD', 'nosuch'],
      ['SET', 'str', 'v'],
      ['SADD', 'str', 'x'],
    ]);
    // SPOP: which members go is random, the events are not.
    await events(
      [
        ['SADD', 'p', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
        ['SPOP', 'p'],
        ['SPOP', 'p', '0'],
        ['SPOP', 'p', '2'],
        ['SPOP', 'p', '6'],
        ['SPOP', 'p', '5'],
        ['SPOP', 'p'],
        ['SADD', 'p1', 'x'],
        ['SPOP', 'p1'],
        ['SPOP', 'nosuch'],
        ['SPOP', 'nosuch', '3'],
      ],
      sameType,
    );
  });

  it('sorted sets', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['ZADD', 'z', '1', 'a'],
      ['ZADD', 'z', 'NX', '9', 'a'],
      ['ZADD', 'z', 'XX', '9', 'nosuch'],
      ['ZADD', 'z', 'XX', 'CH', '9', 'a'],
      ['ZADD', 'z', 'GT', '1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a'],
      ['ZADD', 'z', 'INCR', '0', 'a'],
      ['ZADD', 'z', 'NX', 'INCR', '1', 'a'],
      ['ZADD', 'z', 'x', 'a'],
      ['ZADD', 'zxx', 'XX', '1', 'a'],
      ['ZINCRBY', 'z', '2', 'b'],
      ['ZINCRBY', 'z', '2', 'new'],
      ['ZINCRBY', 'z2', '2', 'new'],
      ['ZREM', 'z', 'nosuch'],
      ['ZREM', 'z', 'new'],
      ['ZREM', 'z2', 'new'],
      ['ZREMRANGEBYSCORE', 'z', '100', '200'],
      ['ZREMRANGEBYSCORE', 'z', '3', '3'],
      ['ZREMRANGEBYRANK', 'z', '0', '0'],
      ['ZREMRANGEBYRANK', 'z', '50', '60'],
      ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c'],
      ['ZREMRANGEBYLEX', 'lex', '[a', '[a'],
      ['ZREMRANGEBYLEX', 'lex', '[x', '[y'],
      ['ZREMRANGEBYLEX', 'lex', '-', '+'],
      ['ZADD', 'p', '1', 'a', '2', 'b', '3', 'c'],
      ['ZPOPMIN', 'p'],
      ['ZPOPMAX', 'p', '0'],
      ['ZPOPMAX', 'p'],
      ['ZPOPMIN', 'p', '5'],
      ['ZPOPMIN', 'nosuch'],
      ['ZADD', 'mp', '1', 'a', '2', 'b'],
      ['ZMPOP', '2', 'nosuch', 'mp', 'MIN'],
      ['ZMPOP', '1', 'mp', 'MAX', 'COUNT', '5'],
      ['ZADD', 'u1', '1', 'a', '2', 'b'],
      ['ZADD', 'u2', '3', 'b', '4', 'c'],
      ['ZUNIONSTORE', 'out', '2', 'u1', 'u2'],
      ['ZINTERSTORE', 'out', '2', 'u1', 'u2'],
      ['ZINTERSTORE', 'out', '2', 'u1', 'nosuch'],
      ['ZINTERSTORE', 'out', '2', 'u1', 'nosuch'],
      ['ZDIFFSTORE', 'out', '2', 'u1', 'u2'],
      ['ZDIFFSTORE', 'out', '2', 'u1', 'u1'],
      ['ZUNIONSTORE', 'out', '0', 'u1'],
      ['ZRANGESTORE', 'rs', 'u1', '0', '-1'],
      ['ZRANGESTORE', 'rs', 'u1', '5', '6'],
      ['ZRANGESTORE', 'rs', 'nosuch', '0', '-1'],
      ['ZRANGESTORE', 'rs', 'u2', '0', '-1'],
      ['ZRANGESTORE', 'rs', 'nosuch', '0', '-1'],
      ['BZPOPMIN', 'u1', '1'],
      ['BZPOPMAX', 'u1', '1'],
      ['BZMPOP', '1', '1', 'u2', 'MIN', 'COUNT', '9'],
      ['ZSCORE', 'nosuch', 'a'],
      ['ZRANGE', 'nosuch', '0', '-1'],
      ['SET', 'str', 'v'],
      ['ZADD', 'str', '1', 'a'],
    ]);
  });

  it('databases: the db number in the channel', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    await events([
      ['SELECT', '3'],
      ['SET', 'k', 'v'],
      ['DEL', 'k'],
      ['MOVE', 'nosuch', '0'],
      ['SELECT', '0'],
    ]);
  });

  it('class letters: K, E and single classes', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const script: Arg[][] = [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100'],
      ['LPUSH', 'l', 'a'],
      ['SADD', 's', 'a'],
      ['HSET', 'h', 'f', 'v'],
      ['ZADD', 'z', '1', 'a'],
      ['DEL', 'k', 'l', 's', 'h', 'z'],
      ['GET', 'nosuch'],
    ];
    for (const flags of ['K$', 'Eg', 'Kl', 'Es', 'KEh', 'Kz', 'Ex', 'Ke', 'Kt', 'Kd', 'KE$lshzg']) {
      await classes(flags);
      await events(script);
    }
  });

  it('"n": new keys', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEn');
    await events([
      ['SET', 'k', 'v'],
      ['SET', 'k', 'v2'],
      ['LPUSH', 'l', 'a'],
      ['LPUSH', 'l', 'b'],
      ['SADD', 's', 'a'],
      ['HSET', 'h', 'a', 'b'],
      ['ZADD', 'z', '1', 'a'],
      ['SETRANGE', 'sr', '2', 'x'],
      ['SETBIT', 'sb', '2', '1'],
      ['APPEND', 'ap', 'x'],
      ['INCR', 'n'],
      ['RENAME', 'k', 'k2'],
      ['SET', 'k3', 'v'],
      ['RENAME', 'k2', 'k3'],
      ['COPY', 'k3', 'k4'],
      ['COPY', 'k3', 'k4', 'REPLACE'],
      ['MOVE', 'k4', '2'],
      ['LMOVE', 'l', 'l2', 'LEFT', 'LEFT'],
      ['SMOVE', 's', 's2', 'a'],
      ['SUNIONSTORE', 'su', 's2'],
      ['SUNIONSTORE', 'su', 's2'],
      ['BITOP', 'OR', 'bo', 'sb'],
      ['MSET', 'm1', 'a', 'm2', 'b'],
      ['GETSET', 'gs', 'v'],
    ]);
    await classes('KEA');
    await events([['SET', 'k', 'v']]);
  });

  it('"m": key misses', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEm');
    await events([
      ['GET', 'nosuch'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['MGET', 'k', 'a', 'b'],
      ['EXISTS', 'a', 'k'],
      ['TYPE', 'a'],
      ['TTL', 'a'],
      ['PTTL', 'a'],
      ['STRLEN', 'a'],
      ['GETRANGE', 'a', '0', '1'],
      ['HGET', 'a', 'f'],
      ['HGETALL', 'a'],
      ['LRANGE', 'a', '0', '1'],
      ['LLEN', 'a'],
      ['SMEMBERS', 'a'],
      ['SISMEMBER', 'a', 'x'],
      ['ZSCORE', 'a', 'x'],
      ['ZRANGE', 'a', '0', '1'],
      ['GETBIT', 'a', '1'],
      ['BITCOUNT', 'a'],
      ['TOUCH', 'a'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SET', 'a', 'v', 'GET'],
      ['GETDEL', 'b'],
      ['GETEX', 'b'],
      ['GETSET', 'b', 'x'],
      ['COPY', 'nosuch', 'x'],
      ['SINTERSTORE', 'dst', 'nosuch'],
      ['SUNION', 'a', 'nosuch'],
      ['LPUSH', 'nosuch2', 'x'],
      ['DEL', 'nosuch'],
      ['INCR', 'cnt'],
      ['ZUNIONSTORE', 'zd', '2', 'nosuch', 'nosuch2'],
      ['ZRANGESTORE', 'zd', 'nosuch', '0', '-1'],
      ['ZINTERCARD', '1', 'nosuch'],
      ['ZCOUNT', 'nosuch', '0', '1'],
      ['ZRANDMEMBER', 'nosuch'],
      ['SDIFFSTORE', 'sd', 'nosuch', 'x'],
      ['SINTERCARD', '1', 'nosuch'],
      ['SRANDMEMBER', 'nosuch'],
      ['SMOVE', 'nosuch', 'x', 'm'],
      ['LMOVE', 'nosuch', 'x', 'LEFT', 'LEFT'],
      ['LINDEX', 'nosuch', '0'],
      ['LPOS', 'nosuch', 'a'],
      ['HRANDFIELD', 'nosuch'],
      ['HMGET', 'nosuch', 'a'],
      ['BITOP', 'AND', 'bd', 'nosuch'],
      ['BITFIELD', 'nosuch', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'nosuch', 'GET', 'u8', '0'],
      ['RENAME', 'nosuch', 'x'],
      ['EXPIRE', 'nosuch', '10'],
      ['PERSIST', 'nosuch'],
      ['GETEX', 'nosuch', 'PERSIST'],
      ['LCS', 'nosuch', 'nosuch2'],
    ]);
    await events([['SCAN', '0']], sorted);
  });

  it('"x": expired keys, lazily on access', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    // Active expiry off on both, so only the lazy path can expire them.
    await d.same(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    await events([
      ['SET', 'e1', 'v', 'PX', '1'],
      ['SET', 'e2', 'v', 'PX', '1'],
      ['SET', 'e3', 'v', 'PX', '1'],
      ['HSET', 'e4', 'f', 'v'],
      // Not 1 ms: Redis 7.0 computes the deadline from one mstime() and checks
      // "already expired" against a second one, so PEXPIRE 1 turns into a DEL
      // whenever a millisecond ticks in between.
      ['PEXPIRE', 'e4', '5'],
      ['SET', 'e5', 'v', 'PX', '1'],
    ]);
    await sleep(30);
    await events([
      ['GET', 'e1'],
      ['SET', 'e2', 'again'],
      ['DEL', 'e3'],
      ['HSET', 'e4', 'g', 'w'],
    ]);
    await classes('KExmn');
    await d.same(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    await events([
      ['SET', 'e6', 'v', 'PX', '1'],
      ['SET', 'e7', 'v', 'PX', '1'],
    ]);
    await sleep(20);
    await events([
      ['GET', 'e6'],
      ['SET', 'e7', 'v'],
    ]);
    await d.same(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
  });

  it('"x": expired keys, by the active expiry cycle', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEx');
    await d.same(['SET', 'gone', 'v', 'PX', '30']);
    // Nobody touches the key: the cron's active cycle expires it (a bounded wait, not a timing assertion).
    await sub.nextFrame(10000);
    await sub.nextFrame(10000);
    await sub.received('after active expiry');
    await d.same(['EXISTS', 'gone']);
  });

  it('pattern and channel subscribers both get keyspace messages', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await classes('KEA');
    const [x, y] = await d.pair();
    const more = (await import('./helpers/subscriber.js')).collect;
    await Promise.all([
      more(x, ['SUBSCRIBE', '__keyspace@0__:k', '__keyevent@0__:del']),
      more(y, ['SUBSCRIBE', '__keyspace@0__:k', '__keyevent@0__:del']),
    ]);
    await d.same(['SET', 'k', 'v']);
    await d.same(['DEL', 'k']);
    const [a, b] = await Promise.all([more(x, []), more(y, [])]);
    assert.deepEqual(a.map(String), b.map(String));
    assert.equal(a.length, 3);
    await sub.received('pattern subscriber');
    x.close();
    y.close();
  });
});

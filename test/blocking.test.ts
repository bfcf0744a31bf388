/**
 * Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
 * BZPOPMAX, BZMPOP), differential against a real redis-server 7.0 with several
 * connections: timeout parsing and every error, immediate answers, timeouts
 * (short ones; outcomes and order only, never elapsed time), first blocked
 * first served, several keys, wakeups by writes made inside MULTI/EXEC,
 * BLMOVE chains, SWAPDB, nil inside MULTI, disconnection, CLIENT UNBLOCK,
 * CLIENT LIST / INFO, held pipelined input, CLIENT PAUSE, statistics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential, sameType } from './helpers/diff.js';
import {
  clientFields,
  clientIds,
  commandCounts,
  Duo,
  infoField,
  sameWith,
  waitBlocked,
} from './helpers/duo.js';
import { type Arg, encode, RespConnection } from './helpers/resp.js';
import { startRedoubt } from './helpers/servers.js';

/** total_commands_processed less INFO's calls, both read from one INFO ALL (neither counts it). */
async function commandsButInfo(conn: RespConnection): Promise<number> {
  const text = (await conn.call('INFO', 'all')) as string;
  const total = Number(/^total_commands_processed:(\d+)/m.exec(text)?.[1]);
  const info = Number(/^cmdstat_info:calls=(\d+)/m.exec(text)?.[1] ?? 0);
  return total - info;
}

describe('blocking commands (differential)', () => {
  let d: Differential | null;
  let main: Duo;
  const pool: Duo[] = [];
  before(async () => {
    d = await Differential.start();
    if (d === null) return;
    main = Duo.main(d);
  });
  after(async () => {
    for (const p of pool) p.close();
    await d?.close();
  });
  /** A new pair of connections, closed after the suite. */
  const conn = async (): Promise<Duo> => {
    const p = await Duo.open(d as Differential);
    pool.push(p);
    return p;
  };

  it('arity and argument errors, timeout parsing', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['SET', 's', 'x'], ['RPUSH', 'l', 'a', 'b'], ['ZADD', 'z', '1', 'a']]);
    // (-0.001 is not among them: it rounds up to 0, forever.)
    const bad = ['abc', '-1', '-0.0011', '1e30', 'inf', '-inf', 'nan', ' 1', '1 ', '', '0,1', '1e5000', '0x'];
    bad.push('9223372036854775.808', '-9223372036854775.808', '1e-5000');
    for (const timeout of bad) {
      await d.all([
        ['BLPOP', 'k', timeout],
        ['BRPOP', 'k', 'k2', timeout],
        ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', timeout],
        ['BRPOPLPUSH', 'a', 'b', timeout],
        ['BLMPOP', timeout, '1', 'k', 'LEFT'],
        ['BZPOPMIN', 'k', timeout],
        ['BZPOPMAX', 'k', timeout],
        ['BZMPOP', timeout, '1', 'k', 'MIN'],
      ]);
    }
    await d.all([
      ['BLPOP', 'k'],
      ['BRPOP'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['BRPOPLPUSH', 'a', 'b'],
      ['BLMPOP', '0', '1', 'k'],
      ['BZPOPMIN', 'k'],
      ['BZMPOP', '0', '1', 'k'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'UP', '0'],
      ['BLMOVE', 'a', 'b', 'DOWN', 'LEFT', 'x'],
      ['BLMPOP', '0', '0', 'k', 'LEFT'],
      ['BLMPOP', '0', '-1', 'k', 'LEFT'],
      ['BLMPOP', '0', 'x', 'k', 'LEFT'],
      ['BLMPOP', '0', '2', 'k', 'LEFT'],
      ['BLMPOP', '0', '9223372036854775807', 'k', 'LEFT'],
      ['BLMPOP', '0', '1', 'k', 'MIDDLE'],
      ['BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT'],
      ['BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '1', 'COUNT', '2'],
      ['BLMPOP', 'x', '1', 'k', 'MIDDLE'],
      ['BZMPOP', '0', '1', 'k', 'LEFT'],
      ['BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '-1'],
      ['BZMPOP', '0', '0', 'k', 'MIN'],
      // WRONGTYPE: the first existing key of another type stops the search...
      ['BLPOP', 's', 'l', '0'],
      ['BLPOP', 'nokey', 's', 'l', '0'],
      ['BLMOVE', 's', 'l', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'l', 's', '0'],
      ['BLMPOP', '0', '2', 'nokey', 's', 'LEFT'],
      ['BZPOPMIN', 's', '0'],
      ['BZPOPMAX', 'nokey', 'l', '0'],
      ['BZMPOP', '0', '1', 'l', 'MAX'],
      // ...but one after a usable key does not.
      ['BLPOP', 'l', 's', '0'],
      ['BZPOPMIN', 'z', 's', '0'],
    ]);
  });

  it('immediate answers when a key has elements, in RESP2 and RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const proto of ['2', '3']) {
      await main.same(['HELLO', proto], sameType);
      await d.all([
        ['FLUSHALL'],
        ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
        ['BLPOP', 'nokey', 'l', '0'],
        ['BRPOP', 'l', '0'],
        ['BLMOVE', 'l', 'm', 'RIGHT', 'LEFT', '0'],
        ['BRPOPLPUSH', 'l', 'm', '0'],
        ['BLMPOP', '0', '2', 'x', 'm', 'RIGHT', 'COUNT', '5'],
        ['BLMPOP', '0', '1', 'l', 'LEFT'],
        ['EXISTS', 'l', 'm'],
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '-0', 'n', 'inf', 'i'],
        ['BZPOPMIN', 'z', '0'],
        ['BZPOPMAX', 'nokey', 'z', '0'],
        ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '2'],
        ['BZMPOP', '0', '2', 'nokey', 'z', 'MAX'],
        ['EXISTS', 'z'],
        ['ZADD', 'z', '7', 'q'],
        ['BZPOPMIN', 'z', '0'],
        ['EXISTS', 'z'],
      ]);
    }
    await main.same(['HELLO', '2'], sameType);
  });

  it('timeouts answer a null array (RESP3: null), whatever the command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['SET', 'notalist', 'x']]);
    const cmds: Arg[][] = [
      ['BLPOP', 'k', '0.01'],
      ['BRPOP', 'k', 'k2', '0.02'],
      ['BLMOVE', 'k', 'notalist', 'LEFT', 'RIGHT', '0.01'],
      ['BRPOPLPUSH', 'k', 'd', '0.015'],
      ['BLMPOP', '0.01', '1', 'k', 'LEFT', 'COUNT', '3'],
      ['BZPOPMIN', 'k', '0.01'],
      ['BZPOPMAX', 'k', '1e-2'],
      ['BZMPOP', '0.01', '2', 'k', 'k2', 'MAX'],
      // Below a millisecond truncates to 0... which is forever: not here. 0.0015 is 1 ms.
      ['BLPOP', 'k', '0.0015'],
      ['BLPOP', 'k', '0x1p-8'],
    ];
    for (const proto of ['2', '3']) {
      await main.same(['HELLO', proto], sameType);
      for (const c of cmds) await main.same(c);
    }
    await main.same(['HELLO', '2'], sameType);
  });

  it('inside MULTI they answer nil at once, even with timeout 0', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const proto of ['2', '3']) {
      await main.same(['HELLO', proto], sameType);
      await d.all([
        ['FLUSHALL'],
        ['MULTI'],
        ['BLPOP', 'k', '0'],
        ['BRPOP', 'k', '0'],
        ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0'],
        ['BRPOPLPUSH', 'k', 'd', '0'],
        ['BLMPOP', '0', '1', 'k', 'LEFT'],
        ['BZPOPMIN', 'k', '0'],
        ['BZPOPMAX', 'k', '0'],
        ['BZMPOP', '0', '1', 'k', 'MIN'],
        ['BLPOP', 'k', '-1'],
        ['RPUSH', 'k', 'a'],
        ['BLPOP', 'k', '0'],
        ['EXEC'],
      ]);
    }
    await main.same(['HELLO', '2'], sameType);
  });

  it('first blocked, first served: one element per client, in blocking order', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    const c = await conn();
    a.send(['BLPOP', 'q', '0']);
    await waitBlocked(main, 1);
    b.send(['BRPOP', 'q', '0']);
    await waitBlocked(main, 2);
    c.send(['BLPOP', 'q', '0']);
    await waitBlocked(main, 3);
    await main.same(['RPUSH', 'q', '1', '2']);
    await a.reply();
    await b.reply();
    await main.same(['PING']);
    await c.silent('with q empty');
    await main.same(['LPUSH', 'q', '3', '4']);
    await c.reply();
    await main.same(['LRANGE', 'q', '0', '-1']);
    await waitBlocked(main, 0);
  });

  it('several keys: served from the first key made ready; writes inside EXEC are served after EXEC', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    const c = await conn();
    a.send(['BLPOP', 'k1', 'k2', '0']);
    await waitBlocked(main, 1);
    b.send(['BLPOP', 'k2', '0']);
    await waitBlocked(main, 2);
    c.send(['BRPOP', 'k2', 'k1', '0']);
    await waitBlocked(main, 3);
    await main.same(['MULTI']);
    await main.same(['RPUSH', 'k2', 'x']);
    await main.same(['RPUSH', 'k1', 'y']);
    await main.same(['EXEC']);
    await a.reply();
    await c.reply();
    await main.same(['PING']);
    await b.silent('k2 was taken by a');
    // A key created and emptied in the same transaction serves nobody.
    await main.same(['MULTI']);
    await main.same(['RPUSH', 'k2', 'z']);
    await main.same(['LPOP', 'k2']);
    await main.same(['EXEC']);
    await b.silent('k2 is empty again');
    await main.same(['RPUSH', 'k2', '1', '2', '3']);
    await b.reply();
    await main.same(['LRANGE', 'k2', '0', '-1']);
  });

  it('BLMOVE chains, a destination of another type, BLMPOP and BZMPOP counts', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    const c = await conn();
    a.send(['BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0']);
    await waitBlocked(main, 1);
    b.send(['BRPOP', 'd', '0']);
    await waitBlocked(main, 2);
    c.send(['BLMPOP', '0', '1', 's', 'LEFT', 'COUNT', '5']);
    await waitBlocked(main, 3);
    await main.same(['RPUSH', 's', '1', '2', '3']);
    await a.reply();
    await b.reply();
    await c.reply();
    await main.same(['EXISTS', 's', 'd']);
    // The source list arrives while the destination holds a string: WRONGTYPE to the waiter.
    await main.same(['SET', 'd', 'str']);
    a.send(['BRPOPLPUSH', 's', 'd', '0']);
    await waitBlocked(main, 1);
    await main.same(['LPUSH', 's', 'v']);
    await a.reply();
    await main.same(['LRANGE', 's', '0', '-1']);
    // Rotating a list onto itself serves the next waiter too.
    await main.same(['DEL', 's']);
    a.send(['BLMOVE', 's', 's', 'LEFT', 'RIGHT', '0']);
    await waitBlocked(main, 1);
    b.send(['BLPOP', 's', '0']);
    await waitBlocked(main, 2);
    await main.same(['RPUSH', 's', 'x', 'y']);
    await a.reply();
    await b.reply();
    await main.same(['LRANGE', 's', '0', '-1']);
    // Sorted sets.
    a.send(['BZPOPMIN', 'z', '0']);
    await waitBlocked(main, 1);
    b.send(['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2']);
    await waitBlocked(main, 2);
    c.send(['BZPOPMAX', 'z', '0']);
    await waitBlocked(main, 3);
    await main.same(['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd']);
    await a.reply();
    await b.reply();
    await c.reply();
    await main.same(['ZRANGE', 'z', '0', '-1', 'WITHSCORES']);
  });

  it('a key of another type serves only the waiters of its type; SWAPDB brings keys', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    a.send(['BLPOP', 'k', '0']);
    await waitBlocked(main, 1);
    b.send(['BZPOPMIN', 'k', '0']);
    await waitBlocked(main, 2);
    await main.same(['SET', 'k', 'string']);
    await main.same(['DEL', 'k']);
    await main.same(['ZADD', 'k', '5', 'm']);
    await b.reply();
    await main.same(['PING']);
    await a.silent('a zset is no list');
    await main.same(['LPUSH', 'k', 'e']);
    await a.reply();
    // SWAPDB: the other database holds the key.
    a.send(['BLPOP', 'sw', '0']);
    await waitBlocked(main, 1);
    await main.same(['SELECT', '5']);
    await main.same(['RPUSH', 'sw', 'from5']);
    await main.same(['SELECT', '0']);
    await main.same(['SWAPDB', '0', '5']);
    await a.reply();
    await main.same(['SELECT', '5']);
    await main.same(['EXISTS', 'sw']);
    await main.same(['SELECT', '0']);
    await main.same(['FLUSHALL']);
  });

  it('timeouts in order, then a push serves the one still waiting', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    const c = await conn();
    a.send(['BLPOP', 't', '0.05']);
    b.send(['BLPOP', 't', '100']);
    c.send(['BZPOPMIN', 't', '0.02']);
    await waitBlocked(main, 3);
    await c.reply();
    await a.reply();
    await main.same(['RPUSH', 't', 'late']);
    await b.reply();
    await waitBlocked(main, 0);
  });

  it('pipelined commands after a blocking one wait for it', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const bytes = Buffer.concat([encode(['BLPOP', 'p', '0']), encode(['PING']), encode(['LLEN', 'p'])]);
    a.redoubt.writeRaw(bytes);
    a.redis.writeRaw(bytes);
    await waitBlocked(main, 1);
    await main.same(['PING']);
    await a.silent('PING behind a blocked BLPOP');
    await main.same(['RPUSH', 'p', '1', '2']);
    await a.reply();
    await a.reply();
    await a.reply();
  });

  it('a client that disconnects while blocked is forgotten', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const gone = await Duo.open(d);
    const a = await conn();
    gone.send(['BLPOP', 'q', '0']);
    await waitBlocked(main, 1);
    a.send(['BLPOP', 'q', '0']);
    await waitBlocked(main, 2);
    gone.close();
    await waitBlocked(main, 1);
    await main.same(['RPUSH', 'q', 'x']);
    await a.reply();
    await main.same(['EXISTS', 'q']);
  });

  it('CLIENT UNBLOCK: TIMEOUT, ERROR, errors, clients not blocked', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    await main.same(['CONFIG', 'RESETSTAT']);
    const a = await conn();
    const [ida, idb] = await clientIds(a);
    await d.all([
      ['CLIENT', 'UNBLOCK'],
      ['CLIENT', 'UNBLOCK', 'x'],
      ['CLIENT', 'UNBLOCK', '1.5'],
      ['CLIENT', 'UNBLOCK', '1', 'maybe'],
      ['CLIENT', 'UNBLOCK', 'x', 'maybe'],
      ['CLIENT', 'UNBLOCK', '1', 'timeout', 'extra'],
      ['CLIENT', 'UNBLOCK', '-5'],
      ['CLIENT', 'UNBLOCK', '99999999'],
      ['CLIENT', 'UNBLOCK', '9223372036854775807'],
    ]);
    await sameWith(main, ['CLIENT', 'UNBLOCK', ida], ['CLIENT', 'UNBLOCK', idb]);
    // Timeouts that mean "forever": 0, and negative ones that round up to 0.
    for (const [how, timeout] of [
      [[], '0'],
      [['TIMEOUT'], '-0.0005'],
      [['error'], '-1e-300'],
      [['Timeout'], '9223372036854775.807'],
    ] as [string[], string][]) {
      a.send(['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', timeout]);
      await waitBlocked(main, 1);
      await sameWith(main, ['CLIENT', 'UNBLOCK', ida, ...how], ['CLIENT', 'UNBLOCK', idb, ...how]);
      await a.reply();
      await sameWith(main, ['CLIENT', 'UNBLOCK', ida, ...how], ['CLIENT', 'UNBLOCK', idb, ...how]);
    }
    // The unblocked client goes on with its pipeline.
    a.redoubt.writeRaw(Buffer.concat([encode(['BLPOP', 'q', '0']), encode(['PING'])]));
    a.redis.writeRaw(Buffer.concat([encode(['BLPOP', 'q', '0']), encode(['PING'])]));
    await waitBlocked(main, 1);
    await sameWith(main, ['CLIENT', 'UNBLOCK', ida, 'ERROR'], ['CLIENT', 'UNBLOCK', idb, 'ERROR']);
    await a.reply();
    await a.reply();
    const [ca, cb] = await Promise.all([commandCounts(main.redoubt), commandCounts(main.redis)]);
    assert.deepEqual(ca, cb);
    await main.same(['INFO', 'errorstats']);
  });

  it('CLIENT LIST b flag, INFO blocked_clients and clients_in_timeout_table', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    const [ida, idb] = await clientIds(a);
    a.send(['BLPOP', 'i', '0']);
    b.send(['BZPOPMAX', 'i2', '1000']);
    await waitBlocked(main, 2);
    for (const f of ['blocked_clients', 'clients_in_timeout_table']) {
      const [x, y] = await Promise.all([
        infoField(main.redoubt, 'clients', f),
        infoField(main.redis, 'clients', f),
      ]);
      assert.equal(x, y, f);
    }
    const [la, lb] = await Promise.all([
      main.redoubt.call('CLIENT', 'LIST'),
      main.redis.call('CLIENT', 'LIST'),
    ]);
    for (const f of ['flags', 'cmd', 'multi'])
      assert.equal(clientFields(la as string, ida).get(f), clientFields(lb as string, idb).get(f), f);
    await main.same(['RPUSH', 'i', '1']);
    await main.same(['ZADD', 'i2', '1', 'a']);
    await a.reply();
    await b.reply();
  });

  it('statistics: counted when blocking, served with an error counts a failure', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    await main.same(['CONFIG', 'RESETSTAT']);
    const a = await conn();
    a.send(['BLPOP', 'q', '0']);
    await waitBlocked(main, 1);
    let [ca, cb] = await Promise.all([commandCounts(main.redoubt), commandCounts(main.redis)]);
    assert.deepEqual(ca, cb);
    await main.same(['RPUSH', 'q', '1']);
    await a.reply();
    await main.same(['SET', 'd', 'x']);
    a.send(['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0']);
    await waitBlocked(main, 1);
    await main.same(['RPUSH', 'q', '1']);
    await a.reply();
    await a.same(['BLPOP', 'q', '0.01']);
    [ca, cb] = await Promise.all([commandCounts(main.redoubt), commandCounts(main.redis)]);
    assert.deepEqual(ca, cb);
    // Commands processed, less the INFO polls (as many as each server took to block a client).
    const [px, py] = await Promise.all([commandsButInfo(main.redoubt), commandsButInfo(main.redis)]);
    assert.equal(px, py, 'total_commands_processed without INFO');
    for (const field of ['total_error_replies', 'keyspace_hits', 'keyspace_misses']) {
      const [x, y] = await Promise.all([
        infoField(main.redoubt, 'stats', field),
        infoField(main.redis, 'stats', field),
      ]);
      assert.equal(x, y, field);
    }
  });

  it('CLIENT PAUSE: a blocked client still times out and can be unblocked; a paused client shows as blocked', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['FLUSHALL']);
    const a = await conn();
    const b = await conn();
    const w = await conn();
    const [ida, idb] = await clientIds(a);
    a.send(['BLPOP', 'q', '0']);
    b.send(['BLPOP', 'q2', '0.02']);
    await waitBlocked(main, 2);
    await main.same(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await b.reply();
    await sameWith(main, ['CLIENT', 'UNBLOCK', ida], ['CLIENT', 'UNBLOCK', idb]);
    await a.reply();
    // A write held by the pause: the client counts as blocked, with the b flag.
    w.send(['RPUSH', 'q', 'x']);
    await waitBlocked(main, 1);
    const [la, lb] = await Promise.all([
      main.redoubt.call('CLIENT', 'LIST'),
      main.redis.call('CLIENT', 'LIST'),
    ]);
    const flagsOf = (list: string): string[] =>
      list
        .split('\n')
        .filter((l) => l.includes('cmd=rpush'))
        .map((l) => /flags=(\S+)/.exec(l)?.[1] ?? '');
    assert.deepEqual(flagsOf(la as string), flagsOf(lb as string));
    await main.same(['CLIENT', 'UNPAUSE']);
    await w.reply();
    await main.same(['LRANGE', 'q', '0', '-1']);
  });
});

describe('blocking: Redoubt only', () => {
  it('CLIENT UNBLOCK of a client held by CLIENT PAUSE answers 0 (Redis 7.0.15 crashes)', async () => {
    const s = await startRedoubt();
    const z = await RespConnection.open(s.port);
    const c = await RespConnection.open(s.port);
    try {
      const id = (await c.call('CLIENT', 'ID')) as number;
      await z.call('CLIENT', 'PAUSE', '100000', 'WRITE');
      c.writeRaw(encode(['SET', 'x', '1']));
      for (
        let i = 0;
        i < 1000 && (await z.call('INFO', 'clients'))?.toString().includes('blocked_clients:0');
        i++
      )
        await new Promise((r) => setTimeout(r, 2));
      assert.equal(await z.call('CLIENT', 'UNBLOCK', String(id)), 0);
      assert.equal(await z.call('CLIENT', 'UNBLOCK', String(id), 'ERROR'), 0);
      assert.deepEqual(await z.call('CLIENT', 'UNPAUSE'), { status: 'OK' });
      assert.equal((await c.readFrame()).toString(), '+OK\r\n');
      assert.deepEqual(await c.call('GET', 'x'), '1');
    } finally {
      z.close();
      c.close();
      await s.stop();
    }
  });

  it('many clients with timeouts: one timer, every one answered, none left behind', async () => {
    const s = await startRedoubt();
    const server = s.handle.server;
    const conns: RespConnection[] = [];
    const until = async (ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 5000 && !ok(); i++) await new Promise((r) => setTimeout(r, 1));
      assert.ok(ok());
    };
    try {
      const pusher = await RespConnection.open(s.port);
      conns.push(pusher);
      // 25 waiters with a long timeout, blocked one after the other (their order is the serving order)...
      const waiters: RespConnection[] = [];
      for (let i = 0; i < 25; i++) {
        const c = await RespConnection.open(s.port);
        conns.push(c);
        waiters.push(c);
        c.writeRaw(encode(['BLPOP', 'k', String(30 + i)]));
        await until(() => server.blocking.blockedCount === i + 1);
      }
      // ...and 25 that time out, with deadlines in any order.
      const timeouts: RespConnection[] = [];
      for (let i = 0; i < 25; i++) {
        const c = await RespConnection.open(s.port);
        conns.push(c);
        timeouts.push(c);
        c.writeRaw(encode(['BZPOPMIN', 'k', (0.001 * ((i * 7) % 25) + 0.001).toFixed(3)]));
      }
      const replies = await Promise.all(timeouts.map(async (c) => (await c.readFrame(10000)).toString()));
      assert.ok(replies.every((r) => r === '*-1\r\n'));
      await until(() => server.blocking.blockedCount === 25);
      assert.equal(server.blocking.inTimeoutTable, 25);
      pusher.writeRaw(encode(['RPUSH', 'k', ...Array.from({ length: 25 }, (_, i) => String(i))]));
      const served = await Promise.all(waiters.map(async (c) => (await c.readFrame(10000)).toString()));
      assert.deepEqual(
        served,
        Array.from({ length: 25 }, (_, i) => `*2\r\n$1\r\nk\r\n$${String(i).length}\r\n${i}\r\n`),
      );
      assert.equal(server.blocking.blockedCount, 0);
      assert.equal(server.blocking.inTimeoutTable, 0);
    } finally {
      for (const c of conns) c.close();
      await s.stop();
    }
  });
});

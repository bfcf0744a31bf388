/**
 * Pub/sub against a real redis-server 7.0, with a subscriber and a publisher
 * connection on each: every command's confirmations and errors, messages
 * (channels, patterns, shard channels, binary payloads), the RESP2 subscribed
 * context, RESP3 pushes, CLIENT REPLY OFF|SKIP, RESET and disconnection,
 * PUBSUB introspection, INFO and CLIENT LIST fields, MULTI, channel ACLs
 * (refusals, ACL LOG, disconnection when permissions are revoked) and the
 * output-buffer cut-off of a subscriber that never reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clientFields } from './helpers/acl.js';
import { Differential, sorted } from './helpers/diff.js';
import { encode, parse, type RespConnection, type Value } from './helpers/resp.js';
import {
  collect,
  exactFrames,
  SubscriberPair,
  sameFrameSet,
  unorderedChannels,
} from './helpers/subscriber.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `f` until true (bounded; not a timing assertion). */
async function until(f: () => Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('pub/sub (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('(P|S)(UN)SUBSCRIBE confirmations in RESP2', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const s = await SubscriberPair.open(d);
    await s.same(['SUBSCRIBE', 'a', 'b', 'a']);
    await s.same(['PSUBSCRIBE', 'p*', 'q?', 'p*']);
    await s.same(['SSUBSCRIBE', 's1', 's2', 's1']);
    await s.same(['UNSUBSCRIBE', 'b', 'zz']);
    await s.same(['PUNSUBSCRIBE', 'nope', 'q?']);
    await s.same(['SUNSUBSCRIBE', 's1', 'nope']);
    await s.same(['SUBSCRIBE', 'c', 'd', 'e']);
    await s.same(['UNSUBSCRIBE'], unorderedChannels);
    await s.same(['PSUBSCRIBE', 'x*']);
    await s.same(['PUNSUBSCRIBE']);
    await s.same(['SSUBSCRIBE', 's3']);
    await s.same(['SUNSUBSCRIBE'], unorderedChannels);
    // Nothing left: one confirmation with a null channel each.
    await s.same(['UNSUBSCRIBE']);
    await s.same(['PUNSUBSCRIBE']);
    await s.same(['SUNSUBSCRIBE']);
    await s.same(['UNSUBSCRIBE', 'q', 'r']);
    // Out of the subscribed context again.
    await s.same(['GET', 'k']);
    await s.same(['SUBSCRIBE']);
    await s.same(['PSUBSCRIBE']);
    await s.same(['SSUBSCRIBE']);
    s.close();
  });

  it('PUBLISH, SPUBLISH: receivers and messages (channels, patterns, shards, bytes)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const s = await SubscriberPair.open(d);
    const s2 = await SubscriberPair.open(d);
    await s.same(['SUBSCRIBE', 'news', 'bin\r\n\x00\xff']);
    await s.same(['PSUBSCRIBE', 'n*']);
    await s2.same(['PSUBSCRIBE', 'ne?s', '[a-m]*']);
    await s2.same(['SSUBSCRIBE', 'news', 'shard']);
    for (const cmd of [
      ['PUBLISH', 'news', 'hello'],
      ['PUBLISH', 'news', ''],
      ['PUBLISH', 'nobody', 'x'],
      ['PUBLISH', 'bin\r\n\x00\xff', 'v\r\n\x00\xfe'],
      ['PUBLISH', 'ne', 'x'.repeat(70000)],
      ['SPUBLISH', 'news', 'sharded'],
      ['SPUBLISH', 'shard', 'm'],
      ['SPUBLISH', 'nobody', 'm'],
      ['PUBLISH', 'shard', 'not sharded'],
      ['PUBLISH', 'a'],
      ['PUBLISH', 'a', 'b', 'c'],
      ['SPUBLISH', 'a'],
    ]) {
      await d.same(cmd);
      await s.received();
      await s2.received();
    }
    // Two patterns of one client matching: Redis's dict order, so any order.
    await d.same(['PUBLISH', 'news', 'both']);
    await s.received();
    await s2.same([], sameFrameSet);
    s.close();
    s2.close();
  });

  it('the RESP2 subscribed context: allowed commands, refusals, PING, RESET, QUIT', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const s = await SubscriberPair.open(d);
    await s.same(['SUBSCRIBE', 'x']);
    for (const cmd of [
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'ID'],
      ['CONFIG', 'GET', 'x'],
      ['MULTI'],
      ['EXEC'],
      ['HELLO', '3'],
      ['SELECT', '1'],
      ['PUBLISH', 'x', 'm'],
      ['PUBSUB', 'NUMSUB'],
      ['AUTH', 'x'],
      ['ECHO', 'x'],
      ['nosuchcommand', 'a'],
      ['CLIENT', 'nosuch'],
      ['GET'],
      ['PING'],
      ['PING', 'hello'],
      ['ping', 'a', 'b'],
      ['PSUBSCRIBE', 'y*'],
      ['SSUBSCRIBE', 'z'],
      ['UNSUBSCRIBE', 'x'],
      ['PUNSUBSCRIBE', 'y*'],
      // Still subscribed to a shard channel: still in the context.
      ['GET', 'k'],
      ['SUNSUBSCRIBE'],
      ['GET', 'k'],
      ['PSUBSCRIBE', 'y*'],
    ]) {
      await s.same(cmd);
    }
    // RESET leaves the context and drops every subscription, without confirmations.
    const [a, b] = await Promise.all([
      collect(s.redoubt, ['RESET'], ['RESET'], '+RESET\r\n'),
      collect(s.redis, ['RESET'], ['RESET'], '+RESET\r\n'),
    ]);
    exactFrames(a, b, ['RESET']);
    await d.same(['PUBSUB', 'NUMPAT']);
    await d.same(['PUBLISH', 'yes', 'm']);
    await s.same(['GET', 'k']);
    // QUIT is allowed in the context.
    await s.same(['SUBSCRIBE', 'q']);
    s.write(['QUIT']);
    await s.nextFrame();
    assert.ok(await s.redoubt.waitClosed());
    assert.ok(await s.redis.waitClosed());
    await until(async () => (await d?.redoubt.call('PUBSUB', 'NUMSUB', 'q'))?.toString() === 'q,0', 'QUIT');
    await d.same(['PUBSUB', 'NUMSUB', 'q']);
    s.close();
  });

  it('RESP3: push frames, no context restrictions, PING, publishing to oneself', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const s = await SubscriberPair.open(d);
    // The HELLO replies differ in server details: only the protocol switch matters here.
    await Promise.all([s.redoubt.call('HELLO', '3'), s.redis.call('HELLO', '3')]);
    for (const cmd of [
      ['SUBSCRIBE', 'x', 'y'],
      ['PSUBSCRIBE', 'x*'],
      ['SSUBSCRIBE', 'sx'],
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['PING'],
      ['PING', 'hi'],
      // The message arrives before PUBLISH's own reply.
      ['PUBLISH', 'y', 'to myself'],
      ['SPUBLISH', 'sx', 'shard to myself'],
      ['UNSUBSCRIBE', 'zz'],
      ['UNSUBSCRIBE', 'y'],
      ['PUNSUBSCRIBE'],
      ['SUNSUBSCRIBE'],
      ['UNSUBSCRIBE'],
      ['UNSUBSCRIBE'],
    ]) {
      await s.same(cmd);
    }
    await s.same(['SUBSCRIBE', 'x']);
    await d.same(['PUBLISH', 'x', 'pushed']);
    await s.received();
    // Switching back to RESP2 while subscribed enters the restricted context.
    await Promise.all([s.redoubt.call('HELLO', '2'), s.redis.call('HELLO', '2')]);
    await s.same(['GET', 'k']);
    await s.same(['PING']);
    await d.same(['PUBLISH', 'x', 'now an array']);
    await s.received();
    s.close();
  });

  it('CLIENT REPLY OFF|SKIP: confirmations and messages still arrive', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const s = await SubscriberPair.open(d);
    const reset = async (): Promise<void> => {
      const [a, b] = await Promise.all([
        collect(s.redoubt, [], ['RESET'], '+RESET\r\n'),
        collect(s.redis, [], ['RESET'], '+RESET\r\n'),
      ]);
      exactFrames(a, b, ['RESET']);
    };
    s.write(['CLIENT', 'REPLY', 'OFF']);
    s.write(['SUBSCRIBE', 'r']);
    // The confirmation gets through: once it is here, the subscription is in place.
    await s.nextFrame();
    s.write(['GET', 'k']);
    await d.same(['PUBLISH', 'r', 'm']);
    await reset();
    s.write(['CLIENT', 'REPLY', 'SKIP']);
    s.write(['SUBSCRIBE', 'r2']);
    await s.same(['PING', 'x']);
    await reset();
    s.close();
  });

  /** Wait until the subscribers of earlier tests (closed) are forgotten by both servers. */
  async function quiet(): Promise<void> {
    for (const conn of [d?.redoubt, d?.redis] as RespConnection[]) {
      await until(async () => {
        const [ch, sh, np] = await Promise.all([
          conn.call('PUBSUB', 'CHANNELS'),
          conn.call('PUBSUB', 'SHARDCHANNELS'),
          conn.call('PUBSUB', 'NUMPAT'),
        ]);
        return (ch as Value[]).length === 0 && (sh as Value[]).length === 0 && np === 0;
      }, 'earlier subscribers to be gone');
    }
  }

  it('PUBSUB CHANNELS | NUMSUB | NUMPAT | SHARDCHANNELS | SHARDNUMSUB | HELP', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await quiet();
    const s = await SubscriberPair.open(d);
    const s2 = await SubscriberPair.open(d);
    await s.same(['SUBSCRIBE', 'a1', 'a2', 'b1']);
    await s2.same(['SUBSCRIBE', 'a1']);
    await s.same(['PSUBSCRIBE', 'p1', 'p2']);
    await s2.same(['PSUBSCRIBE', 'p1', 'p3']);
    await s2.same(['SSUBSCRIBE', 's1', 's2']);
    await d.all([
      ['PUBSUB', 'NUMSUB'],
      ['PUBSUB', 'NUMSUB', 'a1', 'a2', 'nosuch', 's1', 'p1'],
      ['PUBSUB', 'NUMPAT'],
      ['PUBSUB', 'SHARDNUMSUB'],
      ['PUBSUB', 'SHARDNUMSUB', 's1', 'a1'],
      ['PUBSUB', 'CHANNELS', 'z*'],
      ['PUBSUB', 'SHARDCHANNELS', 'z*'],
      ['PUBSUB', 'HELP'],
      ['PUBSUB', 'help', 'x'],
      ['PUBSUB'],
      ['PUBSUB', 'NOSUCH'],
      ['PUBSUB', 'CHANNELS', 'a', 'b'],
      ['PUBSUB', 'SHARDCHANNELS', 'a', 'b'],
      ['PUBSUB', 'NUMPAT', 'x'],
    ]);
    await d.all(
      [
        ['PUBSUB', 'CHANNELS'],
        ['PUBSUB', 'CHANNELS', 'a*'],
        ['PUBSUB', 'CHANNELS', '?1'],
        ['PUBSUB', 'SHARDCHANNELS'],
        ['PUBSUB', 'SHARDCHANNELS', '*2'],
      ],
      sorted,
    );
    const info = async (): Promise<void> => {
      const pick = (v: Value): string[] =>
        String(v)
          .split('\r\n')
          .filter((l) => l.startsWith('pubsub'));
      const [a, b] = await Promise.all([d?.redoubt.call('INFO', 'stats'), d?.redis.call('INFO', 'stats')]);
      assert.deepEqual(pick(a as Value), pick(b as Value));
      assert.equal(pick(a as Value).length, 3);
    };
    await info();
    s2.close();
    // A closed client's subscriptions go with it.
    await until(
      async () => String(await d?.redoubt.call('PUBSUB', 'NUMPAT')) === '2',
      'the closed subscriber to be forgotten',
    );
    await until(async () => String(await d?.redis.call('PUBSUB', 'NUMPAT')) === '2', 'redis to forget it');
    await d.same(['PUBSUB', 'NUMSUB', 'a1']);
    await d.same(['PUBSUB', 'SHARDNUMSUB', 's1']);
    await info();
    s.close();
  });

  it('CLIENT LIST / CLIENT INFO: flags=P, sub, psub, ssub; CLIENT KILL TYPE pubsub', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await quiet();
    const [x, y] = await d.pair();
    const fields = async (conn: RespConnection, id: Value, main: RespConnection): Promise<string[]> => {
      void conn;
      const line = String(await main.call('CLIENT', 'LIST', 'ID', String(id)));
      const f = clientFields(line);
      return ['flags', 'sub', 'psub', 'ssub'].map((k) => `${k}=${f.get(k)}`);
    };
    const ids = await Promise.all([x.call('CLIENT', 'ID'), y.call('CLIENT', 'ID')]);
    const compare = async (): Promise<void> => {
      assert.deepEqual(
        await fields(x, ids[0] as Value, d?.redoubt as RespConnection),
        await fields(y, ids[1] as Value, d?.redis as RespConnection),
      );
    };
    await compare();
    for (const cmd of [
      ['SUBSCRIBE', 'a', 'b'],
      ['PSUBSCRIBE', 'p'],
      ['SSUBSCRIBE', 's', 't', 'u'],
      ['UNSUBSCRIBE', 'a'],
      ['SUNSUBSCRIBE'],
    ]) {
      await Promise.all([collect(x, cmd), collect(y, cmd)]);
      await compare();
    }
    await d.same(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    assert.ok(await x.waitClosed());
    assert.ok(await y.waitClosed());
  });

  it('MULTI/EXEC: SUBSCRIBE and PSUBSCRIBE run, SSUBSCRIBE is refused', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const s = await SubscriberPair.open(d);
    // Inside MULTI the sentinel PING would be queued: the whole transaction first, then the sentinel.
    for (const cmd of [['MULTI'], ['SUBSCRIBE', 'q'], ['SSUBSCRIBE', 'sq'], ['PSUBSCRIBE', 'p*'], ['EXEC']])
      s.write(cmd);
    await s.same([]);
    await s.same(['GET', 'k']);
    s.close();
  });

  it('channel ACLs: SUBSCRIBE, PSUBSCRIBE (literal patterns), SSUBSCRIBE, PUBLISH, SPUBLISH; ACL LOG', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['ACL', 'SETUSER', 'ps', 'on', '>pw', '+@all', '~*', 'resetchannels', '&news.*', '&chat']);
    await d.same(['ACL', 'LOG', 'RESET']);
    const s = await SubscriberPair.open(d);
    const p = await SubscriberPair.open(d);
    await s.same(['AUTH', 'ps', 'pw']);
    await p.same(['AUTH', 'ps', 'pw']);
    for (const cmd of [
      ['SUBSCRIBE', 'news.1', 'chat'],
      ['SUBSCRIBE', 'chat', 'other'],
      ['PSUBSCRIBE', 'news.*'],
      ['PSUBSCRIBE', 'news.1'],
      ['PSUBSCRIBE', 'n*'],
      ['SSUBSCRIBE', 'news.2'],
      ['SSUBSCRIBE', 'other'],
      ['UNSUBSCRIBE', 'whatever'],
    ]) {
      await s.same(cmd);
    }
    for (const cmd of [
      ['PUBLISH', 'other', 'm'],
      ['SPUBLISH', 'other', 'm'],
      ['PUBLISH', 'news.x', 'm'],
      ['SPUBLISH', 'news.2', 'm'],
      ['PUBLISH', 'chat', 'm'],
      ['PUBSUB', 'NUMSUB', 'other'],
      ['PUBSUB', 'CHANNELS', 'zz*'],
      ['ACL', 'DRYRUN', 'ps', 'PUBLISH', 'other', 'x'],
      ['ACL', 'DRYRUN', 'ps', 'PUBLISH', 'chat', 'x'],
      ['ACL', 'DRYRUN', 'ps', 'SUBSCRIBE', 'news.a', 'zz'],
      ['ACL', 'DRYRUN', 'ps', 'PSUBSCRIBE', 'news.a'],
    ]) {
      await p.same(cmd);
    }
    await s.received();
    // The ACL (gate 5) answers before the subscribed context (gate 6).
    await d.same(['ACL', 'SETUSER', 'ps', '-get']);
    await s.same(['GET', 'k']);
    await s.same(['SET', 'k', 'v']);
    // ACL LOG: everything but times and client details, which differ by nature.
    const log = async (conn: RespConnection): Promise<string> => {
      const entries = (await conn.call('ACL', 'LOG')) as Value[][];
      return JSON.stringify(
        entries.map((e) => {
          const m = new Map<string, Value>();
          for (let i = 0; i < e.length; i += 2) m.set(String(e[i]), e[i + 1] as Value);
          const info = clientFields(String(m.get('client-info')));
          return [
            m.get('count'),
            m.get('reason'),
            m.get('context'),
            m.get('object'),
            m.get('username'),
            info.get('cmd'),
            info.get('flags'),
            info.get('sub'),
            info.get('psub'),
            info.get('ssub'),
          ];
        }),
      );
    };
    assert.equal(await log(d.redoubt), await log(d.redis));
    await d.same(['ACL', 'LOG', 'RESET']);
    s.close();
    p.close();
  });

  it('revoking channel permissions disconnects the subscribers that lost them', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const dd = d;
    /** [killed on Redoubt, killed on Redis]: the subscriber's connection is closed right after the change. */
    const trial = async (
      initial: readonly string[],
      subscribe: readonly string[],
      change: readonly string[],
    ): Promise<void> => {
      const user = `u${Math.random().toString(36).slice(2, 8)}`;
      await dd.same(['ACL', 'SETUSER', user, 'on', '>pw', '+@all', '~*', ...initial]);
      const s = await SubscriberPair.open(dd);
      await s.same(['AUTH', user, 'pw']);
      await s.same(subscribe);
      await dd.same(['ACL', 'SETUSER', user, ...change]);
      // A killed subscriber is gone at once: a publication right after reaches nobody.
      await dd.same(['PUBLISH', subscribe[1] as string, 'after']);
      // A closed subscriber cannot answer; a live one answers QUIT (which no ACL rule can deny).
      const alive = async (conn: RespConnection): Promise<boolean> => {
        try {
          await collect(conn, [], ['QUIT'], '+OK\r\n');
          return true;
        } catch {
          return false;
        }
      };
      const [a, b] = await Promise.all([alive(s.redoubt), alive(s.redis)]);
      assert.equal(
        a,
        b,
        `${JSON.stringify([initial, subscribe, change])}: redoubt ${a ? 'kept' : 'killed'}, redis ${b ? 'kept' : 'killed'}`,
      );
      s.close();
      await dd.same(['ACL', 'DELUSER', user]);
    };
    await trial(['resetchannels', '&a*', '&b'], ['PSUBSCRIBE', 'a*'], ['resetchannels', '&a*x', '&b']);
    await trial(['resetchannels', '&a*', '&b'], ['PSUBSCRIBE', 'a*'], ['resetchannels', '&*']);
    await trial(['resetchannels', '&a*', '&b'], ['PSUBSCRIBE', 'a*'], ['&c']);
    await trial(['resetchannels', '&a*'], ['SUBSCRIBE', 'abc'], ['resetchannels', '&ab*']);
    await trial(['resetchannels', '&a*'], ['SUBSCRIBE', 'abc'], ['resetchannels', '&x']);
    await trial(['resetchannels', '&a*'], ['SSUBSCRIBE', 'abc'], ['resetchannels', '&x']);
    await trial(['resetchannels', '&a*'], ['PING', 'abc'], ['resetchannels', '&x']);
    await trial(['allchannels'], ['SUBSCRIBE', 'abc'], ['resetchannels', '&abc']);
    await trial(['allchannels'], ['SUBSCRIBE', 'abc'], ['resetchannels', '&x']);
    await trial(['allchannels'], ['PSUBSCRIBE', 'foo'], ['resetchannels']);
    await trial(['resetchannels', '&abc'], ['SUBSCRIBE', 'abc'], ['resetchannels', '(&abc +@all ~*)']);
    await trial(['resetchannels', '&a*'], ['PSUBSCRIBE', 'a*'], ['resetchannels', '(&a* +@all ~*)']);
    await trial(['resetchannels', '&abc'], ['SUBSCRIBE', 'abc'], ['-@all']);
    await trial(['resetchannels', '&abc'], ['SUBSCRIBE', 'abc'], ['reset', 'on', '>pw']);
    await trial(['resetchannels', '&abc', '&def'], ['SUBSCRIBE', 'abc'], ['resetchannels', '&abc']);
  });

  it('the output-buffer limit (pubsub class) cuts off a subscriber that never reads', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0']);
    const s = await SubscriberPair.open(d);
    await s.same(['SUBSCRIBE', 'flood']);
    // From now on the subscriber reads nothing: the kernel buffers fill, then the server's.
    s.redoubt.socket.pause();
    s.redis.socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    const pubs = await d.pair();
    const flood = async (conn: RespConnection, port: 'redoubt' | 'redis'): Promise<void> => {
      // Pipelined batches, each answered before the next, until the subscriber is gone.
      for (let round = 0; round < 200; round++) {
        for (let i = 0; i < 16; i++) conn.writeRaw(encode(['PUBLISH', 'flood', chunk]));
        let receivers = 0;
        for (let i = 0; i < 16; i++) receivers += Number(parse(await conn.readFrame(10000))[0]);
        if (receivers === 0) return;
      }
      assert.fail(`${port}: the subscriber was never cut off`);
    };
    await Promise.all([flood(pubs[0], 'redoubt'), flood(pubs[1], 'redis')]);
    await d.same(['PUBSUB', 'NUMSUB', 'flood']);
    s.redoubt.socket.resume();
    s.redis.socket.resume();
    assert.ok(await s.redoubt.waitClosed(10000));
    assert.ok(await s.redis.waitClosed(10000));
    await d.same(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60']);
    pubs[0].close();
    pubs[1].close();
    s.close();
  });
});

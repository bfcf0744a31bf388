/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH, differential against a real redis-server
 * 7.0 with several connections: the error paths, EXECABORT after every kind of
 * refusal, WATCH invalidated by each kind of change (writes in any database,
 * expiry, FLUSHDB/FLUSHALL/SWAPDB with Redis's exact rules), the frozen
 * instant of EXEC, CLIENT LIST fields, MONITOR order, command statistics, ACL
 * checks at queueing and at EXEC time, RESET, CLIENT PAUSE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential as Diff, type Differential, sameType } from './helpers/diff.js';
import { clientFields, clientIds, commandCounts, Duo, infoField } from './helpers/duo.js';
import { type Arg, encode, parse } from './helpers/resp.js';

const DEBUG = { redoubt: { 'enable-debug-command': 'yes' }, redis: ['--enable-debug-command', 'yes'] };

describe('transactions (differential)', () => {
  let d: Differential | null;
  let main: Duo;
  let other: Duo;
  before(async () => {
    d = await Diff.start(DEBUG);
    if (d === null) return;
    main = Duo.main(d);
    other = await Duo.open(d);
  });
  after(async () => {
    other?.close();
    await d?.close();
  });

  it('errors: EXEC/DISCARD without MULTI, nested MULTI, WATCH inside MULTI, arity', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['EXEC'],
      ['DISCARD'],
      ['MULTI', 'x'],
      ['WATCH'],
      ['UNWATCH', 'x'],
      ['DISCARD', 'x'],
      // A refused EXEC answers EXECABORT with the reason, in MULTI or not.
      ['EXEC', 'x'],
      ['MULTI'],
      // Neither of these flags the transaction.
      ['MULTI'],
      ['WATCH', 'k'],
      ['SET', 'a', '1'],
      ['EXEC'],
      ['MULTI'],
      ['EXEC', 'x'],
      ['EXEC'],
      ['MULTI'],
      ['DISCARD'],
      ['DISCARD'],
      ['MULTI'],
      ['EXEC'],
      ['GET', 'a'],
    ]);
  });

  it('EXECABORT after an unknown command, an arity error, a command refused inside MULTI', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const refusals: Arg[][] = [
      ['NOSUCHCOMMAND', 'a'],
      ['SET', 'a'],
      ['GET'],
      ['CONFIG', 'NOSUCH'],
      ['SHUTDOWN'],
      ['MULTI', 'extra'],
    ];
    for (const bad of refusals) {
      await d.all([
        ['FLUSHALL'],
        ['MULTI'],
        ['SET', 'a', '1'],
        bad,
        ['INCR', 'a'],
        ['EXEC'],
        ['GET', 'a'],
        ['EXEC'],
      ]);
    }
  });

  it('queued commands run in order, each with its own reply or error, in RESP2 and RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const proto of ['2', '3']) {
      await main.same(['HELLO', proto], sameType);
      await d.all([
        ['FLUSHALL'],
        ['MULTI'],
        ['SET', 'x', '1'],
        ['INCR', 'x'],
        ['LPUSH', 'x', '1'],
        ['GET', 'x'],
        ['ZADD', 'z', '1.5', 'm'],
        ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
        ['SELECT', '2'],
        ['SET', 'y', '2'],
        ['BLPOP', 'nolist', '0'],
        ['HGETALL', 'nohash'],
        ['EXEC'],
        ['GET', 'y'],
        ['SELECT', '0'],
        ['MULTI'],
        ['EXEC'],
      ]);
    }
    await main.same(['HELLO', '2'], sameType);
  });

  it('a pipelined transaction gives the same byte stream', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const cmds: Arg[][] = [
      ['FLUSHALL'],
      ['MULTI'],
      ['SET', 'k', Buffer.from([0, 13, 10, 0xff])],
      ['GET', 'k'],
      ['APPEND', 'k', 'tail'],
      ['GET', 'k'],
      ['DEL', 'k'],
      ['EXEC'],
      ['PING'],
    ];
    const bytes = Buffer.concat(cmds.map((c) => encode(c)));
    main.redoubt.writeRaw(bytes);
    main.redis.writeRaw(bytes);
    for (const c of cmds) await main.reply(undefined, c);
  });

  it('EXEC runs at one frozen instant: a key cannot expire half-way', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['MULTI'],
      ['SET', 'k', 'v', 'PX', '5'],
      ['DEBUG', 'SLEEP', '0.02'],
      ['GET', 'k'],
      ['EXISTS', 'k'],
      ['EXEC'],
      ['GET', 'k'],
    ]);
  });

  it('WATCH: each kind of write by another client aborts EXEC, reads and no-op writes do not', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const setup: Arg[][] = [
      ['SET', 'k', '1'],
      ['RPUSH', 'l', 'a', 'b'],
      ['ZADD', 'z', '1', 'a'],
      ['HSET', 'h', 'f', 'v'],
      ['SADD', 's', 'a'],
      ['SET', 'src', 'x'],
      ['SET', 't', 'v', 'EX', '1000'],
    ];
    // [watched key, command run by the other client]
    const cases: [string, Arg[]][] = [
      ['k', ['SET', 'k', '1']],
      ['k', ['SET', 'k', '2', 'KEEPTTL']],
      ['k', ['DEL', 'k']],
      ['k', ['UNLINK', 'k']],
      ['k', ['INCR', 'k']],
      ['k', ['APPEND', 'k', 'x']],
      ['k', ['SETRANGE', 'k', '0', 'x']],
      ['k', ['SETBIT', 'k', '0', '1']],
      ['k', ['GETDEL', 'k']],
      ['k', ['GETEX', 'k', 'EX', '100']],
      ['k', ['EXPIRE', 'k', '100']],
      ['k', ['MSET', 'a', '1', 'k', '2']],
      ['k', ['RENAME', 'k', 'k2']],
      ['k', ['RENAME', 'src', 'k']],
      ['k', ['MOVE', 'k', '1']],
      ['k', ['COPY', 'src', 'k', 'REPLACE']],
      ['t', ['PERSIST', 't']],
      ['l', ['LPUSH', 'l', 'x']],
      ['l', ['RPOP', 'l']],
      ['l', ['LSET', 'l', '0', 'y']],
      ['l', ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT']],
      ['l', ['LTRIM', 'l', '1', '-1']],
      // Redis signals LTRIM's key even when the range keeps every element.
      ['l', ['LTRIM', 'l', '0', '-1']],
      ['l', ['LTRIM', 'l', '-9223372036854775808', '100']],
      ['z', ['ZADD', 'z', '2', 'a']],
      ['z', ['ZINCRBY', 'z', '1', 'a']],
      ['z', ['ZPOPMIN', 'z']],
      ['h', ['HSET', 'h', 'f', 'w']],
      ['s', ['SREM', 's', 'a']],
      ['nokey', ['SET', 'nokey', '1']],
      ['nokey', ['LPUSH', 'nokey', '1']],
      ['k', ['FLUSHDB']],
      ['k', ['FLUSHALL']],
      // No change: no abort.
      ['k', ['GET', 'k']],
      ['k', ['EXISTS', 'k']],
      ['nokey', ['DEL', 'nokey']],
      ['nokey', ['LPUSHX', 'nokey', '1']],
      ['nokey', ['EXPIRE', 'nokey', '10']],
      ['k', ['SET', 'k', '2', 'NX']],
      ['k', ['PERSIST', 'k']],
      ['l', ['LREM', 'l', '0', 'nothere']],
      ['z', ['ZREM', 'z', 'nothere']],
      ['k', ['SET', 'other', '1']],
    ];
    for (const [key, cmd] of cases) {
      await main.same(['FLUSHALL']);
      for (const s of setup) await main.same(s);
      await main.same(['WATCH', key]);
      await other.same(cmd);
      await main.same(['MULTI']);
      await main.same(['PING']);
      await main.same(['EXEC']);
    }
  });

  it('WATCH: own writes, several keys, other databases, UNWATCH, the d flag', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['CLIENT', 'SETNAME', 'watcher']);
    const flags = async (): Promise<void> => {
      const [ra, rb] = await Promise.all([
        other.redoubt.call('CLIENT', 'LIST'),
        other.redis.call('CLIENT', 'LIST'),
      ]);
      const pick = (list: string): string => {
        const line = list.split('\n').find((l) => l.includes(' name=watcher ')) as string;
        return (line.match(/flags=\S+|multi=\S+|multi-mem=\S+|cmd=\S+/g) ?? []).join(' ');
      };
      assert.equal(pick(ra as string), pick(rb as string));
    };
    await d.all([
      ['FLUSHALL'],
      ['SET', 'k', '1'],
      ['WATCH', 'k'],
      ['SET', 'k', '2'],
      ['MULTI'],
      ['GET', 'k'],
      ['EXEC'],
    ]);
    // Several keys, only one touched; the d flag appears before MULTI.
    await d.all([['WATCH', 'a', 'b', 'k']]);
    await other.same(['SET', 'b', '1']);
    await flags();
    await d.all([['MULTI'], ['SET', 'x', '1'], ['SET', 'y', '1']]);
    await flags();
    await d.all([['EXEC'], ['EXISTS', 'x']]);
    await flags();
    // Watched in db 1: a write to the same name in db 0 changes nothing; in db 1 it does.
    await d.all([
      ['SELECT', '1'],
      ['WATCH', 'k'],
      ['SELECT', '0'],
    ]);
    await other.same(['SET', 'k', 'db0']);
    await d.all([['MULTI'], ['PING'], ['EXEC']]);
    await d.all([
      ['SELECT', '1'],
      ['WATCH', 'k'],
      ['SELECT', '0'],
    ]);
    await other.same(['SELECT', '1']);
    await other.same(['SET', 'k', 'db1']);
    await other.same(['SELECT', '0']);
    await d.all([['MULTI'], ['PING'], ['EXEC']]);
    // UNWATCH forgets (and clears the d flag); WATCH after a change is a no-op.
    await d.all([['WATCH', 'k']]);
    await other.same(['SET', 'k', '3']);
    await d.all([['WATCH', 'k2']]);
    await flags();
    await d.all([['UNWATCH']]);
    await flags();
    await d.all([['MULTI'], ['PING'], ['EXEC']]);
    // DISCARD unwatches too.
    await d.all([['WATCH', 'k'], ['MULTI'], ['DISCARD']]);
    await other.same(['SET', 'k', '4']);
    await d.all([['MULTI'], ['PING'], ['EXEC']]);
    // Many watchers of one key: all of them fail.
    const third = await Duo.open(d);
    await d.all([['WATCH', 'k']]);
    await third.same(['WATCH', 'k', 'k']);
    await other.same(['DEL', 'k']);
    await d.all([['MULTI'], ['PING'], ['EXEC']]);
    await third.same(['MULTI']);
    await third.same(['EXEC']);
    third.close();
    await main.same(['CLIENT', 'SETNAME', '']);
  });

  it('WATCH and expiry: a watched key that expires aborts, an already expired one does not', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const active of ['0', '1']) {
      await main.same(['DEBUG', 'SET-ACTIVE-EXPIRE', active]);
      // Alive when watched, expired before EXEC (the server sleeps past the TTL). The TTL leaves
      // room for a busy machine between SET and WATCH: a key already expired when watched is case 2.
      await d.all([['FLUSHALL'], ['SET', 'k', 'v', 'PX', '400'], ['WATCH', 'k'], ['DEBUG', 'SLEEP', '0.5']]);
      await d.all([['MULTI'], ['PING'], ['EXEC']]);
      // Expired when watched: its deletion is no change...
      await d.all([
        ['SET', 'k', 'v', 'PX', '5'],
        ['DEBUG', 'SLEEP', '0.02'],
        ['WATCH', 'k'],
      ]);
      await other.same(['GET', 'k']);
      await d.all([['MULTI'], ['PING'], ['EXEC']]);
      // ...but writing it is.
      await d.all([
        ['SET', 'k', 'v', 'PX', '5'],
        ['DEBUG', 'SLEEP', '0.02'],
        ['WATCH', 'k'],
      ]);
      await other.same(['SET', 'k', 'new']);
      await d.all([['MULTI'], ['PING'], ['EXEC']]);
      // Absent when watched, created with a TTL that passes.
      await d.all([
        ['DEL', 'k'],
        ['WATCH', 'k'],
      ]);
      await other.same(['SET', 'k', '1', 'PX', '1']);
      await d.all([['DEBUG', 'SLEEP', '0.01'], ['MULTI'], ['PING'], ['EXEC']]);
    }
    await main.same(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
  });

  it('WATCH with FLUSHDB, FLUSHALL and SWAPDB (a key in either database counts)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await main.same(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    // [setup in db 0, setup in db 9, the change], watching `k` in db 0.
    const cases: [Arg[][], Arg[][], Arg[]][] = [
      [[], [], ['FLUSHDB']],
      [[['SET', 'k', '1']], [], ['FLUSHALL']],
      [[], [['SET', 'k', '1']], ['FLUSHALL']],
      [[['SET', 'other', '1']], [], ['FLUSHDB']],
      [[['SET', 'k', '1']], [], ['SWAPDB', '0', '9']],
      [[], [['SET', 'k', '1']], ['SWAPDB', '0', '9']],
      [[], [['SET', 'k', '1']], ['SWAPDB', '9', '0']],
      [[['SET', 'k', '1']], [['SET', 'k', '2']], ['SWAPDB', '0', '9']],
      [[], [['SET', 'x', '1']], ['SWAPDB', '0', '9']],
      [[], [], ['SWAPDB', '0', '9']],
      [[['SET', 'k', '1']], [], ['SWAPDB', '0', '0']],
      // Expired keys: an expired key leaving is no change, an expired one arriving neither.
      [[['SET', 'k', '1', 'PX', '1']], [], ['FLUSHDB']],
      [[['SET', 'k', '1', 'PX', '1']], [], ['SWAPDB', '0', '9']],
      [[], [['SET', 'k', '1', 'PX', '1']], ['SWAPDB', '0', '9']],
      [[['SET', 'k', '1', 'PX', '1']], [['SET', 'k', '2', 'PX', '1']], ['SWAPDB', '0', '9']],
      [[['SET', 'k', '1', 'PX', '1']], [['SET', 'k', '2']], ['SWAPDB', '0', '9']],
      [[['SET', 'k', '1']], [['SET', 'k', '2', 'PX', '1']], ['SWAPDB', '0', '9']],
    ];
    for (const [db0, db9, change] of cases) {
      await d.all([
        ['FLUSHALL'],
        ...db0,
        ['SELECT', '9'],
        ...db9,
        ['SELECT', '0'],
        ['DEBUG', 'SLEEP', '0.005'],
      ]);
      await d.all([['WATCH', 'k']]);
      await other.same(change);
      await d.all([['MULTI'], ['PING'], ['EXEC']]);
      // The same with the watcher in db 9.
      await d.all([
        ['FLUSHALL'],
        ...db0,
        ['SELECT', '9'],
        ...db9,
        ['DEBUG', 'SLEEP', '0.005'],
        ['WATCH', 'k'],
      ]);
      await other.same(change);
      await d.all([['MULTI'], ['PING'], ['EXEC'], ['SELECT', '0']]);
    }
    await main.same(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
  });

  it('CLIENT LIST: multi=, multi-mem=, the x and d flags, cmd=exec', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [idA, idB] = await clientIds(main);
    const fields = async (): Promise<void> => {
      const [la, lb] = await Promise.all([
        other.redoubt.call('CLIENT', 'LIST'),
        other.redis.call('CLIENT', 'LIST'),
      ]);
      const fa = clientFields(la as string, idA);
      const fb = clientFields(lb as string, idB);
      for (const f of ['flags', 'multi', 'multi-mem', 'cmd', 'db'])
        assert.equal(fa.get(f), fb.get(f), `CLIENT LIST ${f}: ${la as string} vs ${lb as string}`);
    };
    await d.all([['FLUSHALL'], ['WATCH', 'k'], ['MULTI']]);
    await fields();
    await d.all([
      ['SET', 'x', '1'],
      ['GET', 'x'],
    ]);
    await fields();
    await other.same(['SET', 'k', '1']);
    await fields();
    await d.all([['SET', 'y', 'a-longer-value']]);
    await fields();
    await d.all([['EXEC']]);
    await fields();
    await d.all([['MULTI'], ['NOSUCH'], ['SET', 'z', '1']]);
    await fields();
    await d.all([['DISCARD'], ['MULTI'], ['SELECT', '3'], ['EXEC']]);
    await fields();
    await d.all([['SELECT', '0']]);
  });

  it('MONITOR shows MULTI, then the queued commands as EXEC runs them, then EXEC', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const monitor = await Duo.open(d);
    await monitor.same(['MONITOR']);
    await d.all([
      ['MULTI'],
      ['SET', 'x', '1'],
      ['NOSUCH'],
      ['GET', 'x'],
      ['EXEC'],
      ['MULTI'],
      ['SET', 'x', '1'],
      ['SELECT', '2'],
      ['SET', 'y', '1'],
      ['EXEC'],
      ['EXEC', 'x'],
      ['MULTI'],
      ['DISCARD'],
      ['SELECT', '0'],
      ['PING'],
    ]);
    const lines = async (conn: typeof monitor.redoubt): Promise<string[]> => {
      const out: string[] = [];
      for (;;) {
        const v = parse(await conn.readFrame())[0] as { status: string };
        // Timestamp and client address differ; the database and arguments must not.
        const s = v.status.replace(/^\S+ \[(\d+) \S+\]/, '[$1]');
        out.push(s);
        if (s === '[0] "PING"') return out;
      }
    };
    assert.deepEqual(await lines(monitor.redoubt), await lines(monitor.redis));
    monitor.close();
  });

  it('statistics: queued commands counted when EXEC runs them, refusals, EXEC failures', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['CONFIG', 'RESETSTAT']]);
    await d.all([
      ['MULTI'],
      ['SET', 'x', '1'],
      ['NOSUCH'],
      ['GET'],
      ['EXEC'],
      ['MULTI'],
      ['SET', 'x', '1'],
      ['INCR', 'x'],
      ['LPUSH', 'x', '1'],
      ['EXEC'],
      ['WATCH', 'x'],
      ['SET', 'x', '2'],
      ['MULTI'],
      ['GET', 'x'],
      ['EXEC'],
    ]);
    const [ca, cb] = await Promise.all([commandCounts(other.redoubt), commandCounts(other.redis)]);
    assert.deepEqual(ca, cb);
    for (const field of ['total_commands_processed', 'total_error_replies']) {
      const [a, b] = await Promise.all([
        infoField(other.redoubt, 'stats', field),
        infoField(other.redis, 'stats', field),
      ]);
      assert.equal(a, b, field);
    }
    await other.same(['INFO', 'errorstats']);
  });

  it('ACL: refusals while queueing abort EXEC, rules changed before EXEC refuse single commands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const u = await Duo.open(d);
    const aclLog = async (): Promise<void> => {
      const [la, lb] = await Promise.all([main.redoubt.call('ACL', 'LOG'), main.redis.call('ACL', 'LOG')]);
      const pick = (log: unknown): unknown[] =>
        (log as unknown[][]).map((e) => {
          const m = new Map<string, unknown>();
          for (let i = 0; i < e.length; i += 2) m.set(e[i] as string, e[i + 1]);
          return ['count', 'reason', 'context', 'object', 'username'].map((k) => m.get(k));
        });
      assert.deepEqual(pick(la), pick(lb));
    };
    await d.all([
      ['FLUSHALL'],
      ['ACL', 'SETUSER', 'tx', 'reset', 'on', 'nopass', '+@all', '~*'],
      ['ACL', 'LOG', 'RESET'],
    ]);
    await d.all([['CONFIG', 'RESETSTAT']]);
    await u.same(['AUTH', 'tx', 'pw']);
    // Refused while queueing: NOPERM now, EXECABORT later, ACL LOG context "multi".
    await d.all([['ACL', 'SETUSER', 'tx', '-get', 'resetkeys', '~a*']]);
    for (const cmd of [
      ['GET', 'a'],
      ['SET', 'b', '1'],
      ['MGET', 'a', 'b'],
    ] as Arg[][]) {
      await u.same(['MULTI']);
      await u.same(['SET', 'a', '1']);
      await u.same(cmd);
      await u.same(['EXEC']);
    }
    await aclLog();
    // Allowed when queued, refused at EXEC: that command's reply is NOPERM, the others run.
    await d.all([['ACL', 'SETUSER', 'tx', '+get', 'resetkeys', '~*']]);
    await u.same(['MULTI']);
    await u.same(['GET', 'a']);
    await u.same(['SET', 'a', '2']);
    await u.same(['SET', 'b', '2']);
    await u.same(['GET', 'a']);
    await d.all([['ACL', 'SETUSER', 'tx', '-get', 'resetkeys', '~a*']]);
    await u.same(['EXEC']);
    await u.same(['GET', 'a']);
    await aclLog();
    // EXEC's own statistics: failed when the last reply was such a refusal.
    await d.all([['ACL', 'SETUSER', 'tx', '+get', 'resetkeys', '~*']]);
    await u.same(['MULTI']);
    await u.same(['SET', 'a', '3']);
    await u.same(['GET', 'a']);
    await d.all([['ACL', 'SETUSER', 'tx', '-get']]);
    await u.same(['EXEC']);
    const [ca, cb] = await Promise.all([commandCounts(main.redoubt), commandCounts(main.redis)]);
    assert.equal(ca.get('exec'), cb.get('exec'));
    assert.equal(ca.get('get'), cb.get('get'));
    // A user who may not EXEC: EXECABORT with the reason, MULTI or not.
    await d.all([['ACL', 'SETUSER', 'tx', '+@all', '-exec']]);
    await u.same(['EXEC']);
    await u.same(['MULTI']);
    await u.same(['SET', 'a', '4']);
    await u.same(['EXEC']);
    await u.same(['EXEC']);
    await u.same(['GET', 'a']);
    u.close();
    await d.all([
      ['ACL', 'DELUSER', 'tx'],
      ['ACL', 'LOG', 'RESET'],
    ]);
  });

  it('RESET discards the transaction and forgets watched keys; QUIT is not queued', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['MULTI'], ['SET', 'x', '1'], ['RESET'], ['EXEC'], ['EXISTS', 'x']]);
    await d.all([['WATCH', 'k'], ['RESET']]);
    await other.same(['SET', 'k', '1']);
    await d.all([['MULTI'], ['PING'], ['EXEC']]);
    const q = await Duo.open(d);
    await q.same(['MULTI']);
    await q.same(['SET', 'x', '1']);
    await q.same(['QUIT']);
    const [ca, cb] = await Promise.all([q.redoubt.waitClosed(), q.redis.waitClosed()]);
    assert.ok(ca && cb);
    q.close();
    await d.all([['EXISTS', 'x']]);
  });

  it('CLIENT PAUSE WRITE holds queueing a write and EXEC of writes, not a read-only EXEC', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const ro = await Duo.open(d);
    const rw = await Duo.open(d);
    await d.all([['FLUSHALL'], ['SET', 'x', '1']]);
    await rw.same(['MULTI']);
    await rw.same(['SET', 'x', '2']);
    await ro.same(['MULTI']);
    await ro.same(['GET', 'x']);
    await main.same(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await ro.same(['EXEC']);
    rw.send(['EXEC']);
    // A queued write is held as well.
    await ro.same(['MULTI']);
    ro.send(['INCR', 'x']);
    await main.same(['GET', 'x']);
    await rw.silent('EXEC during a pause');
    await ro.silent('queueing INCR during a pause');
    await main.same(['CLIENT', 'UNPAUSE']);
    await rw.reply(undefined, ['EXEC']);
    await ro.reply(undefined, ['INCR', 'x']);
    await ro.same(['EXEC']);
    await main.same(['GET', 'x']);
    ro.close();
    rw.close();
  });
});

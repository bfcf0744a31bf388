/**
 * Back-pressure, limits and graceful degradation on a spawned Redoubt (its
 * own event loop and memory, measured from /proc), compared with a real
 * redis-server where the behaviour is observable from outside:
 *   - fairness: a client with a huge backlog is served COMMANDS_PER_TURN
 *     commands at a time, so another client's command runs in between (the
 *     proof is the server's own view, CLIENT LIST / INFO taken by the other
 *     client, not timing);
 *   - client-output-buffer-limit (pubsub and normal classes): a client that
 *     stops reading is closed, logged and counted, and the server's memory
 *     stays bounded while the flood goes on;
 *   - maxclients under a flood of connections;
 *   - every kind of malformed input from several clients at once while a
 *     well-behaved client keeps getting correct answers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { mutate, randomStream } from './helpers/fuzz.js';
import { prng, testSeed } from './helpers/random.js';
import { encode, parse, RespConnection } from './helpers/resp.js';
import { type RunningProcess, startRedis, startRedoubtProcess } from './helpers/servers.js';
import { type Exchange, exchange, splitFrames } from './helpers/wire.js';

/** Resident memory of a process, in bytes. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function infoField(info: unknown, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)\\r$`, 'm').exec(String(info))?.[1];
}

/** A CLIENT LIST field of the one line returned by `CLIENT LIST ID <id>`. */
function clientField(list: unknown, name: string): string | undefined {
  return new RegExp(`(?:^| )${name}=(\\S*)`).exec(String(list))?.[1];
}

/** Poll `check` every 20 ms for at most `ms`; fails with `what` when it never holds. */
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Counting {
  socket: Socket;
  /** Bytes received so far. */
  bytes(): number;
  /** The first bytes received (a short first reply). */
  head(): string;
}

/** A raw socket that only counts what it receives (for replies too many to buffer). */
function counting(port: number): Promise<Counting> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let head = '';
    const socket = connect({ port, host: '127.0.0.1' }, () =>
      resolve({ socket, bytes: () => bytes, head: () => head }),
    );
    socket.on('data', (d: Buffer) => {
      if (head.length < 64) head += d.toString('latin1', 0, 64 - head.length);
      bytes += d.length;
    });
    socket.on('error', reject);
  });
}

const PING = '*1\r\n$4\r\nPING\r\n';
const PONG_BYTES = '+PONG\r\n'.length;

describe('fairness and limits (spawned server)', () => {
  let server: RunningProcess;

  before(async () => {
    server = await startRedoubtProcess(['--save', '', '--appendonly', 'no']);
  });

  after(async () => {
    await server?.stop();
  });

  it('a client unblocked with a million commands buffered yields to another unblocked client', {
    timeout: 120_000,
  }, async () => {
    const n = 1_000_000;
    const admin = await RespConnection.open(server.port);
    const big = await counting(server.port);
    big.socket.write(encode(['CLIENT', 'ID']));
    await until(() => big.head().endsWith('\r\n'), 'the CLIENT ID reply');
    const idReply = big.head();
    const bigId = Number(idReply.slice(1, -2));
    const small = await RespConnection.open(server.port);
    const smallId = Number(await small.call('CLIENT', 'ID'));
    // The big client blocks, then a million PINGs pile up behind it in one write.
    big.socket.write(Buffer.concat([encode(['BLPOP', 'fair:big', '0']), Buffer.from(PING.repeat(n))]));
    await until(
      async () =>
        Number(clientField(await admin.call('CLIENT', 'LIST', 'ID', bigId), 'qbuf')) >= n * PING.length,
      'the whole backlog to reach the server',
      60000,
    );
    // The small client blocks too, with one command behind: where is the big client when it runs?
    small.writeRaw(
      Buffer.concat([encode(['BLPOP', 'fair:small', '0']), encode(['CLIENT', 'LIST', 'ID', bigId])]),
    );
    await until(
      async () => clientField(await admin.call('CLIENT', 'LIST', 'ID', smallId), 'flags') === 'b',
      'the small client to block',
    );
    // One transaction readies both: the big client is served first, then the small one.
    admin.writeRaw(
      Buffer.concat([
        encode(['MULTI']),
        encode(['LPUSH', 'fair:big', 'x']),
        encode(['LPUSH', 'fair:small', 'x']),
        encode(['EXEC']),
      ]),
    );
    for (let i = 0; i < 4; i++) await admin.readFrame();
    const seen = parse(await small.readFrame(60000))[0];
    // BLPOP's reply came first; then the CLIENT LIST that ran between two shares of the backlog.
    assert.deepEqual(seen, ['fair:small', 'x']);
    const view = String(parse(await small.readFrame(60000))[0]);
    const left = Number(clientField(view, 'qbuf'));
    assert.ok(left > 0, `the big client's backlog was all processed before the small client ran: ${view}`);
    assert.ok(left < n * PING.length, 'the big client had started on its backlog');
    // Every reply of the backlog still arrives, in full.
    const expected = idReply.length + '*2\r\n$8\r\nfair:big\r\n$1\r\nx\r\n'.length + n * PONG_BYTES;
    await until(() => big.bytes() === expected, 'every PONG of the backlog', 60000);
    big.socket.destroy();
    small.close();
    admin.close();
  });

  it('a million commands in one write: another client is answered while they are processed', {
    timeout: 120_000,
  }, async () => {
    const n = 1_000_000;
    const other = await RespConnection.open(server.port);
    const calls = (info: unknown): number => Number(/cmdstat_ping:calls=(\d+)/.exec(String(info))?.[1] ?? 0);
    const before = calls(await other.call('INFO', 'commandstats'));
    const big = await counting(server.port);
    big.socket.write(PING.repeat(n));
    await until(() => big.bytes() > 0, 'the first replies');
    // The other client's INFO runs between two shares of the pipeline.
    const during = calls(await other.call('INFO', 'commandstats')) - before;
    assert.ok(during > 0 && during < n, `PINGs processed when the other client ran: ${during} of ${n}`);
    await until(() => big.bytes() >= n * PONG_BYTES, 'every PONG', 60000);
    assert.equal(calls(await other.call('INFO', 'commandstats')) - before, n);
    big.socket.destroy();
    other.close();
  });

  it('client-output-buffer-limit pubsub: a subscriber that never reads is cut off; memory stays bounded', {
    timeout: 120_000,
  }, async () => {
    const admin = await RespConnection.open(server.port);
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 16mb 0 0');
    const sub = await RespConnection.open(server.port);
    await sub.call('SUBSCRIBE', 'flood');
    sub.socket.pause();
    const baseline = rss(server.pid);
    let peak = baseline;
    const message = 'm'.repeat(256 * 1024);
    let rounds = 0;
    // 4 MB per round: without the limit, 400 rounds would leave 1.6 GB queued for the subscriber.
    for (; rounds < 400; rounds++) {
      for (let i = 0; i < 16; i++) admin.writeRaw(encode(['PUBLISH', 'flood', message]));
      let receivers = 0;
      for (let i = 0; i < 16; i++) receivers += Number(parse(await admin.readFrame(10000))[0]);
      peak = Math.max(peak, rss(server.pid));
      if (receivers === 0) break;
    }
    assert.ok(rounds < 400, 'the subscriber was never cut off');
    // What was queued for the subscriber stayed near the 16 MB limit (kernel buffers aside).
    assert.ok(rounds * 4 < 16 + 48, `cut off only after ${rounds * 4} MB`);
    assert.ok(peak - baseline < 256 * 1024 * 1024, `server RSS grew by ${peak - baseline} bytes`);
    const stats = await admin.call('INFO', 'stats');
    assert.equal(infoField(stats, 'client_output_buffer_limit_disconnections'), '1');
    assert.match(
      server.output(),
      /# Client id=\d+ addr=\S+ laddr=\S+ fd=\S+ name= age=\d+ idle=\d+ flags=P .* sub=1 .*cmd=subscribe .*scheduled to be closed ASAP for overcoming of output buffer limits\./,
    );
    sub.socket.resume();
    assert.equal(await sub.waitClosed(10000), true);
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    admin.close();
  });

  it('client-output-buffer-limit normal: a pipeline of big GETs never read is cut off near the limit', {
    timeout: 120_000,
  }, async () => {
    const admin = await RespConnection.open(server.port);
    await admin.call('SET', 'big', 'v'.repeat(1024 * 1024));
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 8mb 0 0');
    const before = Number(
      infoField(await admin.call('INFO', 'stats'), 'client_output_buffer_limit_disconnections'),
    );
    const baseline = rss(server.pid);
    // 2 000 GETs of 1 MB in one write: 2 GB of replies if nothing stopped them.
    const s = connect({ port: server.port, host: '127.0.0.1' });
    s.on('error', () => {});
    s.pause();
    s.write(encode(['GET', 'big']).toString('latin1').repeat(2000), 'latin1');
    let peak = baseline;
    await until(async () => {
      peak = Math.max(peak, rss(server.pid));
      const stats = await admin.call('INFO', 'stats');
      return Number(infoField(stats, 'client_output_buffer_limit_disconnections')) === before + 1;
    }, 'the non-reading client to be closed');
    assert.ok(peak - baseline < 512 * 1024 * 1024, `server RSS grew by ${peak - baseline} bytes`);
    const calls = Number(
      /cmdstat_get:calls=(\d+)/.exec(String(await admin.call('INFO', 'commandstats')))?.[1],
    );
    assert.ok(calls < 200, `${calls} GETs ran before the client was closed`);
    s.destroy();
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    await admin.call('DEL', 'big');
    admin.close();
  });
});

describe('maxclients under a flood of connections (against redis-server)', () => {
  it('every connection past the limit gets the refusal and is closed; the others keep working', {
    timeout: 60_000,
  }, async (t) => {
    const redis = await startRedis(['--maxclients', '20']);
    if (redis === null) return t.skip('redis-server not installed');
    const ours = await startRedoubtProcess(['--maxclients', '20', '--save', '']);
    try {
      for (const port of [ours.port, redis.port]) {
        const held = await Promise.all(Array.from({ length: 20 }, () => RespConnection.open(port)));
        const refused = await Promise.all(Array.from({ length: 100 }, () => exchange(port, [PING])));
        for (const r of refused) {
          assert.equal(r.bytes.toString('latin1'), '-ERR max number of clients reached\r\n', `port ${port}`);
          assert.equal(r.closed, true);
        }
        for (const c of held) assert.deepEqual(await c.call('PING'), { status: 'PONG' });
        assert.equal(
          infoField(await (held[0] as RespConnection).call('INFO', 'stats'), 'rejected_connections'),
          '100',
        );
        assert.equal(
          infoField(await (held[0] as RespConnection).call('INFO', 'clients'), 'connected_clients'),
          '20',
        );
        // A place freed is a place taken.
        (held.pop() as RespConnection).close();
        await until(
          async () =>
            infoField(await (held[0] as RespConnection).call('INFO', 'clients'), 'connected_clients') ===
            '19',
          'the closed client to leave',
        );
        const late = await RespConnection.open(port);
        assert.deepEqual(await late.call('PING'), { status: 'PONG' });
        late.close();
        for (const c of held) c.close();
      }
    } finally {
      await ours.stop();
      await redis.stop();
    }
  });
});

describe('graceful degradation (spawned server)', () => {
  it('malformed input from several clients at once never disturbs a well-behaved client', {
    timeout: 120_000,
  }, async () => {
    const seed = testSeed('REDOUBT_SEED');
    console.log(`malformed-input seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const rnd = prng(seed);
    const server = await startRedoubtProcess(['--save', '', '--client-query-buffer-limit', '4mb']);
    try {
      const good = await RespConnection.open(server.port);
      const port = server.port;
      const valid = Buffer.concat([
        encode(['SET', 'k', 'v']),
        encode(['LPUSH', 'l', 'a', 'b']),
        encode(['GET', 'k']),
      ]);
      /** One attacker: a kind of bad input per connection, in a loop. */
      const kinds: (() => Promise<Exchange>)[] = [
        () => exchange(port, [randomStream(rnd)]),
        () => exchange(port, [mutate(rnd, valid)]),
        () => exchange(port, ['*2147483647\r\n$4\r\nPING\r\n']),
        () => exchange(port, ['$536870912\r\n']),
        () => exchange(port, ['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-7\r\n']),
        () => exchange(port, [`${'x'.repeat(70000)}\r\n`]),
        () => exchange(port, ['POST / HTTP/1.1\r\nHost: x\r\n\r\n']),
        () => exchange(port, ['\x00'.repeat(70000)]),
        // Past client-query-buffer-limit (4 MB): closed without a reply.
        () => exchange(port, ['*2\r\n$4\r\nECHO\r\n$8000000\r\n', 'e'.repeat(5_000_000)]),
        // A half command then silence: the connection is ours to end.
        () => exchange(port, ['*3\r\n$3\r\nSET\r\n$1\r\nk'], { halfClose: false, timeoutMs: 200 }),
      ];
      let stop = false;
      let attacks = 0;
      const attacker = async (): Promise<void> => {
        while (!stop) {
          const r = await pickOf(rnd, kinds)();
          // Whatever the server answered is well-formed RESP.
          splitFrames(r.bytes);
          attacks++;
        }
      };
      const attackers = Array.from({ length: 6 }, attacker);
      // The well-behaved client: every answer exactly right, for at least 2 000 rounds
      // and until 300 malformed exchanges ran (at most 20 000 rounds).
      for (let i = 0; i < 20000 && (i < 2000 || attacks < 300); i++) {
        assert.deepEqual(await good.call('SET', `good:${i}`, String(i)), { status: 'OK' });
        assert.equal(await good.call('INCR', 'good:counter'), i + 1);
        assert.equal(await good.call('GET', `good:${i}`), String(i));
      }
      stop = true;
      await Promise.all(attackers);
      assert.ok(attacks >= 300, `only ${attacks} malformed exchanges ran`);
      assert.equal(server.child.exitCode, null, 'the server exited');
      await until(
        async () => infoField(await good.call('INFO', 'clients'), 'connected_clients') === '1',
        'only the good client to be left',
      );
      good.close();
    } finally {
      await server.stop();
    }
  });
});

const pickOf = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

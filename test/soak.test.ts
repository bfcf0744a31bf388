/**
 * Soak: 2 000 concurrent clients against a spawned Redoubt, mixing commands of
 * every family (strings, lists, hashes, sets, sorted sets, transactions,
 * pub/sub, blocking pops with tiny timeouts) for a bounded time, with random
 * disconnects in the middle of a command (half a frame sent) and right after
 * one (reply never read). Each client checks the replies it can predict
 * exactly (its own keys) and the type of the others. Afterwards the server
 * has no client, subscription or blocked client left, its memory is back
 * near where it was before the clients came (RSS and INFO used_memory, with a
 * bounded tolerance: there is no hook to force a garbage collection), and it
 * still answers correctly.
 *
 * REDOUBT_SOAK_SECONDS lengthens the run (CI default 20), REDOUBT_SOAK_CLIENTS
 * changes the population (default 2 000), REDOUBT_SEED replays the choices.
 * When the file-descriptor limit is too low for the population the test
 * skips, unless REDOUBT_REQUIRE_SOAK=1, where it fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { prng, testSeed } from './helpers/random.js';
import { encode, RespConnection, type Value } from './helpers/resp.js';
import { type RunningProcess, startRedoubtProcess } from './helpers/servers.js';

const SECONDS = Number(process.env.REDOUBT_SOAK_SECONDS ?? 20);
const CLIENTS = Number(process.env.REDOUBT_SOAK_CLIENTS ?? 2000);
const SEED = testSeed('REDOUBT_SEED');
/**
 * Memory the server may keep beyond its pre-soak level once every client left
 * and the dataset is flushed. Live memory (INFO used_memory: V8 heap in use
 * plus off-heap buffers) must come back within 32 MB: the clients' state
 * alone (16 KB and more of buffers each, 2 000 at a time, about 10 000
 * connections) is far above it, so a leak of it fails. RSS gets 192 MB: the
 * allocator and V8 keep some of the pages the peak of 2 000 clients needed
 * (90 MB seen on the development machine), which says nothing about leaks.
 */
const USED_TOLERANCE = 32 * 1024 * 1024;
const RSS_TOLERANCE = 192 * 1024 * 1024;

/** The soft limit on open files of this process (the spawned server inherits it). */
function openFileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m?.[1] === undefined || m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
}

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function infoField(info: Value, name: string): number {
  return Number(new RegExp(`^${name}:(\\d+)\\r$`, 'm').exec(String(info))?.[1] ?? Number.NaN);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Totals {
  commands: number;
  aborted: number;
  unread: number;
  connections: number;
}

/**
 * One virtual client: connects, runs a few commands, leaves (cleanly or not),
 * connects again, until the deadline. `vid` names its own keys.
 */
async function virtualClient(port: number, vid: number, deadline: number, totals: Totals): Promise<void> {
  const rnd = prng((SEED ^ Math.imul(vid + 1, 0x9e3779b9)) >>> 0);
  let generation = 0;
  while (Date.now() < deadline) {
    const conn = await RespConnection.open(port);
    totals.connections++;
    const own = `soak:${vid}:${generation++}`;
    let counter = 0;
    let listLength = 0;
    const ops = 5 + Math.floor(rnd() * 40);
    let leftClean = true;
    for (let op = 0; op < ops && Date.now() < deadline; op++) {
      const r = rnd();
      if (r < 0.02) {
        // Half a frame, then gone: the server must drop the partial command.
        const frame = encode(['SET', `${own}:cut`, 'x'.repeat(100)]);
        conn.writeRaw(frame.subarray(0, 1 + Math.floor(rnd() * (frame.length - 1))));
        conn.close();
        totals.aborted++;
        leftClean = false;
        break;
      }
      if (r < 0.04) {
        // A whole command whose reply is never read.
        conn.writeRaw(encode(['LRANGE', 'soak:shared:list', '0', '-1']));
        conn.close();
        totals.unread++;
        leftClean = false;
        break;
      }
      await oneCommand(conn, rnd, own, {
        incr: () => ++counter,
        push: () => ++listLength,
      });
      totals.commands++;
    }
    if (leftClean) {
      if (rnd() < 0.5) assert.deepEqual(await conn.call('QUIT'), { status: 'OK' });
      conn.close();
    }
  }
}

/** One command of a random family; replies checked exactly where this client can know them. */
async function oneCommand(
  conn: RespConnection,
  rnd: () => number,
  own: string,
  expect: { incr: () => number; push: () => number },
): Promise<void> {
  const shared = `soak:shared:${Math.floor(rnd() * 50)}`;
  switch (Math.floor(rnd() * 10)) {
    case 0:
      assert.equal(await conn.call('INCR', `${own}:n`), expect.incr());
      break;
    case 1: {
      const v = `v${Math.floor(rnd() * 1e6)}`;
      assert.deepEqual(await conn.call('SET', `${own}:s`, v, 'EX', '100'), { status: 'OK' });
      assert.equal(await conn.call('GET', `${own}:s`), v);
      break;
    }
    case 2:
      assert.equal(await conn.call('RPUSH', `${own}:l`, 'a'), expect.push());
      break;
    case 3:
      assert.equal(
        typeof (await conn.call('HSET', `${shared}:h`, `f${Math.floor(rnd() * 20)}`, 'v')),
        'number',
      );
      assert.ok(Array.isArray(await conn.call('HGETALL', `${shared}:h`)));
      break;
    case 4:
      assert.equal(
        typeof (await conn.call('ZADD', `${shared}:z`, String(rnd()), `m${Math.floor(rnd() * 50)}`)),
        'number',
      );
      assert.ok(Array.isArray(await conn.call('ZRANGE', `${shared}:z`, '0', '9', 'WITHSCORES')));
      break;
    case 5: {
      const reply = await conn.call('MULTI');
      assert.deepEqual(reply, { status: 'OK' });
      await conn.call('INCR', 'soak:shared:counter');
      await conn.call('LPUSH', 'soak:shared:list', 'x');
      await conn.call('LTRIM', 'soak:shared:list', '0', '99');
      const exec = await conn.call('EXEC');
      assert.ok(Array.isArray(exec) && exec.length === 3, `EXEC: ${JSON.stringify(exec)}`);
      break;
    }
    case 6:
      assert.equal(
        typeof (await conn.call('PUBLISH', `soak:chan:${Math.floor(rnd() * 5)}`, 'hello')),
        'number',
      );
      break;
    case 7: {
      // Subscribe, then leave the subscribed state again (RESET answers +RESET).
      const sub = await conn.call('SUBSCRIBE', `soak:chan:${Math.floor(rnd() * 5)}`);
      assert.ok(Array.isArray(sub) && sub[0] === 'subscribe');
      assert.deepEqual(await resetReply(conn), { status: 'RESET' });
      break;
    }
    case 8:
      // Nothing to pop: the tiny timeout answers a null array.
      assert.equal(await conn.call('BLPOP', `${own}:empty`, '0.01'), null);
      break;
    default:
      assert.equal(
        typeof (await conn.call('SADD', `${shared}:set`, `m${Math.floor(rnd() * 100)}`)),
        'number',
      );
      assert.equal(typeof (await conn.call('SCARD', `${shared}:set`)), 'number');
  }
}

/** RESET after SUBSCRIBE: messages published meanwhile may arrive first; skip them. */
async function resetReply(conn: RespConnection): Promise<Value> {
  conn.writeRaw(encode(['RESET']));
  for (let i = 0; i < 10000; i++) {
    const frame = await conn.readFrame(30000);
    if (!frame.toString('latin1').startsWith('*3\r\n$7\r\nmessage'))
      return { status: frame.toString('latin1', 1, frame.length - 2) };
  }
  return assert.fail('no RESET reply among 10 000 messages');
}

describe('soak (spawned server)', () => {
  let server: RunningProcess;

  before(async () => {
    server = await startRedoubtProcess([
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxclients',
      String(CLIENTS + 100),
    ]);
  });

  after(async () => {
    await server?.stop();
  });

  it(`${CLIENTS} clients for ${SECONDS} s with random disconnects; clients and memory back to baseline`, {
    timeout: (SECONDS + 180) * 1000,
  }, async (t) => {
    // Both ends of every connection live on this machine: ours and the server's.
    const needed = CLIENTS + 200;
    if (openFileLimit() < needed) {
      const why = `open-file limit ${openFileLimit()} is below the ${needed} this soak needs (ulimit -n)`;
      if (process.env.REDOUBT_REQUIRE_SOAK === '1') assert.fail(why);
      return t.skip(why);
    }
    console.log(`soak seed ${SEED} (replay: REDOUBT_SEED=${SEED}), ${CLIENTS} clients, ${SECONDS} s`);
    const admin = await RespConnection.open(server.port);
    const baselineRss = rss(server.pid);
    const baselineUsed = infoField(await admin.call('INFO', 'memory'), 'used_memory');
    const totals: Totals = { commands: 0, aborted: 0, unread: 0, connections: 0 };
    const deadline = Date.now() + SECONDS * 1000;
    const clients: Promise<void>[] = [];
    let peakClients = 0;
    for (let vid = 0; vid < CLIENTS; vid++) {
      clients.push(virtualClient(server.port, vid, deadline, totals));
      // Arrive in waves of 100, not as one SYN flood past the listen backlog.
      if (vid % 100 === 99) {
        await sleep(20);
        peakClients = Math.max(
          peakClients,
          infoField(await admin.call('INFO', 'clients'), 'connected_clients'),
        );
      }
    }
    let peakRss = 0;
    while (Date.now() < deadline) {
      peakClients = Math.max(
        peakClients,
        infoField(await admin.call('INFO', 'clients'), 'connected_clients'),
      );
      peakRss = Math.max(peakRss, rss(server.pid));
      await sleep(500);
    }
    await Promise.all(clients);
    console.log(
      `soak: ${totals.commands} commands, ${totals.connections} connections, ${totals.aborted} cut mid-command, ${totals.unread} left unread, peak ${peakClients} clients`,
    );
    assert.ok(peakClients >= CLIENTS * 0.9, `only ${peakClients} clients were connected at once`);
    assert.ok(totals.aborted > 0 && totals.unread > 0, 'no disconnect happened mid-command');

    // Every client is gone, and nothing they held is left behind.
    let info: Value = '';
    for (let i = 0; i < 300; i++) {
      info = await admin.call('INFO');
      if (infoField(info, 'connected_clients') === 1) break;
      await sleep(100);
    }
    assert.equal(infoField(info, 'connected_clients'), 1);
    assert.equal(infoField(info, 'blocked_clients'), 0);
    assert.equal(infoField(info, 'pubsub_channels'), 0);
    assert.equal(infoField(info, 'pubsub_patterns'), 0);
    assert.equal(server.child.exitCode, null, 'the server exited');

    // Memory comes back near its level before the clients (garbage collection
    // runs on its own schedule: wait for it, within a bound). The keys they
    // wrote are the dataset, not theirs: gone first, so what is measured is
    // what connections leave behind.
    assert.deepEqual(await admin.call('FLUSHALL'), { status: 'OK' });
    let nowRss = 0;
    let nowUsed = 0;
    for (let i = 0; i < 100; i++) {
      nowRss = rss(server.pid);
      nowUsed = infoField(await admin.call('INFO', 'memory'), 'used_memory');
      if (nowRss - baselineRss < RSS_TOLERANCE && nowUsed - baselineUsed < USED_TOLERANCE) break;
      // A little allocation nudges the collector.
      await admin.call('SET', 'soak:nudge', 'x'.repeat(1 << 20));
      await admin.call('DEL', 'soak:nudge');
      await sleep(200);
    }
    console.log(
      `soak memory: rss ${baselineRss} -> peak ${peakRss} -> ${nowRss}, used_memory ${baselineUsed} -> ${nowUsed} (tolerances ${RSS_TOLERANCE}, ${USED_TOLERANCE})`,
    );
    assert.ok(
      nowRss - baselineRss < RSS_TOLERANCE,
      `RSS stayed ${nowRss - baselineRss} bytes above baseline`,
    );
    assert.ok(
      nowUsed - baselineUsed < USED_TOLERANCE,
      `used_memory stayed ${nowUsed - baselineUsed} bytes above`,
    );

    // And it still answers correctly.
    assert.deepEqual(await admin.call('SET', 'soak:after', 'ok'), { status: 'OK' });
    assert.equal(await admin.call('GET', 'soak:after'), 'ok');
    const n = Number(await admin.call('INCR', 'soak:after:n'));
    assert.equal(await admin.call('INCR', 'soak:after:n'), n + 1);
    admin.close();
  });
});

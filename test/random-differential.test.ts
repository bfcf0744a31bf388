/**
 * Randomized differential run: a seeded generator (test/helpers/random-commands.ts)
 * issues mixed commands of every data type over a small key set to a real
 * redis-server 7.0 and to Redoubt, pipelined in batches on a RESP2 and a RESP3
 * connection, and every reply is compared (errors word for word; replies Redis
 * leaves to chance by a property). Every keyspace notification (KEA) is
 * compared too, after each batch, and at the end the whole keyspace.
 *
 * Replay a failure with REDOUBT_SEED=<seed> (only that run); lengthen it with
 * REDOUBT_RANDOM_COMMANDS=<n>; REDOUBT_RANDOM_BATCH=1 replays the same commands
 * one at a time (a mismatch then shows the keys as they were right after it);
 * REDOUBT_RANDOM_STATS=1 prints how often each command ran and failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential, exact } from './helpers/diff.js';
import { Duo } from './helpers/duo.js';
import { prng } from './helpers/random.js';
import { type Cmd, Gen, type GroupReplies, keysOf, nextGroup } from './helpers/random-commands.js';
import { type Arg, encode, parse, type RespConnection, type Value } from './helpers/resp.js';
import { collect, SubscriberPair } from './helpers/subscriber.js';

const FIXED_SEED = 20260501;
const FIXED_COMMANDS = 100_000;
const DAILY_COMMANDS = 20_000;
/** Commands per pipelined batch (a batch also ends after a command that needs a repair). */
const BATCH = 250;
/** A channel the keyspace-notification subscriber also hears: marks a point in the notifications. */
const MARKER = '__keymarker__:';
/** The chance, after each group, that the next runs on another connection (RESP2 or RESP3). */
const SWITCH = 0.02;
/** Commands kept for the history printed on a mismatch. */
const HISTORY = 20_000;
const DATABASES = ['0', '1', '2'];

// Small encoding limits on both servers, so small collections change encoding too.
const CONFIG: readonly (readonly [string, string])[] = [
  ['hash-max-listpack-entries', '8'],
  ['zset-max-listpack-entries', '8'],
  ['set-max-intset-entries', '4'],
  // Every keyspace notification (but keymiss and new), compared after each batch.
  ['notify-keyspace-events', 'KEA'],
];

const envNumber = (name: string): number | undefined => {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : Number(v);
};

const show = (b: Buffer, max = 400): string => {
  const s = b.toString('latin1');
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}...(${s.length} bytes)` : s);
};

const showArgs = (args: readonly Arg[]): string => {
  const s = JSON.stringify(args.map(String));
  return s.length > 300 ? `${s.slice(0, 300)}...` : s;
};

/** The last commands sent, and the indexes of those that named each key. */
class History {
  private readonly lines = new Map<number, string>();
  private readonly byKey = new Map<string, number[]>();

  add(index: number, line: string, args: readonly Arg[]): void {
    this.lines.set(index, line);
    this.lines.delete(index - HISTORY);
    for (const k of keysOf(args)) {
      const list = this.byKey.get(k) ?? [];
      list.push(index);
      if (list.length > 15) list.shift();
      this.byKey.set(k, list);
    }
  }

  /** Recent commands on the keys of `args` that are still remembered. */
  recent(args: readonly Arg[]): string {
    const out: string[] = [];
    for (const k of keysOf(args)) {
      out.push(`  recent commands on ${JSON.stringify(k)}:`);
      for (const i of this.byKey.get(k) ?? []) {
        const line = this.lines.get(i);
        if (line !== undefined) out.push(`    ${line}`);
      }
    }
    return out.join('\n');
  }
}

/** Read `n` replies from a connection. */
async function readReplies(conn: RespConnection, n: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(await conn.readFrame(30000));
  return out;
}

interface Connection {
  name: string;
  duo: Duo;
}

/** One seeded run of `total` commands. */
/**
 * One seeded run of `total` commands; `events` subscribes to every keyspace
 * notification on both servers, compared after each batch.
 */
async function randomRun(
  conns: readonly Connection[],
  events: SubscriberPair,
  seed: number,
  total: number,
): Promise<void> {
  const g = new Gen(prng(seed));
  const history = new History();
  const batchSize = envNumber('REDOUBT_RANDOM_BATCH') ?? BATCH;
  let conn = conns[0] as Connection;
  let index = 0;
  const stats = process.env.REDOUBT_RANDOM_STATS === '1' ? new Stats() : undefined;
  while (index < total) {
    // A batch of whole groups; each command remembers where its group starts.
    // The generator alone decides the commands and the connection switches, so
    // any batch size replays the same run (REDOUBT_RANDOM_BATCH=1 to debug).
    const batch: Cmd[] = [];
    const groupStart: number[] = [];
    let next = conn;
    while (batch.length < batchSize) {
      const group = nextGroup(g);
      // Before a group whose writes may differ between the servers, a marker in the notifications.
      if (group.some((c) => c.repair !== undefined)) {
        batch.push({ args: ['PUBLISH', MARKER, 'repair'] });
        groupStart.push(batch.length - 1);
      }
      const start = batch.length;
      for (const c of group) {
        batch.push(c);
        groupStart.push(start);
      }
      if (g.chance(SWITCH)) {
        next = g.pick(conns);
        break;
      }
      if (group.some((c) => c.repair !== undefined)) break;
    }
    const payload = Buffer.concat(batch.map((c) => encode(c.args)));
    conn.duo.redoubt.writeRaw(payload);
    conn.duo.redis.writeRaw(payload);
    const [ours, theirs] = await Promise.all([
      readReplies(conn.duo.redoubt, batch.length),
      readReplies(conn.duo.redis, batch.length),
    ]);
    // The whole batch is in the history first: a mismatch shows what ran after it too.
    batch.forEach((c, i) => {
      const n = index + i;
      history.add(n, `#${n} [${conn.name}] ${showArgs(c.args)} -> ${show(theirs[i] as Buffer, 120)}`, c.args);
    });
    const repairs: { redoubt: Arg[][]; redis: Arg[][] }[] = [];
    for (let i = 0; i < batch.length; i++) {
      const c = batch[i] as Cmd;
      const a = ours[i] as Buffer;
      const b = theirs[i] as Buffer;
      const n = index + i;
      try {
        if (c.check === undefined) exact(a, b, c.args);
        else c.check(a, b, c.args, groupReplies(ours, theirs, groupStart[i] as number, i));
      } catch (err) {
        // The keys of the whole group (a transaction's, its WATCH's).
        const groupKeys = batch.slice(groupStart[i] as number, i + 1).flatMap((x) => x.args.slice(1));
        const state = await describeKeys(conn.duo, ['', ...groupKeys]);
        assert.fail(
          [
            `randomized differential run: mismatch (replay with REDOUBT_SEED=${seed} REDOUBT_RANDOM_COMMANDS=${n + 1})`,
            `  seed ${seed}, command #${n} on the ${conn.name} connection: ${showArgs(c.args)}`,
            `  redoubt: ${show(a)}`,
            `  redis:   ${show(b)}`,
            `  ${(err as Error).message.split('\n')[0]}`,
            groupText(batch, ours, theirs, groupStart[i] as number, i),
            history.recent(c.args),
            state,
          ].join('\n'),
        );
      }
      if (c.repair !== undefined)
        repairs.push(
          c.repair(parse(a)[0], parse(b)[0], groupReplies(ours, theirs, groupStart[i] as number, i)),
        );
    }
    index += batch.length;
    stats?.count(batch, theirs);
    const diverged = repairs.some((r) => r.redoubt.length + r.redis.length > 0);
    await sameEvents(
      events,
      diverged,
      `seed ${seed}, commands #${index - batch.length}..#${index - 1} on ${conn.name}`,
    );
    for (const r of repairs) await applyRepair(conn.duo, r);
    // A repair writes what differs between the servers: its notifications differ too.
    if (repairs.length > 0) await Promise.all([collect(events.redoubt, []), collect(events.redis, [])]);
    conn = next;
  }
  if (stats !== undefined) console.log(stats.report());
}

/** Per command name: how often it ran and how often Redis answered an error (REDOUBT_RANDOM_STATS=1). */
class Stats {
  private readonly byName = new Map<string, { calls: number; errors: number }>();

  count(batch: readonly Cmd[], replies: readonly Buffer[]): void {
    batch.forEach((c, i) => {
      const name = String(c.args[0]).toUpperCase();
      const s = this.byName.get(name) ?? { calls: 0, errors: 0 };
      s.calls++;
      if ((replies[i] as Buffer)[0] === 0x2d) s.errors++;
      this.byName.set(name, s);
    });
  }

  report(): string {
    return [...this.byName]
      .sort((a, b) => b[1].calls - a[1].calls)
      .map(([name, s]) => `${name} ${s.calls} (${Math.round((100 * s.errors) / s.calls)}% errors)`)
      .join(', ');
  }
}

/** The commands of a group before position `at`, with Redis's replies (a probe, a transaction). */
function groupText(
  batch: readonly Cmd[],
  ours: readonly Buffer[],
  theirs: readonly Buffer[],
  start: number,
  at: number,
): string {
  if (start === at) return '';
  const lines = ['  in the group:'];
  for (let i = start; i < at; i++) {
    const same = (ours[i] as Buffer).equals(theirs[i] as Buffer)
      ? ''
      : ` (redoubt: ${show(ours[i] as Buffer, 120)})`;
    lines.push(`    ${showArgs((batch[i] as Cmd).args)} -> ${show(theirs[i] as Buffer, 120)}${same}`);
  }
  return lines.join('\n');
}

/**
 * The keyspace notifications of a batch, in order, byte for byte; when the
 * servers `diverged` (a repair was needed), only those before the marker.
 */
async function sameEvents(events: SubscriberPair, diverged: boolean, what: string): Promise<void> {
  const upToMarker = (frames: Buffer[]): Buffer[] => {
    if (!diverged) return frames;
    const at = frames.findIndex((f) => (parse(f)[0] as string[])[2] === MARKER);
    return at === -1 ? frames : frames.slice(0, at);
  };
  const [a, b] = (await Promise.all([collect(events.redoubt, []), collect(events.redis, [])])).map(
    upToMarker,
  ) as [Buffer[], Buffer[]];
  const n = Math.max(a.length, b.length);
  let i = 0;
  while (i < n && a[i] !== undefined && b[i] !== undefined && (a[i] as Buffer).equals(b[i] as Buffer)) i++;
  if (i === n) return;
  // "channel message" of each pmessage frame, from a little before the first difference.
  const brief = (frames: Buffer[]): string =>
    frames
      .slice(Math.max(0, i - 3), i + 4)
      .map((f) => (parse(f)[0] as string[]).slice(2).join(' '))
      .join(' | ');
  assert.fail(
    `randomized differential run: notifications differ at #${i} of ${n} (${what})\n` +
      `  redoubt: ${brief(a)}\n  redis:   ${brief(b)}`,
  );
}

/** The parsed replies of the commands of a group before position `at`. */
function groupReplies(
  ours: readonly Buffer[],
  theirs: readonly Buffer[],
  start: number,
  at: number,
): GroupReplies {
  const redoubt: Value[] = [];
  const redis: Value[] = [];
  for (let i = start; i < at; i++) {
    redoubt.push(parse(ours[i] as Buffer)[0]);
    redis.push(parse(theirs[i] as Buffer)[0]);
  }
  return { redoubt, redis };
}

/** Send each server its own repair commands (their replies may differ: the states did). */
async function applyRepair(duo: Duo, r: { redoubt: Arg[][]; redis: Arg[][] }): Promise<void> {
  const replies = await Promise.all([
    ...r.redoubt.map((args) => duo.redoubt.call(...args)),
    ...r.redis.map((args) => duo.redis.call(...args)),
  ]);
  for (const v of replies)
    assert.ok(typeof v === 'number', `repair failed: ${JSON.stringify(r)} -> ${JSON.stringify(v)}`);
}

const READ: Record<string, (k: string) => Arg[]> = {
  string: (k) => ['GET', k],
  list: (k) => ['LRANGE', k, '0', '-1'],
  set: (k) => ['SMEMBERS', k],
  zset: (k) => ['ZRANGE', k, '0', '-1', 'WITHSCORES'],
  hash: (k) => ['HGETALL', k],
};

/**
 * The values of the keys of `args` in each database on both servers, and the
 * database each connection is on (after a mismatch: the rest of the batch ran).
 */
async function describeKeys(duo: Duo, args: readonly Arg[]): Promise<string> {
  const out: string[] = [];
  for (const [name, conn] of [
    ['redoubt', duo.redoubt],
    ['redis', duo.redis],
  ] as const) {
    const info = (await conn.call('CLIENT', 'INFO')) as string;
    out.push(`  now the connection to ${name} is on db ${/ db=(\d+)/.exec(info)?.[1]}`);
    for (const db of DATABASES) {
      await conn.call('SELECT', db);
      for (const k of keysOf(args)) {
        const type = ((await conn.call('TYPE', k)) as { status: string }).status;
        const read = READ[type];
        const value = read === undefined ? '' : ` ${show(await conn.raw(...read(k)), 300)}`;
        const ttl = type === 'none' ? '' : `, PTTL ${await conn.call('PTTL', k)}`;
        out.push(`    db ${db}: ${JSON.stringify(k)} is ${type}${ttl}${value}`);
      }
    }
  }
  return out.join('\n');
}

/** The whole keyspace of the first databases, compared value by value. */
async function compareKeyspaces(duo: Duo): Promise<void> {
  for (const db of DATABASES) {
    await duo.same(['SELECT', db]);
    const keys = ((await duo.same(['KEYS', '*'], sortedArray)) as string[]).sort();
    for (const k of keys) {
      const type = ((await duo.same(['TYPE', k])) as { status: string }).status;
      await duo.same(['OBJECT', 'ENCODING', k]);
      await duo.same(['TTL', k], ttlSign);
      const r = READ[type];
      if (r === undefined) continue;
      if (type === 'hash') await duo.same(r(k), sortedFlatPairs);
      else if (type === 'set') await duo.same(r(k), sortedArray);
      else await duo.same(r(k));
    }
  }
  await duo.same(['SELECT', '0']);
}

const sortedArray = (a: Buffer, b: Buffer, args: readonly Arg[]): void => {
  const v = (buf: Buffer): string[] => (parse(buf)[0] as string[]).slice().sort();
  assert.deepEqual(v(a), v(b), showArgs(args));
};

const sortedFlatPairs = (a: Buffer, b: Buffer, args: readonly Arg[]): void => {
  const pairs = (buf: Buffer): string[] => {
    const v = parse(buf)[0] as string[];
    const out: string[] = [];
    for (let i = 0; i < v.length; i += 2) out.push(JSON.stringify([v[i], v[i + 1]]));
    return out.sort();
  };
  assert.deepEqual(pairs(a), pairs(b), showArgs(args));
};

const ttlSign = (a: Buffer, b: Buffer, args: readonly Arg[]): void => {
  const sign = (buf: Buffer): number => Math.sign(Number(parse(buf)[0]));
  assert.equal(sign(a), sign(b), `${showArgs(args)}: ${show(a)} vs ${show(b)}`);
};

describe('randomized differential run (every data type, redis-server 7.0 as the reference)', () => {
  let d: Differential | null;
  let conns: Connection[] = [];
  let events: SubscriberPair;
  before(async () => {
    d = await Differential.start();
    if (d === null) return;
    const resp3 = await Duo.open(d);
    await resp3.same(['HELLO', '3'], (a, b) => assert.equal(a[0], b[0]));
    conns = [
      { name: 'RESP2', duo: Duo.main(d) },
      { name: 'RESP3', duo: resp3 },
    ];
    for (const [name, value] of CONFIG) await d.same(['CONFIG', 'SET', name, value]);
    events = await SubscriberPair.open(d);
    await events.same(['PSUBSCRIBE', '__key*__:*']);
  });
  after(async () => {
    conns[1]?.duo.close();
    events?.close();
    await d?.close();
  });

  const replay = envNumber('REDOUBT_SEED');
  const commands = envNumber('REDOUBT_RANDOM_COMMANDS');

  const run = async (seed: number, total: number): Promise<void> => {
    assert.ok(d !== null);
    console.log(`randomized differential run: seed ${seed}, ${total} commands`);
    await d.same(['FLUSHALL']);
    for (const c of conns) await c.duo.same(['SELECT', '0']);
    await randomRun(conns, events, seed, total);
    await compareKeyspaces(conns[0]?.duo as Duo);
  };

  it(`fixed seed: ${commands ?? FIXED_COMMANDS} commands${replay !== undefined ? ` (replaying seed ${replay})` : ''}`, async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await run(replay ?? FIXED_SEED, commands ?? FIXED_COMMANDS);
  });

  it('seed of the day', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    if (replay !== undefined) return t.skip('replaying one seed');
    const today = Number(new Date().toISOString().slice(0, 10).replace(/-/g, ''));
    await run(today, commands ?? DAILY_COMMANDS);
  });
});

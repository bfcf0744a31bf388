/**
 * BGSAVE without fork: the file a background save writes holds the keyspace
 * as it was when BGSAVE started, whatever clients write meanwhile (every
 * type, in-place changes, blocked clients served, EXEC, FLUSHDB, SWAPDB,
 * MOVE, COPY, RENAME, stream consumer groups), checked by loading it into a
 * real redis-server; the BGSAVE family's replies and errors compared with
 * redis-server; FLUSHALL and SHUTDOWN cancelling a save; failures reported in
 * INFO and the log with the old file left alone; MISCONF while the last save
 * failed; save points; the final save of SHUTDOWN and SIGTERM.
 *
 * Writes sent in the same packet as BGSAVE run in the same event-loop turn,
 * before the snapshot has written anything: they always hit keys it has not
 * reached, whatever the machine's speed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type SnapshotSink, startSnapshot } from '../src/persistence/point-in-time.js';
import { loadRdb } from '../src/persistence/rdb/loader.js';
import { BufferSource } from '../src/persistence/rdb/reader.js';
import { limitsOf } from '../src/store/types/limits.js';
import { crc64 } from '../src/util/crc64.js';
import { datasetCommands } from './helpers/dataset.js';
import { type Arg, encode, parse, RespConnection, type Value } from './helpers/resp.js';
import {
  ALLOW_ROOT,
  BIN,
  freePort,
  redisServerPath,
  spawnServer,
  startRedis,
  startRedoubt,
  startRedoubtProcess,
} from './helpers/servers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'redoubt-bgsave-'));
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Send all commands in one write and read every reply, in order. */
async function pipeline(c: RespConnection, cmds: readonly Arg[][]): Promise<Value[]> {
  c.writeRaw(Buffer.concat(cmds.map((cmd) => encode(cmd))));
  const out: Value[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(parse(await c.readFrame(30000))[0]);
  return out;
}

/** Pipeline in batches, failing on any error reply. */
async function run(c: RespConnection, cmds: readonly Arg[][]): Promise<void> {
  for (let i = 0; i < cmds.length; i += 1000) {
    const replies = await pipeline(c, cmds.slice(i, i + 1000));
    replies.forEach((r, j) => {
      if (r !== null && typeof r === 'object' && 'error' in r)
        throw new Error(`${String(cmds[i + j]?.[0])}: ${(r as { error: string }).error}`);
    });
  }
}

const infoField = (info: string, name: string): string | undefined =>
  new RegExp(`^${name}:(.*)\\r$`, 'm').exec(info)?.[1];

async function persistenceInfo(c: RespConnection): Promise<string> {
  return (await c.call('INFO', 'persistence')) as string;
}

/** Bounded wait until no background save runs (polling INFO; not a timing assertion). */
async function bgsaveFinished(c: RespConnection): Promise<string> {
  for (let i = 0; i < 3000; i++) {
    const info = await persistenceInfo(c);
    if (infoField(info, 'rdb_bgsave_in_progress') === '0') return info;
    await sleep(10);
  }
  throw new Error('BGSAVE did not finish');
}

/** Value commands by type: what a key holds, in a form comparable across servers. */
function valueCommand(type: string, key: string): Arg[][] {
  switch (type) {
    case 'string':
      return [['GET', key]];
    case 'list':
      return [['LRANGE', key, '0', '-1']];
    case 'set':
      return [['SMEMBERS', key]];
    case 'zset':
      return [['ZRANGE', key, '0', '-1', 'WITHSCORES']];
    case 'hash':
      return [['HGETALL', key]];
    case 'stream':
      // Entries, metadata and groups (PEL sizes, cursors), not consumer times.
      return [
        ['XRANGE', key, '-', '+'],
        ['XINFO', 'STREAM', key],
        ['XINFO', 'GROUPS', key],
      ];
    default:
      throw new Error(`type ${type}`);
  }
}

function normalize(type: string, v: Value[]): unknown {
  if (type === 'set') return (v[0] as string[]).slice().sort();
  if (type === 'hash') {
    const a = v[0] as string[];
    const pairs: string[] = [];
    for (let i = 0; i < a.length; i += 2) pairs.push(`${a[i]}=${a[i + 1]}`);
    return pairs.sort();
  }
  return v;
}

/** Every key of databases 0..dbs-1: type, encoding, absolute expiry, contents. Pipelined. */
async function snapshotOf(c: RespConnection, dbs = 16): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (let db = 0; db < dbs; db++) {
    await c.call('SELECT', String(db));
    const keys = ((await c.call('KEYS', '*')) as string[]).slice().sort();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const meta = await pipeline(
        c,
        chunk.flatMap((k) => [
          ['TYPE', k],
          ['OBJECT', 'ENCODING', k],
          ['PEXPIRETIME', k],
        ]),
      );
      const types = chunk.map((_, j) => (meta[j * 3] as { status: string }).status);
      const cmds = chunk.map((k, j) => valueCommand(types[j] as string, k));
      const values = await pipeline(c, cmds.flat());
      let at = 0;
      chunk.forEach((k, j) => {
        const n = (cmds[j] as Arg[][]).length;
        const type = types[j] as string;
        const encoding = meta[j * 3 + 1];
        out.set(`${db}:${k}`, {
          type,
          // A string changed in place is "raw" until a reload makes it "embstr", in Redis too.
          encoding: type === 'string' && encoding !== 'int' ? 'raw or embstr' : encoding,
          expire: meta[j * 3 + 2],
          value: normalize(type, values.slice(at, at + n)),
        });
        at += n;
      });
    }
  }
  await c.call('SELECT', '0');
  return out;
}

/** Start redis-server on the file in `dir` and read everything back. */
async function loadedByRedis(dir: string): Promise<Map<string, unknown>> {
  const redis = await startRedis(['--dir', dir]);
  assert.ok(redis !== null);
  try {
    const c = await RespConnection.open(redis.port);
    try {
      return await snapshotOf(c);
    } finally {
      c.close();
    }
  } finally {
    await redis.stop();
  }
}

function assertSameState(actual: Map<string, unknown>, expected: Map<string, unknown>): void {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  assert.deepEqual({ missing: missing.slice(0, 20), extra: extra.slice(0, 20) }, { missing: [], extra: [] });
  for (const [k, v] of expected) assert.deepEqual(actual.get(k), v, `key ${k}`);
}

const BULK = 40000;
const pad = (i: number): string => `${i}`.padStart(100, 'v');

/**
 * The dataset: every type and encoding (the RDB dataset), 40 000 100-byte
 * strings, collections of each type created after the bulk (late slots, so
 * the walk reaches them last), and keys in databases 1, 2, 3 and 9.
 */
function bigDataset(): Arg[][] {
  const cmds = datasetCommands();
  for (let i = 0; i < BULK; i++) cmds.push(['SET', `bulk:${i}`, pad(i)]);
  for (let i = 0; i < 20; i++) {
    cmds.push(['RPUSH', `late:list:${i}`, 'a', 'b', 'c', String(i)]);
    cmds.push(['HSET', `late:hash:${i}`, 'f', '1', 'g', 'x']);
    cmds.push(['SADD', `late:set:${i}`, '1', '2', '3']);
    cmds.push(['ZADD', `late:zset:${i}`, '1', 'a', '2', 'b']);
    cmds.push(['XADD', `late:stream:${i}`, '1-1', 'f', 'v']);
    cmds.push(['XGROUP', 'CREATE', `late:stream:${i}`, 'g', '0']);
    cmds.push(['SET', `late:str:${i}`, 'abc']);
    cmds.push(['SET', `late:int:${i}`, '10']);
    cmds.push(['SET', `late:bits:${i}`, 'bits']);
    cmds.push(['PFADD', `late:hll:${i}`, 'a', 'b']);
    cmds.push(['SET', `late:ttl:${i}`, 'v', 'PXAT', String(Date.now() + 86_400_000 * 365)]);
  }
  cmds.push(['RPUSH', 'late:bldst', 'old']);
  cmds.push(['SELECT', '1'], ['SET', 'swap:k', 'was-db1'], ['SET', 'only1', 'x']);
  cmds.push(['SELECT', '2'], ['SET', 'swap:k', 'was-db2'], ['RPUSH', 'only2', 'y']);
  cmds.push(['SELECT', '3'], ['SET', 'late:copydst', 'old-in-db3']);
  cmds.push(['SELECT', '9'], ['SET', 'nine:a', '1'], ['HSET', 'nine:h', 'f', 'v']);
  cmds.push(['SELECT', '0']);
  return cmds;
}

/** Writes of every kind, aimed at keys the snapshot has not reached. */
function hammer(round: number): Arg[][] {
  const cmds: Arg[][] = [];
  const i = round % 20;
  cmds.push(['APPEND', `late:str:${i}`, 'more'], ['SETRANGE', `late:str:${(i + 1) % 20}`, '1', 'ZZ']);
  cmds.push(['INCRBY', `late:int:${i}`, '5'], ['SETBIT', `late:bits:${i}`, '3', '1']);
  cmds.push(['LPUSH', `late:list:${i}`, 'new'], ['RPOP', `late:list:${(i + 2) % 20}`]);
  cmds.push(['LSET', `late:list:${(i + 3) % 20}`, '0', 'changed']);
  cmds.push(['HINCRBY', `late:hash:${i}`, 'f', '7'], ['HSET', `late:hash:${i}`, 'big', 'x'.repeat(100)]);
  cmds.push(['HDEL', `late:hash:${(i + 1) % 20}`, 'g']);
  cmds.push(['SADD', `late:set:${i}`, 'member-that-is-not-an-integer'], ['SPOP', `late:set:${(i + 1) % 20}`]);
  cmds.push(['ZINCRBY', `late:zset:${i}`, '3', 'a'], ['ZADD', `late:zset:${i}`, '9', 'c']);
  cmds.push(['XADD', `late:stream:${i}`, '*', 'f', 'new']);
  cmds.push([
    'XREADGROUP',
    'GROUP',
    'g',
    `c${round}`,
    'COUNT',
    '1',
    'STREAMS',
    `late:stream:${(i + 1) % 20}`,
    '>',
  ]);
  cmds.push(['XGROUP', 'CREATECONSUMER', `late:stream:${(i + 2) % 20}`, 'g', `x${round}`]);
  cmds.push(['XGROUP', 'SETID', `late:stream:${(i + 3) % 20}`, 'g', '$']);
  cmds.push(['XGROUP', 'CREATE', `late:stream:${(i + 4) % 20}`, `g${round}`, '0']);
  cmds.push(['XTRIM', `late:stream:${(i + 5) % 20}`, 'MAXLEN', '0']);
  cmds.push(['PFADD', `late:hll:${i}`, `e${round}`], ['PFCOUNT', `late:hll:${(i + 1) % 20}`]);
  cmds.push(['EXPIRE', `late:str:${(i + 2) % 20}`, '100000'], ['PERSIST', `late:ttl:${i}`]);
  cmds.push(['DEL', `bulk:${BULK - 1 - round}`], ['SET', `bulk:${BULK - 1 - round}`, 'reborn']);
  cmds.push(['SET', `new:${round}`, 'created during the save'], ['RPUSH', `new:list:${round}`, 'x']);
  cmds.push(['RENAME', `bulk:${BULK - 100 - round}`, `bulk:${BULK - 200 - round}`]);
  cmds.push(['MSET', `bulk:${BULK - 300 - round}`, 'm1', `bulk:${BULK - 301 - round}`, 'm2']);
  cmds.push(
    ['GETDEL', `bulk:${BULK - 400 - round}`],
    ['SORT', `late:list:${i}`, 'ALPHA', 'STORE', `bulk:${BULK - 500 - round}`],
  );
  cmds.push(['SUNIONSTORE', `late:set:${(i + 3) % 20}`, `late:set:${i}`, 'nothing']);
  cmds.push(
    ['MULTI'],
    ['INCR', `late:int:${(i + 1) % 20}`],
    ['LPUSH', `late:list:${(i + 4) % 20}`, 'tx'],
    ['EXEC'],
  );
  return cmds;
}

/** Writes that change whole databases, once. */
const DATABASE_WRITES: Arg[][] = [
  ['LPUSH', 'late:blsrc', 'served'],
  ['MOVE', 'late:str:19', '3'],
  ['COPY', 'late:hash:19', 'late:copydst', 'DB', '3', 'REPLACE'],
  ['SWAPDB', '1', '2'],
  ['SELECT', '1'],
  ['SET', 'swap:k', 'overwritten after the swap'],
  ['DEL', 'only2'],
  ['SELECT', '9'],
  ['FLUSHDB'],
  ['SET', 'nine:after', 'flush'],
  ['SELECT', '0'],
];

describe('BGSAVE consistency', () => {
  it('the file holds the keyspace as BGSAVE started while every kind of write hammers it', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      const r = await startRedoubt({ dir });
      const c = await RespConnection.open(r.port);
      const blocked = await RespConnection.open(r.port);
      let atStart: Map<string, unknown>;
      try {
        await run(c, bigDataset());
        atStart = await snapshotOf(c);
        // A client blocked on an absent list: serving it writes late:bldst.
        blocked.writeRaw(encode(['BLMOVE', 'late:blsrc', 'late:bldst', 'LEFT', 'RIGHT', '0']));
        for (let i = 0; i < 500; i++) {
          if (infoField((await c.call('INFO', 'clients')) as string, 'blocked_clients') === '1') break;
          await sleep(10);
        }
        const first = [['BGSAVE'], ...DATABASE_WRITES, ...hammer(0)];
        const replies = await pipeline(c, first);
        assert.deepEqual(replies[0], { status: 'Background saving started' });
        assert.equal(parse(await blocked.readFrame())[0], 'served');
        // More writes while it runs, however long that is.
        for (let round = 1; round < 40; round++) {
          if (infoField(await persistenceInfo(c), 'rdb_bgsave_in_progress') !== '1') break;
          await pipeline(c, hammer(round));
        }
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
        assert.ok(Number(infoField(info, 'rdb_last_cow_size')) > 0, 'writes were copied aside');
        // The writes happened.
        assert.equal(await c.call('GET', 'new:0'), 'created during the save');
        assert.deepEqual(await c.call('LRANGE', 'late:bldst', '0', '-1'), ['old', 'served']);
      } finally {
        c.close();
        blocked.close();
        await r.stop();
      }
      assert.equal(statSync(join(dir, 'dump.rdb')).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['dump.rdb']);
      assertSameState(await loadedByRedis(dir), atStart);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('FLUSHALL cancels a running BGSAVE and leaves the previous file as it was', async () => {
    const dir = tmp();
    try {
      // No save points: with them FLUSHALL would then save the empty dataset, as Redis does.
      const r = await startRedoubt({ dir, save: '' });
      const c = await RespConnection.open(r.port);
      try {
        await run(c, bigDataset().slice(0, 5000));
        assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
        const before = readFileSync(join(dir, 'dump.rdb'));
        await c.call('SET', 'more', '1');
        const replies = await pipeline(c, [['BGSAVE'], ['FLUSHALL'], ['DBSIZE']]);
        assert.deepEqual(replies, [{ status: 'Background saving started' }, { status: 'OK' }, 0]);
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
        // Nothing is written late by the canceled save: the next turns see only the old file.
        await c.call('PING');
        assert.deepEqual(readdirSync(dir), ['dump.rdb']);
        assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), before);
      } finally {
        c.close();
        await r.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The same commands to Redoubt and redis-server (both with save points and `dir`); replies compared. */
async function bothServers(
  extra: Record<string, string>,
  fn: (conns: RespConnection[], dirs: string[]) => Promise<void>,
): Promise<void> {
  const dirs = [tmp(), tmp()];
  const ours = await startRedoubt({ dir: dirs[0] as string, ...extra });
  const redisArgs = Object.entries(extra).flatMap(([k, v]) => [
    `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`,
    v,
  ]);
  const theirs = await startRedis(['--dir', dirs[1] as string, ...redisArgs]);
  assert.ok(theirs !== null);
  const conns = [await RespConnection.open(ours.port), await RespConnection.open(theirs.port)];
  try {
    await fn(conns, dirs);
  } finally {
    for (const c of conns) c.close();
    await ours.stop();
    await theirs.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** An RDB file past its magic and aux fields (ctime and used-mem differ between two saves), without the CRC. */
function afterAux(file: Buffer): Buffer {
  let p = 9;
  const skipString = (): void => {
    const b = file[p] as number;
    const len = b & 0x3f;
    if (b >> 6 === 0) p += 1 + len;
    else if (b >> 6 === 1) p += 2 + ((len << 8) | (file[p + 1] as number));
    else if (b >> 6 === 2) p += 5 + file.readUInt32BE(p + 1);
    else if (len <= 2)
      p += 1 + (1 << len); // integer-encoded: 1, 2 or 4 bytes
    else throw new Error('unexpected LZF aux field');
  };
  while (file[p] === 0xfa) {
    p++;
    skipString();
    skipString();
  }
  return file.subarray(p, file.length - 8);
}

describe('background snapshots encode on another thread', () => {
  it('BGSAVE writes the bytes SAVE writes (in-thread), with compression and checksum on or off', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, save: '' });
    const c = await RespConnection.open(r.port);
    try {
      await run(c, datasetCommands());
      await c.call('SELECT', '0');
      // Many keys (frames across many chunks), values LZF gives up on, and strings
      // longer than a frame chunk (256 KB) in both kinds.
      const noise = (n: number): Buffer => randomBytes(n);
      await run(
        c,
        Array.from({ length: 3000 }, (_, i) => [
          'SET',
          `k:${i}`,
          i % 2 === 0 ? noise(1024) : `value ${i} `.repeat(40),
        ]),
      );
      await run(c, [
        ['SET', 'huge:noise', noise(300_000)],
        ['SET', 'huge:text', 'lorem ipsum '.repeat(300_000)],
        ['HSET', 'huge:hash', 'f', noise(400_000), 'g', 'x'.repeat(400_000)],
      ]);
      const compare = async (conn: RespConnection, what: string, checksum: boolean): Promise<void> => {
        assert.deepEqual(await conn.call('SAVE'), { status: 'OK' });
        const inThread = readFileSync(join(dir, 'dump.rdb'));
        assert.deepEqual(await conn.call('BGSAVE'), { status: 'Background saving started' });
        assert.equal(infoField(await bgsaveFinished(conn), 'rdb_last_bgsave_status'), 'ok');
        const offloaded = readFileSync(join(dir, 'dump.rdb'));
        assert.ok(afterAux(offloaded).equals(afterAux(inThread)), what);
        const stored = offloaded.subarray(offloaded.length - 8);
        const want = checksum ? crc64(offloaded, 0, offloaded.length - 8) : Buffer.alloc(8);
        assert.ok(stored.equals(want), `${what}: checksum`);
        assert.deepEqual(readdirSync(dir), ['dump.rdb'], `${what}: no temporary file left`);
      };
      for (const compression of ['yes', 'no']) {
        assert.deepEqual(await c.call('CONFIG', 'SET', 'rdbcompression', compression), { status: 'OK' });
        await compare(c, `rdbcompression ${compression}`, true);
      }
      assert.deepEqual(await c.call('CONFIG', 'SET', 'rdbcompression', 'yes'), { status: 'OK' });
      assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
      const keys = await c.call('DBSIZE');
      // rdbchecksum is immutable: a second server loads the file and saves without one.
      const again = await startRedoubt({ dir, save: '', rdbchecksum: 'no' });
      const c2 = await RespConnection.open(again.port);
      try {
        assert.equal(await c2.call('DBSIZE'), keys);
        assert.equal(await c2.call('STRLEN', 'huge:text'), 12 * 300_000);
        await compare(c2, 'rdbchecksum no', false);
      } finally {
        c2.close();
        await again.stop();
      }
    } finally {
      c.close();
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('background snapshots of several servers in one process', () => {
  it('two embedded servers saving at once share the encoder thread: each file is its own, whole', async () => {
    const dirs = [tmp(), tmp()];
    const servers = await Promise.all(dirs.map((dir) => startRedoubt({ dir, save: '' })));
    const conns = await Promise.all(servers.map((r) => RespConnection.open(r.port)));
    try {
      // Several chunks each (1 KB values LZF cannot shrink), so their chunks interleave.
      for (const [i, c] of conns.entries())
        await run(
          c,
          Array.from({ length: 3000 }, (_, k) => ['SET', `s${i}:${k}`, randomBytes(1024)]),
        );
      const inThread: Buffer[] = [];
      for (const [i, c] of conns.entries()) {
        assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
        inThread.push(afterAux(readFileSync(join(dirs[i] as string, 'dump.rdb'))));
      }
      const started = await Promise.all(conns.map((c) => c.call('BGSAVE')));
      for (const r of started) assert.deepEqual(r, { status: 'Background saving started' });
      for (const c of conns) assert.equal(infoField(await bgsaveFinished(c), 'rdb_last_bgsave_status'), 'ok');
      for (const [i, dir] of dirs.entries()) {
        const file = readFileSync(join(dir, 'dump.rdb'));
        assert.ok(afterAux(file).equals(inThread[i] as Buffer), `server ${i}: the keys SAVE wrote`);
        assert.ok(
          file.subarray(file.length - 8).equals(crc64(file, 0, file.length - 8)),
          `server ${i}: checksum`,
        );
      }
    } finally {
      for (const c of conns) c.close();
      for (const r of servers) await r.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('BGSAVE commands as redis-server', () => {
  it('replies and errors: started, already in progress, SAVE refused meanwhile, syntax, EXEC schedules', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    await bothServers({ save: '3600 1' }, async (conns) => {
      for (const c of conns) await run(c, bigDataset().slice(0, 3000));
      const script: Arg[][] = [
        ['BGSAVE'],
        ['BGSAVE'],
        ['BGSAVE', 'SCHEDULE'],
        ['SAVE'],
        ['BGSAVE', 'now'],
        ['BGSAVE', 'SCHEDULE', 'x'],
      ];
      const replies = await Promise.all(conns.map((c) => pipeline(c, script)));
      assert.deepEqual(replies[0], replies[1]);
      assert.deepEqual(replies[0]?.slice(0, 2), [
        { status: 'Background saving started' },
        { error: 'ERR Background save already in progress' },
      ]);
      for (const c of conns) await bgsaveFinished(c);
      const tx = await Promise.all(conns.map((c) => pipeline(c, [['MULTI'], ['BGSAVE'], ['EXEC']])));
      assert.deepEqual(tx[0], tx[1]);
      assert.deepEqual(tx[0]?.[2], [{ status: 'Background saving scheduled' }]);
      // The cron starts the scheduled save; LASTSAVE moves on. Only BGSAVEs that started count.
      for (const c of conns) {
        for (let i = 0; i < 500; i++) {
          if (infoField(await persistenceInfo(c), 'rdb_saves') === '2') break;
          await sleep(20);
        }
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_saves'), '2');
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
        assert.equal(infoField(info, 'rdb_changes_since_last_save'), '0');
        assert.notEqual(infoField(info, 'rdb_last_bgsave_time_sec'), '-1');
        assert.ok(Math.abs(Number(await c.call('LASTSAVE')) - Date.now() / 1000) < 60);
      }
    });
  });

  it('a failed BGSAVE: status err in INFO, the log says why, MISCONF for writes (and PING), reads go on', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    await bothServers({ save: '3600 1' }, async (conns, dirs) => {
      for (const c of conns) await c.call('SET', 'k', 'v');
      // The file cannot take its place: a directory stands at its name.
      for (const d of dirs) mkdirSync(join(d, 'dump.rdb'));
      for (const c of conns) {
        assert.deepEqual(await c.call('BGSAVE'), { status: 'Background saving started' });
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'err');
      }
      assert.deepEqual(readdirSync(dirs[0] as string), ['dump.rdb'], 'no temporary file left');
      const script: Arg[][] = [
        ['SET', 'k', 'w'],
        ['PING'],
        ['GET', 'k'],
        ['DEL', 'k'],
        ['MULTI'],
        ['SET', 'a', 'b'],
        ['EXEC'],
        ['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no'],
        ['SET', 'k', 'x'],
        ['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'],
        ['CONFIG', 'SET', 'save', ''],
        ['SET', 'k', 'y'],
        ['CONFIG', 'SET', 'save', '3600 1'],
        ['INCR', 'n'],
      ];
      const raw = await Promise.all(
        conns.map(async (c) => {
          c.writeRaw(Buffer.concat(script.map((cmd) => encode(cmd))));
          const frames: string[] = [];
          for (let i = 0; i < script.length; i++) frames.push((await c.readFrame()).toString('latin1'));
          return frames;
        }),
      );
      assert.deepEqual(raw[0], raw[1]);
      assert.match(raw[0]?.[0] ?? '', /^-MISCONF Redis is configured to save RDB snapshots/);
      assert.equal(raw[0]?.[2], '$1\r\nv\r\n');
      // Once a save succeeds, writes are accepted again.
      for (const d of dirs) rmSync(join(d, 'dump.rdb'), { recursive: true });
      for (const c of conns) {
        await c.call('BGSAVE');
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
        assert.deepEqual(await c.call('SET', 'k', 'z'), { status: 'OK' });
      }
    });
  });

  it('a BGSAVE that cannot create its file fails the same way, and logs it', async () => {
    const parent = tmp();
    const dir = join(parent, 'data');
    mkdirSync(dir);
    const lines: string[] = [];
    try {
      const r = await startRedoubt({
        dir,
        save: '3600 1',
        log: { write: (l: string) => void lines.push(l) },
      });
      const c = await RespConnection.open(r.port);
      try {
        await c.call('SET', 'k', 'v');
        rmSync(dir, { recursive: true });
        assert.deepEqual(await c.call('BGSAVE'), { status: 'Background saving started' });
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'err');
        assert.equal(infoField(info, 'rdb_saves'), '1');
        assert.match(((await c.call('SET', 'k', 'w')) as { error: string }).error, /^MISCONF /);
        assert.ok(
          lines.some((l) => l.includes('Failed opening the temp RDB file')),
          lines.join(''),
        );
        assert.ok(
          lines.some((l) => l.includes('Background saving error')),
          lines.join(''),
        );
      } finally {
        c.close();
        await r.stop();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

/** A SnapshotSink in memory, as an AOF rewrite might provide its own. */
class MemorySnapshotSink implements SnapshotSink {
  readonly chunks: Buffer[] = [];
  closed = false;
  aborted = false;
  backlog = 0;
  write(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
  }
  drain(): Promise<void> {
    return Promise.resolve();
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  abort(): void {
    this.aborted = true;
  }
}

describe('the snapshot API (BGREWRITEAOF) and its interplay with BGSAVE', () => {
  it('an AOF-preamble snapshot into any sink; BGSAVE meanwhile is refused or scheduled, as with an AOF child', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir });
    const c = await RespConnection.open(r.port);
    try {
      await run(c, bigDataset().slice(0, 20000));
      const server = r.handle.server;
      const sink = new MemorySnapshotSink();
      let outcome: Error | null | undefined;
      const replies = await new Promise<Value[]>((resolve, reject) => {
        // Started from a command's turn, as BGREWRITEAOF would: the writes after it are not in it.
        startSnapshot(server, sink, { purpose: 'aof', aofBase: true, done: (err) => (outcome = err) });
        assert.throws(() =>
          startSnapshot(server, new MemorySnapshotSink(), { purpose: 'rdb', done: () => {} }),
        );
        pipeline(c, [
          ['BGSAVE'],
          ['BGSAVE', 'SCHEDULE'],
          ['SET', 'bulk:1', 'changed'],
          ['SET', 'new', 'key'],
        ]).then(resolve, reject);
      });
      assert.deepEqual(replies.slice(0, 2), [
        {
          error:
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        },
        { status: 'Background saving scheduled' },
      ]);
      for (let i = 0; i < 500 && outcome === undefined; i++) await sleep(10);
      assert.equal(outcome, null);
      assert.ok(sink.closed && !sink.aborted);
      const loaded = loadRdb(new BufferSource(Buffer.concat(sink.chunks)), {
        databases: 16,
        limits: limitsOf(server),
        verifyChecksum: true,
        evictionInfo: 'none',
        dropExpired: false,
      });
      assert.equal(loaded.aux.get('aof-base'), '1');
      const db0 = loaded.dbs.get(0);
      assert.equal(db0?.getString('bulk:1'), pad(1));
      assert.equal(db0?.exists('new'), false);
      // The scheduled BGSAVE runs once the snapshot is done.
      for (let i = 0; i < 500 && infoField(await persistenceInfo(c), 'rdb_saves') !== '1'; i++)
        await sleep(10);
      assert.equal(infoField(await bgsaveFinished(c), 'rdb_last_bgsave_status'), 'ok');
      // cancel(): the sink is aborted and `done` never called.
      const canceled = new MemorySnapshotSink();
      let called = false;
      startSnapshot(server, canceled, { purpose: 'aof', done: () => (called = true) }).cancel();
      assert.equal(server.snapshot, null);
      await c.call('PING');
      assert.ok(canceled.aborted && !canceled.closed && !called);
    } finally {
      c.close();
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a write that fails half-way', () => {
  it('leaves the previous file in place and no temporary file (file size limit: EFBIG mid-write)', async () => {
    const dir = tmp();
    try {
      const port = await freePort();
      // RLIMIT_FSIZE of 100 KB (dash counts 512-byte blocks), SIGXFSZ ignored: writes past it fail with EFBIG.
      const p = await spawnServer(
        '/bin/sh',
        [
          '-c',
          'trap "" XFSZ; ulimit -f 200; exec "$@"',
          'sh',
          join(BIN, 'redoubt-server'),
          '--dir',
          dir,
          '--save',
          '3600 1',
          '--port',
          String(port),
          ...ALLOW_ROOT,
        ],
        port,
      );
      const c = await RespConnection.open(port);
      try {
        await c.call('SET', 'small', 'dataset');
        assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
        const good = readFileSync(join(dir, 'dump.rdb'));
        await run(
          c,
          Array.from({ length: 300 }, (_, i) => ['SET', `big:${i}`, randomBytes(1000)]),
        );
        assert.deepEqual(await c.call('BGSAVE'), { status: 'Background saving started' });
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'err');
        assert.match(p.output(), /Write error saving DB on disk .*EFBIG/);
        assert.match(p.output(), /Background saving error/);
        assert.deepEqual(readdirSync(dir), ['dump.rdb']);
        assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), good);
        assert.match(((await c.call('SET', 'k', 'v')) as { error: string }).error, /^MISCONF /);
      } finally {
        c.close();
        await p.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('save points, SHUTDOWN and signals', () => {
  it('a save point starts a BGSAVE; its file loads in redis-server', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    const dir = tmp();
    const lines: string[] = [];
    try {
      const r = await startRedoubt({ dir, save: '1 3', log: { write: (l: string) => void lines.push(l) } });
      const c = await RespConnection.open(r.port);
      let expected: Map<string, unknown>;
      try {
        await run(c, [
          ['SET', 'a', '1'],
          ['RPUSH', 'b', 'x', 'y'],
          ['HSET', 'c', 'f', 'v'],
        ]);
        expected = await snapshotOf(c);
        for (let i = 0; i < 500 && infoField(await persistenceInfo(c), 'rdb_saves') !== '1'; i++)
          await sleep(20);
        const info = await bgsaveFinished(c);
        assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
        assert.equal(infoField(info, 'rdb_changes_since_last_save'), '0');
      } finally {
        c.close();
        await r.stop();
      }
      assert.ok(
        lines.some((l) => l.includes('3 changes in 1 seconds. Saving...')),
        lines.join(''),
      );
      assert.ok(
        lines.some((l) => l.includes('Background saving terminated with success')),
        lines.join(''),
      );
      assertSameState(await loadedByRedis(dir), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM saves when save points are set; SHUTDOWN kills a running BGSAVE and saves; NOSAVE does not', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      // SIGTERM with save points: the final save.
      let p = await startRedoubtProcess(['--dir', dir, '--save', '3600 1']);
      let c = await RespConnection.open(p.port);
      await run(c, [
        ['SET', 'sig', 'term'],
        ['RPUSH', 'l', '1', '2'],
      ]);
      c.close();
      process.kill(p.pid, 'SIGTERM');
      assert.equal(await p.exited, 0);
      assert.match(p.output(), /Saving the final RDB snapshot before exiting\./);
      assert.deepEqual([...(await loadedByRedis(dir)).keys()].sort(), ['0:l', '0:sig']);

      // SHUTDOWN while a BGSAVE runs: it is killed, the final save has everything.
      p = await startRedoubtProcess(['--dir', dir, '--save', '3600 1']);
      c = await RespConnection.open(p.port);
      await run(c, bigDataset().slice(0, 20000));
      c.writeRaw(Buffer.concat([encode(['SET', 'last', 'write']), encode(['BGSAVE']), encode(['SHUTDOWN'])]));
      assert.equal(await p.exited, 0);
      c.close();
      assert.match(p.output(), /There is a child saving an \.rdb\. Killing it!/);
      const loaded = await loadedByRedis(dir);
      assert.ok(loaded.has('0:last'));
      assert.deepEqual(readdirSync(dir), ['dump.rdb']);

      // SIGTERM when the save fails: the server stays up; SHUTDOWN NOSAVE then stops it.
      rmSync(join(dir, 'dump.rdb'));
      p = await startRedoubtProcess(['--dir', dir, '--save', '3600 1']);
      mkdirSync(join(dir, 'dump.rdb'));
      process.kill(p.pid, 'SIGTERM');
      c = await RespConnection.open(p.port);
      for (let i = 0; i < 500 && !p.output().includes('errors trying to shut down'); i++) await sleep(10);
      assert.match(p.output(), /SIGTERM received but errors trying to shut down the server/);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      c.writeRaw(encode(['SHUTDOWN', 'NOSAVE']));
      assert.equal(await p.exited, 0);
      c.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The AOF against redis-server 7.0: the incremental file a scripted workload
 * leaves (every propagated form: absolute expiries, INCRBYFLOAT as SET
 * KEEPTTL, blocking pops as their non-blocking forms, GEOADD as ZADD, XADD
 * IDs, MULTI/EXEC wrapping, SELECT) compared with Redis's byte for byte once
 * timestamps are normalized; Redoubt's AOF directory loaded by redis-server
 * and Redis's by Redoubt with identical contents; redis-check-aof accepting
 * our files; torn tails at every offset of the last command; corrupt files
 * refused; BGREWRITEAOF keeping every write; file modes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { rewriteFinished } from './helpers/aof.js';
import { populate, walk } from './helpers/dataset.js';
import type { Arg } from './helpers/resp.js';
import { RespConnection } from './helpers/resp.js';
import { BIN, redisServerPath, startRedis, startRedoubt } from './helpers/servers.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'redoubt-aof-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const AOF_ON = { appendonly: 'yes', save: '' } as const;

async function withConn<T>(port: number, fn: (c: RespConnection) => Promise<T>): Promise<T> {
  const c = await RespConnection.open(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** The commands of an AOF file as arrays (annotations kept as `#...` strings). */
function parseAof(buf: Buffer): string[][] {
  const out: string[][] = [];
  let i = 0;
  const line = (): string => {
    const j = buf.indexOf('\r\n', i);
    const s = buf.latin1Slice(i, j);
    i = j + 2;
    return s;
  };
  while (i < buf.length) {
    if (buf[i] === 0x23) {
      out.push([line()]);
      continue;
    }
    const n = Number(line().slice(1));
    const argv: string[] = [];
    for (let k = 0; k < n; k++) {
      const len = Number(line().slice(1));
      argv.push(buf.latin1Slice(i, i + len));
      i += len + 2;
    }
    out.push(argv);
  }
  return out;
}

/** Millisecond timestamps (PXAT, PEXPIREAT, XADD IDs) are the only thing two runs may differ in. */
const normalize = (cmds: string[][]): string[] =>
  cmds.map((a) => a.join(' ').replace(/\b1[0-9]{12}(-[0-9]+)?\b/g, 'T'));

function incrFile(dir: string): Buffer {
  const aofDir = join(dir, 'appendonlydir');
  const name = readdirSync(aofDir).find((f) => f.endsWith('.incr.aof')) as string;
  return readFileSync(join(aofDir, name));
}

/** Every propagated form Redis 7.0 writes deterministically (SPOP count and consumer groups are checked apart). */
const WORKLOAD: Arg[][] = [
  ['SET', 's1', 'v'],
  ['SET', 's2', 'v', 'EX', '100'],
  ['SET', 's3', 'v', 'PX', '100000', 'NX'],
  ['SET', 's4', 'v', 'EXAT', '4000000000'],
  ['SET', 's5', 'v', 'PXAT', '4000000000000', 'GET'],
  ['SET', 's1', 'w', 'KEEPTTL'],
  ['SET', 's1', 'x', 'NX'],
  ['SETEX', 's6', '100', 'v'],
  ['PSETEX', 's7', '100000', 'v'],
  ['SETNX', 's8', 'v'],
  ['GETSET', 's8', 'w'],
  ['GETDEL', 's8'],
  ['GETDEL', 's8'],
  ['GETEX', 's2', 'EX', '200'],
  ['GETEX', 's2', 'PERSIST'],
  ['GETEX', 's2', 'PXAT', '1'],
  ['MSET', 'm1', '1', 'm2', '2'],
  ['MSETNX', 'm1', '1', 'm3', '3'],
  ['APPEND', 's1', 'z'],
  ['SETRANGE', 's1', '5', 'q'],
  ['INCR', 'n'],
  ['INCRBY', 'n', '5'],
  ['DECRBY', 'n', '2'],
  ['INCRBYFLOAT', 'n', '1.5'],
  ['INCRBYFLOAT', 'fl', '3.0e3'],
  ['EXPIRE', 'n', '100'],
  ['PEXPIRE', 'n', '100000', 'NX'],
  ['EXPIREAT', 'n', '4000000000'],
  ['pexpireat', 'n', '4000000000000'],
  ['EXPIRE', 'n', '100', 'GT'],
  ['PERSIST', 'n'],
  ['PERSIST', 'n'],
  ['EXPIRE', 'm1', '-1'],
  ['PEXPIREAT', 'm2', '1'],
  ['EXPIRE', 'nokey', '10'],
  ['SETBIT', 'b', '7', '1'],
  ['BITOP', 'OR', 'bo', 'b', 'b'],
  ['DEL', 'nokey'],
  ['DEL', 's6', 's7'],
  ['RENAME', 's4', 's4b'],
  ['COPY', 's4b', 's4c'],
  ['MOVE', 's4c', '2'],
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['HSETNX', 'h', 'a', '9'],
  ['HINCRBYFLOAT', 'h', 'b', '0.5'],
  ['HDEL', 'h', 'zz'],
  ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
  ['LPUSHX', 'nol', 'y'],
  ['RPOP', 'l', '2'],
  ['LTRIM', 'l', '0', '10'],
  ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
  ['LMPOP', '2', 'nol', 'l', 'LEFT', 'COUNT', '1'],
  ['RPUSH', 'l', '1', '2', '3', '4', '5', '6'],
  ['BLPOP', 'l', '0'],
  ['BRPOP', 'l', '0'],
  ['blmove', 'l', 'l2', 'right', 'LEFT', '0'],
  ['BRPOPLPUSH', 'l2', 'l', '0'],
  ['BLMPOP', '0', '1', 'l2', 'RIGHT', 'COUNT', '20'],
  ['SADD', 'st', 'a', 'b', 'c'],
  ['SPOP', 'st', '10'],
  ['SADD', 'st1', 'only'],
  ['SPOP', 'st1'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
  ['ZADD', 'z', '1', 'a'],
  ['ZINCRBY', 'z', '1', 'a'],
  ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1'],
  ['BZPOPMIN', 'z', '0'],
  ['BZPOPMAX', 'z', '0'],
  ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '10'],
  ['PFADD', 'hll', 'a', 'b'],
  ['PFCOUNT', 'hll'],
  ['PFCOUNT', 'hll'],
  ['PFADD', 'hll', 'c'],
  ['PFCOUNT', 'hll'],
  ['GEOADD', 'g', '13.3', '38.1', 'p1', '15.0', '37.5', 'p2'],
  ['XADD', 'x', '1-1', 'f', 'v'],
  ['XADD', 'x', '*', 'f', 'v'],
  ['XADD', 'x', 'MAXLEN', '~', '1', '*', 'f', 'v'],
  ['XSETID', 'x', '999999999999999-0'],
  ['SELECT', '3'],
  ['SET', 'd3', 'v'],
  ['SELECT', '0'],
  ['SWAPDB', '0', '5'],
  ['SWAPDB', '0', '5'],
  ['MULTI'],
  ['SET', 't1', '1'],
  ['GET', 't1'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 't1', '1'],
  ['INCR', 't1'],
  ['EXEC'],
  ['MULTI'],
  ['GET', 't1'],
  ['EXEC'],
  ['SELECT', '3'],
  ['FLUSHDB'],
  ['FLUSHALL'],
];

/** Consumer groups: deliveries and claims recorded as XCLAIM ... FORCE JUSTID, NOACK reads as XGROUP SETID. */
const STREAM_WORKLOAD: Arg[][] = [
  ['XADD', 'gx', '1-1', 'f', 'v'],
  ['XADD', 'gx', '2-1', 'f', 'v'],
  ['XADD', 'gx', '3-1', 'f', 'v'],
  ['XGROUP', 'CREATE', 'gx', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 'gx', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 'gx', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c2', 'NOACK', 'COUNT', '1', 'STREAMS', 'gx', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'c3', 'STREAMS', 'gx', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'c3', 'STREAMS', 'gx', '>'],
  ['XDEL', 'gx', '3-1'],
  ['XCLAIM', 'gx', 'g', 'c4', '0', '1-1', '3-1', '9-9'],
  ['XCLAIM', 'gx', 'g', 'c4', '0', '1-1', 'LASTID', '5-0'],
  ['XCLAIM', 'gx', 'g', 'c4', '0', '1-1', 'JUSTID'],
  ['XAUTOCLAIM', 'gx', 'g', 'c5', '0', '0', 'COUNT', '10'],
  ['XACK', 'gx', 'g', '1-1'],
  ['XAUTOCLAIM', 'gx', 'g', 'c5', '0', '0'],
  ['XGROUP', 'CREATECONSUMER', 'gx', 'g', 'c9'],
  ['XGROUP', 'DELCONSUMER', 'gx', 'g', 'c9'],
  ['XGROUP', 'SETID', 'gx', 'g', '0'],
];

/** Approximate trims (whole nodes of 100 entries) recorded as the exact trim they amounted to. */
const TRIM_WORKLOAD: Arg[][] = [
  ...Array.from({ length: 300 }, (_, i) => ['XADD', 'tx', `${i + 1}-1`, 'f', 'v']),
  ['XTRIM', 'tx', 'MAXLEN', '~', '150'],
  ['XTRIM', 'tx', 'MAXLEN', '~', '150'],
  ['XTRIM', 'tx', 'MINID', '~', '250'],
  ['XADD', 'tx', 'MINID', '~', '280', '*', 'f', 'v'],
  ['XTRIM', 'tx', 'MAXLEN', '~', '10', 'LIMIT', '100'],
  ['XTRIM', 'tx', 'MAXLEN', '=', '5'],
];

/**
 * The workload without FLUSHDB/FLUSHALL (something must be left to compare)
 * and without an INCRBYFLOAT whose result looks like an integer: recorded as
 * SET, it loads as an "int" where the live value is an "embstr", in Redis too.
 */
const LOADABLE = [
  ...WORKLOAD.filter((c) => c[0] !== 'FLUSHALL' && c[0] !== 'FLUSHDB' && c[1] !== 'fl'),
  ...STREAM_WORKLOAD,
];

async function runWorkload(port: number, cmds: readonly Arg[][]): Promise<void> {
  await withConn(port, async (c) => {
    for (const cmd of cmds) await c.call(...cmd);
  });
}

const haveRedis = redisServerPath() !== null;

describe('AOF propagation (differential with redis-server 7.0)', { skip: !haveRedis }, () => {
  it('writes the same incremental file for every propagated form', async () => {
    const ours = tmp();
    const theirs = tmp();
    const r = await startRedoubt({ dir: ours, ...AOF_ON });
    const redis = await startRedis(['--dir', theirs, '--appendonly', 'yes']);
    assert.ok(redis);
    try {
      await runWorkload(r.port, [...WORKLOAD, ...STREAM_WORKLOAD, ...TRIM_WORKLOAD]);
      await runWorkload(redis.port, [...WORKLOAD, ...STREAM_WORKLOAD, ...TRIM_WORKLOAD]);
      // INFO persistence has Redis's fields, in its order, with the AOF on.
      const fields = async (port: number) =>
        ((await withConn(port, (c) => c.call('INFO', 'persistence'))) as string)
          .split('\r\n')
          .map((l) => l.split(':')[0]);
      assert.deepEqual(await fields(r.port), await fields(redis.port));
    } finally {
      await r.stop();
      await redis.stop().catch(() => {});
    }
    assert.deepEqual(normalize(parseAof(incrFile(ours))), normalize(parseAof(incrFile(theirs))));
  });

  it('records RESTORE with an absolute TTL, and as DEL when it only deleted', async () => {
    const ours = tmp();
    const theirs = tmp();
    const r = await startRedoubt({ dir: ours, ...AOF_ON });
    const redis = await startRedis(['--dir', theirs, '--appendonly', 'yes']);
    assert.ok(redis);
    try {
      await runWorkload(r.port, [['SET', 'src', 'v']]);
      const payload = (await withConn(r.port, (c) => c.call('DUMP', 'src'))) as string;
      const cmds: Arg[][] = [
        ['SET', 'src', 'v'],
        ['RESTORE', 'r1', '100000', Buffer.from(payload, 'latin1')],
        ['restore', 'r2', '0', Buffer.from(payload, 'latin1')],
        ['RESTORE', 'r3', '4000000000000', Buffer.from(payload, 'latin1'), 'ABSTTL'],
        ['RESTORE', 'r1', '1', Buffer.from(payload, 'latin1'), 'ABSTTL', 'REPLACE'],
        ['RESTORE', 'r9', '1', Buffer.from(payload, 'latin1'), 'ABSTTL'],
      ];
      await runWorkload(r.port, cmds.slice(1));
      await runWorkload(redis.port, cmds);
    } finally {
      await r.stop();
      await redis.stop();
    }
    assert.deepEqual(normalize(parseAof(incrFile(ours))), normalize(parseAof(incrFile(theirs))));
  });

  it('records lazy expiry as DEL before the command that found the key expired (MULTI/EXEC when both write)', async () => {
    const ours = tmp();
    const theirs = tmp();
    const r = await startRedoubt({ dir: ours, ...AOF_ON, 'enable-debug-command': 'yes' });
    const redis = await startRedis(['--dir', theirs, '--appendonly', 'yes', '--enable-debug-command', 'yes']);
    assert.ok(redis);
    const setup: Arg[][] = [
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'e1', 'v', 'PX', '1'],
      ['SET', 'e2', 'v', 'PX', '1'],
      ['SET', 'e3', 'v', 'PX', '1'],
      ['RPUSH', 'e4', 'v'],
      // Not 1 ms: Redis 7.0 may turn PEXPIRE 1 into a DEL when a millisecond
      // ticks between its two clock reads.
      ['PEXPIRE', 'e4', '3'],
    ];
    const after: Arg[][] = [
      ['GET', 'e1'],
      ['SET', 'e2', 'w'],
      ['MULTI'],
      ['SET', 'a', 'b'],
      ['GET', 'e3'],
      ['EXEC'],
      ['RPUSH', 'e4', 'x'],
    ];
    try {
      for (const port of [r.port, redis.port]) {
        await runWorkload(port, setup);
        // Every key has expired (nothing is asserted on time: the keys are only read after).
        await new Promise((res) => setTimeout(res, 20));
        await runWorkload(port, after);
      }
    } finally {
      await r.stop();
      await redis.stop();
    }
    assert.deepEqual(normalize(parseAof(incrFile(ours))), normalize(parseAof(incrFile(theirs))));
  });

  it('records active expiry as DEL', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r.port, async (c) => {
        await c.call('SET', 'k', 'v', 'PX', '1');
        // Bounded: the active cycle runs hz (10) times a second.
        for (let i = 0; i < 500 && (await c.call('DBSIZE')) !== 0; i++)
          await new Promise((res) => setTimeout(res, 10));
        assert.equal(await c.call('DBSIZE'), 0);
      });
    } finally {
      await r.stop();
    }
    assert.deepEqual(normalize(parseAof(incrFile(dir))), ['SELECT 0', 'SET k v PXAT T', 'DEL k']);
  });

  it('rewrites automatically past auto-aof-rewrite-percentage and -min-size', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON, 'auto-aof-rewrite-min-size': '4kb' });
    try {
      await withConn(r.port, async (c) => {
        for (let i = 0; i < 100; i++) await c.call('SET', `k${i}`, 'x'.repeat(100));
        let info = '';
        for (let i = 0; i < 500 && !/aof_rewrites:[1-9]/.test(info); i++) {
          await new Promise((res) => setTimeout(res, 10));
          info = (await c.call('INFO', 'persistence')) as string;
        }
        assert.match(info, /aof_rewrites:[1-9]/);
        await rewriteFinished(c);
      });
    } finally {
      await r.stop();
    }
    const r2 = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r2.port, async (c) => assert.equal(await c.call('DBSIZE'), 100));
    } finally {
      await r2.stop();
    }
  });

  it('records SPOP as SREM of exactly the members popped, in one transaction', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON });
    let popped: string[] = [];
    try {
      await withConn(r.port, async (c) => {
        await c.call('SADD', 'st', 'a', 'b', 'c', 'd', 'e', 'f');
        popped = (await c.call('SPOP', 'st', '2')) as string[];
      });
    } finally {
      await r.stop();
    }
    const cmds = parseAof(incrFile(dir)).map((a) => a.join(' '));
    assert.deepEqual(cmds.slice(2, 3), ['MULTI']);
    assert.deepEqual(cmds.slice(3, 5).sort(), popped.map((m) => `SREM st ${m}`).sort());
    assert.deepEqual(cmds.slice(5), ['EXEC']);
  });

  it('records a blocked pop served later as its non-blocking form', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON });
    try {
      const waiter = await RespConnection.open(r.port);
      const pending = waiter.call('BLMOVE', 'q', 'dst', 'left', 'right', '0');
      await withConn(r.port, async (c) => {
        // Bounded: the waiter is blocked once CLIENT LIST shows it.
        for (let i = 0; i < 200; i++) {
          const list = (await c.call('CLIENT', 'LIST')) as string;
          if (list.includes('cmd=blmove')) break;
          await new Promise((res) => setTimeout(res, 5));
        }
        await c.call('RPUSH', 'q', 'a', 'b');
      });
      assert.equal(await pending, 'a');
      waiter.close();
    } finally {
      await r.stop();
    }
    const cmds = parseAof(incrFile(dir)).map((a) => a.join(' '));
    assert.deepEqual(cmds, ['SELECT 0', 'RPUSH q a b', 'LMOVE q dst left right']);
  });
});

describe('AOF files between Redoubt and redis-server', { skip: !haveRedis }, () => {
  it("loads Redoubt's AOF in redis-server and Redis's in Redoubt with identical contents", async () => {
    for (const preamble of ['yes', 'no']) {
      const ours = tmp();
      const r = await startRedoubt({ dir: ours, ...AOF_ON, 'aof-use-rdb-preamble': preamble });
      let expected: Record<string, unknown>;
      try {
        await withConn(r.port, populate);
        // Half in the base (rewrite), half in the incremental file.
        await withConn(r.port, async (c) => {
          await c.call('BGREWRITEAOF');
          await rewriteFinished(c);
        });
        await runWorkload(r.port, LOADABLE);
        expected = await withConn(r.port, (c) => walk(c));
      } finally {
        await r.stop();
      }
      const check = spawnSync('redis-check-aof', [join(ours, 'appendonlydir', 'appendonly.aof.manifest')], {
        encoding: 'utf8',
      });
      assert.equal(check.status, 0, check.stdout);
      const theirsDir = tmp();
      cpSync(ours, theirsDir, { recursive: true });
      const redis = await startRedis(['--dir', theirsDir, '--appendonly', 'yes']);
      assert.ok(redis);
      try {
        assert.deepEqual(await withConn(redis.port, (c) => walk(c)), expected, `preamble ${preamble}`);
        await runWorkload(redis.port, [['SET', 'from-redis', '1'], ['BGREWRITEAOF']]);
        await new Promise((res) => setTimeout(res, 300));
        await runWorkload(redis.port, [['RPUSH', 'after-rewrite', 'x']]);
      } finally {
        await redis.stop();
      }
      // What redis-server itself loads from its files (a live string may be "raw" where a loaded one is "embstr").
      const reloaded = await startRedis(['--dir', theirsDir, '--appendonly', 'yes']);
      assert.ok(reloaded);
      try {
        expected = await withConn(reloaded.port, (c) => walk(c));
      } finally {
        await reloaded.stop();
      }
      const back = await startRedoubt({ dir: theirsDir, ...AOF_ON });
      try {
        assert.deepEqual(await withConn(back.port, (c) => walk(c)), expected);
      } finally {
        await back.stop();
      }
    }
  });
});

describe('AOF loading', () => {
  /** A directory whose AOF holds SET k0..k4 and then `tail`. */
  async function aofWith(
    tail: Arg[],
  ): Promise<{ dir: string; incr: string; size: number; lastStart: number }> {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON, 'aof-use-rdb-preamble': 'no' });
    try {
      await runWorkload(r.port, [...[0, 1, 2, 3, 4].map((i) => ['SET', `k${i}`, 'v']), tail]);
    } finally {
      await r.stop();
    }
    const aofDir = join(dir, 'appendonlydir');
    const incr = join(aofDir, readdirSync(aofDir).find((f) => f.endsWith('.incr.aof')) as string);
    const size = statSync(incr).size;
    const data = readFileSync(incr);
    return { dir, incr, size, lastStart: data.lastIndexOf('*3\r\n') };
  }

  it('cuts a torn tail at every offset of the last command with aof-load-truncated yes, refuses it with no', async () => {
    const { dir, incr, size, lastStart } = await aofWith(['SET', 'last', 'value']);
    const whole = readFileSync(incr);
    for (let cut = lastStart + 1; cut < size; cut++) {
      writeFileSync(incr, whole.subarray(0, cut));
      await assert.rejects(
        startRedoubt({ dir, ...AOF_ON, 'aof-load-truncated': 'no' }),
        /Unexpected end of file reading the append only file .* at offset \d+/,
      );
      const r = await startRedoubt({ dir, ...AOF_ON });
      try {
        await withConn(r.port, async (c) => {
          assert.equal(await c.call('DBSIZE'), 5, `cut at ${cut}`);
          assert.equal(await c.call('EXISTS', 'last'), 0);
        });
      } finally {
        await r.stop();
      }
      assert.equal(statSync(incr).size, lastStart, 'the file is cut at the last complete command');
      writeFileSync(incr, whole);
    }
  });

  it('refuses a corrupt file with the offset and reason', async () => {
    const { dir, incr, lastStart } = await aofWith(['SET', 'last', 'value']);
    const data = readFileSync(incr);
    data[lastStart + 4] = 0x58; // '$' of the first argument becomes 'X'
    writeFileSync(incr, data);
    await assert.rejects(
      startRedoubt({ dir, ...AOF_ON }),
      new RegExp(
        `Bad file format reading the append only file .*offset ${lastStart + 4}: Expected prefix '\\$', got: 'X'`,
      ),
    );
  });

  it('drops a MULTI cut by the end of the file', async () => {
    const { dir, incr } = await aofWith(['SET', 'x', '1']);
    const whole = readFileSync(incr);
    writeFileSync(
      incr,
      Buffer.concat([whole, Buffer.from('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$1\r\n1\r\n')]),
    );
    const r = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r.port, async (c) => assert.equal(await c.call('EXISTS', 'y'), 0));
    } finally {
      await r.stop();
    }
    assert.equal(statSync(incr).size, whole.length);
  });

  it('loads an old single-file appendonly.aof with an RDB preamble and a command tail', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, save: '' });
    try {
      await withConn(r.port, async (c) => {
        await c.call('RPUSH', 'list', 'a', 'b');
        await c.call('SAVE');
      });
    } finally {
      await r.stop();
    }
    const rdb = readFileSync(join(dir, 'dump.rdb'));
    rmSync(join(dir, 'dump.rdb'));
    const tail = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$1\r\nc\r\n';
    writeFileSync(join(dir, 'appendonly.aof'), Buffer.concat([rdb, Buffer.from(tail)]));
    const r2 = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r2.port, async (c) =>
        assert.deepEqual(await c.call('LRANGE', 'list', '0', '-1'), ['a', 'b', 'c']),
      );
    } finally {
      await r2.stop();
    }
  });

  it('upgrades an old single-file appendonly.aof', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'appendonly.aof'), '*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n');
    const r = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r.port, async (c) => assert.equal(await c.call('GET', 'old'), '1'));
    } finally {
      await r.stop();
    }
    assert.equal(
      readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'),
      'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
  });
});

describe('AOF files and rewrite', () => {
  it('keeps every write across BGREWRITEAOF, with 0600 files in a 0700 directory', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r.port, async (c) => {
        for (let i = 0; i < 300; i++) {
          await c.call('SET', `k${i}`, String(i));
          if (i % 100 === 50) {
            assert.deepEqual(await c.call('BGREWRITEAOF'), {
              status: 'Background append only file rewriting started',
            });
            // A second one while the first runs is refused, as Redis.
            const again = await c.call('BGREWRITEAOF');
            if (typeof again === 'object' && again !== null && 'error' in again)
              assert.equal(again.error, 'ERR Background append only file rewriting already in progress');
            await rewriteFinished(c);
          }
        }
        const info = (await c.call('INFO', 'persistence')) as string;
        assert.match(info, /aof_enabled:1/);
        assert.match(info, /aof_rewrites:3/);
      });
    } finally {
      await r.stop();
    }
    const aofDir = join(dir, 'appendonlydir');
    assert.equal(statSync(aofDir).mode & 0o777, 0o700);
    const files = readdirSync(aofDir).sort();
    assert.deepEqual(files, [
      'appendonly.aof.4.base.rdb',
      'appendonly.aof.4.incr.aof',
      'appendonly.aof.manifest',
    ]);
    for (const f of files) assert.equal(statSync(join(aofDir, f)).mode & 0o777, 0o600, f);
    const r2 = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r2.port, async (c) => {
        assert.equal(await c.call('DBSIZE'), 300);
        assert.equal(await c.call('GET', 'k299'), '299');
      });
    } finally {
      await r2.stop();
    }
  });

  it('CONFIG SET appendonly yes creates the base from the dataset', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, save: '' });
    try {
      await withConn(r.port, async (c) => {
        await c.call('SET', 'before', '1');
        assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), { status: 'OK' });
        await c.call('SET', 'after', '2');
        await rewriteFinished(c);
      });
    } finally {
      await r.stop();
    }
    const r2 = await startRedoubt({ dir, ...AOF_ON });
    try {
      await withConn(r2.port, async (c) => {
        assert.equal(await c.call('GET', 'before'), '1');
        assert.equal(await c.call('GET', 'after'), '2');
      });
    } finally {
      await r2.stop();
    }
  });
});

describe('redoubt check-aof (differential with redis-check-aof)', { skip: !haveRedis }, () => {
  const run = (bin: string, args: string[], input = ''): string => {
    const r = spawnSync(bin, args, { encoding: 'latin1', input });
    return `${r.stdout}${r.stderr}exit=${r.status}`;
  };
  const ours = (args: string[], input?: string): string =>
    run(join(BIN, 'redoubt'), ['check-aof', ...args], input);
  const theirs = (args: string[], input?: string): string => run('redis-check-aof', args, input);

  it('reports valid, torn, corrupt and unfinished files word for word', async () => {
    const dir = tmp();
    const r = await startRedoubt({ dir, ...AOF_ON, 'aof-timestamp-enabled': 'yes' });
    try {
      await runWorkload(r.port, LOADABLE);
    } finally {
      await r.stop();
    }
    const manifest = join(dir, 'appendonlydir', 'appendonly.aof.manifest');
    assert.equal(ours([manifest]), theirs([manifest]));
    const whole = incrFile(dir);
    assert.match(whole.latin1Slice(0, 20), /^#TS:\d+\r\n/);
    const file = join(tmp(), 'single.aof');
    const cases: Buffer[] = [whole];
    // Torn at every offset of the last command.
    const from = whole.lastIndexOf('*');
    for (let cut = from; cut < whole.length; cut++) cases.push(whole.subarray(0, cut));
    cases.push(Buffer.concat([whole, Buffer.from('*2\r\n$3\r\nDEL\r\nx\r\n')]));
    cases.push(Buffer.concat([whole, Buffer.from('*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nPING\r\n')]));
    cases.push(Buffer.concat([whole, Buffer.from('*1\r\n$5\r\nMULTI\r\n*1\r\n$5\r\nMULTI\r\n')]));
    cases.push(Buffer.concat([whole, Buffer.from('*1\r\n$4\r\nPINGxx')]));
    cases.push(Buffer.concat([whole, Buffer.from('garbage\r\n')]));
    cases.push(Buffer.alloc(0));
    for (const data of cases) {
      writeFileSync(file, data);
      assert.equal(ours([file]), theirs([file]), `size ${data.length}`);
    }
  });

  it('--fix truncates after confirmation, as redis-check-aof', () => {
    const d = tmp();
    const data = Buffer.from(
      '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2\r\n1',
    );
    for (const answer of ['y\n', 'n\n', '']) {
      const a = join(d, 'a.aof');
      const b = join(d, 'b.aof');
      writeFileSync(a, data);
      writeFileSync(b, data);
      assert.equal(
        ours(['--fix', a], answer).replaceAll('a.aof', 'X'),
        theirs(['--fix', b], answer).replaceAll('b.aof', 'X'),
      );
      assert.deepEqual(readFileSync(a), readFileSync(b));
    }
    assert.equal(ours([]), theirs([]));
    assert.equal(ours([join(d, 'missing.aof')]), theirs([join(d, 'missing.aof')]));
  });

  it('--truncate-to-timestamp cuts at the first later #TS:, as redis-check-aof', () => {
    const d = tmp();
    const cmd = '*2\r\n$3\r\nDEL\r\n$1\r\na\r\n';
    const data = Buffer.from(`#TS:100\r\n${cmd}#TS:200\r\n${cmd}`);
    for (const [ts, content] of [
      ['50', data],
      ['100', data],
      ['150', data],
      ['250', data],
      ['abc', data],
      ['5', Buffer.from('#TS:1x\r\n')],
    ] as const) {
      const a = join(d, 'a.aof');
      const b = join(d, 'b.aof');
      writeFileSync(a, content);
      writeFileSync(b, content);
      const mine = ours(['--truncate-to-timestamp', ts, a]).replaceAll('a.aof', 'X');
      assert.equal(mine, theirs(['--truncate-to-timestamp', ts, b]).replaceAll('b.aof', 'X'), ts);
      assert.deepEqual(readFileSync(a), readFileSync(b), ts);
    }
  });
});

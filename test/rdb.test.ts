/**
 * RDB files: Redoubt's SAVE loaded by a real redis-server, redis-server's
 * dump.rdb loaded by Redoubt (all types, both encodings, expiries, several
 * databases, rdbcompression yes and no), redis-check-rdb on Redoubt's files,
 * start-up loading and refusal of corrupt files, SAVE's file handling (mode
 * 0600, atomic replacement, failures), INFO persistence and LASTSAVE, and
 * every truncation and seeded byte flips of a file refused with an offset and
 * a reason, never a crash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { RdbError } from '../src/persistence/rdb/format.js';
import { loadRdb } from '../src/persistence/rdb/loader.js';
import { BufferSource } from '../src/persistence/rdb/reader.js';
import { limitsOf } from '../src/store/types/limits.js';
import { Crc64, crc64 } from '../src/util/crc64.js';
import { lzfCompress, lzfCompressJs, lzfDecompress } from '../src/util/lzf.js';
import { lzfWasm } from '../src/util/lzf-wasm.js';
import { populate, walk } from './helpers/dataset.js';
import { prng, testSeed } from './helpers/random.js';
import { RespConnection } from './helpers/resp.js';
import { BIN, redisServerPath, startRedis, startRedoubt, startRedoubtProcess } from './helpers/servers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'redoubt-rdb-'));

/** Redoubt in-process with its data in `dir`. */
async function redoubtIn(dir: string, extra: Record<string, string> = {}) {
  return startRedoubt({ dir, ...extra });
}

/** redis-server with its data in `dir` (the later --dir wins over the helper's own). */
async function redisIn(dir: string, extra: readonly string[] = []) {
  return startRedis(['--dir', dir, ...extra]);
}

async function withConn<T>(port: number, fn: (c: RespConnection) => Promise<T>): Promise<T> {
  const c = await RespConnection.open(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/**
 * DUMP of every key but hashtables (their order is per process), by db:key: a
 * copy of the same data DUMPs identically, consumer group times included.
 */
async function dumps(c: RespConnection, shape: Record<string, unknown>): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const [id, info] of Object.entries(shape)) {
    const { encoding } = info as { encoding: string };
    if (encoding === 'hashtable') continue;
    const sep = id.indexOf(':');
    await c.call('SELECT', id.slice(0, sep));
    out.set(id, await c.call('DUMP', id.slice(sep + 1)));
  }
  await c.call('SELECT', '0');
  return out;
}

describe('CRC-64 and LZF', () => {
  it('CRC-64/Jones matches Redis check value', () => {
    assert.equal(crc64(Buffer.from('123456789')).readBigUInt64LE(0), 0xe9c6d914c4b8d9can);
    assert.equal(crc64(Buffer.alloc(0)).readBigUInt64LE(0), 0n);
  });

  it('CRC-64 over any alignment and split equals the bit-by-bit definition', (t) => {
    const seed = testSeed();
    t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const rand = prng(seed);
    // crc64.c's definition, one bit at a time (reflected polynomial).
    const bitwise = (buf: Uint8Array): bigint => {
      let c = 0n;
      for (const x of buf) {
        c ^= BigInt(x);
        for (let k = 0; k < 8; k++) c = (c & 1n) !== 0n ? (c >> 1n) ^ 0x95ac9329ac4bc9b5n : c >> 1n;
      }
      return c;
    };
    const big = Buffer.alloc(1200);
    for (let i = 0; i < big.length; i++) big[i] = Math.floor(rand() * 256);
    for (let n = 0; n < 200; n++) {
      // Any start offset (word-aligned or not), lengths around the 8-byte block and the fast path's 64-byte threshold.
      const start = Math.floor(rand() * 16);
      const len = n < 100 ? n : Math.floor(rand() * 1100);
      const view = big.subarray(start, start + len);
      const whole = new Crc64();
      whole.update(view);
      const split = new Crc64();
      const cut = Math.floor(rand() * (len + 1));
      split.update(view, 0, cut);
      split.update(view, cut);
      const want = bitwise(view);
      assert.equal(whole.value, want, `start ${start} length ${len}`);
      assert.equal(split.value, want, `start ${start} length ${len} cut ${cut}`);
    }
  });

  it('LZF round-trips seeded random inputs and refuses corrupt streams', (t) => {
    const seed = testSeed();
    t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const rand = prng(seed);
    for (let t = 0; t < 200; t++) {
      const len = 1 + Math.floor(rand() * 5000);
      const alphabet = 1 + Math.floor(rand() * 40);
      const input = Buffer.alloc(len);
      for (let i = 0; i < len; i++) input[i] = 65 + Math.floor(rand() * alphabet);
      // Incompressible input grows by up to one byte in 32.
      const packed = lzfCompress(input, len + Math.ceil(len / 16) + 64);
      assert.ok(packed !== null, `seed ${seed}`);
      assert.deepEqual(lzfDecompress(packed, len), input, `seed ${seed}`);
      // Too small an output budget is refused, never overrun.
      if (packed.length > 1) assert.equal(lzfCompress(input, packed.length - 1), null, `seed ${seed}`);
      // Wrong claimed length, or a reference before the start: refused.
      assert.equal(lzfDecompress(packed, len + 1), null, `seed ${seed}`);
    }
    assert.equal(lzfDecompress(Buffer.from([0x20, 0x05]), 10), null, 'back reference before the start');
    assert.equal(lzfDecompress(Buffer.from([0x05, 0x41]), 6), null, 'literal past the input');
  });

  it('LZF in WebAssembly writes exactly what the JavaScript compressor writes, or refuses exactly when it does', (t) => {
    assert.ok(lzfWasm() !== null, 'WebAssembly runs on every supported Node');
    const seed = testSeed();
    t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const rand = prng(seed);
    for (let n = 0; n < 600; n++) {
      const len = n < 40 ? n + 1 : 1 + Math.floor(rand() * (n % 50 === 0 ? 300_000 : 4000));
      const input = Buffer.alloc(len);
      // Shapes: random bytes, small alphabets, long runs, repeated blocks (matches near and 8 KB back).
      const shape = n % 4;
      const period = 1 + Math.floor(rand() * 9000);
      for (let i = 0; i < len; i++) {
        if (shape === 0) input[i] = Math.floor(rand() * 256);
        else if (shape === 1) input[i] = 97 + Math.floor(rand() * (1 + (n % 6)));
        else if (shape === 2)
          input[i] = rand() < 0.97 && i > 0 ? (input[i - 1] as number) : Math.floor(rand() * 256);
        else
          input[i] = i >= period && rand() < 0.95 ? (input[i - period] as number) : Math.floor(rand() * 256);
      }
      for (const budget of [len - 4, len + 64, Math.floor(len / 2), 1]) {
        const js = lzfCompressJs(input, budget);
        const wasm = lzfCompress(input, budget);
        const what = `length ${len}, shape ${shape}, budget ${budget}, seed ${seed}`;
        assert.equal(wasm === null, js === null, what);
        if (js !== null && wasm !== null) {
          assert.ok(wasm.equals(js), what);
          assert.deepEqual(lzfDecompress(wasm, len), input, what);
        }
      }
    }
  });

  it('LZF output does not depend on what was compressed before (the reused hash table starts empty each call)', (t) => {
    const seed = testSeed();
    t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const rand = prng(seed);
    const inputs = Array.from({ length: 50 }, () => {
      const len = 20 + Math.floor(rand() * 3000);
      const alphabet = 1 + Math.floor(rand() * 8);
      const b = Buffer.alloc(len);
      for (let i = 0; i < len; i++) b[i] = 97 + Math.floor(rand() * alphabet);
      return b;
    });
    const alone = inputs.map((b) => lzfCompress(b, b.length + 64));
    // Again in reverse order, each after a different predecessor: the same bytes.
    for (let i = inputs.length - 1; i >= 0; i--) {
      const b = inputs[i] as Buffer;
      assert.deepEqual(lzfCompress(b, b.length + 64), alone[i], `input ${i}, seed ${seed}`);
    }
  });
});

describe('RDB round trips with redis-server', () => {
  it("Redoubt's SAVE loads in redis-server with identical contents and DUMPs", async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    for (const compression of ['yes', 'no']) {
      const dir = tmp();
      try {
        const r = await redoubtIn(dir, { rdbcompression: compression });
        let expected: Record<string, unknown>;
        let ours: Map<string, unknown>;
        try {
          expected = await withConn(r.port, async (c) => {
            await populate(c);
            assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
            const shape = await walk(c, 16, true);
            ours = await dumps(c, shape);
            return shape;
          });
        } finally {
          await r.stop();
        }
        const check = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
        assert.equal(check.status, 0, check.stdout + check.stderr);
        assert.match(check.stdout, /Checksum OK/);
        const redis = await redisIn(dir, ['--rdbcompression', compression]);
        assert.ok(redis !== null);
        try {
          await withConn(redis.port, async (c) => {
            assert.deepEqual(await walk(c, 16, true), expected, `rdbcompression ${compression}`);
            const theirs = await dumps(c, expected);
            for (const [id, payload] of ours) assert.equal(theirs.get(id), payload, `DUMP of ${id}`);
          });
        } finally {
          await redis.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("redis-server's dump.rdb loads in Redoubt with identical contents and DUMPs", async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    for (const compression of ['yes', 'no']) {
      const dir = tmp();
      try {
        const redis = await redisIn(dir, ['--rdbcompression', compression]);
        assert.ok(redis !== null);
        let expected: Record<string, unknown>;
        let theirs: Map<string, unknown>;
        try {
          expected = await withConn(redis.port, async (c) => {
            await populate(c);
            assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
            const shape = await walk(c, 16, true);
            theirs = await dumps(c, shape);
            return shape;
          });
        } finally {
          await redis.stop();
        }
        const r = await redoubtIn(dir, { rdbcompression: compression });
        try {
          await withConn(r.port, async (c) => {
            assert.deepEqual(await walk(c, 16, true), expected, `rdbcompression ${compression}`);
            const ours = await dumps(c, expected);
            for (const [id, payload] of theirs) assert.equal(ours.get(id), payload, `DUMP of ${id}`);
            const info = (await c.call('INFO', 'persistence')) as string;
            assert.match(info, new RegExp(`rdb_last_load_keys_loaded:${Object.keys(expected).length}\r\n`));
          });
        } finally {
          await r.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('IDLE under an LRU policy and FREQ under an LFU policy travel in the file', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    for (const [policy, option, value, read] of [
      ['allkeys-lru', 'IDLETIME', '5000', 'IDLETIME'],
      ['allkeys-lfu', 'FREQ', '77', 'FREQ'],
    ] as const) {
      const dir = tmp();
      try {
        const redis = await redisIn(dir, ['--maxmemory-policy', policy]);
        assert.ok(redis !== null);
        let payload: string;
        try {
          payload = await withConn(redis.port, async (c) => {
            await c.call('SET', 'k', 'v');
            return (await c.call('DUMP', 'k')) as string;
          });
        } finally {
          await redis.stop();
        }
        const r = await redoubtIn(dir, { maxmemoryPolicy: policy });
        try {
          await withConn(r.port, async (c) => {
            assert.deepEqual(
              await c.call('RESTORE', 'k', '0', Buffer.from(payload, 'latin1'), option, value),
              {
                status: 'OK',
              },
            );
            assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
          });
        } finally {
          await r.stop();
        }
        const again = await redisIn(dir, ['--maxmemory-policy', policy]);
        assert.ok(again !== null);
        try {
          await withConn(again.port, async (c) => {
            const got = Number(await c.call('OBJECT', read, 'k'));
            if (read === 'IDLETIME') assert.ok(got >= 5000 && got <= 5010, `idle ${got}`);
            else assert.ok(got >= 70 && got <= 77, `freq ${got}`);
          });
        } finally {
          await again.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('expired keys are dropped when loading, and counted', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      const redis = await redisIn(dir, ['--enable-debug-command', 'yes']);
      assert.ok(redis !== null);
      try {
        await withConn(redis.port, async (c) => {
          assert.deepEqual(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { status: 'OK' });
          await c.call('SET', 'soon', 'v', 'PX', '50');
          await c.call('SET', 'kept', 'v');
          await new Promise((res) => setTimeout(res, 100));
          assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
        });
      } finally {
        await redis.stop();
      }
      const r = await redoubtIn(dir);
      try {
        await withConn(r.port, async (c) => {
          assert.deepEqual(await c.call('KEYS', '*'), ['kept']);
          const info = (await c.call('INFO', 'persistence')) as string;
          assert.match(info, /rdb_last_load_keys_expired:1\r\n/);
          assert.match(info, /rdb_last_load_keys_loaded:1\r\n/);
        });
      } finally {
        await r.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SAVE', () => {
  it('writes a 0600 file atomically, resets the change counter and updates LASTSAVE', async () => {
    const dir = tmp();
    try {
      const r = await redoubtIn(dir, { dbfilename: 'data.rdb' });
      try {
        await withConn(r.port, async (c) => {
          await c.call('SET', 'a', '1');
          await c.call('SET', 'b', '2');
          let info = (await c.call('INFO', 'persistence')) as string;
          assert.match(info, /rdb_changes_since_last_save:2\r\n/);
          assert.match(info, /rdb_saves:0\r\n/);
          assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
          const st = statSync(join(dir, 'data.rdb'));
          assert.equal(st.mode & 0o777, 0o600);
          assert.deepEqual(readdirSync(dir), ['data.rdb'], 'no temporary file left');
          info = (await c.call('INFO', 'persistence')) as string;
          assert.match(info, /rdb_changes_since_last_save:0\r\n/);
          assert.match(info, /rdb_saves:1\r\n/);
          assert.match(info, /rdb_last_bgsave_status:ok\r\n/);
          const lastsave = Number(await c.call('LASTSAVE'));
          assert.ok(Math.abs(lastsave - Date.now() / 1000) < 5);
          assert.match(info, new RegExp(`rdb_last_save_time:${lastsave}\r\n`));
          // SAVE is refused inside MULTI, as in Redis (no_multi).
          await c.call('MULTI');
          assert.deepEqual(await c.call('SAVE'), { error: 'ERR Command not allowed inside a transaction' });
          await c.call('DISCARD');
        });
      } finally {
        await r.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failed SAVE answers ERR and leaves the previous file in place, no temporary file behind', async () => {
    const dir = tmp();
    try {
      const r = await redoubtIn(dir, { enableProtectedConfigs: 'yes' });
      try {
        await withConn(r.port, async (c) => {
          await c.call('SET', 'a', '1');
          assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
          const before = readFileSync(join(dir, 'dump.rdb'));
          // The file cannot be replaced: a directory stands at a second name's place.
          assert.deepEqual(await c.call('CONFIG', 'SET', 'dbfilename', 'blocked.rdb'), { status: 'OK' });
          mkdirSync(join(dir, 'blocked.rdb'));
          await c.call('SET', 'b', '2');
          assert.deepEqual(await c.call('SAVE'), { error: 'ERR' });
          assert.deepEqual(readdirSync(dir).sort(), ['blocked.rdb', 'dump.rdb']);
          assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), before);
          const info = (await c.call('INFO', 'persistence')) as string;
          assert.match(info, /rdb_changes_since_last_save:1\r\n/);
        });
      } finally {
        await r.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loading logs its progress (percent, keys, keys per second) for a large file', async () => {
    const dir = tmp();
    try {
      const r = await redoubtIn(dir, { enableDebugCommand: 'yes' });
      try {
        await withConn(r.port, async (c) => {
          assert.deepEqual(await c.call('DEBUG', 'POPULATE', '5000'), { status: 'OK' });
          assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
        });
      } finally {
        await r.stop();
      }
      const lines: string[] = [];
      // A large file is one of at least 16 event intervals (here 16 KB).
      const again = await startRedoubt({
        dir,
        loadingProcessEventsIntervalBytes: '1024',
        log: { write: (l: string) => void lines.push(l) },
      });
      await again.stop();
      const progress = lines.filter((l) => /Loading RDB: \d+\.\d% \(\d+ keys, \d+ keys\/sec\)/.test(l));
      assert.ok(progress.length >= 5, lines.join(''));
      assert.ok(lines.some((l) => l.includes('Done loading RDB, keys loaded: 5000, keys expired: 0.')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a save point saves once enough changes are older than its seconds', async () => {
    const dir = tmp();
    try {
      const r = await redoubtIn(dir, { save: '1 2' });
      try {
        await withConn(r.port, async (c) => {
          await c.call('SET', 'a', '1');
          await c.call('SET', 'b', '2');
          // Bounded wait for the cron (every 100 ms) to see the point due.
          for (let i = 0; i < 100 && !readdirSync(dir).includes('dump.rdb'); i++)
            await new Promise((res) => setTimeout(res, 100));
          assert.deepEqual(readdirSync(dir), ['dump.rdb']);
          const info = (await c.call('INFO', 'persistence')) as string;
          assert.match(info, /rdb_changes_since_last_save:0\r\n/);
          assert.match(info, /rdb_saves:1\r\n/);
        });
      } finally {
        await r.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rdbchecksum no writes a zero checksum that both servers accept', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      const r = await redoubtIn(dir, { rdbchecksum: 'no' });
      try {
        await withConn(r.port, async (c) => {
          await c.call('SET', 'k', 'v');
          assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
        });
      } finally {
        await r.stop();
      }
      const file = readFileSync(join(dir, 'dump.rdb'));
      assert.deepEqual(file.subarray(file.length - 8), Buffer.alloc(8));
      const check = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout);
      const redis = await redisIn(dir);
      assert.ok(redis !== null);
      try {
        await withConn(redis.port, async (c) => assert.equal(await c.call('GET', 'k'), 'v'));
      } finally {
        await redis.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- files in older formats, built by hand (Redis 7.0 still loads them) ----

/** A ziplist of strings and small integers (ziplist.c layout). */
function ziplist(items: readonly (string | number)[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  for (const it of items) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([254]), u32le(prev)]);
    let body: Buffer;
    if (typeof it === 'number') {
      if (it >= 0 && it <= 12) body = Buffer.from([0xf1 + it]);
      else {
        body = Buffer.alloc(3);
        body[0] = 0xc0;
        body.writeInt16LE(it, 1);
      }
    } else {
      const b = Buffer.from(it, 'latin1');
      body = Buffer.concat([Buffer.from([b.length]), b]);
    }
    const e = Buffer.concat([prevlen, body]);
    if (entries.length > 0) tail += prev;
    entries.push(e);
    prev = e.length;
  }
  const bodyLen = entries.reduce((n, e) => n + e.length, 0);
  const out = Buffer.alloc(10 + bodyLen + 1);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt32LE(entries.length === 0 ? 10 : tail, 4);
  out.writeUInt16LE(entries.length, 8);
  Buffer.concat(entries).copy(out, 10);
  out[out.length - 1] = 0xff;
  return out;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A zipmap (hashes before 2.6): zmlen, (len key len free value)*, 0xFF. */
function zipmap(pairs: readonly [string, string][]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  for (const [k, v] of pairs)
    parts.push(Buffer.from([k.length]), Buffer.from(k), Buffer.from([v.length, 0]), Buffer.from(v));
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** An RDB string: 6-bit length and bytes (short test strings only). */
const str = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  if (b.length >= 64) {
    const h = Buffer.alloc(2);
    h.writeUInt16BE(0x4000 | b.length, 0);
    return Buffer.concat([h, b]);
  }
  return Buffer.concat([Buffer.from([b.length]), b]);
};

/** A whole old-format file: every legacy encoding, expiry in seconds, CRC from version 5. */
function legacyFile(version: number): Buffer {
  const far = Math.floor(Date.now() / 1000) + 86400 * 365;
  const exp = Buffer.alloc(5);
  exp[0] = 0xfd;
  exp.writeInt32LE(far, 1);
  const body = Buffer.concat([
    Buffer.from(`REDIS${String(version).padStart(4, '0')}`),
    Buffer.from([0xfe, 0]),
    Buffer.from([1]),
    str('plain-list'),
    Buffer.from([3]),
    str('a'),
    str('b'),
    str('c'),
    Buffer.from([3]),
    str('zset-v1'),
    Buffer.from([2]),
    str('m1'),
    str('1.5'),
    str('m2'),
    Buffer.from([254]),
    Buffer.from([10]),
    str('list-ziplist'),
    str(ziplist(['x', 7, -300, 'y'])),
    Buffer.from([12]),
    str('zset-ziplist'),
    str(ziplist(['a', 1, 'b', '2.25'])),
    Buffer.from([13]),
    str('hash-ziplist'),
    str(ziplist(['f', 'v', 'n', 3])),
    Buffer.from([9]),
    str('hash-zipmap'),
    str(
      zipmap([
        ['k1', 'v1'],
        ['k2', 'v2'],
      ]),
    ),
    Buffer.from([14]),
    str('quicklist'),
    Buffer.from([2]),
    str(ziplist(['q1', 'q2'])),
    str(ziplist([5, 'q3'])),
    exp,
    Buffer.from([0]),
    str('expiring'),
    str('value'),
    Buffer.from([0xfe, 3]),
    Buffer.from([4]),
    str('hash-plain'),
    Buffer.from([1]),
    str('field'),
    str('value'),
    Buffer.from([0xff]),
  ]);
  if (version < 5) return body;
  return Buffer.concat([body, crc64(body)]);
}

describe('older RDB versions and encodings', () => {
  it('versions 4 to 9 with ziplists, zipmaps, quicklists and v1 sorted sets load as in redis-server', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    for (const version of [4, 6, 9]) {
      const dirs = [tmp(), tmp()] as const;
      try {
        for (const dir of dirs) writeFileSync(join(dir, 'dump.rdb'), legacyFile(version));
        const redis = await redisIn(dirs[0]);
        assert.ok(redis !== null);
        let expected: Record<string, unknown>;
        try {
          expected = await withConn(redis.port, (c) => walk(c, 16, true));
        } finally {
          await redis.stop();
        }
        assert.equal(Object.keys(expected).length, 9, `redis loaded version ${version}`);
        const r = await redoubtIn(dirs[1]);
        try {
          await withConn(r.port, async (c) =>
            assert.deepEqual(await walk(c, 16, true), expected, `version ${version}`),
          );
        } finally {
          await r.stop();
        }
      } finally {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

/** A small file written by redis-server (every type, compact encodings, a consumer group, two databases); null without redis-server. */
async function smallRedisFile(): Promise<Buffer | null> {
  if (redisServerPath() === null) return null;
  const dir = tmp();
  try {
    const redis = await redisIn(dir);
    assert.ok(redis !== null);
    try {
      await withConn(redis.port, async (c) => {
        for (const cmd of [
          ['SET', 's', 'hello'],
          ['SET', 'n', '12345'],
          ['RPUSH', 'l', 'a', 'b', '3'],
          ['SADD', 'i', '1', '2', '3'],
          ['SADD', 't', 'x', 'y'],
          ['ZADD', 'z', '1', 'a', '2.5', 'b'],
          ['HSET', 'h', 'f', 'v', 'g', '7'],
          ['SET', 'e', 'v'],
          ['PEXPIREAT', 'e', '99999999999999'],
          ['XADD', 'x', '1-1', 'f', 'v'],
          ['XGROUP', 'CREATE', 'x', 'g', '0'],
          ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>'],
          ['SELECT', '2'],
          ['SET', 'other', 'v'],
          ['SAVE'],
        ])
          await c.call(...cmd);
      });
    } finally {
      await redis.stop();
    }
    return readFileSync(join(dir, 'dump.rdb'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadOpts = (server: object, verifyChecksum = true) => ({
  databases: 16,
  limits: limitsOf(server),
  verifyChecksum,
  evictionInfo: 'none' as const,
  dropExpired: true,
});

describe('corrupt and truncated files', () => {
  let file: Buffer | null = null;
  before(async () => {
    file = await smallRedisFile();
  });

  it('every truncation is refused with the offset and the reason, never a crash', (t) => {
    if (file === null) return t.skip('redis-server not installed');
    assert.equal(loadRdb(new BufferSource(file), loadOpts({})).keysLoaded, 10);
    for (let n = 0; n < file.length; n++) {
      try {
        loadRdb(new BufferSource(file.subarray(0, n)), loadOpts({}));
        assert.fail(`a file cut at ${n} of ${file.length} bytes loaded`);
      } catch (err) {
        assert.ok(err instanceof RdbError, `cut at ${n}: ${String(err)}`);
        assert.ok(err.offset <= n, `cut at ${n}: offset ${err.offset}`);
        assert.ok(err.reason.length > 0);
      }
    }
  });

  it('seeded byte flips are refused by the checksum, and never crash without it', (t) => {
    if (file === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    t.diagnostic(`seed ${seed} (replay: REDOUBT_SEED=${seed})`);
    const rand = prng(seed);
    for (let trial = 0; trial < 2000; trial++) {
      const bad = Buffer.from(file);
      const flips = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < flips; k++) {
        const at = Math.floor(rand() * bad.length);
        bad[at] = (bad[at] as number) ^ (1 + Math.floor(rand() * 255));
      }
      for (const verify of [true, false]) {
        try {
          loadRdb(new BufferSource(bad), loadOpts({}, verify));
          // Only a flip the checksum cannot see may load: in the checksum itself
          // with verification off, or one that leaves the file valid.
          if (verify)
            assert.ok(
              bad.subarray(0, bad.length - 8).equals(file.subarray(0, file.length - 8)),
              `seed ${seed} trial ${trial}`,
            );
        } catch (err) {
          assert.ok(err instanceof RdbError, `seed ${seed} trial ${trial}: ${String(err)}`);
        }
      }
    }
  });

  it('redoubt-server refuses to start on a corrupt dump.rdb, naming the offset and the reason', async (t) => {
    if (file === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      const bad = Buffer.from(file);
      bad[40] = (bad[40] as number) ^ 0x55;
      writeFileSync(join(dir, 'dump.rdb'), bad);
      const proc = await startRedoubtProcess(['--dir', dir]).catch((err: Error) => err);
      assert.ok(proc instanceof Error, 'the server must not start');
      assert.match(proc.message, /Bad RDB file .*dump\.rdb: .* at offset \d+\. Refusing to start/);
      // A good file starts fine.
      writeFileSync(join(dir, 'dump.rdb'), file);
      const ok = await startRedoubtProcess(['--dir', dir]);
      try {
        assert.match(ok.output(), /Done loading RDB, keys loaded: 10, keys expired: 0/);
        await withConn(ok.port, async (c) => assert.equal(await c.call('GET', 's'), 'hello'));
      } finally {
        await ok.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a wrong signature, an unknown version and an unknown type', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('RADIS0010'), /Wrong signature/],
      [Buffer.from('REDIS0012'), /Can't handle RDB format version 0012/],
      [Buffer.from('REDIS0000'), /Can't handle RDB format version/],
      [Buffer.concat([Buffer.from('REDIS0010'), Buffer.from([0x42])]), /Unknown RDB encoding type 66/],
      [Buffer.concat([Buffer.from('REDIS0010'), Buffer.from([0xfe, 0x20])]), /more than 16 databases/],
    ];
    for (const [bytes, reason] of cases) {
      assert.throws(
        () => loadRdb(new BufferSource(bytes), loadOpts({})),
        (err: unknown) => {
          assert.ok(err instanceof RdbError);
          assert.match(err.reason, reason);
          return true;
        },
      );
    }
  });
});

describe('redoubt check-rdb', () => {
  it('reports keys per type and the checksum of a good file, and the offset and reason of a bad one', async (t) => {
    const file = await smallRedisFile();
    if (file === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      const good = join(dir, 'good.rdb');
      writeFileSync(good, file);
      const ok = spawnSync(join(BIN, 'redoubt'), ['check-rdb', good], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /Checksum OK/);
      assert.match(ok.stdout, /RDB looks OK/);
      assert.match(ok.stdout, /10 keys read/);
      assert.match(ok.stdout, /stream-v2: 1/);
      assert.match(ok.stdout, /1 expires/);
      assert.match(ok.stdout, /string: 4/);
      const bad = join(dir, 'bad.rdb');
      writeFileSync(bad, file.subarray(0, 60));
      const ko = spawnSync(join(BIN, 'redoubt'), ['check-rdb', bad], { encoding: 'utf8' });
      assert.equal(ko.status, 1);
      assert.match(ko.stdout, /--- RDB ERROR DETECTED ---/);
      assert.match(ko.stdout, /\[offset \d+\] Unexpected EOF reading RDB file/);
      const missing = spawnSync(join(BIN, 'redoubt'), ['check-rdb', join(dir, 'nope.rdb')], {
        encoding: 'utf8',
      });
      assert.equal(missing.status, 1);
      assert.match(missing.stdout + missing.stderr, /Cannot open/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] against redis-server 7.0 (debug.c):
 * the same calls to both, replies compared byte for byte (options, a missing
 * or broken file, a failed save, MERGE and NOFLUSH); DEBUG HELP's RELOAD
 * entry; every type in both encodings, TTLs and several databases surviving
 * a reload (and a MERGE over themselves); the log line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { populate, walk } from './helpers/dataset.js';
import { type Arg, RespConnection } from './helpers/resp.js';
import { type RunningProcess, startRedis, startRedoubtProcess } from './helpers/servers.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'redoubt-reload-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DEBUG_ON = ['--enable-debug-command', 'yes'];
const OK = { status: 'OK' };

/** Redoubt as a process in `dir`, DEBUG enabled, no save points (its log: `output()`). */
function startOurs(dir: string): Promise<RunningProcess> {
  return startRedoubtProcess([...DEBUG_ON, '--dir', dir, '--save', '']);
}

/** The RELOAD entry of DEBUG HELP (status lines): its line and the indented lines after it. */
function reloadHelp(reply: unknown): string[] {
  const help = (reply as { status: string }[]).map((l) => l.status);
  const start = help.indexOf('RELOAD [option ...]');
  assert.notEqual(start, -1, 'DEBUG HELP lists RELOAD');
  let end = start + 1;
  while (end < help.length && (help[end] as string).startsWith(' ')) end++;
  return help.slice(start, end);
}

describe('DEBUG RELOAD', () => {
  it('answers as redis-server 7.0 for good and bad arguments, missing and broken files, failed saves', async (t) => {
    const redis = await startRedis(DEBUG_ON);
    if (redis === null) {
      t.skip('redis-server not installed');
      return;
    }
    const ourDir = tmp();
    const ours = await startOurs(ourDir);
    const a = await RespConnection.open(ours.port);
    const b = await RespConnection.open(redis.port);
    const redisDir = (await b.call('CONFIG', 'GET', 'dir')) as string[];
    const theirDir = redisDir[1] as string;
    try {
      const same = async (...args: Arg[]): Promise<string> => {
        const [x, y] = await Promise.all([a.raw(...args), b.raw(...args)]);
        assert.equal(x.toString('latin1'), y.toString('latin1'), args.join(' '));
        return x.toString('latin1');
      };
      // No file yet: the dataset is emptied first, then the load fails.
      await same('SET', 'gone', '1');
      assert.equal(await same('DEBUG', 'RELOAD', 'NOSAVE'), '-ERR Error trying to load the RDB dump\r\n');
      assert.equal(await same('DBSIZE'), ':0\r\n');
      // Options are all checked before anything is done.
      await same('SET', 'a', '1');
      for (const bad of [['foo'], ['MERGE', 'bar'], ['NOSAVE', ''], ['NOFLUSH', 'NOSAVE', 'MERGEX']])
        assert.match(await same('DEBUG', 'RELOAD', ...bad), /^-ERR DEBUG RELOAD only supports/);
      assert.equal(await same('GET', 'a'), '$1\r\n1\r\n');
      // Save, flush, load.
      assert.equal(await same('DEBUG', 'RELOAD'), '+OK\r\n');
      await same('GET', 'a');
      await same('SET', 'b', '2');
      assert.equal(await same('DEBUG', 'reload', 'nosave'), '+OK\r\n');
      assert.equal(await same('EXISTS', 'b'), ':0\r\n');
      // MERGE: the file's value wins, keys only in memory stay.
      await same('SET', 'a', 'changed');
      await same('SET', 'c', '3');
      assert.equal(await same('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'), '+OK\r\n');
      await same('MGET', 'a', 'c');
      await same('DBSIZE');
      assert.equal(await same('DEBUG', 'RELOAD', 'merge', 'Noflush', 'nosave', 'NOSAVE'), '+OK\r\n');
      // NOFLUSH without MERGE and no key in common.
      await same('DEL', 'a');
      assert.equal(await same('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH'), '+OK\r\n');
      await same('MGET', 'a', 'c');
      // A file that is not an RDB: the load error, the dataset emptied first.
      for (const dir of [ourDir, theirDir]) writeFileSync(join(dir, 'dump.rdb'), 'not an RDB file at all\n');
      assert.equal(await same('DEBUG', 'RELOAD', 'NOSAVE'), '-ERR Error trying to load the RDB dump\r\n');
      assert.equal(await same('DBSIZE'), ':0\r\n');
      // A save that fails (the file's name is taken by a directory): shared.err, nothing flushed.
      await same('SET', 'kept', 'yes');
      for (const dir of [ourDir, theirDir]) {
        rmSync(join(dir, 'dump.rdb'));
        mkdirSync(join(dir, 'dump.rdb'));
      }
      assert.equal(await same('DEBUG', 'RELOAD'), '-ERR\r\n');
      assert.equal(await same('GET', 'kept'), '$3\r\nyes\r\n');
      // DEBUG HELP's RELOAD entry, word for word.
      const [ourHelp, theirHelp] = [await a.call('DEBUG', 'HELP'), await b.call('DEBUG', 'HELP')];
      assert.deepEqual(reloadHelp(ourHelp), reloadHelp(theirHelp));
    } finally {
      a.close();
      b.close();
      await ours.stop();
      await redis.stop();
    }
  });

  it('NOFLUSH without MERGE refuses a key already in memory, and changes nothing (Redis panics)', async () => {
    const dir = tmp();
    const ours = await startOurs(dir);
    const c = await RespConnection.open(ours.port);
    try {
      await c.call('SET', 'a', 'from-file');
      await c.call('SET', 'b', 'from-file');
      assert.deepEqual(await c.call('SAVE'), OK);
      await c.call('SET', 'a', 'in-memory');
      await c.call('DEL', 'b');
      assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH'), {
        error: 'ERR Error trying to load the RDB dump',
      });
      assert.deepEqual(await c.call('MGET', 'a', 'b'), ['in-memory', null]);
      assert.match(ours.output(), /RDB has duplicated key 'a' in DB 0/);
    } finally {
      c.close();
      await ours.stop();
    }
  });

  it('keeps every type, encoding, TTL and database across a reload, and a MERGE over itself', async () => {
    const dir = tmp();
    const ours = await startOurs(dir);
    const c = await RespConnection.open(ours.port);
    try {
      await populate(c);
      await c.call('SET', 'ttl:short', 'v', 'PX', '50');
      await c.call('SELECT', '3');
      await c.call('SET', 'ttl:far', 'v', 'EX', '100000');
      await c.call('SELECT', '0');
      await new Promise((r) => setTimeout(r, 80));
      // `ttl:short` is expired but may not be reclaimed yet: the walk does not show it.
      const before = await walk(c, 16, true);
      assert.ok(Object.keys(before).length > 20);
      assert.ok(
        Object.values(before).some((k) => (k as { expire: number }).expire > 0),
        'some keys have a TTL',
      );
      assert.deepEqual(await c.call('DEBUG', 'RELOAD'), OK);
      assert.deepEqual(await walk(c, 16, true), before);
      assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'), OK);
      const merged = await walk(c, 16, true);
      assert.deepEqual(Object.keys(merged), Object.keys(before));
      for (const [k, v] of Object.entries(before)) {
        const m = merged[k] as typeof v & { encoding: unknown };
        assert.deepEqual({ ...m, encoding: null }, { ...(v as object), encoding: null }, k);
      }
      const log = ours.output();
      assert.match(log, /DB saved on disk/);
      assert.match(log, /Loading RDB produced by version 7\.0\.15/);
      assert.match(log, /Done loading RDB, keys loaded: \d+, keys expired: [01]\./);
      assert.equal(log.match(/# DB reloaded by DEBUG RELOAD/g)?.length, 2);
    } finally {
      c.close();
      await ours.stop();
    }
  });
});

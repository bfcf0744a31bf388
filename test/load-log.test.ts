/**
 * What the log file says while the dataset is loaded at start-up, against
 * redis-server 7.0 loading the same files: an RDB file ("Loading RDB produced
 * by version", "RDB age", "RDB memory usage when created", "Done loading RDB,
 * keys loaded: N, keys expired: M.", "DB loaded from disk"), and an AOF
 * directory with an RDB base ("Reading RDB base file on AOF loading...",
 * "RDB is base AOF", "DB loaded from base/incr file", "DB loaded from append
 * only file", "Opening AOF incr file") or a commands base. Numbers that
 * legitimately differ (ages, sizes, times) are normalized.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { rewriteFinished } from './helpers/aof.js';
import { RespConnection } from './helpers/resp.js';
import {
  ALLOW_ROOT,
  BIN,
  freePort,
  type RunningProcess,
  redisServerPath,
  spawnServer,
  startRedoubtProcess,
} from './helpers/servers.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'redoubt-loadlog-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const LOADING =
  /Loading RDB|RDB age|RDB memory usage|RDB is base|RDB has an AOF|Done loading RDB|DB loaded from|Reading RDB|Reading the remaining|Opening AOF|Creating AOF/;

/** The loading lines of a log: level mark and message, numbers that vary replaced by N. */
function loadingLines(log: string): string[] {
  return log
    .split('\n')
    .filter((l) => LOADING.test(l))
    .map((l) =>
      l
        .replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ /, '')
        .replace(/RDB age \d+ seconds/, 'RDB age N seconds')
        .replace(/when created [\d.]+ Mb/, 'when created N Mb')
        .replace(/: [\d.]+ seconds/, ': N seconds'),
    );
}

/** Start a server logging to `dir`/log.txt and wait for it to be ready; returns it and its log. */
async function startLogging(
  kind: 'redoubt' | 'redis',
  dir: string,
  extra: readonly string[],
): Promise<{ server: RunningProcess; log: () => string }> {
  const port = await freePort();
  const logfile = join(dir, 'log.txt');
  rmSync(logfile, { force: true });
  const args = ['--port', String(port), '--dir', dir, '--save', '', '--logfile', logfile, ...extra];
  const server =
    kind === 'redis'
      ? await spawnServer(redisServerPath() as string, [...args, '--bind', '127.0.0.1'], port, {
          waitReady: false,
        })
      : await spawnServer(join(BIN, 'redoubt-server'), [...args, ...ALLOW_ROOT], port, { waitReady: false });
  const log = (): string => (existsSync(logfile) ? readFileSync(logfile, 'latin1') : '');
  for (let i = 0; !log().includes('Ready to accept connections'); i++) {
    if (server.child.exitCode !== null || i > 750) {
      await server.stop();
      throw new Error(`${kind} did not start:\n${server.output()}\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { server, log };
}

/** Both servers load a copy of `source` with `extra`; returns Redoubt's loading lines (checked against Redis's). */
async function loadBoth(source: string, extra: readonly string[]): Promise<string[]> {
  const results: Record<string, string[]> = {};
  for (const kind of ['redoubt', 'redis'] as const) {
    if (kind === 'redis' && redisServerPath() === null) continue;
    const dir = tmp();
    cpSync(source, dir, { recursive: true });
    const { server, log } = await startLogging(kind, dir, extra);
    try {
      results[kind] = loadingLines(log());
    } finally {
      await server.stop();
    }
  }
  const ours = results.redoubt as string[];
  if (results.redis !== undefined) assert.deepEqual(ours, results.redis);
  return ours;
}

describe('start-up loading is logged as Redis logs it', () => {
  it('an RDB file, an AOF with an RDB base, an AOF with a commands base', async () => {
    const source = tmp();
    const ours = await startRedoubtProcess(['--dir', source, '--save', '', '--enable-debug-command', 'yes']);
    let c = await RespConnection.open(ours.port);
    try {
      // One key expired when the file is loaded: active expiry must not reclaim it first.
      await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      await c.call('SET', 'a', '1');
      await c.call('RPUSH', 'l', 'x', 'y');
      await c.call('SET', 'soon', 'v', 'PX', '1');
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
      const rdb = await loadBoth(source, ['--appendonly', 'no']);
      assert.deepEqual(rdb, [
        '* Loading RDB produced by version 7.0.15',
        '* RDB age N seconds',
        '* RDB memory usage when created N Mb',
        '* Done loading RDB, keys loaded: 2, keys expired: 1.',
        '* DB loaded from disk: N seconds',
      ]);
      // The AOF: an RDB base, then commands in the incremental file.
      await c.call('CONFIG', 'SET', 'appendonly', 'yes');
      await rewriteFinished(c);
      await c.call('SET', 'b', '2');
      const withRdbBase = await loadBoth(source, ['--appendonly', 'yes']);
      assert.deepEqual(withRdbBase, [
        '* Reading RDB base file on AOF loading...',
        '* Loading RDB produced by version 7.0.15',
        '* RDB age N seconds',
        '* RDB memory usage when created N Mb',
        '* RDB is base AOF',
        // An AOF base keeps the expired key (commands after it may touch it).
        '* Done loading RDB, keys loaded: 3, keys expired: 0.',
        '* DB loaded from base file appendonly.aof.1.base.rdb: N seconds',
        '* DB loaded from incr file appendonly.aof.1.incr.aof: N seconds',
        '* DB loaded from append only file: N seconds',
        '* Opening AOF incr file appendonly.aof.1.incr.aof on server start',
      ]);
      // A commands base (aof-use-rdb-preamble no) and an empty incremental file: no line for it.
      await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'no');
      await c.call('BGREWRITEAOF');
      await rewriteFinished(c);
      const withCommandsBase = await loadBoth(source, [
        '--appendonly',
        'yes',
        '--aof-use-rdb-preamble',
        'no',
      ]);
      assert.deepEqual(withCommandsBase, [
        '* DB loaded from base file appendonly.aof.2.base.aof: N seconds',
        '* DB loaded from append only file: N seconds',
        '* Opening AOF incr file appendonly.aof.2.incr.aof on server start',
      ]);
    } finally {
      c.close();
      await ours.stop();
    }
    // Redoubt's own log file on a restart in place (not a copy) says the same.
    const again = await startLogging('redoubt', source, ['--appendonly', 'yes']);
    try {
      c = await RespConnection.open(again.server.port);
      assert.equal(await c.call('GET', 'b'), '2');
      c.close();
      assert.match(again.log(), /\* DB loaded from append only file: \d+\.\d{3} seconds/);
    } finally {
      await again.server.stop();
    }
  });
});

/**
 * `bin/redoubt-server` as a real process: a config file plus redis-server style
 * overrides, fatal config errors, `include`, and an unchanged redis.conf.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIRECTIVES, EXTENSION } from '../src/config/table.js';
import { RespConnection } from './helpers/resp.js';
import {
  ALLOW_ROOT,
  BIN,
  freePort,
  redisServerPath,
  spawnServer,
  startRedoubtProcess,
} from './helpers/servers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'redoubt-cli-'));
const SERVER = join(BIN, 'redoubt-server');
/** Redoubt's own directives, absent from Redis's CONFIG GET *. */
const EXTENSIONS = new Set(DIRECTIVES.filter((d) => (d.flags ?? 0) & EXTENSION).map((d) => d.name));

async function configGet(port: number, names: readonly string[]): Promise<string[]> {
  const c = await RespConnection.open(port);
  try {
    const out: string[] = [];
    for (const n of names) out.push((await c.raw('CONFIG', 'GET', n)).toString('latin1'));
    return out;
  } finally {
    c.close();
  }
}

describe('redoubt-server', () => {
  it('applies a config file, then the command-line overrides, as redis-server does', async (t) => {
    const dir = tmp();
    const file = join(dir, 'app.conf');
    writeFileSync(
      file,
      [
        '# app settings',
        'maxmemory 100mb',
        'maxmemory-policy allkeys-lru',
        'save 900 1',
        'hz 15',
        'notify-keyspace-events Ex',
        'client-output-buffer-limit pubsub 64mb 16mb 90',
        `dir ${dir}`,
        '',
      ].join('\n'),
    );
    const overrides = [
      '--bind',
      '127.0.0.1 -::1',
      '--save',
      '100 1 200 2',
      '--maxmemory',
      '1mb',
      '--loglevel',
      'verbose',
      '--hash-max-ziplist-entries 64',
      '--slave-read-only',
      'no',
      '--save',
    ];
    const names = [
      'bind',
      'save',
      'maxmemory',
      'maxmemory-policy',
      'hz',
      'loglevel',
      'notify-keyspace-events',
      'client-output-buffer-limit',
      'hash-max-listpack-entries',
      'replica-read-only',
      'dir',
    ];
    const ours = await startRedoubtProcess([file, ...overrides]);
    try {
      const got = await configGet(ours.port, names);
      assert.equal(got[0], '*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n');
      // A trailing bare --save means save "" (no snapshots).
      assert.equal(got[1], '*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
      assert.equal(got[2], '*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n');
      const bin = redisServerPath();
      if (bin === null) return t.skip('redis-server not installed: the differential part is skipped');
      const port = await freePort();
      const redis = await spawnServer(bin, [file, ...overrides, '--port', String(port)], port);
      try {
        assert.deepEqual(got, await configGet(port, names));
      } finally {
        await redis.stop();
      }
    } finally {
      await ours.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits a single quoted argument of a multi-word directive', async () => {
    const ours = await startRedoubtProcess(['--save', '100 1 200 2', '--oom-score-adj-values', '0 100 900']);
    try {
      const got = await configGet(ours.port, ['save', 'oom-score-adj-values']);
      assert.equal(got[0], '*2\r\n$4\r\nsave\r\n$11\r\n100 1 200 2\r\n');
      assert.equal(got[1], '*2\r\n$20\r\noom-score-adj-values\r\n$9\r\n0 100 900\r\n');
      assert.match(
        ours.output(),
        /Directive 'oom-score-adj-values' is accepted but has no effect in Redoubt/,
      );
    } finally {
      await ours.stop();
    }
  });

  it('stops on a bad directive, naming the file, the line and the reason', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.conf');
    writeFileSync(file, '# ok\nport 7777\nmaxmemory 10 20\n');
    try {
      const port = await freePort();
      const p = await spawnServer(SERVER, [file, '--port', String(port), ...ALLOW_ROOT], port, {
        waitReady: false,
      });
      assert.equal(await p.exited, 1);
      const out = p.output();
      assert.match(out, /\*\*\* FATAL CONFIG FILE ERROR \(Redoubt [^)]+\) \*\*\*/);
      assert.ok(out.includes(`Reading the configuration file ${file}, at line 3\n`), out);
      assert.ok(out.includes(">>> 'maxmemory 10 20'\nwrong number of arguments\n"), out);
      assert.ok(!out.includes('Ready to accept connections'), out);

      const q = await spawnServer(SERVER, ['--port', 'seven', ...ALLOW_ROOT], port, { waitReady: false });
      assert.equal(await q.exited, 1);
      assert.ok(
        q.output().includes(`Reading the command line options, at option 1\n>>> 'port "seven"'\n`),
        q.output(),
      );
      assert.ok(q.output().includes("argument couldn't be parsed into an integer"), q.output());

      const r = await spawnServer(SERVER, [join(dir, 'missing.conf'), ...ALLOW_ROOT], port, {
        waitReady: false,
      });
      assert.equal(await r.exited, 1);
      assert.ok(
        r
          .output()
          .includes(
            `Fatal error, can't open config file '${join(dir, 'missing.conf')}': No such file or directory`,
          ),
        r.output(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows include relative to the working directory, and rename-command', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'data'));
    writeFileSync(
      join(dir, 'main.conf'),
      'include extra.conf\nrename-command ECHO SAY\nhz 25\ndir data\npidfile redoubt.pid\n',
    );
    writeFileSync(join(dir, 'extra.conf'), 'maxmemory 2mb\nhz 5\n');
    const port = await freePort();
    const p = await spawnServer(SERVER, ['main.conf', '--port', String(port), ...ALLOW_ROOT], port, {
      cwd: dir,
    });
    try {
      const got = await configGet(port, ['maxmemory', 'hz', 'dir', 'pidfile']);
      assert.equal(got[0], '*2\r\n$9\r\nmaxmemory\r\n$7\r\n2097152\r\n');
      assert.equal(got[1], '*2\r\n$2\r\nhz\r\n$2\r\n25\r\n');
      const data = realpathSync(join(dir, 'data'));
      assert.equal(got[2], `*2\r\n$3\r\ndir\r\n$${data.length}\r\n${data}\r\n`);
      assert.equal(got[3], '*2\r\n$7\r\npidfile\r\n$11\r\nredoubt.pid\r\n');
      // A relative pidfile lands in `dir`, as with Redis.
      assert.equal(readFileSync(join(data, 'redoubt.pid'), 'latin1'), `${p.pid}\n`);
      const c = await RespConnection.open(port);
      assert.deepEqual(await c.call('SAY', 'hi'), 'hi');
      assert.deepEqual(await c.call('ECHO', 'hi'), {
        error: "ERR unknown command 'ECHO', with args beginning with: 'hi' ",
      });
      // CONFIG REWRITE keeps include and rename-command, and rewrites the absolute file path.
      assert.deepEqual(await c.call('CONFIG', 'SET', 'hz', '30'), { status: 'OK' });
      assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
      c.close();
      const text = readFileSync(join(dir, 'main.conf'), 'latin1');
      assert.ok(text.startsWith('include extra.conf\nrename-command ECHO SAY\nhz 30\n'), text);
      assert.ok(text.includes(`\ndir "${data}"\npidfile "redoubt.pid"\n`), text);
      assert.ok(text.includes('\nmaxmemory 2mb\n'), text);
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts from an unchanged redis.conf and serves PING', async (t) => {
    const dir = tmp();
    const file = join(dir, 'redis.conf');
    try {
      copyFileSync('/etc/redis/redis.conf', file);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return t.skip('no readable /etc/redis/redis.conf');
    }
    const port = await freePort();
    const pidfile = join(dir, 'redis.pid');
    const logfile = join(dir, 'redis.log');
    const text = readFileSync(file, 'latin1')
      .replace(/^daemonize yes$/m, 'daemonize no')
      .replace(/^pidfile .*$/m, `pidfile ${pidfile}`)
      .replace(/^logfile .*$/m, `logfile ${logfile}`)
      .replace(/^dir .*$/m, `dir ${dir}`)
      .replace(/^port 6379$/m, `port ${port}`);
    writeFileSync(file, text);
    const p = await spawnServer(SERVER, [file, ...ALLOW_ROOT], port, { waitReady: false });
    try {
      let c: RespConnection | undefined;
      for (let i = 0; i < 200 && c === undefined; i++) {
        if (p.child.exitCode !== null) break;
        c = await RespConnection.open(port).catch(() => undefined);
        if (c === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(c !== undefined, `did not start:\n${p.output()}\n${readFileSync(logfile, 'latin1')}`);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'logfile'), ['logfile', logfile]);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'auto-aof-rewrite-min-size'), [
        'auto-aof-rewrite-min-size',
        '67108864',
      ]);
      // Every directive reads back as redis-server shows it from the same file.
      const bin = redisServerPath();
      if (bin !== null) {
        const rport = await freePort();
        const rfile = join(dir, 'redis-copy.conf');
        writeFileSync(
          rfile,
          text
            .replace(/^pidfile .*$/m, `pidfile ${join(dir, 'other.pid')}`)
            .replace(/^logfile .*$/m, `logfile ${join(dir, 'other.log')}`)
            .replace(/^port \d+$/m, `port ${rport}`),
        );
        const redis = await spawnServer(bin, [rfile], rport, { waitReady: false });
        try {
          let r: RespConnection | undefined;
          for (let i = 0; i < 200 && r === undefined; i++) {
            r = await RespConnection.open(rport).catch(() => undefined);
            if (r === undefined) await new Promise((res) => setTimeout(res, 25));
          }
          assert.ok(r !== undefined, 'redis-server started from the copy');
          const masked = new Set(['port', 'pidfile', 'logfile']);
          const pairs = (v: unknown): string[] => {
            const a = v as string[];
            const out: string[] = [];
            for (let i = 0; i < a.length; i += 2) {
              if (EXTENSIONS.has(a[i] as string)) continue;
              out.push(`${a[i]}=${masked.has(a[i] as string) ? '' : a[i + 1]}`);
            }
            return out.sort();
          };
          assert.deepEqual(
            pairs(await c.call('CONFIG', 'GET', '*')),
            pairs(await r.call('CONFIG', 'GET', '*')),
          );
          r.close();
        } finally {
          await redis.stop();
        }
      }
      c.close();
      assert.equal(statSync(pidfile).mode & 0o777, 0o600);
      assert.equal(statSync(logfile).mode & 0o777, 0o600);
      const log = readFileSync(logfile, 'latin1');
      assert.match(log, /Ready to accept connections/);
      assert.match(log, /Directive 'daemonize' is accepted but has no effect in Redoubt/);
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

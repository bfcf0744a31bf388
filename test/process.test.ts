/**
 * The server as a process: `bin/redoubt-server` and `bin/redoubt server` spawned
 * like an operator would. Log lines shaped like Redis's, the banner, readiness,
 * the pidfile, clean shutdown on SIGTERM and SIGINT, --logfile, --version, and no
 * secret in any log line. Every process is stopped by PID.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REDIS_COMPAT_VERSION, VERSION } from '../src/core/version.js';
import { RespConnection } from './helpers/resp.js';
import {
  ALLOW_ROOT,
  BIN,
  freePort,
  type RunningProcess,
  spawnServer,
  startRedis,
  startRedoubtProcess,
} from './helpers/servers.js';

/** `<pid>:M <dd> <Mon> <yyyy> <hh:mm:ss.mmm> <level mark> <message>`, as Redis writes. */
const LOG_LINE =
  /^(\d+):M \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] \S.*$/;

function run(
  file: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1 });
    });
  });
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Send a signal and wait for the exit code (SIGKILL after 10 s so nothing is left behind). */
async function signalAndWait(p: RunningProcess, signal: NodeJS.Signals): Promise<number | null> {
  process.kill(p.pid, signal);
  const timer = setTimeout(() => {
    if (p.child.exitCode === null) process.kill(p.pid, 'SIGKILL');
  }, 10000);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

describe('redoubt-server as a process', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'redoubt-proc-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('bin/redoubt-server: Redis-style log, banner, pidfile 0600, redis-cli PING, SIGTERM exits 0', async () => {
    const pidfile = join(dir, 'redoubt.pid');
    const p = await startRedoubtProcess(['--pidfile', pidfile]);
    let stopped = false;
    try {
      const lines = p.output().trimEnd().split('\n');
      for (const line of lines) {
        const m = LOG_LINE.exec(line);
        assert.ok(m, `not a Redis-style log line: ${JSON.stringify(line)}`);
        assert.equal(Number(m[1]), p.pid);
      }
      const banner = lines.find((l) => l.includes(`PID: ${p.pid}`));
      assert.ok(banner, 'a banner line with the PID');
      assert.ok(banner.includes(VERSION) && banner.includes(REDIS_COMPAT_VERSION), banner);
      assert.ok(banner.includes(`port: ${p.port}`), banner);
      assert.equal(lines.filter((l) => l.endsWith(' * Ready to accept connections')).length, 1);
      assert.ok(
        lines.findIndex((l) => l.includes(`PID: ${p.pid}`)) < lines.findIndex((l) => l.includes('Ready')),
      );
      // The pidfile: the process id, readable by the owner only.
      assert.equal(readFileSync(pidfile, 'utf8'), `${p.pid}\n`);
      assert.equal(statSync(pidfile).mode & 0o777, 0o600);
      const cli = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(p.port), 'ping']);
      assert.equal(cli.stdout, 'PONG\n');
      assert.equal(await signalAndWait(p, 'SIGTERM'), 0);
      stopped = true;
      assert.equal(existsSync(pidfile), false, 'pidfile removed at shutdown');
      assert.match(p.output(), / # Received SIGTERM scheduling shutdown\.\.\.\n/);
      for (const line of p.output().trimEnd().split('\n')) assert.match(line, LOG_LINE);
    } finally {
      if (!stopped) await p.stop();
    }
  });

  it('the log line format is the one redis-server writes', async (t) => {
    const redis = await startRedis();
    if (redis === null) return t.skip('redis-server not installed');
    try {
      const logLines = redis
        .output()
        .split('\n')
        .filter((l) => /^\d+:M /.test(l));
      assert.ok(logLines.length > 3);
      for (const line of logLines) assert.match(line, LOG_LINE);
      assert.ok(logLines.some((l) => l.includes(' * Ready to accept connections')));
    } finally {
      await redis.stop();
    }
  });

  it('bin/redoubt server: SIGINT shuts down cleanly with exit code 0', async () => {
    const port = await freePort();
    const p = await spawnServer(
      join(BIN, 'redoubt'),
      ['server', '--port', String(port), ...ALLOW_ROOT],
      port,
    );
    let stopped = false;
    try {
      const c = await RespConnection.open(port);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      assert.equal(await signalAndWait(p, 'SIGINT'), 0);
      stopped = true;
      assert.equal(await c.waitClosed(3000), true, 'clients are disconnected at shutdown');
      assert.match(p.output(), / # Received SIGINT scheduling shutdown\.\.\.\n/);
      assert.match(p.output(), /ready to exit/);
    } finally {
      if (!stopped) await p.stop();
    }
  });

  it('--logfile writes the log there (0600) instead of stdout', async () => {
    const port = await freePort();
    const logfile = join(dir, 'redoubt.log');
    const p = await spawnServer(
      join(BIN, 'redoubt-server'),
      ['--port', String(port), '--logfile', logfile, ...ALLOW_ROOT],
      port,
      { waitReady: false },
    );
    let stopped = false;
    try {
      await waitFor(
        () => existsSync(logfile) && readFileSync(logfile, 'utf8').includes('Ready to accept connections'),
        'the logfile to say ready',
      );
      assert.equal(statSync(logfile).mode & 0o777, 0o600);
      const c = await RespConnection.open(port);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      c.close();
      assert.equal(await signalAndWait(p, 'SIGTERM'), 0);
      stopped = true;
      assert.equal(p.output(), '', 'nothing on stdout or stderr');
      const log = readFileSync(logfile, 'utf8');
      for (const line of log.trimEnd().split('\n')) assert.match(line, LOG_LINE);
      assert.match(log, /PID: \d+/);
      assert.match(log, /ready to exit/);
    } finally {
      if (!stopped) await p.stop();
    }
  });

  it('--version and -v print the version and exit 0', async () => {
    for (const [file, args] of [
      ['redoubt-server', ['--version']],
      ['redoubt-server', ['-v']],
      ['redoubt', ['--version']],
      ['redoubt', ['version']],
    ] as const) {
      const r = await run(join(BIN, file), args);
      assert.equal(r.code, 0, `${file} ${args.join(' ')}`);
      assert.match(
        r.stdout,
        new RegExp(
          `^Redoubt server v=${VERSION.replace(/\./g, '\\.')} redis_version=${REDIS_COMPAT_VERSION.replace(/\./g, '\\.')} `,
        ),
      );
    }
  });

  it('no password ever appears in a log line', async () => {
    const secrets = ['secret123', 'wrongpass456', 'newsecret789'];
    const p = await startRedoubtProcess(['--requirepass', 'secret123', '--loglevel', 'debug']);
    let stopped = false;
    try {
      const c = await RespConnection.open(p.port);
      assert.deepEqual(await c.call('AUTH', 'wrongpass456'), {
        error: 'WRONGPASS invalid username-password pair or user is disabled.',
      });
      assert.deepEqual(await c.call('AUTH', 'default', 'wrongpass456'), {
        error: 'WRONGPASS invalid username-password pair or user is disabled.',
      });
      assert.deepEqual(await c.call('AUTH', 'secret123'), { status: 'OK' });
      await c.call('HELLO', '3', 'AUTH', 'default', 'secret123');
      await c.call('CONFIG', 'SET', 'requirepass', 'newsecret789');
      await c.call('CONFIG', 'GET', 'requirepass');
      c.close();
      // A protocol error and an oversized request from a client sending a secret.
      const d = await RespConnection.open(p.port);
      d.writeRaw('AUTH secret123 "unbalanced\r\n');
      assert.equal(await d.waitClosed(3000), true);
      // An unauthenticated client with a bad HELLO AUTH.
      const e = await RespConnection.open(p.port);
      await e.call('HELLO', '3', 'AUTH', 'default', 'wrongpass456');
      e.close();
      const cli = await run('redis-cli', [
        '-h',
        '127.0.0.1',
        '-p',
        String(p.port),
        '--no-auth-warning',
        '-a',
        'newsecret789',
        'ping',
      ]);
      assert.equal(cli.stdout, 'PONG\n');
      assert.equal(await signalAndWait(p, 'SIGTERM'), 0);
      stopped = true;
      const out = p.output();
      assert.match(out, / - Failed authentication for user 'default'/, 'verbose logging was on');
      for (const s of secrets) assert.ok(!out.includes(s), `${s} appears in the log:\n${out}`);
    } finally {
      if (!stopped) await p.stop();
    }
  });

  it('a bad requirepass on the command line is reported without its value', async () => {
    const r = await run(join(BIN, 'redoubt-server'), [
      '--port',
      '0',
      '--requirepass',
      'secret123',
      'extra',
      ...ALLOW_ROOT,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FATAL CONFIG FILE ERROR/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes('secret123'), r.stderr);
  });
});

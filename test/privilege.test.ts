/**
 * Least privilege: bin/redoubt-server started as root refuses to run unless
 * `run-as` (it then drops to that user for good after opening its listeners and
 * files, checked in /proc/<pid>/status) or `allow-root yes` (a warning); not as
 * root it just runs; the embedding API only warns. The root-only parts skip
 * elsewhere (CI runs as root).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer } from '../src/index.js';
import { decideRoot, ROOT_REFUSAL } from '../src/security/privilege.js';
import { RespConnection } from './helpers/resp.js';
import { BIN, freePort, IS_ROOT, ROOT, spawnServer, startRedoubtProcess } from './helpers/servers.js';

const SERVER = join(BIN, 'redoubt-server');
const NOBODY = 65534;
const rootOnly = IS_ROOT ? false : 'needs root (CI runs the suite as root)';

function run(
  args: readonly string[],
  opts: { uid?: number; gid?: number } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      SERVER,
      args,
      { timeout: 15000, encoding: 'utf8', cwd: ROOT, ...opts },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1 });
      },
    );
  });
}

/** Ids from /proc/<pid>/status: real, effective, saved, filesystem; and the supplementary groups. */
function procIds(pid: number): { uid: number[]; gid: number[]; groups: number[] } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const field = (name: string): number[] =>
    (new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)?.[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter((x) => x !== '')
      .map(Number);
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

/** A free port below 1024 (only root can bind it), or undefined. */
async function privilegedPort(): Promise<number | undefined> {
  for (let i = 0; i < 40; i++) {
    const port = 700 + Math.floor(Math.random() * 300);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createNetServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  return undefined;
}

/** Spawn as another user (root only; undefined: as this process) and wait for readiness. */
async function spawnAs(
  uid: number | undefined,
  args: readonly string[],
): Promise<{ child: ChildProcess; out: () => string }> {
  const ids = uid === undefined ? {} : { uid, gid: uid };
  const child = spawn(SERVER, args, { ...ids, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const deadline = Date.now() + 15000;
  while (!out.includes('Ready to accept connections')) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`not ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, out: () => out };
}

async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10000);
  const code = await exited;
  clearTimeout(t);
  return code;
}

describe('least privilege', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'redoubt-priv-'));
    // Other users (the run-as user) may traverse it.
    chmodSync(dir, 0o755);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('as root without run-as or allow-root: a clear refusal, exit code 1, nothing created', {
    skip: rootOnly,
  }, async () => {
    const logfile = join(dir, 'refused.log');
    const r = await run(['--port', String(await freePort()), '--logfile', logfile]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `${ROOT_REFUSAL}\n`);
    assert.equal(existsSync(logfile), false, 'no file created before refusing');
    // A config file can say the same as the command line.
    assert.equal(decideRoot('', false).action, 'refuse');
    assert.equal(decideRoot('', true).action, 'run');
    assert.equal(decideRoot('nobody', false).action, 'drop');
  });

  it('allow-root yes: runs as root, with a warning', { skip: rootOnly }, async () => {
    const p = await startRedoubtProcess();
    try {
      assert.match(p.output(), /# WARNING: Redoubt is running as root \(allow-root yes\)/);
      assert.equal(procIds(p.pid).uid[1], 0);
    } finally {
      await p.stop();
    }
  });

  it('run-as nobody: the privileged port and files are opened, then the process is nobody for good', {
    skip: rootOnly,
  }, async () => {
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o755 });
    chownSync(data, NOBODY, NOBODY);
    const port = (await privilegedPort()) ?? (await freePort());
    const sock = join(dir, 'redoubt.sock');
    const p = await spawnServer(
      SERVER,
      [
        '--port',
        String(port),
        '--run-as',
        'nobody',
        '--dir',
        data,
        '--pidfile',
        'redoubt.pid',
        '--unixsocket',
        sock,
      ],
      port,
    );
    try {
      const ids = procIds(p.pid);
      assert.deepEqual(ids.uid, [NOBODY, NOBODY, NOBODY, NOBODY], 'Uid: real, effective, saved, fs');
      assert.deepEqual(ids.gid, [NOBODY, NOBODY, NOBODY, NOBODY], 'Gid: real, effective, saved, fs');
      assert.ok(!ids.groups.includes(0), `no root group: ${ids.groups.join(' ')}`);
      assert.match(p.output(), /Dropped privileges: now running as uid 65534, gid 65534 \(run-as nobody\)/);
      const c = await RespConnection.open(port);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      c.close();
      // The pidfile was written before the drop, for the new owner; the data directory is theirs, now 0700.
      const pid = statSync(join(data, 'redoubt.pid'));
      assert.equal(pid.mode & 0o777, 0o600);
      assert.equal(pid.uid, NOBODY);
      assert.equal(statSync(data).mode & 0o777, 0o700);
      assert.match(p.output(), /Data directory .*data: mode changed from 0755 to 0700/);
      // The unix socket is the run-as user's: 0700, and that user can connect.
      const st = statSync(sock);
      assert.deepEqual([st.uid, st.mode & 0o777], [NOBODY, 0o700]);
      const viaSocket = await new Promise<string>((resolve) => {
        execFile(
          process.execPath,
          [
            '-e',
            `const s=require('net').connect(process.argv[1],()=>s.write('PING\\r\\n'));s.on('data',d=>{console.log(String(d).trim());s.destroy()});s.on('error',e=>console.log(e.code))`,
            sock,
          ],
          { uid: NOBODY, gid: NOBODY, encoding: 'utf8' },
          (_err, stdout) => resolve(stdout.trim()),
        );
      });
      assert.equal(viaSocket, '+PONG');
    } finally {
      await p.stop();
    }
    assert.equal(await p.exited, 0);
  });

  it('run-as with an unknown user or group refuses to start', async () => {
    const r = await run(['--port', String(await freePort()), '--run-as', 'no-such-user-redoubt']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /run-as: unknown user 'no-such-user-redoubt'/);
    const g = await run(['--port', String(await freePort()), '--run-as', 'nobody:no-such-group-redoubt']);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /run-as: unknown group 'no-such-group-redoubt'/);
    const bad = await run(['--port', String(await freePort()), '--run-as', 'a:b:c']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /run-as must be <user> or <user>:<group>/);
  });

  it('not root: runs without run-as or allow-root; run-as another user only warns', async () => {
    const port = await freePort();
    // As root, the test runs the server as nobody; otherwise as the test's own user.
    const uid = IS_ROOT ? NOBODY : (process.getuid?.() ?? NOBODY);
    const other = uid === 1 ? 'nobody' : 'daemon';
    // No save points: the working directory (the repository) is not nobody's to write a dump.rdb into,
    // and a failed save on SIGTERM keeps the server running, as Redis does.
    const s = await spawnAs(IS_ROOT ? NOBODY : undefined, [
      '--port',
      String(port),
      '--run-as',
      other,
      '--save',
      '',
    ]);
    try {
      assert.match(
        s.out(),
        new RegExp(
          `run-as ${other} has no effect: Redoubt was not started as root \\(running as uid ${uid}\\)`,
        ),
      );
      assert.ok(!s.out().includes('refuses'));
      const c = await RespConnection.open(port);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      c.close();
    } finally {
      assert.equal(await stopChild(s.child), 0);
    }
  });

  it('embedded: the host application owns its privileges; a warning only', async () => {
    const lines: string[] = [];
    const h = await createServer({
      port: 0,
      bind: '127.0.0.1',
      runAs: 'nobody',
      log: { write: (l: string) => void lines.push(l) },
    }).listen();
    try {
      assert.ok(lines.some((l) => l.includes('run-as has no effect in an embedded server')));
      if (IS_ROOT) assert.ok(lines.some((l) => l.includes('the embedded Redoubt server runs as root')));
      assert.equal(process.geteuid?.() === 0, IS_ROOT, 'the test process keeps its identity');
    } finally {
      await h.close();
    }
  });
});

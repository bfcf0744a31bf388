/**
 * File permissions: everything Redoubt writes is 0600 and every directory it
 * creates 0700 whatever the umask (a server process under umask 000 writes its
 * pidfile, log, CONFIG REWRITE output, and its data directory ends up 0700), whole
 * files are replaced atomically, a rotated log is reopened, and files holding
 * secrets that others can read are reported (or refused with
 * strict-permissions).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, StrictPermissionsError } from '../src/index.js';
import {
  ensurePrivateDir,
  exposedSecretFiles,
  openPrivateAppend,
  privateLogSink,
  tightenOwnedDir,
  writeFileAtomic,
} from '../src/security/files.js';
import { makePki, opensslUnavailable } from './helpers/pki.js';
import { RespConnection } from './helpers/resp.js';
import { ALLOW_ROOT, BIN, freePort, IS_ROOT, spawnServer } from './helpers/servers.js';

const SERVER = join(BIN, 'redoubt-server');

/** Run `fn` with the process umask set to `mask`. */
function withUmask<T>(mask: number, fn: () => T): T {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
}

function run(args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      SERVER,
      [...args, ...ALLOW_ROOT],
      { timeout: 15000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1 });
      },
    );
  });
}

/** Every file and directory under `dir` with its mode. */
function walk(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    out.push({ path, dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) out.push(...walk(path));
  }
  return out;
}

describe('file permissions', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'redoubt-files-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writeFileAtomic: 0600 whatever the umask, the whole content or nothing, no temporary file left', () => {
    const path = join(dir, 'atomic.txt');
    withUmask(0, () => writeFileAtomic(path, 'one\n'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'one\n');
    chmodSync(path, 0o644);
    withUmask(0o277, () => writeFileAtomic(path, Buffer.from('two\n')));
    assert.equal(statSync(path).mode & 0o777, 0o600, 'a rewritten file is 0600 too, even under umask 277');
    assert.equal(readFileSync(path, 'utf8'), 'two\n');
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'x'), 'x'), /ENOENT/);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });

  it('writeFileAtomic keeps the owner of a file it replaces (as root)', {
    skip: IS_ROOT ? false : 'needs root',
  }, () => {
    const path = join(dir, 'owned.conf');
    writeFileSync(path, 'a\n');
    chownSync(path, 65534, 65534);
    writeFileAtomic(path, 'b\n');
    const st = statSync(path);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o600]);
  });

  it('ensurePrivateDir makes 0700 directories, parents included; tightenOwnedDir makes an owned one 0700', () => {
    const nested = join(dir, 'a', 'b', 'c');
    assert.equal(
      withUmask(0, () => ensurePrivateDir(nested)),
      true,
    );
    for (const d of [join(dir, 'a'), join(dir, 'a', 'b'), nested])
      assert.equal(statSync(d).mode & 0o777, 0o700, d);
    assert.equal(ensurePrivateDir(nested), false, 'already there');
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    assert.equal(tightenOwnedDir(open), `Data directory ${open}: mode changed from 0755 to 0700`);
    assert.equal(statSync(open).mode & 0o777, 0o700);
    assert.equal(tightenOwnedDir(open), undefined);
    if (IS_ROOT) {
      const theirs = join(dir, 'theirs');
      mkdirSync(theirs);
      chmodSync(theirs, 0o755);
      chownSync(theirs, 65534, 65534);
      assert.equal(tightenOwnedDir(theirs), undefined, 'not ours: untouched');
      assert.equal(statSync(theirs).mode & 0o777, 0o755);
    }
  });

  it('the log file: created 0600, an existing one of ours tightened, reopened after a rotation', () => {
    const log = join(dir, 'app.log');
    const sink = withUmask(0, () => privateLogSink(log));
    sink.write('first\n');
    assert.equal(statSync(log).mode & 0o777, 0o600);
    renameSync(log, `${log}.1`);
    withUmask(0, () => sink.write('second\n'));
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'first\n');
    assert.equal(readFileSync(log, 'utf8'), 'second\n');
    assert.equal(statSync(log).mode & 0o777, 0o600);
    const wide = join(dir, 'wide.log');
    writeFileSync(wide, 'old\n');
    chmodSync(wide, 0o644);
    const opened = openPrivateAppend(wide);
    assert.equal(opened.note, `${wide}: mode changed from 0644 to 0600`);
    assert.equal(statSync(wide).mode & 0o777, 0o600);
  });

  it('a server process under umask 000: pidfile, log, CONFIG REWRITE output are 0600, its dir 0700', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    chmodSync(data, 0o777);
    const conf = join(dir, 'redoubt.conf');
    writeFileSync(conf, `dir ${data}\npidfile redoubt.pid\nlogfile redoubt.log\nloglevel verbose\n`);
    chmodSync(conf, 0o644);
    const port = await freePort();
    const p = await spawnServer(
      '/bin/sh',
      ['-c', 'umask 000; exec "$@"', 'sh', SERVER, conf, '--port', String(port), ...ALLOW_ROOT],
      port,
      { waitReady: false },
    );
    try {
      const logPath = join(data, 'redoubt.log');
      const deadline = Date.now() + 15000;
      while (
        !(existsSync(logPath) && readFileSync(logPath, 'latin1').includes('Ready to accept connections'))
      ) {
        if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`not ready: ${p.output()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.match(readFileSync(logPath, 'latin1'), /Data directory .*data: mode changed from 0777 to 0700/);
      const c = await RespConnection.open(port);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'hz', '20'), { status: 'OK' });
      assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
      // Log rotation: the moved file stays, a new one (0600) is created for the next lines.
      renameSync(logPath, `${logPath}.1`);
      c.close();
      const again = await RespConnection.open(port);
      await again.call('PING');
      again.close();
      const deadline2 = Date.now() + 10000;
      while (!existsSync(logPath)) {
        if (Date.now() > deadline2) throw new Error('the log was not reopened');
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(statSync(conf).mode & 0o777, 0o600, 'CONFIG REWRITE output');
      assert.match(readFileSync(conf, 'latin1'), /^hz 20$/m);
      const files = walk(data);
      assert.ok(files.some((f) => f.path.endsWith('redoubt.pid')));
      assert.ok(files.some((f) => f.path.endsWith('redoubt.log.1')));
      for (const f of files) assert.equal(f.mode, f.dir ? 0o700 : 0o600, `${f.path}: ${f.mode.toString(8)}`);
      assert.equal(statSync(data).mode & 0o777, 0o700);
    } finally {
      await p.stop();
    }
  });

  it('files holding secrets that others can read: a warning with the chmod that fixes it; strict-permissions refuses to start', async () => {
    const conf = join(dir, 'secret.conf');
    const inc = join(dir, 'secret-include.conf');
    writeFileSync(inc, 'masterauth hunter2\n');
    writeFileSync(conf, `requirepass hunter2\ninclude ${inc}\n`);
    chmodSync(conf, 0o644);
    chmodSync(inc, 0o640);
    const plain = join(dir, 'plain.conf');
    writeFileSync(plain, 'hz 10\n');
    chmodSync(plain, 0o644);
    const port = await freePort();
    const p = await spawnServer(SERVER, [conf, '--port', String(port), ...ALLOW_ROOT], port);
    try {
      const out = p.output();
      assert.ok(
        out.includes(
          `Config file ${conf} holds secrets and is readable by group and others (mode 0644): fix it with 'chmod 600 ${conf}'`,
        ),
        out,
      );
      assert.ok(out.includes(`Config file ${inc} holds secrets and is readable by group (mode 0640)`), out);
      assert.ok(!out.includes('hunter2'), 'the secret itself is never logged');
    } finally {
      await p.stop();
    }
    const strict = await run([conf, '--port', String(await freePort()), '--strict-permissions', 'yes']);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, new RegExp(`strict-permissions is on .*chmod 600 ${conf}; chmod 600 ${inc}`));
    chmodSync(conf, 0o600);
    chmodSync(inc, 0o600);
    const fixed = await spawnServer(
      SERVER,
      [conf, '--port', String(port), '--strict-permissions', 'yes', ...ALLOW_ROOT],
      port,
    );
    try {
      assert.ok(!fixed.output().includes('holds secrets'));
    } finally {
      await fixed.stop();
    }
    // No secret: no warning, whatever the mode.
    assert.deepEqual(
      exposedSecretFiles([{ name: 'hz', args: ['10'], file: plain, line: 1, text: 'hz 10' }], '', ''),
      [],
    );
    // The ACL file and the TLS private key.
    const acl = join(dir, 'users.acl');
    writeFileSync(acl, 'user default on nopass ~* &* +@all\nuser bob on >bobpass ~* +@all\n');
    chmodSync(acl, 0o644);
    const key = join(dir, 'server.key');
    writeFileSync(key, 'not really a key\n');
    chmodSync(key, 0o604);
    const problems = exposedSecretFiles([], acl, key);
    assert.deepEqual(
      problems.map((x) => [x.what, x.path, x.mode]),
      [
        ['ACL file', acl, 0o644],
        ['TLS private key file', key, 0o604],
      ],
    );
    // Embedded: the same check, and the same refusal.
    chmodSync(conf, 0o644);
    assert.throws(() => createServer({ configFile: conf, strictPermissions: true }), StrictPermissionsError);
    const lines: string[] = [];
    const h = createServer({ configFile: conf, port: 0, log: { write: (l: string) => void lines.push(l) } });
    assert.ok(lines.some((l) => l.includes(`chmod 600 ${conf}`)));
    void h;
  });

  it('an ACL file and a TLS key readable by others are reported at start-up', {
    skip: opensslUnavailable(),
  }, async () => {
    const pki = makePki();
    try {
      const acl = join(dir, 'start.acl');
      writeFileSync(acl, 'user default on nopass ~* &* +@all\nuser bob on >bobpass ~* +@all\n');
      chmodSync(acl, 0o644);
      chmodSync(pki.server.key, 0o644);
      const port = await freePort();
      const p = await spawnServer(
        SERVER,
        [
          '--port',
          String(port),
          '--aclfile',
          acl,
          '--tls-port',
          String(await freePort()),
          '--tls-cert-file',
          pki.server.cert,
          '--tls-key-file',
          pki.server.key,
          '--tls-ca-cert-file',
          pki.ca,
          ...ALLOW_ROOT,
        ],
        port,
      );
      try {
        assert.ok(p.output().includes(`ACL file ${acl} holds secrets`), p.output());
        assert.ok(p.output().includes(`TLS private key file ${pki.server.key} holds secrets`), p.output());
      } finally {
        await p.stop();
      }
    } finally {
      pki.remove();
    }
  });
});

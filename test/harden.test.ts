/**
 * `redoubt harden`, run as the real CLI: the files of every option combination
 * (modes 0600/0700, passwords only in the secrets file), refused inputs (exit
 * 2, nothing written), the certificates (node's X509Certificate and `openssl
 * verify`), the generated configuration started under a real redis-server 7
 * and a real Redoubt with real TLS clients and the generated users, the static
 * and live audits of the result (nothing above low, both servers alike), and
 * the firewall rules and systemd unit checked by the real tools when present.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { firewallRestricts } from '../src/audit/host.js';
import { type AuditFinding, auditJson } from './helpers/audit.js';
import { opensslUnavailable } from './helpers/pki.js';
import { RespConnection, type Value } from './helpers/resp.js';
import {
  BIN,
  freePort,
  IS_ROOT,
  type RunningProcess,
  redisServerPath,
  spawnServer,
  valkeyServerPath,
} from './helpers/servers.js';
import { TlsResp, tryTls } from './helpers/tls-client.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `bin/redoubt harden ...args` as a process. */
function harden(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(join(BIN, 'redoubt'), ['harden', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : undefined;
      if (code === undefined) reject(err);
      else resolve({ code, stdout, stderr });
    });
  });
}

/** A private temporary directory, removed by the `after` of the suite that made it. */
const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'redoubt-harden-'));
  temps.push(d);
  return d;
}
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** Every entry under `dir` (relative path -> mode), the directory itself as ".". */
function modes(dir: string): Map<string, number> {
  const out = new Map<string, number>([['.', statSync(dir).mode & 0o777]]);
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.set(relative(dir, p), statSync(p).mode & 0o777);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** users.secrets: user -> password. */
function secrets(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'users.secrets'), 'utf8').split('\n')) {
    const m = /^([^#\s]\S*) (\S+)$/.exec(line);
    if (m !== null) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

const above = (fs: readonly AuditFinding[], sev = ['critical', 'high', 'medium']): string[] =>
  fs.filter((f) => sev.includes(f.severity)).map((f) => `${f.id} ${f.severity}: ${f.evidence}`);

const USERS_FILE = `# the users file of the tests: one line per user
web      keys=app:*            access=readwrite
reports  keys=app:*            access=read        commands=scan   # read-only, plus SCAN
events   channels=events:*     commands=publish
`;

const CONF = { redis: 'redis.conf', valkey: 'valkey.conf', redoubt: 'redoubt.conf' } as const;
type Target = keyof typeof CONF;

/** The files a combination must produce, exactly. */
function expectedFiles(target: Target, tls: boolean, service: boolean, firewall: boolean): string[] {
  return [
    '.',
    'README',
    CONF[target],
    'users.acl',
    'users.secrets',
    ...(tls
      ? [
          'tls',
          ...['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key'].map(
            (f) => `tls/${f}`,
          ),
        ]
      : []),
    ...(service ? [`${target}-hardened.service`] : []),
    ...(firewall
      ? [
          'firewall',
          'firewall/iptables.rules',
          'firewall/ip6tables.rules',
          'firewall/nftables.nft',
          'firewall/ufw.sh',
        ]
      : []),
  ].sort();
}

describe('redoubt harden: the files of every option combination', () => {
  const combos: [Target, boolean, boolean, boolean][] = [];
  for (const target of ['redis', 'valkey', 'redoubt'] as const)
    for (const tls of [false, true])
      for (const service of [false, true])
        for (const firewall of [false, true]) combos.push([target, tls, service, firewall]);

  for (const [target, tls, service, firewall] of combos) {
    const name = `--target ${target}${tls ? ' --tls' : ''}${service ? ' --service systemd' : ''}${firewall ? ' --firewall (all)' : ''}`;
    it(name, async () => {
      const dir = tempDir();
      const out = join(dir, 'bundle');
      const r = await harden([
        '--out',
        out,
        '--target',
        target,
        // An existing data directory: the audit notes a `dir` the server could not enter.
        '--data-dir',
        dir,
        '--users',
        await usersFile(),
        ...(tls ? ['--tls', '--bind', '10.1.2.3', '--dns', 'cache.internal'] : []),
        ...(service ? ['--service', 'systemd'] : []),
        ...(firewall ? ['--firewall', 'iptables', '--firewall', 'nftables', '--firewall', 'ufw'] : []),
        '--allow',
        '10.0.0.0/8',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const m = modes(out);
      assert.deepEqual([...m.keys()].sort(), expectedFiles(target, tls, service, firewall));
      for (const [p, mode] of m)
        assert.equal(mode, statSync(join(out, p)).isDirectory() ? 0o700 : 0o600, `${p}: ${mode.toString(8)}`);
      // The passwords: in users.secrets only; the aclfile has their SHA-256.
      const pw = secrets(out);
      assert.deepEqual([...pw.keys()], ['web', 'reports', 'events', 'auditor']);
      const acl = readFileSync(join(out, 'users.acl'), 'utf8');
      for (const [user, p] of pw) {
        assert.match(p, /^[0-9a-f]{64}$/);
        assert.ok(acl.includes(`user ${user} on #${createHash('sha256').update(p).digest('hex')} `));
        for (const f of m.keys())
          if (f !== 'users.secrets' && statSync(join(out, f)).isFile())
            assert.ok(!readFileSync(join(out, f), 'utf8').includes(p), `${user}'s password in ${f}`);
        assert.ok(!r.stdout.includes(p) && !r.stderr.includes(p), 'a password was printed');
      }
      assert.match(acl, /^user default off /m);
      const conf = readFileSync(join(out, CONF[target]), 'utf8');
      // Redoubt's own directives only in Redoubt's configuration.
      assert.equal(/^allow-from 127\.0\.0\.0\/8 ::1 10\.0\.0\.0\/8$/m.test(conf), target === 'redoubt');
      assert.equal(/^port 0$/m.test(conf), tls);
      // The static audit of the result: nothing above low.
      const fs = await auditJson(['--config', join(out, CONF[target])]);
      assert.deepEqual(above(fs), []);
      // Without TLS the server is on loopback only: the low ENC-NO-TLS says so.
      assert.deepEqual(
        fs.map((f) => `${f.id} ${f.severity}`).sort(),
        tls ? ['CMD-AUDITOR info'] : ['CMD-AUDITOR info', 'ENC-NO-TLS low'],
      );
    });
  }

  let usersPath: string | undefined;
  async function usersFile(): Promise<string> {
    if (usersPath === undefined) {
      usersPath = join(tempDir(), 'users.txt');
      writeFileSync(usersPath, USERS_FILE, { mode: 0o600 });
    }
    return usersPath;
  }

  it('without --users: one user "app" on app:*; without --tls on loopback: only the low ENC-NO-TLS', async () => {
    const out = join(tempDir(), 'bundle');
    const r = await harden(['--out', out, '--target', 'redis']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...secrets(out).keys()], ['app', 'auditor']);
    assert.match(readFileSync(join(out, 'users.acl'), 'utf8'), /^user app on #[0-9a-f]{64} .* ~app:\*$/m);
    assert.match(readFileSync(join(out, 'redis.conf'), 'utf8'), /^bind 127\.0\.0\.1 -::1$/m);
    const fs = await auditJson(['--config', join(out, 'redis.conf')]);
    assert.deepEqual(fs.map((f) => `${f.id} ${f.severity}`).sort(), ['CMD-AUDITOR info', 'ENC-NO-TLS low']);
  });

  it('the README names every file and the install commands', async () => {
    const out = join(tempDir(), 'bundle');
    assert.equal(
      (await harden(['--out', out, '--tls', '--service', 'systemd', '--firewall', 'nftables'])).code,
      0,
    );
    const readme = readFileSync(join(out, 'README'), 'utf8');
    for (const f of modes(out).keys())
      if (statSync(join(out, f)).isFile() && f !== 'README')
        assert.match(readme, new RegExp(`^  ${f} `, 'm'), f);
    for (const step of [
      'useradd --system',
      'install -d -m 0700 -o redoubt -g redoubt /var/lib/redoubt',
      `chown -R redoubt:redoubt ${out}`,
      'systemctl enable --now redoubt-hardened.service',
      `nft -f ${out}/firewall/nftables.nft`,
      `redoubt audit --config ${out}/redoubt.conf`,
    ])
      assert.ok(readme.includes(step), step);
  });
});

describe('redoubt harden: refused inputs exit 2 and write nothing', () => {
  const cases: [string, string[], RegExp, string?][] = [
    ['no --out', [], /--out DIR is required/],
    ['an unknown option', ['--bogus'], /Unknown option '--bogus'/],
    ['an unknown target', ['--target', 'memcached'], /--target must be redis, valkey, redoubt/],
    ['a wildcard bind', ['--bind', '0.0.0.0'], /--bind 0\.0\.0\.0 listens on every interface/],
    ['a public bind', ['--bind', '8.8.8.8', '--tls'], /is a public address/],
    ['a private bind without TLS', ['--bind', '10.0.0.5'], /is reachable from the network: add --tls/],
    ['a bind that is not an address', ['--bind', 'example.com'], /is not an IP address/],
    [
      'a bad --allow',
      ['--allow', '10.0.0.0/33'],
      /--allow 10\.0\.0\.0\/33 is not an address or a CIDR block/,
    ],
    ['a bad --port', ['--port', '70000'], /--port must be 1\.\.65535/],
    ['--dns without --tls', ['--dns', 'cache.internal'], /needs --tls/],
    ['an unknown firewall', ['--firewall', 'pf'], /--firewall must be iptables, nftables, ufw/],
    [
      'a dangerous command',
      [],
      /users:2: user "ops" would reach dangerous commands \(keys\)/,
      'ops keys=app:* commands=get,keys',
    ],
    ['every key', [], /users:2: the pattern "\*" matches everything/, 'ops keys=* access=read'],
    [
      'an unknown command',
      [],
      /unknown command or category: \+nosuchcommand/,
      'ops keys=a:* commands=nosuchcommand',
    ],
    ['an unknown field', [], /"perms=rw" is not one of keys=, access=/, 'ops keys=a:* perms=rw'],
    ['a bad access', [], /access=all: expected read, write or readwrite/, 'ops keys=a:* access=all'],
    ['a reserved name', [], /"default" is reserved/, 'default keys=a:* access=read'],
    [
      'a user twice',
      [],
      /users:3: user "ops" is defined twice/,
      'ops keys=a:* access=read\nops keys=b:* access=read',
    ],
    ['no command', [], /is given no command/, 'ops keys=a:*'],
  ];
  for (const [name, args, message, users] of cases)
    it(name, async () => {
      const dir = tempDir();
      const out = join(dir, 'bundle');
      const extra: string[] = [];
      if (users !== undefined) {
        writeFileSync(join(dir, 'users'), `# users\n${users}\n`);
        extra.push('--users', join(dir, 'users'));
      }
      const r = await harden([...(name === 'no --out' ? [] : ['--out', out]), ...args, ...extra]);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(out), 'something was written');
    });

  it('a non-empty --out without --force; with --force it is written and tightened to 0700', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'other'), 'x');
    const r = await harden(['--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not empty: give --force/);
    assert.deepEqual(readdirSync(out), ['other']);
    execFileSync('chmod', ['755', out]);
    assert.equal((await harden(['--out', out, '--force'])).code, 0);
    assert.equal(statSync(out).mode & 0o777, 0o700);
    assert.ok(existsSync(join(out, 'redoubt.conf')) && existsSync(join(out, 'other')));
  });
});

describe('redoubt harden --tls: the certificates', () => {
  let out: string;
  before(async () => {
    out = join(tempDir(), 'bundle');
    const r = await harden([
      '--out',
      out,
      '--tls',
      '--bind',
      '10.1.2.3',
      '--bind',
      'fd00::7',
      '--dns',
      'cache.internal',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  const cert = (name: string): X509Certificate => new X509Certificate(readFileSync(join(out, 'tls', name)));

  it("node's X509Certificate: a CA, a server certificate for the addresses and names, a client certificate", () => {
    const ca = cert('ca.crt');
    const server = cert('server.crt');
    const client = cert('client.crt');
    assert.equal(ca.ca, true);
    assert.ok(ca.verify(ca.publicKey), 'the CA is self-signed');
    for (const leaf of [server, client]) {
      assert.equal(leaf.ca, false);
      assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
      assert.equal(leaf.publicKey.asymmetricKeyType, 'ec');
    }
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(
      server.subjectAltName,
      'DNS:cache.internal, DNS:localhost, IP Address:10.1.2.3, IP Address:FD00:0:0:0:0:0:0:7',
    );
    for (const ip of ['10.1.2.3', 'fd00::7']) assert.equal(server.checkIP(ip), ip);
    assert.equal(server.checkHost('cache.internal'), 'cache.internal');
    assert.equal(server.checkIP('10.1.2.4'), undefined);
    // The keys are the certificates' own.
    for (const [c, k] of [
      ['server.crt', 'server.key'],
      ['client.crt', 'client.key'],
      ['ca.crt', 'ca.key'],
    ] as const)
      assert.ok(cert(c).checkPrivateKey(createPrivateKey(readFileSync(join(out, 'tls', k)))), c);
    const days = (new Date(server.validTo).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 700 && days <= 730, `server certificate valid ${days} days`);
  });

  it('openssl verify: chains to the CA, for its purpose only (strict X.509)', {
    skip: opensslUnavailable() ?? false,
  }, () => {
    const verify = (purpose: string, name: string): boolean => {
      try {
        execFileSync(
          'openssl',
          [
            'verify',
            '-x509_strict',
            '-purpose',
            purpose,
            '-CAfile',
            join(out, 'tls/ca.crt'),
            join(out, 'tls', name),
          ],
          {
            stdio: 'pipe',
          },
        );
        return true;
      } catch {
        return false;
      }
    };
    assert.ok(verify('sslserver', 'server.crt'));
    assert.ok(verify('sslclient', 'client.crt'));
    assert.ok(!verify('sslclient', 'server.crt'), 'the server certificate is not a client certificate');
    assert.ok(!verify('sslserver', 'client.crt'), 'the client certificate is not a server certificate');
  });
});

// ---- the generated configuration under real servers

const REDIS = redisServerPath();
const VALKEY = valkeyServerPath();

/** A connection as the tests use it: TLS with the bundle's client certificate, or plain. */
interface Conn {
  call(...args: string[]): Promise<Value>;
  close(): void;
}

interface Started {
  readonly kind: 'redis' | 'valkey' | 'redoubt';
  readonly out: string;
  readonly server: RunningProcess;
  readonly tls: boolean;
  open(): Promise<Conn>;
}

/** Harden for `kind` on a free port, then start that server on the generated configuration, unchanged. */
async function startHardened(kind: 'redis' | 'valkey' | 'redoubt', tls: boolean): Promise<Started> {
  const dir = tempDir();
  const out = join(dir, 'bundle');
  const data = join(dir, 'data');
  execFileSync('install', ['-d', '-m', '0700', data]);
  writeFileSync(join(dir, 'users.txt'), USERS_FILE);
  const port = await freePort();
  const r = await harden([
    '--out',
    out,
    '--target',
    kind,
    '--port',
    String(port),
    '--data-dir',
    data,
    '--users',
    join(dir, 'users.txt'),
    ...(tls ? ['--tls'] : []),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const conf = join(out, CONF[kind]);
  const server =
    kind !== 'redoubt'
      ? await spawnServer((kind === 'redis' ? REDIS : VALKEY) as string, [conf], port)
      : // As root, Redoubt drops to nobody once its files are read and its port is open, as a
        // service would run (--allow-root would itself be an audit finding).
        await spawnServer(
          join(BIN, 'redoubt-server'),
          [conf, ...(IS_ROOT ? ['--run-as', 'nobody'] : [])],
          port,
        );
  const tlsFiles = {
    ca: join(out, 'tls/ca.crt'),
    cert: join(out, 'tls/client.crt'),
    key: join(out, 'tls/client.key'),
  };
  return {
    kind,
    out,
    server,
    tls,
    open: async () => (tls ? TlsResp.open(port, tlsFiles) : RespConnection.open(port)),
  };
}

const err = (v: Value): string =>
  typeof v === 'object' && v !== null && 'error' in v ? v.error : `not an error: ${JSON.stringify(v)}`;
const ok = (v: Value): boolean => typeof v === 'object' && v !== null && 'status' in v && v.status === 'OK';

/** Log in as `user` on a new connection. */
async function as(s: Started, user: string): Promise<Conn> {
  const c = await s.open();
  const reply = await c.call('AUTH', user, secrets(s.out).get(user) as string);
  assert.ok(ok(reply), `AUTH ${user}: ${JSON.stringify(reply)}`);
  return c;
}

async function checkUsers(s: Started): Promise<void> {
  const anonymous = await s.open();
  try {
    assert.match(err(await anonymous.call('PING')), /^NOAUTH /);
    assert.match(err(await anonymous.call('AUTH', 'default', 'anything')), /^WRONGPASS /);
    assert.match(err(await anonymous.call('AUTH', 'web', 'not-its-password')), /^WRONGPASS /);
  } finally {
    anonymous.close();
  }
  const web = await as(s, 'web');
  try {
    assert.ok(ok(await web.call('SET', 'app:1', 'v1')));
    assert.equal(await web.call('GET', 'app:1'), 'v1');
    assert.deepEqual(await web.call('HSET', 'app:h', 'f', 'x'), 1);
    assert.match(err(await web.call('SET', 'other:1', 'v')), /^NOPERM /);
    for (const denied of [
      ['KEYS', '*'],
      ['FLUSHALL'],
      ['CONFIG', 'GET', 'port'],
      ['ACL', 'LIST'],
      ['SHUTDOWN'],
    ])
      assert.match(err(await web.call(...denied)), /^NOPERM /, denied.join(' '));
    // DEBUG is refused before the ACL gate (enable-debug-command no), as Redis does.
    assert.match(err(await web.call('DEBUG', 'SLEEP', '0')), /^ERR DEBUG command not allowed/);
  } finally {
    web.close();
  }
  const reports = await as(s, 'reports');
  try {
    assert.equal(await reports.call('GET', 'app:1'), 'v1');
    assert.ok(Array.isArray(await reports.call('SCAN', '0')));
    assert.match(err(await reports.call('SET', 'app:1', 'v2')), /^NOPERM /);
    assert.match(err(await reports.call('DEL', 'app:1')), /^NOPERM /);
  } finally {
    reports.close();
  }
  const events = await as(s, 'events');
  try {
    assert.equal(await events.call('PUBLISH', 'events:x', 'hello'), 0);
    assert.match(err(await events.call('PUBLISH', 'other', 'hello')), /^NOPERM /);
    assert.match(err(await events.call('GET', 'app:1')), /^NOPERM /);
  } finally {
    events.close();
  }
  const auditor = await as(s, 'auditor');
  try {
    assert.ok(Array.isArray(await auditor.call('CONFIG', 'GET', 'port')));
    assert.match(err(await auditor.call('GET', 'app:1')), /^NOPERM /);
    assert.match(err(await auditor.call('CONFIG', 'SET', 'port', '0')), /^NOPERM /);
  } finally {
    auditor.close();
  }
}

/** The live audit as the generated auditor user. */
function liveAudit(s: Started): Promise<AuditFinding[]> {
  const pw = secrets(s.out).get('auditor') as string;
  const url = `${s.tls ? 'rediss' : 'redis'}://auditor:${pw}@127.0.0.1:${s.server.port}`;
  const tls = s.tls
    ? [
        '--cacert',
        join(s.out, 'tls/ca.crt'),
        '--cert',
        join(s.out, 'tls/client.crt'),
        '--key',
        join(s.out, 'tls/client.key'),
      ]
    : [];
  return auditJson(['--url', url, ...tls]);
}

const comparable = (fs: readonly AuditFinding[]): string[] =>
  fs
    .filter((f) => f.id !== 'LIVE-SERVER-INFO')
    .map((f) => `${f.id} ${f.severity}`)
    .sort();

for (const tls of [true, false])
  describe(`the hardened configuration${tls ? ' with --tls' : ''} under real redis-server 7, valkey-server 8 and Redoubt`, {
    skip: REDIS === null ? 'redis-server is not installed' : tls ? (opensslUnavailable() ?? false) : false,
  }, () => {
    const started: Started[] = [];
    before(async () => {
      started.push(await startHardened('redis', tls));
      started.push(await startHardened('redoubt', tls));
      // --target valkey under Valkey (Debian bookworm-backports; required in CI).
      if (VALKEY !== null) started.push(await startHardened('valkey', tls));
    });
    after(async () => {
      await Promise.all(started.map((s) => s.server.stop()));
    });

    it('the default user is off; each user can do what the users file grants and gets NOPERM otherwise', async () => {
      for (const s of started) await checkUsers(s);
    });

    if (tls)
      it('TLS only: the client certificate is required, the plaintext port is closed', async () => {
        for (const s of started) {
          const ca = join(s.out, 'tls/ca.crt');
          const without = await tryTls(s.server.port, { ca });
          assert.ok(
            without.reply === undefined && without.error !== undefined,
            `${s.kind}: ${JSON.stringify(without)}`,
          );
          const withCert = await tryTls(s.server.port, {
            ca,
            cert: join(s.out, 'tls/client.crt'),
            key: join(s.out, 'tls/client.key'),
          });
          assert.match(withCert.reply ?? '', /^-NOAUTH /, `${s.kind}: ${JSON.stringify(withCert)}`);
          assert.ok(withCert.protocol === 'TLSv1.3' || withCert.protocol === 'TLSv1.2');
          // A plaintext client on the TLS port gets no RESP reply.
          const plain = await RespConnection.open(s.server.port);
          try {
            plain.writeRaw('*1\r\n$4\r\nPING\r\n');
            assert.ok(await plain.waitClosed(), `${s.kind}: a plaintext client was kept`);
            assert.ok(!plain.pending().toString('latin1').includes('PONG'));
          } finally {
            plain.close();
          }
        }
      });

    it('redoubt audit: the config file and both live servers report nothing above low, and agree', async () => {
      const [redisLive, redoubtLive, valkeyLive] = (await Promise.all(started.map(liveAudit))) as [
        AuditFinding[],
        AuditFinding[],
        AuditFinding[] | undefined,
      ];
      for (const fs of [redisLive, redoubtLive]) assert.deepEqual(above(fs), []);
      assert.deepEqual(comparable(redoubtLive), comparable(redisLive));
      if (valkeyLive !== undefined) assert.deepEqual(comparable(valkeyLive), comparable(redisLive));
      const expected = tls
        ? ['CMD-AUDITOR info', 'LIVE-TLS-INFO info', 'LIVE-UNAUTH-REFUSED info']
        : ['CMD-AUDITOR info', 'ENC-NO-TLS low'];
      assert.deepEqual(comparable(redisLive), expected);
      for (const s of started) {
        const fs = await auditJson(['--config', join(s.out, CONF[s.kind])]);
        assert.deepEqual(comparable(fs), tls ? ['CMD-AUDITOR info'] : ['CMD-AUDITOR info', 'ENC-NO-TLS low']);
      }
    });
  });

// ---- firewall rules and the systemd unit, checked by the real tools

/** Whether a tool can run here; with REDOUBT_REQUIRE_FIREWALL_TOOLS=1 (CI) a missing one is an error. */
function toolSkip(tool: string, env?: string): string | false {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    if (env !== undefined && process.env[env] === '1')
      throw new Error(`${env}=1 but ${tool} is not installed`);
    return `${tool} is not installed`;
  }
  return false;
}

/** Run a checking tool: whether it exited 0, and what it said on stderr. */
function check(tool: string, args: readonly string[], input?: string): { ok: boolean; stderr: string } {
  const r = spawnSync(tool, args, { input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, stderr: r.stderr ?? String(r.error) };
}

describe('redoubt harden --firewall: rules for the port from loopback and --allow only', () => {
  let out: string;
  before(async () => {
    out = join(tempDir(), 'bundle');
    const r = await harden([
      '--out',
      out,
      '--port',
      '6380',
      '--allow',
      '10.1.2.3/8',
      '--allow',
      '192.168.7.9',
      '--allow',
      '2001:db8::1/32',
      '--firewall',
      'iptables',
      '--firewall',
      'nftables',
      '--firewall',
      'ufw',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  const read = (name: string): string => readFileSync(join(out, 'firewall', name), 'utf8');

  it('each format: loopback and the --allow networks (host bits cleared), then drop', () => {
    const v4 = read('iptables.rules');
    assert.match(
      v4,
      /-A REDOUBT-6380 -i lo -j ACCEPT\n-A REDOUBT-6380 -s 10\.0\.0\.0\/8 -j ACCEPT\n-A REDOUBT-6380 -s 192\.168\.7\.9 -j ACCEPT\n-A REDOUBT-6380 -j DROP\n-A INPUT -p tcp -m tcp --dport 6380 -j REDOUBT-6380\n/,
    );
    assert.ok(!v4.includes('2001:db8'));
    assert.match(
      read('ip6tables.rules'),
      /-A REDOUBT-6380 -s 2001:db8::\/32 -j ACCEPT\n-A REDOUBT-6380 -j DROP\n/,
    );
    const nft = read('nftables.nft');
    assert.match(nft, /elements = \{ 10\.0\.0\.0\/8, 192\.168\.7\.9 \}/);
    assert.match(nft, /elements = \{ 2001:db8::\/32 \}/);
    assert.match(nft, /tcp dport 6380 iif "lo" accept\n.*\n.*\n\t\ttcp dport 6380 drop\n/);
    const ufw = read('ufw.sh');
    assert.match(
      ufw,
      /ufw allow proto tcp from 10\.0\.0\.0\/8 to any port 6380\nufw allow proto tcp from 192\.168\.7\.9 to any port 6380\nufw allow proto tcp from 2001:db8::\/32 to any port 6380\nufw deny proto tcp to any port 6380\n$/,
    );
    assert.ok(check('sh', ['-n', join(out, 'firewall', 'ufw.sh')]).ok);
  });

  it("the audit's host check (as it reads nft and iptables-save listings) sees the port restricted", () => {
    for (const file of ['iptables.rules', 'ip6tables.rules', 'nftables.nft'])
      assert.match(firewallRestricts(read(file), 6380) ?? '', /^rule: .*dport 6380/, file);
    assert.equal(firewallRestricts(read('nftables.nft'), 6379), undefined);
  });

  const needsRoot = IS_ROOT ? false : 'the firewall tools check rules only as root';
  it('iptables-restore --test and ip6tables-restore --test accept them (and refuse a broken rule)', {
    skip: needsRoot || toolSkip('iptables-restore', 'REDOUBT_REQUIRE_FIREWALL_TOOLS'),
  }, () => {
    for (const [tool, file] of [
      ['iptables-restore', 'iptables.rules'],
      ['ip6tables-restore', 'ip6tables.rules'],
    ] as const) {
      const r = check(tool, ['--test', '--noflush'], read(file));
      assert.ok(r.ok, `${tool}: ${r.stderr}`);
      assert.ok(!check(tool, ['--test', '--noflush'], read(file).replace('--dport 6380', '--dport nope')).ok);
    }
  });

  it('nft -c accepts the ruleset (and refuses a broken one)', {
    skip: needsRoot || toolSkip('nft', 'REDOUBT_REQUIRE_FIREWALL_TOOLS'),
  }, () => {
    const r = check('nft', ['-c', '-f', join(out, 'firewall', 'nftables.nft')]);
    assert.ok(r.ok, r.stderr);
    const broken = join(out, 'firewall', 'broken.nft');
    writeFileSync(broken, read('nftables.nft').replace('tcp dport 6380 drop', 'tcp dport 6380 dorp'));
    assert.ok(!check('nft', ['-c', '-f', broken]).ok);
  });
});

describe('redoubt harden --service systemd: the unit', () => {
  /** An executable that exists here (systemd-analyze verify checks ExecStart's): valkey-server is not installed. */
  const serverBins = {
    redis: REDIS ?? '/bin/true',
    valkey: '/bin/true',
    redoubt: join(BIN, 'redoubt-server'),
  };
  const systemdSkip = toolSkip('systemd-analyze');
  for (const target of ['redis', 'valkey', 'redoubt'] as const)
    it(`${target}: a dedicated user and the sandbox; the audit's unit check accepts it`, async () => {
      const out = join(tempDir(), 'bundle');
      const serverBin = serverBins[target];
      const r = await harden([
        '--out',
        out,
        '--target',
        target,
        '--service',
        'systemd',
        '--server-bin',
        serverBin,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const unit = join(out, `${target}-hardened.service`);
      const text = readFileSync(unit, 'utf8');
      for (const line of [
        `ExecStart=${serverBin} ${join(out, CONF[target])}`,
        `User=${target}`,
        'UMask=0077',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        `ReadWritePaths=/var/lib/${target}`,
        'CapabilityBoundingSet=',
        'PrivateTmp=yes',
      ])
        assert.ok(text.split('\n').includes(line), line);
      // Node's JIT needs writable+executable memory: only redis and valkey get MemoryDenyWriteExecute.
      assert.equal(text.includes('\nMemoryDenyWriteExecute=yes\n'), target !== 'redoubt');
      // The audit's own unit check (HOST-SYSTEMD-*) finds nothing in it.
      const fs = await auditJson(['--host', '--unit', unit]);
      assert.deepEqual(
        fs.filter((f) => f.location.file === unit),
        [],
      );
    });

  it('systemd-analyze verify accepts each unit without a warning', { skip: systemdSkip }, async () => {
    for (const target of ['redis', 'valkey', 'redoubt'] as const) {
      const out = join(tempDir(), 'bundle');
      const r = await harden([
        '--out',
        out,
        '--target',
        target,
        '--service',
        'systemd',
        '--server-bin',
        serverBins[target],
      ]);
      assert.equal(r.code, 0, r.stderr);
      const v = check('systemd-analyze', ['verify', join(out, `${target}-hardened.service`)]);
      assert.ok(v.ok, v.stderr);
      assert.equal(v.stderr, '', target);
    }
  });
});

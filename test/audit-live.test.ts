/**
 * `redoubt audit --url` and `--host` against real servers: a real redis-server
 * 7.0 (and Valkey 8, and Redis 6.0 with a config in its syntax) and a real
 * Redoubt process started with the same insecure and hardened config files
 * (test/fixtures/audit/), on loopback. Both must give the same
 * findings (the count of dangerous commands in the evidence differs: Redoubt
 * implements fewer commands), the audit must only read (INFO commandstats lists
 * what it ran), and several targets are audited in one run. TLS: rediss:// with
 * client certificates from test/helpers/pki.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { firewallRestricts, listeningSockets, serviceSection } from '../src/audit/host.js';
import { type AuditFinding, auditJson, FIXTURES, fixtureCopy, runAudit, writeConf } from './helpers/audit.js';
import { makePki, opensslUnavailable, type Pki } from './helpers/pki.js';
import { RespConnection } from './helpers/resp.js';
import {
  BIN,
  freePort,
  IS_ROOT,
  type RunningProcess,
  redis6ServerPath,
  redisServerPath,
  spawnServer,
  valkeyServerPath,
} from './helpers/servers.js';

const REDIS = redisServerPath();
const VALKEY = valkeyServerPath();
const REDIS6 = redis6ServerPath();
const skip = REDIS === null ? 'redis-server is not installed' : false;

/** The auditor's password in hardened.conf (stored there as its SHA-256). */
const AUDITOR = 'f1e2d3c4b5a69788796a5b4c3d2e1f00';

interface Pair {
  redis: RunningProcess;
  redoubt: RunningProcess;
  dir: string;
  stop(): Promise<void>;
}

/**
 * redis-server and bin/redoubt-server on free loopback ports with the same config
 * file and the same overrides. As root, Redoubt drops to nobody (it refuses root).
 */
async function startPair(
  conf: string,
  extra: readonly string[] = [],
  tlsPorts = false,
  reference = REDIS as string,
): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-audit-live-'));
  const ports = [await freePort(), await freePort()] as const;
  const args = (port: number): string[] => [
    conf,
    ...(tlsPorts ? ['--port', '0', '--tls-port', String(port)] : ['--port', String(port)]),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    ...extra,
  ];
  const redis = await spawnServer(reference, args(ports[0]), ports[0]);
  let redoubt: RunningProcess;
  try {
    redoubt = await spawnServer(
      join(BIN, 'redoubt-server'),
      [...args(ports[1]), ...(IS_ROOT ? ['--run-as', 'nobody'] : [])],
      ports[1],
    );
  } catch (err) {
    await redis.stop();
    throw err;
  }
  return {
    redis,
    redoubt,
    dir,
    stop: async () => {
      await Promise.all([redis.stop(), redoubt.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What must be equal between the two servers: id, severity, title (server identity aside). */
function comparable(fs: readonly AuditFinding[]): string[] {
  return fs
    .filter((f) => f.id !== 'LIVE-SERVER-INFO')
    .map((f) => `${f.id} ${f.severity} ${f.title}`)
    .sort();
}

const url = (p: RunningProcess, auth = ''): string => `redis://${auth}127.0.0.1:${p.port}`;

/** The same live audit of both servers of a pair: [reference server, Redoubt]. */
function auditBoth(pair: Pair, auth = ''): Promise<[AuditFinding[], AuditFinding[]]> {
  return Promise.all([
    auditJson(['--url', url(pair.redis, auth)]),
    auditJson(['--url', url(pair.redoubt, auth)]),
  ]);
}

/** Findings above low, as `id title`. */
const aboveLow = (fs: readonly AuditFinding[]): string[] =>
  fs.filter((f) => ['critical', 'high', 'medium'].includes(f.severity)).map((f) => `${f.id} ${f.title}`);

/** The CMD-RENAME-COMMAND titles, sorted. */
const renameTitles = (fs: readonly AuditFinding[]): string[] =>
  fs
    .filter((f) => f.id === 'CMD-RENAME-COMMAND')
    .map((f) => f.title)
    .sort();

/** What the insecure fixtures' two rename-command lines must produce on every server. */
const FIXTURE_RENAMES = [
  'rename-command disables FLUSHALL instead of an ACL denying it',
  'rename-command hides KEYS instead of an ACL denying it',
];

/** A private copy of the fixtures for the enclosing describe: made before its tests, removed after. */
function useFixtures(): () => string {
  let dir = '';
  before(() => {
    dir = fixtureCopy();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** Commands the audit may run: nothing that writes or changes a setting. */
const READ_ONLY = new Set([
  'ping',
  'info',
  'auth',
  'config|get',
  'acl|list',
  'acl|dryrun',
  'command',
  'command|info',
]);

async function commandsRun(p: RunningProcess, auth: readonly string[]): Promise<string[]> {
  const c = await RespConnection.open(p.port);
  try {
    if (auth.length > 0) await c.call('AUTH', ...auth);
    const stats = String(await c.call('INFO', 'commandstats'));
    return [...stats.matchAll(/^cmdstat_([^:]+):/gm)].map((m) => m[1] as string);
  } finally {
    c.close();
  }
}

describe('redoubt audit --url: real redis-server and Redoubt, same configs', { skip }, () => {
  const fixtures = useFixtures();

  it('insecure.conf: the same findings for both, what an attacker sees first, read-only', async () => {
    const pair = await startPair(join(fixtures(), 'insecure.conf'));
    try {
      const [a, b] = await auditBoth(pair);
      assert.deepEqual(comparable(b), comparable(a));
      const got = new Set(a.map((f) => `${f.id} ${f.severity}`));
      for (const want of [
        'LIVE-UNAUTHENTICATED-ACCESS critical',
        'AUTH-DEFAULT-NOPASS critical',
        'NET-PROTECTED-MODE-OFF critical',
        'AUTH-COMMON-PASSWORD high',
        'AUTH-USER-NOPASS high',
        'CMD-DANGEROUS high',
        'CMD-DEBUG-COMMAND high',
        'CMD-PROTECTED-CONFIGS medium',
        'CMD-RENAME-COMMAND medium',
        'ENC-MASTERAUTH-PLAINTEXT medium',
        'ENC-NO-TLS low',
        'LIVE-SERVER-INFO info',
      ])
        assert.ok(got.has(want), `missing ${want}: ${[...got].join(', ')}`);
      assert.deepEqual(renameTitles(a), FIXTURE_RENAMES);
      // ACL DRYRUN judged carol: only FLUSHDB of her commands is dangerous.
      const carol = a.find((f) => f.id === 'CMD-DANGEROUS' && f.title.includes('"carol"')) as AuditFinding;
      assert.match(carol.evidence, /1 reachable: flushdb$/);
      for (const f of [...a, ...b]) {
        assert.equal(f.location.file, f.location.file.replace(/:[^@/]*@/, '@'));
        assert.ok(!f.evidence.includes('hunter2'), 'masterauth shown');
      }
      for (const p of [pair.redis, pair.redoubt]) {
        const ran = await commandsRun(p, []);
        const writes = ran.filter((c) => !READ_ONLY.has(c));
        assert.deepEqual(writes, [], `the audit ran ${writes.join(', ')} on ${p.port}`);
      }
    } finally {
      await pair.stop();
    }
  });

  it('hardened.conf: nothing without credentials, nothing above low, the same for both', async () => {
    const pair = await startPair(join(fixtures(), 'hardened.conf'));
    try {
      const auth = `auditor:${AUDITOR}@`;
      const [a, b] = await auditBoth(pair, auth);
      assert.deepEqual(comparable(b), comparable(a));
      assert.deepEqual(aboveLow(a), []);
      assert.ok(!a.some((f) => f.id === 'LIVE-UNAUTHENTICATED-ACCESS'));
      const auditor = a.find((f) => f.id === 'CMD-AUDITOR') as AuditFinding;
      assert.equal(auditor.severity, 'info');
      assert.match(auditor.evidence, /4 reachable: acl\|dryrun, acl\|list, config\|get, info; /);
      for (const f of [...a, ...b]) assert.ok(!JSON.stringify(f).includes(AUDITOR), 'password shown');
      assert.equal(a[0]?.location.file, `redis://auditor@127.0.0.1:${pair.redis.port}`);
    } finally {
      await pair.stop();
    }
  });

  it('several --url at once: audited concurrently, a progress line on stderr, SARIF locations per target', async () => {
    const pair = await startPair(join(fixtures(), 'insecure.conf'));
    try {
      const r = await runAudit(['--url', url(pair.redis), '--url', url(pair.redoubt), '--format', 'sarif']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /auditing 2 server\(s\): 2\/2 done/);
      const results = JSON.parse(r.stdout).runs[0].results as {
        locations: { physicalLocation: { artifactLocation: { uri: string }; region?: unknown } }[];
      }[];
      const uris = new Set(results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri));
      // A live target is its URL (without password), a valid URI, and has no line.
      assert.deepEqual([...uris].sort(), [url(pair.redis), url(pair.redoubt)].sort());
      assert.ok(results.every((x) => x.locations[0]?.physicalLocation.region === undefined));
    } finally {
      await pair.stop();
    }
  });

  it('a wrong password or an unreachable server: exit 2 with the reason, no password printed', async () => {
    const pair = await startPair(join(fixtures(), 'hardened.conf'));
    const closed = await freePort();
    try {
      const r = await runAudit([
        '--url',
        url(pair.redis, 'auditor:not-the-password@'),
        '--url',
        `redis://127.0.0.1:${closed}`,
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /could not audit redis:\/\/auditor@127\.0\.0\.1:\d+: AUTH failed: WRONGPASS/);
      assert.match(r.stderr, new RegExp(`could not audit redis://127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`));
      assert.ok(!r.stderr.includes('not-the-password') && !r.stdout.includes('not-the-password'));
    } finally {
      await pair.stop();
    }
  });

  it("an audit user without ACL DRYRUN: the users' rules decide which dangerous commands they reach", async () => {
    const conf = writeConf(
      fixtures(),
      'no-dryrun.conf',
      `include ${join(fixtures(), 'hardened.conf')}\nuser auditor2 on >${AUDITOR} -@all +ping +info +config|get +acl|list +command\n`,
    );
    const pair = await startPair(conf);
    try {
      const auth = `auditor2:${AUDITOR}@`;
      const [a, b] = await auditBoth(pair, auth);
      assert.deepEqual(comparable(b), comparable(a));
      // Both stay within the auditor profile (ACL DRYRUN for one, the rules for the other).
      const evidence = (fs: AuditFinding[], user: string): string | undefined =>
        fs
          .find((f) => f.id === 'CMD-AUDITOR' && f.title.includes(`"${user}"`))
          ?.evidence.replace(/^.*; (\d+ reachable)/, '$1')
          .replace(/; no secret.*$/, '');
      for (const fs of [a, b]) {
        assert.equal(evidence(fs, 'auditor'), '4 reachable: acl|dryrun, acl|list, config|get, info');
        assert.equal(evidence(fs, 'auditor2'), '3 reachable: acl|list, config|get, info');
      }
    } finally {
      await pair.stop();
    }
  });

  it('an audit user without CONFIG GET / ACL LIST: those checks are reported as skipped, not guessed', async () => {
    const pair = await startPair(join(fixtures(), 'hardened.conf'));
    try {
      const auth = 'reader:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d@';
      const [a, b] = await auditBoth(pair, auth);
      assert.deepEqual(comparable(b), comparable(a));
      assert.ok(a.some((f) => f.id === 'LIVE-LIMITED-VIEW' && f.severity === 'info'));
      assert.ok(!a.some((f) => f.id.startsWith('AUTH-') || f.id.startsWith('NET-')), JSON.stringify(a));
    } finally {
      await pair.stop();
    }
  });
});

/** A self-signed certificate for localhost valid `days` days (pki.ts certificates live 2 days). */
function selfSigned(dir: string, days: number): { cert: string; key: string } {
  const [cert, key] = [join(dir, `self-${days}.crt`), join(dir, `self-${days}.key`)];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(days),
      '-subj',
      '/CN=localhost',
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

describe('redoubt audit --url: real valkey-server and Redoubt, same configs', {
  skip: VALKEY === null ? 'valkey-server is not installed' : false,
}, () => {
  const fixtures = useFixtures();

  it('insecure.conf: the same findings as for Redoubt (and Redis), the server named with its Valkey version', async () => {
    const pair = await startPair(join(fixtures(), 'insecure.conf'), [], false, VALKEY as string);
    try {
      const [a, b] = await auditBoth(pair);
      assert.deepEqual(comparable(a), comparable(b));
      const info = a.find((f) => f.id === 'LIVE-SERVER-INFO') as AuditFinding;
      assert.match(info.title, /^valkey 8\.\d+\.\d+, role master$/);
      // The Redis 7.0 command table is Valkey's floor: FLUSHALL disabled by rename-command is seen.
      assert.deepEqual(renameTitles(a), FIXTURE_RENAMES);
      const ran = await commandsRun(pair.redis, []);
      assert.deepEqual(
        ran.filter((c) => !READ_ONLY.has(c)),
        [],
      );
    } finally {
      await pair.stop();
    }
  });

  it('hardened.conf: nothing without credentials, nothing above low, the same as Redoubt', async () => {
    const pair = await startPair(join(fixtures(), 'hardened.conf'), [], false, VALKEY as string);
    try {
      const auth = `auditor:${AUDITOR}@`;
      const [a, b] = await auditBoth(pair, auth);
      assert.deepEqual(comparable(a), comparable(b));
      assert.deepEqual(aboveLow(a), []);
    } finally {
      await pair.stop();
    }
  });
});

describe('redoubt audit --url: a real Redis 6.0 and Redoubt, same config', {
  skip: REDIS6 === null ? 'redis6-server is not installed (scripts/fetch-redis6.sh)' : false,
}, () => {
  const fixtures = useFixtures();

  it('insecure-redis6.conf: the same findings for both, without ACL DRYRUN (6.0 has none), read-only', async () => {
    const pair = await startPair(join(fixtures(), 'insecure-redis6.conf'), [], false, REDIS6 as string);
    try {
      const [a, b] = await auditBoth(pair);
      assert.deepEqual(comparable(a), comparable(b));
      const got = new Set(a.map((f) => `${f.id} ${f.severity}`));
      for (const want of [
        'LIVE-UNAUTHENTICATED-ACCESS critical',
        'AUTH-DEFAULT-NOPASS critical',
        'NET-PROTECTED-MODE-OFF critical',
        'AUTH-COMMON-PASSWORD high',
        'AUTH-USER-NOPASS high',
        'CMD-DANGEROUS high',
        'CMD-RENAME-COMMAND medium',
        'ENC-MASTERAUTH-PLAINTEXT medium',
        'ENC-NO-TLS low',
      ])
        assert.ok(got.has(want), `missing ${want}: ${[...got].join(', ')}`);
      const info = a.find((f) => f.id === 'LIVE-SERVER-INFO') as AuditFinding;
      assert.match(info.title, /^redis 6\.0\.\d+, role master$/);
      // The commands Redis 6.0 has (by COMMAND DOCS `since`): FLUSHALL disabled is seen.
      assert.deepEqual(renameTitles(a), FIXTURE_RENAMES);
      // Without ACL DRYRUN the users' rules are judged by the audit itself.
      const carol = a.find((f) => f.id === 'CMD-DANGEROUS' && f.title.includes('"carol"')) as AuditFinding;
      assert.match(carol.evidence, /1 reachable: flushdb$/);
      // Redis 6.0 counts CONFIG and ACL without their subcommands: the reads the audit
      // sends (CONFIG GET, ACL LIST) show as "config" and "acl"; nothing was written.
      const ran = await commandsRun(pair.redis, []);
      assert.deepEqual(
        ran.filter((c) => !READ_ONLY.has(c) && c !== 'config' && c !== 'acl'),
        [],
      );
      const c = await RespConnection.open(pair.redis.port);
      try {
        assert.match(String(await c.call('INFO', 'persistence')), /rdb_changes_since_last_save:0\r/);
      } finally {
        c.close();
      }
    } finally {
      await pair.stop();
    }
  });
});

describe('redoubt audit --url rediss://: TLS on both servers', {
  skip: skip || opensslUnavailable() || false,
}, () => {
  let pki: Pki;
  const fixtures = useFixtures();
  before(() => {
    pki = makePki();
  });
  after(() => pki.remove());

  it('TLS only with client certificates: version and certificate read, the same findings for both', async () => {
    const tls = [
      '--tls-cert-file',
      pki.server.cert,
      '--tls-key-file',
      pki.server.key,
      '--tls-ca-cert-file',
      pki.ca,
    ];
    const pair = await startPair(join(fixtures(), 'hardened.conf'), tls, true);
    const client = pki.client('auditor');
    try {
      const args = (p: RunningProcess): string[] => [
        '--url',
        `rediss://auditor:${AUDITOR}@127.0.0.1:${p.port}`,
        '--cacert',
        pki.ca,
        '--cert',
        client.cert,
        '--key',
        client.key,
      ];
      const [a, b] = await Promise.all([auditJson(args(pair.redis)), auditJson(args(pair.redoubt))]);
      assert.deepEqual(comparable(b), comparable(a));
      const ids = new Set(a.map((f) => f.id));
      for (const absent of [
        'ENC-NO-TLS',
        'ENC-PLAINTEXT-PORT',
        'ENC-OLD-TLS',
        'ENC-OLD-TLS-HANDSHAKE',
        'ENC-TLS-AUTH-CLIENTS',
        'ENC-CERT-EXPIRED',
        'ENC-CERT-UNTRUSTED',
      ])
        assert.ok(!ids.has(absent), `unexpected ${absent}`);
      // Without a client certificate the anonymous probe cannot even connect.
      assert.ok(ids.has('LIVE-UNAUTH-REFUSED'));
      // pki.ts certificates are valid for 2 days.
      assert.ok(ids.has('ENC-CERT-EXPIRING'));
    } finally {
      await pair.stop();
    }
  });

  it('TLS with the plaintext port still open and tls-auth-clients no', async () => {
    const conf = writeConf(
      fixtures(),
      'tls-open.conf',
      `include ${join(fixtures(), 'hardened.conf')}\ntls-auth-clients no\n`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-audit-tls-'));
    const long = selfSigned(dir, 400);
    const [port, tlsPort] = [await freePort(), await freePort()];
    const redis = await spawnServer(
      REDIS as string,
      [
        conf,
        '--port',
        String(port),
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        long.cert,
        '--tls-key-file',
        long.key,
        '--save',
        '',
        '--dir',
        dir,
      ],
      port,
    );
    try {
      const fs = await auditJson(['--url', `rediss://auditor:${AUDITOR}@127.0.0.1:${tlsPort}`]);
      const ids = new Set(fs.map((f) => `${f.id} ${f.severity}`));
      assert.ok(ids.has('ENC-PLAINTEXT-PORT medium'), [...ids].join(', '));
      assert.ok(ids.has('LIVE-TLS-INFO info') && !ids.has('ENC-CERT-EXPIRING medium'), [...ids].join(', '));
      assert.ok(ids.has('ENC-TLS-AUTH-CLIENTS medium'), [...ids].join(', '));
    } finally {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a certificate about to expire on both; TLS 1.1 accepted by a redis-server configured for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-audit-cert-'));
    const short = selfSigned(dir, 5);
    const tls = ['--tls-cert-file', short.cert, '--tls-key-file', short.key, '--tls-auth-clients', 'no'];
    const pair = await startPair(join(fixtures(), 'hardened.conf'), tls, true);
    // Redoubt refuses TLSv1.1 in tls-protocols; Redis accepts it when its OpenSSL security level allows.
    const oldPort = await freePort();
    const old = await spawnServer(
      REDIS as string,
      [
        join(fixtures(), 'hardened.conf'),
        '--port',
        '0',
        '--tls-port',
        String(oldPort),
        ...tls,
        '--tls-protocols',
        'TLSv1.1 TLSv1.2',
        '--tls-ciphers',
        'DEFAULT@SECLEVEL=0',
        '--save',
        '',
        '--dir',
        dir,
      ],
      oldPort,
    );
    try {
      const target = (port: number): string[] => ['--url', `rediss://auditor:${AUDITOR}@127.0.0.1:${port}`];
      const [a, b, c] = await Promise.all([
        auditJson(target(pair.redis.port)),
        auditJson(target(pair.redoubt.port)),
        auditJson(target(oldPort)),
      ]);
      assert.deepEqual(comparable(b), comparable(a));
      const expiring = a.find((f) => f.id === 'ENC-CERT-EXPIRING') as AuditFinding;
      assert.equal(expiring.severity, 'medium');
      assert.match(
        expiring.evidence,
        /certificate CN=localhost issued by CN=localhost, valid until \S+ \([45] days\)/,
      );
      assert.ok(!a.some((f) => f.id.startsWith('ENC-OLD-TLS')));
      const got = new Set(c.map((f) => `${f.id} ${f.severity}`));
      // Self-signed and checked against the system CAs: untrusted, on all three.
      assert.ok(a.some((f) => f.id === 'ENC-CERT-UNTRUSTED' && /system CAs: /.test(f.evidence)));
      for (const want of [
        'ENC-OLD-TLS-HANDSHAKE high',
        'ENC-OLD-TLS high',
        'ENC-CERT-EXPIRING medium',
        'ENC-CERT-UNTRUSTED medium',
      ])
        assert.ok(got.has(want), `missing ${want}: ${[...got].join(', ')}`);
    } finally {
      await Promise.all([pair.stop(), old.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redoubt audit --host: the machine the server runs on', { skip }, () => {
  const fixtures = useFixtures();

  it('process user, listening addresses, file modes, firewall and a systemd unit', async () => {
    const pair = await startPair(join(fixtures(), 'hardened.conf'));
    try {
      const unit = join(FIXTURES, 'redis-root.service');
      const [a, b] = await Promise.all([
        auditJson(['--host', '--url', url(pair.redis, `auditor:${AUDITOR}@`), '--unit', unit]),
        auditJson(['--host', '--url', url(pair.redoubt, `auditor:${AUDITOR}@`)]),
      ]);
      const host = (fs: AuditFinding[]): string[] =>
        fs
          .filter((f) => f.location.file !== url(pair.redis, 'auditor@') && f.id.startsWith('HOST-'))
          .map((f) => `${f.id} ${f.severity}`);
      const ha = host(a);
      // redis-server was started by this test: as root when the tests run as root; Redoubt dropped to nobody.
      assert.equal(ha.includes('HOST-RUNS-AS-ROOT critical'), IS_ROOT, ha.join(', '));
      assert.ok(!host(b).includes('HOST-RUNS-AS-ROOT critical'), host(b).join(', '));
      assert.ok(!ha.some((f) => f.startsWith('HOST-LISTENS-EXPOSED')), 'loopback only');
      assert.ok(
        ha.includes('HOST-FIREWALL-UNKNOWN info') || ha.some((f) => f.startsWith('HOST-FIREWALL-OPEN')),
      );
      assert.ok(
        ha.includes('HOST-SYSTEMD-ROOT high') && ha.includes('HOST-SYSTEMD-HARDENING low'),
        ha.join(', '),
      );
      const hardening = a.find((f) => f.id === 'HOST-SYSTEMD-HARDENING') as AuditFinding;
      assert.match(hardening.fix, /NoNewPrivileges=yes/);
      // The data directory (CONFIG GET dir) was made by mkdtemp, 0700; the config file (INFO config_file) is 0600.
      assert.ok(!ha.some((f) => f.startsWith('HOST-FILE-MODE')), ha.join(', '));
      assert.ok(!host(b).some((f) => f.startsWith('HOST-FILE-MODE')), host(b).join(', '));
      // Opened to others: both servers' data directory is reported, found through CONFIG GET dir.
      chmodSync(pair.dir, 0o755);
      const [a2, b2] = await Promise.all([
        auditJson(['--host', '--url', url(pair.redis, `auditor:${AUDITOR}@`)]),
        auditJson(['--host', '--url', url(pair.redoubt, `auditor:${AUDITOR}@`)]),
      ]);
      for (const fs of [a2, b2])
        assert.deepEqual(
          fs.filter((f) => f.id === 'HOST-FILE-MODE').map((f) => `${f.location.file} ${f.severity} ${f.fix}`),
          [`${pair.dir} medium chmod 700 ${pair.dir}`],
        );
    } finally {
      await pair.stop();
    }
  });

  it('--config with --host: a config file and data directory others can read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-audit-host-'));
    const port = await freePort();
    const conf = writeConf(
      dir,
      'loose.conf',
      `bind 127.0.0.1\nport ${port}\nuser default off\ndir ${dir}\nsave ""\n`,
      0o644,
    );
    chmodSync(dir, 0o755);
    const redis = await spawnServer(REDIS as string, [conf], port);
    try {
      const fs = await auditJson(['--config', conf, '--host']);
      const modes = fs.filter((f) => f.id === 'HOST-FILE-MODE').map((f) => `${f.location.file} ${f.fix}`);
      assert.ok(modes.includes(`${conf} chmod 600 ${conf}`), modes.join(', '));
      assert.ok(modes.includes(`${dir} chmod 700 ${dir}`), modes.join(', '));
    } finally {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('host check parsers', () => {
  it('/proc/net/tcp and tcp6: a listening socket of this process is found with its address', async () => {
    const servers = await Promise.all(
      ['127.0.0.1', '::1'].map(
        (host) =>
          new Promise<Server>((res, rej) => {
            const s = createServer();
            s.once('error', rej);
            s.listen(0, host, () => res(s));
          }),
      ),
    );
    try {
      for (const s of servers) {
        const a = s.address() as AddressInfo;
        const found = listeningSockets().filter((l) => l.port === a.port);
        assert.deepEqual(
          found.map((l) => l.address),
          [a.address],
        );
      }
    } finally {
      for (const s of servers) s.close();
    }
  });

  it('firewall rules: a rule naming the port or a default-drop input policy restricts it', () => {
    assert.match(
      firewallRestricts('-A INPUT -p tcp -m tcp --dport 6379 -s 10.0.0.0/8 -j ACCEPT\n', 6379) ?? '',
      /--dport 6379/,
    );
    assert.equal(firewallRestricts('-A INPUT -p tcp -m tcp --dport 16379 -j ACCEPT\n', 6379), undefined);
    assert.match(firewallRestricts('*filter\n:INPUT DROP [0:0]\n', 6379) ?? '', /default input policy/);
    assert.match(
      firewallRestricts(
        'table inet filter {\n  chain input {\n    tcp dport { 22, 6379 } ip saddr 10.0.0.0/8 accept\n  }\n}\n',
        6379,
      ) ?? '',
      /dport \{ 22, 6379 \}/,
    );
    assert.match(
      firewallRestricts('    type filter hook input priority filter; policy drop;\n', 6379) ?? '',
      /policy drop/,
    );
  });

  it('systemd units: the [Service] keys, the last value winning', () => {
    const keys = serviceSection(
      '[Unit]\nUser=nobody\n[Service]\nUser=root\n# User=redis\nUser = redis\nUMask=0077\n',
    );
    assert.equal(keys.get('User'), 'redis');
    assert.equal(keys.get('UMask'), '0077');
  });
});

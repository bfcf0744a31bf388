/**
 * `redoubt audit --config`: the static checks, run through the real binary on
 * real files. Every finding has a case that raises it (with its line) and one
 * that must not; the hardening guide's own example, include and aclfile, and a
 * Valkey config with directives and commands Redis 7.0 does not know.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AuditFinding, auditJson, fixtureCopy, runAudit, writeConf } from './helpers/audit.js';

interface Case {
  /** Config text. */
  readonly conf: string;
  /** Findings it must raise: [id, severity, line (undefined: the file without a line)]. */
  readonly raises?: readonly (readonly [string, string, number | undefined])[];
  /** Findings it must not raise. */
  readonly not?: readonly string[];
  readonly mode?: number;
}

/** A safe base: every case adds what it tests to it. */
const SAFE = 'bind 127.0.0.1 -::1\nprotected-mode yes\nuser default off\n';
const STRONG = 'Zq8!vR2#mW9@kT4$pL7%xN3^bH6&dF1*';

const CASES: Record<string, Case> = {
  'bind missing': {
    conf: 'protected-mode yes\nuser default off\n',
    raises: [['NET-BIND-MISSING', 'high', undefined]],
  },
  'bind wildcard': {
    conf: 'bind * -::*\nuser default off\n',
    raises: [['NET-BIND-WILDCARD', 'high', 1]],
    not: ['NET-BIND-MISSING', 'NET-BIND-PUBLIC'],
  },
  'bind 0.0.0.0': { conf: 'bind 0.0.0.0\nuser default off\n', raises: [['NET-BIND-WILDCARD', 'high', 1]] },
  'bind public': {
    conf: 'user default off\nbind 127.0.0.1 203.0.113.7\n',
    raises: [['NET-BIND-PUBLIC', 'high', 2]],
    not: ['NET-BIND-WILDCARD'],
  },
  'bind private and loopback': {
    conf: 'bind 10.1.2.3 127.0.0.1 -::1\nuser default off\n',
    not: ['NET-BIND-PUBLIC', 'NET-BIND-WILDCARD', 'NET-BIND-MISSING'],
  },
  'protected-mode off, no password': {
    conf: 'bind 127.0.0.1\nprotected-mode no\n',
    raises: [
      ['NET-PROTECTED-MODE-OFF', 'critical', 2],
      ['AUTH-DEFAULT-NOPASS', 'critical', undefined],
    ],
  },
  'protected-mode off, with users only': {
    conf: `${SAFE}protected-mode no\n`,
    raises: [['NET-PROTECTED-MODE-OFF', 'high', 4]],
  },
  'explicit default nopass': {
    conf: 'bind 127.0.0.1\nuser default on nopass ~* +@read\n',
    // @read holds KEYS, which is @dangerous too.
    raises: [
      ['AUTH-DEFAULT-NOPASS', 'critical', 2],
      ['CMD-DANGEROUS', 'high', 2],
    ],
    not: ['CMD-ALL-COMMANDS'],
  },
  'strong requirepass': {
    conf: `bind 127.0.0.1\nrequirepass "${STRONG}"\n`,
    not: ['AUTH-DEFAULT-NOPASS', 'AUTH-WEAK-PASSWORD', 'AUTH-COMMON-PASSWORD', 'AUTH-CLEAR-PASSWORD'],
  },
  'common requirepass': {
    conf: 'bind 127.0.0.1\nrequirepass foobared\n',
    raises: [['AUTH-COMMON-PASSWORD', 'high', 2]],
    not: ['AUTH-DEFAULT-NOPASS'],
  },
  'weak requirepass': {
    conf: 'bind 127.0.0.1\nrequirepass Kx7-pq2\n',
    raises: [['AUTH-WEAK-PASSWORD', 'medium', 2]],
    not: ['AUTH-COMMON-PASSWORD'],
  },
  'other user nopass': {
    conf: `${SAFE}user bob on nopass ~cache:* +get\n`,
    raises: [['AUTH-USER-NOPASS', 'high', 4]],
  },
  'disabled user nopass': {
    conf: `${SAFE}user bob off nopass ~* +@all\n`,
    not: ['AUTH-USER-NOPASS', 'CMD-DANGEROUS'],
  },
  'clear password in a user line': {
    conf: `${SAFE}user app on >${STRONG} ~app:* +get\n`,
    raises: [['AUTH-CLEAR-PASSWORD', 'low', 4]],
    not: ['AUTH-WEAK-PASSWORD'],
  },
  'hashed common password': {
    conf: `${SAFE}user app on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~app:* +get\n`,
    raises: [['AUTH-COMMON-PASSWORD', 'high', 4]],
    not: ['AUTH-CLEAR-PASSWORD'],
  },
  '+@all': {
    conf: `${SAFE}user admin on >${STRONG} ~* +@all\n`,
    raises: [
      ['CMD-ALL-COMMANDS', 'medium', 4],
      ['CMD-ALL-KEYS', 'medium', 4],
      ['CMD-DANGEROUS', 'high', 4],
    ],
  },
  '+@dangerous': {
    conf: `${SAFE}user ops on >${STRONG} ~ops:* +@dangerous\n`,
    raises: [['CMD-DANGEROUS', 'high', 4]],
    not: ['CMD-ALL-COMMANDS', 'CMD-ALL-KEYS'],
  },
  'one dangerous subcommand': {
    conf: `${SAFE}user ops on >${STRONG} ~ops:* +get +config|set\n`,
    raises: [['CMD-DANGEROUS', 'high', 4]],
  },
  'allkeys without dangerous commands': {
    conf: `${SAFE}user ro on >${STRONG} allkeys +get\n`,
    raises: [['CMD-ALL-KEYS', 'medium', 4]],
    not: ['CMD-DANGEROUS', 'CMD-ALL-COMMANDS'],
  },
  '+@all then -@dangerous -@scripting': {
    conf: `${SAFE}user app on >${STRONG} ~app:* +@all -@dangerous -@scripting\n`,
    raises: [['CMD-ALL-COMMANDS', 'medium', 4]],
    not: ['CMD-DANGEROUS'],
  },
  'rename-command': {
    conf: `${SAFE}rename-command CONFIG ""\nrename-command FLUSHALL s3cr3t-flushall\n`,
    raises: [
      ['CMD-RENAME-COMMAND', 'medium', 4],
      ['CMD-RENAME-COMMAND', 'medium', 5],
    ],
  },
  'protected features yes': {
    conf: `${SAFE}enable-protected-configs yes\nenable-debug-command yes\nenable-module-command yes\n`,
    raises: [
      ['CMD-PROTECTED-CONFIGS', 'high', 4],
      ['CMD-DEBUG-COMMAND', 'high', 5],
      ['CMD-MODULE-COMMAND', 'high', 6],
    ],
  },
  'protected features local': {
    conf: `${SAFE}enable-protected-configs local\nenable-debug-command local\nenable-module-command local\n`,
    raises: [
      ['CMD-PROTECTED-CONFIGS', 'medium', 4],
      ['CMD-DEBUG-COMMAND', 'medium', 5],
      ['CMD-MODULE-COMMAND', 'medium', 6],
    ],
  },
  'protected features no': {
    conf: `${SAFE}enable-protected-configs no\nenable-debug-command no\n`,
    not: ['CMD-PROTECTED-CONFIGS', 'CMD-DEBUG-COMMAND', 'CMD-MODULE-COMMAND'],
  },
  'secrets in a world-readable file': {
    conf: `${SAFE}requirepass "${STRONG}"\n`,
    mode: 0o644,
    raises: [['PRIV-SECRET-FILE-READABLE', 'high', 4]],
  },
  'secrets in a private file': {
    conf: `${SAFE}requirepass "${STRONG}"\n`,
    not: ['PRIV-SECRET-FILE-READABLE'],
  },
  'no secrets in a readable file': { conf: SAFE, mode: 0o644, not: ['PRIV-SECRET-FILE-READABLE'] },
  'allow-root': { conf: `${SAFE}allow-root yes\n`, raises: [['PRIV-ALLOW-ROOT', 'medium', 4]] },
  'no TLS, exposed': {
    conf: 'bind 10.0.0.5\nuser default off\n',
    raises: [['ENC-NO-TLS', 'high', undefined]],
  },
  'no TLS, loopback': { conf: SAFE, raises: [['ENC-NO-TLS', 'low', undefined]] },
  'TLS with the plaintext port open': {
    conf: `${SAFE}tls-port 6380\ntls-cert-file s.crt\ntls-key-file s.key\ntls-ca-cert-file ca.crt\n`,
    raises: [['ENC-PLAINTEXT-PORT', 'medium', undefined]],
    not: ['ENC-NO-TLS', 'ENC-TLS-AUTH-CLIENTS', 'ENC-OLD-TLS'],
  },
  'TLS only, old protocols, no client auth': {
    conf: `${SAFE}port 0\ntls-port 6380\ntls-protocols "TLSv1.1 TLSv1.2"\ntls-auth-clients no\n`,
    raises: [
      ['ENC-OLD-TLS', 'high', 6],
      ['ENC-TLS-AUTH-CLIENTS', 'medium', 7],
    ],
    not: ['ENC-PLAINTEXT-PORT', 'ENC-NO-TLS'],
  },
  'TLS client auth optional': {
    conf: `${SAFE}port 0\ntls-port 6380\ntls-auth-clients optional\n`,
    raises: [['ENC-TLS-AUTH-CLIENTS', 'low', 6]],
  },
  'masterauth without TLS replication': {
    conf: `${SAFE}masterauth "${STRONG}"\n`,
    raises: [['ENC-MASTERAUTH-PLAINTEXT', 'medium', 4]],
  },
  'masterauth with TLS replication': {
    conf: `${SAFE}masterauth "${STRONG}"\ntls-replication yes\n`,
    not: ['ENC-MASTERAUTH-PLAINTEXT'],
  },
  'a value the server refuses': {
    conf: `${SAFE}maxclients lots\n`,
    raises: [['CONF-REJECTED-LINE', 'info', 4]],
  },
};

function ids(fs: readonly AuditFinding[]): string[] {
  return fs.map((f) => `${f.id} ${f.severity} ${f.location.line ?? '-'}`);
}

describe('redoubt audit --config: one case per finding', () => {
  let dir: string;
  const byFile = new Map<string, AuditFinding[]>();
  const paths = new Map<string, string>();

  before(async () => {
    dir = fixtureCopy();
    const args: string[] = [];
    Object.entries(CASES).forEach(([name, c], i) => {
      const path = writeConf(dir, `case-${i}.conf`, c.conf, c.mode ?? 0o600);
      paths.set(name, path);
      args.push('--config', path);
    });
    // One audit of every case: each finding names its file, so they separate again.
    for (const f of await auditJson(args)) {
      const list = byFile.get(f.location.file) ?? [];
      list.push(f);
      byFile.set(f.location.file, list);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const fs = byFile.get(paths.get(name) as string) ?? [];
      for (const [id, severity, line] of c.raises ?? []) {
        assert.ok(
          fs.some((f) => f.id === id && f.severity === severity && f.location.line === line),
          `expected ${id} ${severity} at line ${line ?? '-'}; got ${ids(fs).join(', ')}`,
        );
      }
      for (const id of c.not ?? [])
        assert.ok(!fs.some((f) => f.id === id), `unexpected ${id}: ${ids(fs).join(', ')}`);
      for (const f of fs) {
        assert.ok(f.fix.length > 0 && f.evidence.length > 0 && f.title.length > 0, JSON.stringify(f));
        assert.ok(
          !f.evidence.includes(STRONG) && !f.fix.includes(STRONG),
          `secret shown: ${JSON.stringify(f)}`,
        );
      }
    });
  }
});

describe('redoubt audit --config: files as deployed', () => {
  let dir: string;
  before(() => {
    dir = fixtureCopy();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the hardening guide's example: no default user, no dangerous command, only its short passwords", async () => {
    const fs = await auditJson(['--config', join(dir, 'guide.conf')]);
    assert.deepEqual(ids(fs).sort(), [
      'AUTH-CLEAR-PASSWORD low 5',
      'AUTH-CLEAR-PASSWORD low 6',
      'AUTH-WEAK-PASSWORD medium 5',
      'AUTH-WEAK-PASSWORD medium 6',
      'ENC-NO-TLS low -',
    ]);
    const weak = fs.find((f) => f.id === 'AUTH-WEAK-PASSWORD') as AuditFinding;
    assert.match(weak.evidence, /length 13 \(at least 16 expected\)/);
    assert.ok(!weak.evidence.includes('app_read_P@ss'));
  });

  it('the insecure fixture: every authentication and command problem, each on its line', async () => {
    const fs = await auditJson(['--config', join(dir, 'insecure.conf')]);
    const got = new Set(ids(fs));
    for (const want of [
      'NET-PROTECTED-MODE-OFF critical 4',
      'AUTH-DEFAULT-NOPASS critical -',
      'CMD-DEBUG-COMMAND high 5',
      'CMD-PROTECTED-CONFIGS medium 6',
      'ENC-MASTERAUTH-PLAINTEXT medium 7',
      'CMD-RENAME-COMMAND medium 8',
      'CMD-RENAME-COMMAND medium 9',
      'AUTH-COMMON-PASSWORD high 10',
      'CMD-DANGEROUS high 10',
      'AUTH-USER-NOPASS high 11',
      'CMD-DANGEROUS high 12',
      'AUTH-WEAK-PASSWORD medium 12',
    ])
      assert.ok(got.has(want), `missing ${want}: ${[...got].join(', ')}`);
    assert.deepEqual(
      fs.filter((f) => f.id === 'CMD-RENAME-COMMAND').map((f) => f.title),
      [
        'rename-command disables FLUSHALL instead of an ACL denying it',
        'rename-command hides KEYS instead of an ACL denying it',
      ],
    );
    // The new name of a renamed command is a secret of sorts: not shown.
    assert.ok(!JSON.stringify(fs).includes('keys-hidden-by-rename'));
    assert.ok(!JSON.stringify(fs).includes('hunter2'));
    const carol = fs.find((f) => f.id === 'CMD-DANGEROUS' && f.location.line === 12) as AuditFinding;
    assert.match(carol.evidence, /1 reachable: flushdb$/);
  });

  it('the hardened fixture: nothing above low; its auditor user is recognised as the read-only profile', async () => {
    const fs = await auditJson(['--config', join(dir, 'hardened.conf')]);
    assert.deepEqual(ids(fs).sort(), ['CMD-AUDITOR info 11', 'ENC-NO-TLS low -']);
    const auditor = fs.find((f) => f.id === 'CMD-AUDITOR') as AuditFinding;
    assert.match(
      auditor.evidence,
      /reachable: acl\|dryrun, acl\|list, config\|get, info; no secret directive/,
    );
  });

  it('the auditor profile with a secret CONFIG GET would reveal, or one command more: dangerous again', async () => {
    const hardened = join(dir, 'hardened.conf');
    const withSecret = writeConf(dir, 'auditor-secret.conf', `include ${hardened}\nmasterauth ${STRONG}\n`);
    const more = writeConf(
      dir,
      'auditor-more.conf',
      `include ${hardened}\nuser auditor2 on #${'ab'.repeat(32)} -@all +info +config|get +keys\n`,
    );
    const [a, b] = await Promise.all([auditJson(['--config', withSecret]), auditJson(['--config', more])]);
    assert.ok(!a.some((f) => f.id === 'CMD-AUDITOR'));
    assert.match((a.find((f) => f.id === 'CMD-DANGEROUS') as AuditFinding).title, /"auditor"/);
    assert.deepEqual(
      b
        .filter((f) => f.id.startsWith('CMD-'))
        .map((f) => `${f.id} ${/"(.*?)"/.exec(f.title)?.[1]}`)
        .sort(),
      ['CMD-AUDITOR auditor', 'CMD-DANGEROUS auditor2'],
    );
  });

  it('include: findings name the included file and its line', async () => {
    const fs = await auditJson(['--config', 'include/main.conf'], dir);
    const common = fs.find((f) => f.id === 'AUTH-COMMON-PASSWORD') as AuditFinding;
    assert.deepEqual(common.location, { file: join(dir, 'include', 'secrets.conf'), line: 3 });
  });

  it('aclfile: users are read from it, findings name its lines, hashes of common passwords are known', async () => {
    const fs = await auditJson(['--config', join(dir, 'aclfile', 'main.conf')]);
    const acl = join(dir, 'aclfile', 'users.acl');
    const got = new Set(fs.map((f) => `${f.id} ${f.location.file}:${f.location.line}`));
    for (const want of ['AUTH-COMMON-PASSWORD', 'CMD-DANGEROUS', 'CMD-ALL-COMMANDS'])
      assert.ok(
        got.has(`${want} ${acl}:${want === 'AUTH-COMMON-PASSWORD' ? 2 : 3}`),
        `missing ${want}: ${[...got].join(', ')}`,
      );
    assert.ok(!fs.some((f) => f.id === 'AUTH-DEFAULT-NOPASS'), 'user default off in the aclfile');
    assert.ok(!JSON.stringify(fs).includes('ops-password-that-is-long-enough-2026'));
  });

  it('a world-readable aclfile with passwords', async () => {
    const acl = join(dir, 'aclfile', 'users.acl');
    chmodSync(acl, 0o644);
    try {
      const fs = await auditJson(['--config', join(dir, 'aclfile', 'main.conf')]);
      assert.ok(
        fs.some(
          (f) =>
            f.id === 'PRIV-SECRET-FILE-READABLE' && f.location.file === acl && f.fix === `chmod 600 ${acl}`,
        ),
      );
    } finally {
      chmodSync(acl, 0o600);
    }
  });

  it('a Valkey config: unknown directives are skipped, unknown commands noted, the rest judged', async () => {
    const fs = await auditJson(['--config', join(dir, 'valkey.conf')]);
    assert.deepEqual(ids(fs).sort(), [
      'ACL-UNKNOWN-RULE info 7',
      'AUTH-COMMON-PASSWORD high 7',
      'CMD-ALL-KEYS medium 7',
      'CMD-DANGEROUS high 7',
      'ENC-NO-TLS low -',
    ]);
    assert.equal((fs.find((f) => f.id === 'ACL-UNKNOWN-RULE') as AuditFinding).evidence, '+commandlog|get');
  });

  it('a Redis 7 redis.conf as shipped by Debian parses, and its findings name its lines', async () => {
    let text: string;
    try {
      text = readFileSync('/etc/redis/redis.conf', 'latin1');
    } catch {
      return; // not installed here: the fixtures above cover the checks
    }
    const path = writeConf(dir, 'debian.conf', text.replace(/^include .*$/gm, ''));
    const fs = await auditJson(['--config', path]);
    assert.ok(fs.every((f) => f.location.file === path));
    assert.ok(fs.some((f) => f.id === 'AUTH-DEFAULT-NOPASS'));
    assert.ok(
      !fs.some((f) => f.id === 'CONF-REJECTED-LINE'),
      JSON.stringify(fs.filter((f) => f.id === 'CONF-REJECTED-LINE')),
    );
  });

  it('an unreadable config or include is a usage error (exit 2) naming it', async () => {
    const r = await runAudit(['--config', join(dir, 'missing.conf')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing\.conf/);
  });
});

/**
 * The checks over a deployment's configuration and users (deployment.ts), the
 * same for a config file and a live server: network exposure, authentication,
 * command permissions, protected features and encryption. Each returns findings
 * naming the line that caused them (or the origin, when a default applies).
 */
import { BlockList, isIP } from 'node:net';
import { Config } from '../config/config.js';
import type { ConfigLine } from '../config/parser.js';
import { SENSITIVE } from '../config/table.js';
import { exposedSecretFiles, lineHoldsSecret } from '../security/files.js';
import {
  type AuditedUser,
  reachableDangerous,
  userEnabled,
  userHasAllCommands,
  userHasAllKeys,
  userOpen,
} from './acl-users.js';
import { onlyAuditCommands, secretsSet } from './auditor.js';
import { type Deployment, lineOf, locationOf, whereSet } from './deployment.js';
import type { Finding, Layer, Location, Severity } from './findings.js';
import { isCommonPasswordHash, judgePassword } from './passwords.js';

/** How far a bind address reaches. */
export type Reach = 'loopback' | 'private' | 'wildcard' | 'public';

const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** A bind address without its optional-marker "-": what it exposes. */
export function reachOf(address: string): Reach {
  const a = address.replace(/^-/, '');
  if (a === '*' || a === '::*' || a === '0.0.0.0' || a === '::') return 'wildcard';
  if (a === 'localhost') return 'loopback';
  const family = isIP(a);
  if (family === 0) return 'public'; // a host name: whatever it resolves to, possibly public
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(a, type)) return 'loopback';
  return PRIVATE.check(a, type) ? 'private' : 'public';
}

/** Whether the server accepts connections from beyond the machine (wildcard, public or private address). */
export function exposedBeyondHost(d: Deployment): boolean {
  if (d.source === 'config' && lineOf(d, 'bind') === undefined) return true;
  return d.config.get<readonly string[]>('bind').some((a) => reachOf(a) !== 'loopback');
}

/** The line as evidence: a file line as written, a live value as CONFIG GET shows it; secrets redacted. */
export function shownLine(d: Deployment, l: ConfigLine): string {
  const entry = Config.lookup(l.name);
  const secret = ((entry?.directive.flags ?? 0) & SENSITIVE) !== 0;
  if (d.source === 'live') {
    const value = entry === undefined ? l.args.join(' ') : d.config.show(entry.directive.name);
    return `CONFIG GET ${l.name} -> "${secret && value !== '' ? '(redacted)' : value}"`;
  }
  return secret ? `${l.name} (redacted)` : l.text;
}

function finding(
  id: string,
  layer: Layer,
  severity: Severity,
  title: string,
  evidence: string,
  fix: string,
  location: Location,
): Finding {
  return { id, layer, severity, title, evidence, fix, location };
}

/** Evidence for a directive: its line, or that it is absent and which default applies. */
function evidenceFor(d: Deployment, name: string, absent: string): string {
  const l = lineOf(d, name);
  return l === undefined ? absent : shownLine(d, l);
}

// ---- network

function bindChecks(d: Deployment): Finding[] {
  const fix = 'bind 127.0.0.1 -::1  (or the private address your clients connect to)';
  const l = lineOf(d, 'bind');
  if (l === undefined) {
    // Only a file can omit it; Redis and Valkey then listen on every interface.
    if (d.source !== 'config') return [];
    return [
      finding(
        'NET-BIND-MISSING',
        'network',
        'high',
        'No bind directive: Redis and Valkey listen on every network interface',
        'no "bind" line in the configuration (Redis default: bind * -::*)',
        fix,
        { file: d.origin },
      ),
    ];
  }
  const out: Finding[] = [];
  const addresses = d.config.get<readonly string[]>('bind');
  const wildcard = addresses.filter((a) => reachOf(a) === 'wildcard');
  const pub = addresses.filter((a) => reachOf(a) === 'public');
  if (wildcard.length > 0)
    out.push(
      finding(
        'NET-BIND-WILDCARD',
        'network',
        'high',
        `bind listens on every interface (${wildcard.join(' ')})`,
        shownLine(d, l),
        fix,
        locationOf(l),
      ),
    );
  if (pub.length > 0)
    out.push(
      finding(
        'NET-BIND-PUBLIC',
        'network',
        'high',
        `bind listens on a public address (${pub.join(' ')})`,
        shownLine(d, l),
        fix,
        locationOf(l),
      ),
    );
  return out;
}

function protectedModeCheck(d: Deployment): Finding[] {
  if (d.config.get<boolean>('protected-mode')) return [];
  const open = d.users.some((u) => u.name === 'default' && userOpen(u));
  return [
    finding(
      'NET-PROTECTED-MODE-OFF',
      'network',
      open ? 'critical' : 'high',
      open
        ? 'protected-mode is off while the default user needs no password: anyone who reaches the port is served'
        : 'protected-mode is off: nothing refuses remote clients if the default user ever loses its password',
      evidenceFor(d, 'protected-mode', 'protected-mode no'),
      'protected-mode yes',
      whereSet(d, 'protected-mode'),
    ),
  ];
}

// ---- authentication

function userFix(u: AuditedUser, rule: string): string {
  return `ACL SETUSER ${u.name} ${rule}  (and in the config or aclfile: user ${u.name} ... ${rule})`;
}

function passwordChecks(d: Deployment, u: AuditedUser): Finding[] {
  const out: Finding[] = [];
  const strong = `ACL SETUSER ${u.name} resetpass ><the output of ACL GENPASS>  (64 random characters; in files write #<its sha256>)`;
  const fix =
    u.name === 'default' && d.config.get<string>('requirepass') !== ''
      ? `requirepass <the output of ACL GENPASS>; or ${strong}`
      : strong;
  for (const p of u.clearPasswords) {
    const j = judgePassword(p);
    if (j.common)
      out.push(
        finding(
          'AUTH-COMMON-PASSWORD',
          'authentication',
          'high',
          `User "${u.name}" has a password from the common-password list`,
          `a password of user "${u.name}" (${j.description}) is one attackers try first`,
          fix,
          u.location,
        ),
      );
    else if (j.weaknesses.length > 0)
      out.push(
        finding(
          'AUTH-WEAK-PASSWORD',
          'authentication',
          'medium',
          `User "${u.name}" has a weak password`,
          `a password of user "${u.name}": ${j.weaknesses.join(', ')}`,
          fix,
          u.location,
        ),
      );
  }
  const commonHashes = u.state.passwords.filter(isCommonPasswordHash).length;
  if (u.clearPasswords.length === 0 && commonHashes > 0)
    out.push(
      finding(
        'AUTH-COMMON-PASSWORD',
        'authentication',
        'high',
        `User "${u.name}" has a password from the common-password list`,
        `${commonHashes} password hash(es) of user "${u.name}" match a common password`,
        fix,
        u.location,
      ),
    );
  return out;
}

function userAuthChecks(d: Deployment, u: AuditedUser): Finding[] {
  if (!userEnabled(u)) return [];
  if (userOpen(u)) {
    if (u.name === 'default')
      return [
        finding(
          'AUTH-DEFAULT-NOPASS',
          'authentication',
          'critical',
          'The default user is enabled without a password: every connection is logged in as it',
          u.implicit
            ? 'no requirepass and no "user default" rule: Redis creates "user default on nopass ~* &* +@all"'
            : `user default ${u.rules}`,
          'user default off  (and a named user with a password per application); or requirepass <the output of ACL GENPASS>',
          u.location,
        ),
      ];
    return [
      finding(
        'AUTH-USER-NOPASS',
        'authentication',
        'high',
        `User "${u.name}" is enabled with nopass: anyone can log in as it`,
        `user ${u.name} ${u.rules}`,
        userFix(u, 'resetpass ><the output of ACL GENPASS>'),
        u.location,
      ),
    ];
  }
  const out = passwordChecks(d, u);
  // A file holding `>password` shows it to anyone who reads the file or its backups.
  if (d.source === 'config' && u.clearPasswords.length > 0 && u.location.line !== undefined && !u.implicit)
    out.push(
      finding(
        'AUTH-CLEAR-PASSWORD',
        'authentication',
        'low',
        `User "${u.name}" has its password written in clear in the file`,
        `user ${u.name} ${u.rules}`,
        'replace ">password" with "#<the hex SHA-256 of the password>", as ACL SAVE writes it',
        u.location,
      ),
    );
  return out;
}

// ---- commands

/** Names, the first `max` of them and how many more: a user with +@all reaches about a hundred. */
function listed(names: readonly string[], max = 12): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * Findings about what a user may run; `dangerous` is what it can reach (static
 * or ACL DRYRUN), `secrets` the SENSITIVE directives set (auditor.ts).
 */
export function userCommandChecks(
  u: AuditedUser,
  dangerous: readonly string[],
  secrets: readonly string[] | undefined,
): Finding[] {
  if (!userEnabled(u)) return [];
  const out: Finding[] = [];
  const rules = `user ${u.name} ${u.rules}`;
  if (onlyAuditCommands(dangerous, secrets))
    out.push(
      finding(
        'CMD-AUDITOR',
        'commands',
        'info',
        `User "${u.name}" can read the configuration and the users (the read-only auditor profile)`,
        `${rules}; ${dangerous.length} reachable: ${listed(dangerous)}; no secret directive is set for CONFIG GET to reveal`,
        'nothing to fix (remove the user when no live audit runs: ACL DELUSER <name>)',
        u.location,
      ),
    );
  else if (dangerous.length > 0)
    out.push(
      finding(
        'CMD-DANGEROUS',
        'commands',
        'high',
        `User "${u.name}" can run dangerous commands`,
        `${rules}; ${dangerous.length} reachable: ${listed(dangerous)}`,
        userFix(u, '-@dangerous -@scripting'),
        u.location,
      ),
    );
  if (userHasAllCommands(u))
    out.push(
      finding(
        'CMD-ALL-COMMANDS',
        'commands',
        'medium',
        `User "${u.name}" has +@all: every command, including those added by future versions`,
        rules,
        userFix(u, '-@all +<each command the application uses>'),
        u.location,
      ),
    );
  if (userHasAllKeys(u))
    out.push(
      finding(
        'CMD-ALL-KEYS',
        'commands',
        'medium',
        `User "${u.name}" can access every key (allkeys / ~*)`,
        rules,
        userFix(u, 'resetkeys ~<prefix of its keys>:*'),
        u.location,
      ),
    );
  return out;
}

function renameChecks(d: Deployment): Finding[] {
  return d.renames.map((l) =>
    finding(
      'CMD-RENAME-COMMAND',
      'commands',
      'medium',
      `rename-command ${l.args[1] === '' ? 'disables' : 'hides'} ${(l.args[0] ?? '').toUpperCase()} instead of an ACL denying it`,
      l.text.replace(/^(\S+\s+\S+\s+)\S.*$/, '$1(new name redacted)'),
      `remove the rename-command line and deny the command per user: user <name> ... -${(l.args[0] ?? '').toLowerCase()} (ACL SETUSER <name> -${(l.args[0] ?? '').toLowerCase()})`,
      locationOf(l),
    ),
  );
}

/** enable-protected-configs, enable-debug-command, enable-module-command. */
const PROTECTED_FEATURES: readonly (readonly [directive: string, what: string, id: string])[] = [
  [
    'enable-protected-configs',
    'CONFIG SET of protected directives (dir, dbfilename...)',
    'CMD-PROTECTED-CONFIGS',
  ],
  ['enable-debug-command', 'the DEBUG command', 'CMD-DEBUG-COMMAND'],
  ['enable-module-command', 'the MODULE command (loading native code)', 'CMD-MODULE-COMMAND'],
];

function protectedFeatureChecks(d: Deployment): Finding[] {
  const out: Finding[] = [];
  for (const [name, what, id] of PROTECTED_FEATURES) {
    const value = d.config.get<string>(name);
    if (value === 'no') continue;
    out.push(
      finding(
        id,
        'commands',
        value === 'yes' ? 'high' : 'medium',
        value === 'yes'
          ? `${name} is yes: any client allowed the command can use ${what}`
          : `${name} is local: local clients can use ${what}`,
        evidenceFor(d, name, `${name} ${value}`),
        `${name} no`,
        whereSet(d, name),
      ),
    );
  }
  return out;
}

// ---- privilege

function secretFileChecks(d: Deployment): Finding[] {
  if (d.source !== 'config') return [];
  const tlsKey = d.config.get<string>('tls-key-file');
  return exposedSecretFiles(d.lines, d.aclfile ?? '', tlsKey).map((p) => {
    const first = d.lines.find((l) => l.file === p.path && l.line > 0 && lineHoldsSecret(l));
    return finding(
      'PRIV-SECRET-FILE-READABLE',
      'privilege',
      'high',
      `${p.what} holds secrets and is readable by other users`,
      `${p.path}: mode ${p.mode.toString(8).padStart(4, '0')}, holds secrets`,
      `chmod 600 ${p.path}`,
      first === undefined ? { file: p.path } : locationOf(first),
    );
  });
}

function allowRootCheck(d: Deployment): Finding[] {
  const l = lineOf(d, 'allow-root');
  if (l === undefined || !d.config.get<boolean>('allow-root')) return [];
  return [
    finding(
      'PRIV-ALLOW-ROOT',
      'privilege',
      'medium',
      'allow-root yes lets Redoubt keep running as root',
      shownLine(d, l),
      'allow-root no  (and run-as <a dedicated unprivileged user>)',
      locationOf(l),
    ),
  ];
}

// ---- encryption

function tlsChecks(d: Deployment): Finding[] {
  const out: Finding[] = [];
  const tlsPort = d.config.num('tls-port');
  const port = d.config.num('port');
  if (tlsPort === 0) {
    out.push(
      finding(
        'ENC-NO-TLS',
        'encryption',
        exposedBeyondHost(d) ? 'high' : 'low',
        exposedBeyondHost(d)
          ? 'No TLS: passwords and data cross the network in clear'
          : 'No TLS (the server listens on loopback only)',
        evidenceFor(d, 'tls-port', 'no tls-port: TLS is off'),
        'tls-port 6379, port 0, tls-cert-file <path>, tls-key-file <path>, tls-ca-cert-file <path>',
        whereSet(d, 'tls-port'),
      ),
    );
    return out;
  }
  if (port !== 0)
    out.push(
      finding(
        'ENC-PLAINTEXT-PORT',
        'encryption',
        'medium',
        `TLS is on but the plaintext port ${port} is still open`,
        evidenceFor(d, 'port', `no port directive: the plaintext port ${port} is open`),
        'port 0',
        whereSet(d, 'port'),
      ),
    );
  const protocols = d.config.get<string>('tls-protocols');
  const old = protocols.split(/\s+/).filter((p) => /^tlsv1(\.1)?$/i.test(p));
  if (old.length > 0)
    out.push(
      finding(
        'ENC-OLD-TLS',
        'encryption',
        'high',
        `tls-protocols allows ${old.join(' and ')}, deprecated by RFC 8996`,
        evidenceFor(d, 'tls-protocols', protocols),
        'tls-protocols "TLSv1.2 TLSv1.3"',
        whereSet(d, 'tls-protocols'),
      ),
    );
  const auth = d.config.get<string>('tls-auth-clients');
  if (auth !== 'yes')
    out.push(
      finding(
        'ENC-TLS-AUTH-CLIENTS',
        'encryption',
        auth === 'no' ? 'medium' : 'low',
        auth === 'no'
          ? 'tls-auth-clients no: clients are not asked for a certificate'
          : 'tls-auth-clients optional: clients without a certificate are accepted',
        evidenceFor(d, 'tls-auth-clients', `tls-auth-clients ${auth}`),
        'tls-auth-clients yes  (with tls-ca-cert-file naming the CA of your clients)',
        whereSet(d, 'tls-auth-clients'),
      ),
    );
  return out;
}

function masterauthCheck(d: Deployment): Finding[] {
  if (d.config.get<string>('masterauth') === '' || d.config.get<boolean>('tls-replication')) return [];
  return [
    finding(
      'ENC-MASTERAUTH-PLAINTEXT',
      'encryption',
      'medium',
      'masterauth is set but replication is not encrypted: the password crosses the network in clear',
      evidenceFor(d, 'masterauth', 'masterauth (redacted)'),
      'tls-replication yes  (with masteruser <a replication-only ACL user>)',
      whereSet(d, 'masterauth'),
    ),
  ];
}

// ---- the audit's own notes

function noteChecks(d: Deployment): Finding[] {
  const rejected = d.rejected.map(({ line, reason }) =>
    finding(
      'CONF-REJECTED-LINE',
      'network',
      'info',
      `A line the server would refuse was left out of the audit: ${reason}`,
      shownLine(d, line),
      'correct or remove the line',
      locationOf(line),
    ),
  );
  const unknown = d.users
    .filter((u) => u.unknownRules.length > 0)
    .map((u) =>
      finding(
        'ACL-UNKNOWN-RULE',
        'commands',
        'info',
        `Rules of user "${u.name}" name commands or categories this audit does not know; they were skipped`,
        u.unknownRules.join(' '),
        'check these rules by hand (commands of modules or newer servers)',
        u.location,
      ),
    );
  return [...rejected, ...unknown];
}

/**
 * Every configuration check. `dangerousOf` says which dangerous commands a user
 * reaches: from its rules by default, from ACL DRYRUN for a live server.
 */
export function configFindings(
  d: Deployment,
  dangerousOf: (u: AuditedUser) => readonly string[] = reachableDangerous,
): Finding[] {
  return [
    ...bindChecks(d),
    ...protectedModeCheck(d),
    ...d.users.flatMap((u) => userAuthChecks(d, u)),
    ...d.users.flatMap((u) => userCommandChecks(u, dangerousOf(u), secretsSet(d))),
    ...renameChecks(d),
    ...protectedFeatureChecks(d),
    ...secretFileChecks(d),
    ...allowRootCheck(d),
    ...tlsChecks(d),
    ...masterauthCheck(d),
    ...noteChecks(d),
  ];
}

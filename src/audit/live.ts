/**
 * Live checks of a running Redis, Valkey or Redoubt (`--url`). Strictly
 * read-only: PING, INFO, CONFIG GET, ACL LIST, ACL DRYRUN, COMMAND; never a
 * write, never a CONFIG SET. Two connections:
 *  1. without credentials, what an attacker sees (PING, INFO, CONFIG GET);
 *  2. with the URL's credentials, the configuration (CONFIG GET *) and users
 *     (ACL LIST), judged by the same checks as a config file, with ACL DRYRUN
 *     saying which dangerous commands each user really reaches, COMMAND and
 *     COMMAND INFO telling renamed and disabled commands, and for rediss:// the
 *     negotiated TLS version and the certificate's expiry.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { REDIS_COMMANDS } from '../acl/redis-commands.js';
import { ALL_COMMANDS } from '../commands/all.js';
import { type AuditedUser, dangerousCommands, reachableDangerous } from './acl-users.js';
import { AUDITOR_RULES } from './auditor.js';
import { configFindings, userCommandChecks } from './config-checks.js';
import { type Deployment, deploymentFromLive } from './deployment.js';
import type { Finding, Location, Severity } from './findings.js';
import { RespClient, RespError, type RespValue } from './resp.js';

export interface Target {
  readonly url: string;
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** The URL without its password, as reports show it. */
  readonly label: string;
}

/** Client TLS material for rediss:// (redis-cli's --cacert, --cert, --key). */
export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export class TargetError extends Error {}

/** `redis://[user[:password]@]host[:port]` or `rediss://...`; the password is percent-decoded. */
export function parseTarget(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TargetError(
      `--url ${JSON.stringify(url)} is not a URL (expected redis://user:password@host:port)`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new TargetError(`--url must start with redis:// or rediss://, not ${u.protocol}//`);
  if (u.hostname === '') throw new TargetError(`--url ${JSON.stringify(url)} names no host`);
  const tls = u.protocol === 'rediss:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port === '' ? 6379 : Number(u.port);
  const user = u.username === '' ? undefined : decodeURIComponent(u.username);
  const password = u.password === '' ? undefined : decodeURIComponent(u.password);
  const hostPort = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const label = `${u.protocol}//${user === undefined ? '' : `${user}@`}${hostPort}`;
  return { url, tls, host, port, user, password, label };
}

const TIMEOUT_MS = 10000;

function tlsOptions(t: Target, files: TlsFiles): ConnectionOptions | undefined {
  if (!t.tls) return undefined;
  return {
    // The audit inspects any certificate, trusted or not, and reports what it finds.
    rejectUnauthorized: false,
    ...(files.ca === undefined ? {} : { ca: readFileSync(files.ca) }),
    ...(files.cert === undefined ? {} : { cert: readFileSync(files.cert) }),
    ...(files.key === undefined ? {} : { key: readFileSync(files.key) }),
  };
}

function connect(t: Target, files: TlsFiles): Promise<RespClient> {
  const tls = tlsOptions(t, files);
  return RespClient.connect({
    host: t.host,
    port: t.port,
    timeoutMs: TIMEOUT_MS,
    ...(tls === undefined ? {} : { tls }),
  });
}

function live(
  t: Target,
  id: string,
  layer: Finding['layer'],
  severity: Severity,
  title: string,
  evidence: string,
  fix: string,
): Finding {
  const location: Location = { file: t.label };
  return { id, layer, severity, title, evidence, fix, location };
}

const text = (v: RespValue | undefined): string =>
  v instanceof RespError ? `-${v.message}` : Array.isArray(v) ? `(array of ${v.length})` : String(v);

/** INFO's `field:value` lines. */
export function infoFields(info: RespValue | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof info !== 'string') return out;
  for (const line of info.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/** CONFIG GET reply (RESP2 flat array) as pairs. */
function pairsOf(v: RespValue): [string, string][] {
  if (!Array.isArray(v)) return [];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < v.length; i += 2) out.push([String(v[i]), String(v[i + 1])]);
  return out;
}

// ---- 1. the unauthenticated view

/** The anonymous connection was refused: at connect, at the TLS handshake, or closed before any reply. */
function refused(t: Target, err: unknown): Finding {
  return live(
    t,
    'LIVE-UNAUTH-REFUSED',
    'authentication',
    'info',
    'A connection without credentials or client certificate was refused',
    (err as Error).message,
    'nothing to fix',
  );
}

async function unauthenticatedProbe(t: Target, files: TlsFiles): Promise<Finding[]> {
  let c: RespClient;
  try {
    // An attacker has no client certificate either: only the CA is kept.
    c = await connect(t, files.ca === undefined ? {} : { ca: files.ca });
  } catch (err) {
    return [refused(t, err)];
  }
  try {
    const [ping, info, config] = await c.pipeline([
      ['PING'],
      ['INFO', 'server'],
      ['CONFIG', 'GET', 'requirepass'],
    ]);
    // NOAUTH, or protected mode's DENIED: refused, as it should be.
    if (ping !== 'PONG') return [];
    const fields = infoFields(info);
    const exposed = [
      'PING -> PONG',
      typeof info === 'string'
        ? `INFO -> ${fields.get('server_name') ?? 'redis'} ${fields.get('redis_version') ?? '?'} on ${fields.get('os') ?? '?'}`
        : `INFO -> ${text(info)}`,
      Array.isArray(config)
        ? 'CONFIG GET -> answered (the whole configuration is readable)'
        : `CONFIG GET -> ${text(config)}`,
    ];
    return [
      live(
        t,
        'LIVE-UNAUTHENTICATED-ACCESS',
        'authentication',
        'critical',
        'The server answers commands without credentials',
        `a connection without AUTH got: ${exposed.join('; ')}`,
        'user default off  (and a named user with a password per application); or requirepass <the output of ACL GENPASS>',
      ),
    ];
  } catch (err) {
    // TLS 1.3 checks the client certificate after the client's handshake is done: the server then closes.
    return [refused(t, err)];
  } finally {
    c.close();
  }
}

// ---- 2. the authenticated view

/** Server kind and the commands it is expected to have (to tell disabled ones apart). */
function expectedCommands(fields: Map<string, string>): ReadonlySet<string> | undefined {
  const name = fields.get('server_name');
  if (name === 'redoubt') return new Set(ALL_COMMANDS.map((s) => s.name));
  // Every Redis from 7.0 on, and Valkey (forked from Redis 7.2.4), has at least
  // the Redis 7.0 command table.
  const version = fields.get('redis_version') ?? '0';
  const major = Number(version.split('.')[0]);
  if (name === 'valkey' || (name === undefined && major >= 7))
    return new Set(REDIS_COMMANDS.map((f) => f[0]));
  // An older Redis has the commands that appeared before its version (COMMAND DOCS `since`).
  if (name === undefined && major >= 2)
    return new Set(ALL_COMMANDS.filter((s) => versionAtMost(s.since, version)).map((s) => s.name));
  return undefined;
}

/** `a` <= `b` for dotted versions ("6.2.0" <= "6.0.16" is false). */
function versionAtMost(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return true;
}

/** "redis 7.0.15", "valkey 8.0.1" (Valkey reports redis_version 7.2.4 for compatibility), "redoubt 0.1.0". */
function serverIdentity(fields: Map<string, string>): string {
  const name = fields.get('server_name') ?? 'redis';
  const version = fields.get(`${name}_version`) ?? fields.get('redis_version') ?? '?';
  return `${name} ${version}`;
}

interface CommandFacts {
  /** Arity of every command and subcommand the server lists, by full name. */
  readonly arity: Map<string, number>;
}

function commandFacts(reply: RespValue): CommandFacts {
  const arity = new Map<string, number>();
  const visit = (entry: RespValue): void => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') return;
    arity.set(entry[0].toLowerCase(), Number(entry[1]));
    const subs = entry[9];
    if (Array.isArray(subs)) for (const s of subs) visit(s);
  };
  if (Array.isArray(reply)) for (const e of reply) visit(e);
  return { arity };
}

/** Renamed (listed by COMMAND, unknown to COMMAND INFO) and disabled (expected, not listed) dangerous commands. */
async function renamedCommands(
  t: Target,
  c: RespClient,
  facts: CommandFacts,
  expected: ReadonlySet<string> | undefined,
): Promise<Finding[]> {
  const tops = [...new Set(dangerousCommands().map((n) => n.split('|')[0] as string))];
  const info = await c.call('COMMAND', 'INFO', ...tops);
  if (!Array.isArray(info)) return [];
  const out: Finding[] = [];
  tops.forEach((name, i) => {
    if (info[i] !== null) return;
    const listed = facts.arity.has(name);
    if (!listed && !(expected?.has(name) ?? false)) return;
    out.push(
      live(
        t,
        'CMD-RENAME-COMMAND',
        'commands',
        'medium',
        `rename-command ${listed ? 'hides' : 'disables'} ${name.toUpperCase()} instead of an ACL denying it`,
        listed
          ? `COMMAND lists ${name} but COMMAND INFO ${name} answers nil: it was renamed`
          : `COMMAND INFO ${name} answers nil and COMMAND does not list it: disabled with rename-command ${name} ""`,
        `remove the rename-command line and deny the command per user: user <name> ... -${name} (ACL SETUSER <name> -${name})`,
      ),
    );
  });
  return out;
}

/** argv for ACL DRYRUN: the command (and subcommand) and filler arguments up to its arity. */
function dryrunArgv(fullName: string, arity: number): string[] {
  const words = fullName.split('|');
  const needed = Math.abs(arity) - words.length;
  return [...words, ...Array.from({ length: Math.max(0, needed) }, () => 'redoubt-audit-probe')];
}

/**
 * The dangerous commands a user can run, as the server judges it (ACL DRYRUN);
 * a denial for a key still means the command itself is allowed.
 */
async function dryrunDangerous(c: RespClient, u: AuditedUser, facts: CommandFacts): Promise<string[]> {
  const names = dangerousCommands().filter((n) => facts.arity.has(n));
  const replies = await c.pipeline(
    names.map((n) => ['ACL', 'DRYRUN', u.name, ...dryrunArgv(n, facts.arity.get(n) as number)]),
  );
  // No ACL DRYRUN (Redis 6) or not permitted to run it: the user's rules decide, as for a file.
  // Redis 6's COMMAND lists no subcommands: a subcommand counts when its command is listed.
  if (replies.some((r) => r instanceof RespError))
    return reachableDangerous(u).filter(
      (n) => facts.arity.has(n) || facts.arity.has(n.split('|')[0] as string),
    );
  return names.filter((_, i) => {
    const r = replies[i];
    return r === 'OK' || (typeof r === 'string' && /permissions to access/.test(r));
  });
}

/**
 * Whether the server completes a handshake limited to TLS 1.0/1.1. Node's
 * OpenSSL refuses those versions at its default security level, so the probe
 * lowers it for this one connection, which sends nothing.
 */
async function acceptsOldTls(t: Target, files: TlsFiles): Promise<string | undefined> {
  const old: ConnectionOptions = {
    ...tlsOptions(t, files),
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: 'DEFAULT@SECLEVEL=0',
  };
  try {
    const c = await RespClient.connect({ host: t.host, port: t.port, timeoutMs: TIMEOUT_MS, tls: old });
    const protocol = (c.socket as TLSSocket).getProtocol() ?? 'TLSv1.1';
    c.close();
    return protocol;
  } catch {
    return undefined;
  }
}

async function tlsFindings(t: Target, c: RespClient, files: TlsFiles): Promise<Finding[]> {
  const socket = c.socket as TLSSocket;
  const protocol = socket.getProtocol() ?? 'unknown';
  const out: Finding[] = [];
  const old = await acceptsOldTls(t, files);
  if (old !== undefined)
    out.push(
      live(
        t,
        'ENC-OLD-TLS-HANDSHAKE',
        'encryption',
        'high',
        `The server accepts ${old}, deprecated by RFC 8996`,
        `a handshake limited to TLS 1.0/1.1 succeeded with ${old}`,
        'tls-protocols "TLSv1.2 TLSv1.3"',
      ),
    );
  if (!socket.authorized)
    out.push(
      live(
        t,
        'ENC-CERT-UNTRUSTED',
        'encryption',
        'medium',
        'The server certificate does not verify: clients that check it are refused, clients that do not can be intercepted',
        `${files.ca === undefined ? 'against the system CAs' : `against ${files.ca}`}: ${String(socket.authorizationError)}`,
        'a certificate from a CA your clients trust, naming the host they connect to (audit a private CA with --cacert <its certificate>)',
      ),
    );
  const cert = socket.getPeerCertificate();
  if (cert?.valid_to === undefined) return out;
  const expires = new Date(cert.valid_to);
  const days = Math.floor((expires.getTime() - Date.now()) / 86_400_000);
  const evidence = `negotiated ${protocol}; certificate CN=${cert.subject?.CN ?? '?'} issued by CN=${cert.issuer?.CN ?? '?'}, valid until ${expires.toISOString()} (${days} days)`;
  const renew = 'renew the certificate, then reload it: CONFIG SET tls-cert-file <path> tls-key-file <path>';
  if (days < 0)
    out.push(
      live(
        t,
        'ENC-CERT-EXPIRED',
        'encryption',
        'critical',
        'The server certificate has expired',
        evidence,
        renew,
      ),
    );
  else if (days < 30)
    out.push(
      live(
        t,
        'ENC-CERT-EXPIRING',
        'encryption',
        'medium',
        `The server certificate expires in ${days} days`,
        evidence,
        renew,
      ),
    );
  else
    out.push(
      live(
        t,
        'LIVE-TLS-INFO',
        'encryption',
        'info',
        `TLS ${protocol}, certificate valid until ${expires.toISOString().slice(0, 10)}`,
        evidence,
        'nothing to fix',
      ),
    );
  return out;
}

/** What one target's audit found, and its configuration when CONFIG GET was allowed (for --host). */
export interface TargetAudit {
  readonly findings: Finding[];
  readonly deployment: Deployment | undefined;
}

async function authenticatedChecks(t: Target, files: TlsFiles): Promise<TargetAudit> {
  const c = await connect(t, files);
  try {
    const out: Finding[] = t.tls ? await tlsFindings(t, c, files) : [];
    if (t.password !== undefined) {
      const auth = await c.call('AUTH', ...(t.user === undefined ? [] : [t.user]), t.password);
      if (auth instanceof RespError) throw new TargetError(`${t.label}: AUTH failed: ${auth.message}`);
    }
    const [info, config, acl, command] = await c.pipeline([
      ['INFO', 'everything'],
      ['CONFIG', 'GET', '*'],
      ['ACL', 'LIST'],
      ['COMMAND'],
    ]);
    const fields = infoFields(info);
    out.push(
      live(
        t,
        'LIVE-SERVER-INFO',
        'network',
        'info',
        `${serverIdentity(fields)}, role ${fields.get('role') ?? '?'}`,
        `redis_version=${fields.get('redis_version') ?? '?'} role=${fields.get('role') ?? '?'} redis_mode=${fields.get('redis_mode') ?? '?'} connected_clients=${fields.get('connected_clients') ?? '?'}`,
        'nothing to fix',
      ),
    );
    if (config instanceof RespError || acl instanceof RespError)
      out.push(
        live(
          t,
          'LIVE-LIMITED-VIEW',
          'commands',
          'info',
          'The audit user may not read the configuration or the users: those checks were skipped',
          `CONFIG GET -> ${text(config)}; ACL LIST -> ${text(acl)}`,
          `audit as a user of the read-only auditor profile: ACL SETUSER auditor on ><the output of ACL GENPASS> ${AUDITOR_RULES.join(' ')}`,
        ),
      );
    const facts = commandFacts(command ?? null);
    const aclText = Array.isArray(acl) ? acl.map(String).join('\n') : undefined;
    const configFile = fields.get('config_file') || undefined;
    let deployment: Deployment | undefined;
    if (Array.isArray(config)) {
      const d = deploymentFromLive(t.label, pairsOf(config), aclText, configFile);
      deployment = d;
      const dangerous = new Map<AuditedUser, string[]>();
      for (const u of d.users) dangerous.set(u, await dryrunDangerous(c, u, facts));
      out.push(...configFindings(d, (u) => dangerous.get(u) ?? []));
    } else if (aclText !== undefined) {
      const d = deploymentFromLive(t.label, [], aclText, configFile);
      // Without CONFIG GET the secrets are unknown: no user is taken for the auditor profile.
      for (const u of d.users)
        out.push(...userCommandChecks(u, await dryrunDangerous(c, u, facts), undefined));
    }
    out.push(...(await renamedCommands(t, c, facts, expectedCommands(fields))));
    return { findings: out, deployment };
  } finally {
    c.close();
  }
}

/** Every live check of one target. Throws TargetError when the target cannot be audited at all. */
export async function auditTarget(t: Target, files: TlsFiles = {}): Promise<TargetAudit> {
  const anonymous = await unauthenticatedProbe(t, files);
  try {
    const { findings, deployment } = await authenticatedChecks(t, files);
    return { findings: [...anonymous, ...findings], deployment };
  } catch (err) {
    if (err instanceof TargetError) throw err;
    throw new TargetError(`${t.label}: ${(err as Error).message}`);
  }
}

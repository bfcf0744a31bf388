/**
 * `redoubt harden`: write a deployment that `redoubt audit` passes (nothing
 * above low). Arguments are all checked before anything is written; the files
 * are 0600 in 0700 directories (security/files.ts), and the generated
 * passwords go to one 0600 secrets file, never to the terminal.
 * Exit codes: 0 written, 2 usage error or an input harden refuses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Reach, reachOf } from '../audit/config-checks.js';
import { ensurePrivateDir, tightenOwnedDir, writeFileAtomic } from '../security/files.js';
import { configText, TARGETS, type Target } from './config.js';
import { FIREWALLS, type Firewall, firewallFiles } from './firewall.js';
import { type Network, parseNetwork } from './ip.js';
import { readmeText } from './readme.js';
import { unitName, unitText } from './systemd.js';
import {
  aclFileText,
  DEFAULT_USERS,
  generateUsers,
  HardenInputError,
  parseUsersFile,
  secretsText,
  type UserSpec,
} from './users.js';
import { makePki } from './x509.js';

export const HARDEN_USAGE = `Usage: redoubt harden --out DIR [--target redis|valkey|redoubt] [--bind ADDR]... [--port N]
                      [--allow HOST/CIDR]... [--users FILE] [--tls [--dns NAME]...]
                      [--service systemd [--server-bin PATH]] [--firewall iptables|nftables|ufw]...
                      [--data-dir DIR] [--force]

Writes a hardened deployment into DIR (files 0600, directories 0700); see DIR/README.
  --out DIR          where to write; the files name each other by absolute path, so generate
                     them where they will live (e.g. /etc/redis-hardened). DIR must be empty
                     or absent unless --force
  --target T         redis, valkey or redoubt (default): the server the config is for
  --bind ADDR        an address to listen on (repeat; default 127.0.0.1 and ::1). Wildcard and
                     public addresses are refused; a private one needs --tls
  --port N           the port (TLS port with --tls; default 6379)
  --allow CIDR       a network that may reach the port (repeat): firewall rules and, for
                     redoubt, allow-from; loopback is always allowed
  --users FILE       the users to create (see "users file" in README.md); default one user
                     "app" with read/write access to the keys app:*
  --tls              a CA, server and client certificates; TLS only, client certificates required
  --dns NAME         a DNS name clients use for the server (repeat; in the server certificate)
  --service systemd  a sandboxed systemd unit running as a dedicated user
  --server-bin PATH  the server executable the unit starts (default /usr/bin/redis-server,
                     /usr/bin/valkey-server or /usr/local/bin/redoubt-server)
  --firewall KIND    iptables, nftables or ufw rules for the port (repeat for several)
  --data-dir DIR     the data directory (default /var/lib/<target>)
  --force            write into a non-empty DIR (files of the same name are replaced)
`;

export class UsageError extends Error {}

export interface HardenOptions {
  readonly out: string;
  readonly target: Target;
  readonly bind: readonly string[];
  readonly port: number;
  readonly allow: readonly Network[];
  readonly users: readonly UserSpec[];
  readonly tls: boolean;
  readonly dns: readonly string[];
  readonly service: boolean;
  readonly serverBin: string;
  readonly firewalls: readonly Firewall[];
  readonly dataDir: string;
  readonly force: boolean;
}

const OPTIONS = {
  out: { type: 'string' },
  target: { type: 'string' },
  bind: { type: 'string', multiple: true },
  port: { type: 'string' },
  allow: { type: 'string', multiple: true },
  users: { type: 'string' },
  tls: { type: 'boolean' },
  dns: { type: 'string', multiple: true },
  service: { type: 'string' },
  'server-bin': { type: 'string' },
  firewall: { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  force: { type: 'boolean' },
} as const;

const DEFAULT_BIND = ['127.0.0.1', '-::1'];

/** Why a bind address is refused: the audit's own reach classification decides. */
function bindProblem(address: string, tls: boolean): string | undefined {
  if (isIP(address.replace(/^-/, '')) === 0) return 'is not an IP address';
  const reach: Reach = reachOf(address);
  if (reach === 'wildcard') return 'listens on every interface: name the address clients connect to';
  if (reach === 'public') return 'is a public address: put the server on a private network';
  if (reach === 'private' && !tls)
    return 'is reachable from the network: add --tls (passwords would cross it in clear)';
  return undefined;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${option} must be ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 6379;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw new UsageError(`--port must be 1..65535, not "${text}"`);
  return n;
}

function readUsers(path: string | undefined): UserSpec[] {
  if (path === undefined) return [...DEFAULT_USERS];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --users ${path}: ${(err as Error).message}`);
  }
  return parseUsersFile(text, path);
}

export function parseHardenArgs(argv: readonly string[]): HardenOptions {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required');
  const target = oneOf(values.target ?? 'redoubt', Object.keys(TARGETS) as Target[], '--target');
  const tls = values.tls === true;
  const bind = values.bind ?? DEFAULT_BIND;
  for (const b of bind) {
    const problem = bindProblem(b, tls);
    if (problem !== undefined) throw new UsageError(`--bind ${b} ${problem}`);
  }
  const allow = (values.allow ?? []).map((a) => {
    const n = parseNetwork(a);
    if (n === undefined) throw new UsageError(`--allow ${a} is not an address or a CIDR block`);
    return n;
  });
  if (values.dns !== undefined && !tls)
    throw new UsageError('--dns names the server certificate: it needs --tls');
  for (const d of values.dns ?? [])
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(d))
      throw new UsageError(`--dns ${d} is not a DNS name`);
  if (values.service !== undefined) oneOf(values.service, ['systemd'], '--service');
  if (values['server-bin'] !== undefined && values.service === undefined)
    throw new UsageError('--server-bin is for the systemd unit: it needs --service systemd');
  const firewalls = [...new Set((values.firewall ?? []).map((f) => oneOf(f, FIREWALLS, '--firewall')))];
  return {
    out: resolve(values.out),
    target,
    bind,
    port: parsePort(values.port),
    allow,
    users: readUsers(values.users),
    tls,
    dns: values.dns ?? [],
    service: values.service !== undefined,
    serverBin: values['server-bin'] ?? TARGETS[target].bin,
    firewalls,
    dataDir: resolve(values['data-dir'] ?? TARGETS[target].dataDir),
    force: values.force === true,
  };
}

/** One file of the bundle: its path inside DIR, what it is (for the README), its content. */
export interface BundleFile {
  readonly path: string;
  readonly what: string;
  readonly text: string;
}

/** Every file of the deployment, README last (it describes the others). */
export function bundleFiles(o: HardenOptions): BundleFile[] {
  const at = (p: string): string => join(o.out, p);
  const confName = TARGETS[o.target].conf;
  const users = generateUsers(o.users);
  const files: BundleFile[] = [];
  const tlsPaths = o.tls
    ? { cert: at('tls/server.crt'), key: at('tls/server.key'), ca: at('tls/ca.crt') }
    : undefined;
  files.push({
    path: confName,
    what: `the ${o.target} configuration, commented`,
    text: configText({
      target: o.target,
      bind: o.bind,
      port: o.port,
      allow: o.allow.map((n) => n.cidr),
      dataDir: o.dataDir,
      paths: { aclfile: at('users.acl'), ...(tlsPaths === undefined ? {} : { tls: tlsPaths }) },
    }),
  });
  files.push({
    path: 'users.acl',
    what: `the ACL users (default off; ${users.map((u) => u.name).join(', ')}), passwords as SHA-256 only`,
    text: aclFileText(users),
  });
  files.push({
    path: 'users.secrets',
    what: 'the generated passwords in clear: hand them to the clients, then move this file off the server',
    text: secretsText(users),
  });
  if (o.tls) {
    // The first name is the certificate's subject CN: a DNS name reads better there than an address.
    const names = [...new Set([...o.dns, 'localhost', ...o.bind.map((b) => b.replace(/^-/, ''))])];
    const pki = makePki(names, 'client');
    files.push(
      {
        path: 'tls/ca.crt',
        what: 'the CA certificate (clients verify the server with it)',
        text: pki.caCert,
      },
      {
        path: 'tls/ca.key',
        what: 'the CA private key: keep it OFF the server (it issues certificates)',
        text: pki.caKey,
      },
      { path: 'tls/server.crt', what: `the server certificate (${names.join(', ')})`, text: pki.serverCert },
      { path: 'tls/server.key', what: 'the server private key', text: pki.serverKey },
      {
        path: 'tls/client.crt',
        what: 'a client certificate (clientAuth) for the applications',
        text: pki.clientCert,
      },
      { path: 'tls/client.key', what: 'its private key', text: pki.clientKey },
    );
  }
  if (o.service)
    files.push({
      path: unitName(o.target),
      what: 'the systemd unit: a dedicated user, no capabilities, read-only system but the data directory',
      text: unitText({
        target: o.target,
        serverBin: o.serverBin,
        configFile: at(confName),
        dataDir: o.dataDir,
      }),
    });
  for (const kind of o.firewalls)
    for (const f of firewallFiles(kind, o.port, o.allow))
      files.push({
        path: `firewall/${f.name}`,
        what: `${kind} rules: port ${o.port} from loopback and --allow only`,
        text: f.text,
      });
  files.push({ path: 'README', what: 'this file', text: readmeText(o, files, users) });
  return files;
}

/** DIR must be absent, an empty directory, or --force. */
function checkOut(o: HardenOptions): void {
  let entries: string[];
  try {
    if (!statSync(o.out).isDirectory()) throw new UsageError(`--out ${o.out} exists and is not a directory`);
    entries = readdirSync(o.out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0 && !o.force)
    throw new UsageError(`--out ${o.out} is not empty: give --force to write into it`);
}

/** Write the bundle: directories 0700 (an existing DIR of ours is tightened), files 0600, atomically. */
export function writeBundle(o: HardenOptions, files: readonly BundleFile[]): void {
  ensurePrivateDir(o.out);
  tightenOwnedDir(o.out);
  for (const f of files) {
    const path = join(o.out, f.path);
    const dir = join(path, '..');
    ensurePrivateDir(dir);
    tightenOwnedDir(dir);
    writeFileAtomic(path, Buffer.from(f.text, 'utf8'));
  }
}

export interface HardenIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export async function runHarden(argv: readonly string[], io: HardenIo): Promise<number> {
  if (argv[0] === '-h' || argv[0] === '--help') {
    io.stdout(HARDEN_USAGE);
    return 0;
  }
  let o: HardenOptions;
  try {
    o = parseHardenArgs(argv);
    checkOut(o);
  } catch (err) {
    if (err instanceof UsageError || err instanceof HardenInputError) {
      io.stderr(`redoubt harden: ${err.message}\n${err instanceof UsageError ? HARDEN_USAGE : ''}`);
      return 2;
    }
    throw err;
  }
  const files = bundleFiles(o);
  writeBundle(o, files);
  // Names and paths only: the passwords stay in users.secrets.
  io.stdout(
    `redoubt harden: wrote a hardened ${o.target} deployment to ${o.out}\n${files
      .map((f) => `  ${f.path.padEnd(28)} ${f.what}\n`)
      .join(
        '',
      )}Next: read ${join(o.out, 'README')}; check it with: redoubt audit --config ${join(o.out, TARGETS[o.target].conf)}\n`,
  );
  return 0;
}

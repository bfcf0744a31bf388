/**
 * The hardened server configuration, commented line by line. Directives come
 * from the config table: each line is parsed by the table's own kinds before it
 * is written (a typo here fails the build's tests, not a deployment), and the
 * table's EXTENSION flag decides which lines only Redoubt gets (allow-from,
 * strict-permissions...), so Redis and Valkey are never given one they refuse.
 */
import { Config } from '../config/config.js';
import type { ConfigLine } from '../config/parser.js';
import { EXTENSION } from '../config/table.js';
import { VERSION } from '../core/version.js';

export const TARGETS = {
  redis: { user: 'redis', bin: '/usr/bin/redis-server', conf: 'redis.conf', dataDir: '/var/lib/redis' },
  valkey: { user: 'valkey', bin: '/usr/bin/valkey-server', conf: 'valkey.conf', dataDir: '/var/lib/valkey' },
  redoubt: {
    user: 'redoubt',
    bin: '/usr/local/bin/redoubt-server',
    conf: 'redoubt.conf',
    dataDir: '/var/lib/redoubt',
  },
} as const;
export type Target = keyof typeof TARGETS;

/** Paths of the bundle's files the configuration names (absolute: the server may run anywhere). */
export interface BundlePaths {
  readonly aclfile: string;
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
}

export interface ConfigOptions {
  readonly target: Target;
  readonly bind: readonly string[];
  readonly port: number;
  /** Networks allowed besides loopback (allow-from, Redoubt only). */
  readonly allow: readonly string[];
  readonly dataDir: string;
  readonly paths: BundlePaths;
}

interface Entry {
  /** Why the line is there (written above it). */
  readonly why: string;
  readonly name: string;
  readonly args: readonly string[];
}

interface Section {
  readonly title: string;
  readonly entries: readonly Entry[];
}

const e = (name: string, args: readonly string[] | string, why: string): Entry => ({
  name,
  args: typeof args === 'string' ? [args] : args,
  why,
});

function networkSection(o: ConfigOptions): Section {
  const tls = o.paths.tls;
  return {
    title: 'Network: listen only where the clients are',
    entries: [
      e('bind', o.bind, 'The addresses to listen on; never 0.0.0.0, :: or *.'),
      e(
        'protected-mode',
        'yes',
        'Should the default user ever lose its password, serve loopback clients only.',
      ),
      e(
        'allow-from',
        ['127.0.0.0/8', '::1', ...o.allow],
        'Sources that may connect (Redoubt closes any other connection before reading a byte).',
      ),
      ...(tls === undefined
        ? [
            e(
              'port',
              String(o.port),
              'Plaintext port: loopback only (harden refuses other addresses without --tls).',
            ),
          ]
        : [
            e('port', '0', 'No plaintext port: passwords and data never cross the network in clear.'),
            e('tls-port', String(o.port), 'The TLS port.'),
            e(
              'tls-cert-file',
              tls.cert,
              'Server certificate, issued by the CA below for the bind addresses.',
            ),
            e('tls-key-file', tls.key, 'Its private key (0600).'),
            e('tls-ca-cert-file', tls.ca, 'The CA that client certificates must chain to.'),
            e('tls-auth-clients', 'yes', 'Clients must present a certificate from that CA, then AUTH.'),
            e('tls-protocols', 'TLSv1.2 TLSv1.3', 'TLS 1.0 and 1.1 are deprecated (RFC 8996).'),
          ]),
    ],
  };
}

function authSection(o: ConfigOptions): Section {
  return {
    title: 'Authentication and commands: named users with least privilege',
    entries: [
      e(
        'aclfile',
        o.paths.aclfile,
        'Users: the default user is off; each user has a password and only the commands and keys it needs.',
      ),
      e(
        'enable-protected-configs',
        'no',
        'CONFIG SET may not change dir, dbfilename and other protected directives.',
      ),
      e('enable-debug-command', 'no', 'No DEBUG (it can crash the server or read memory).'),
      e('enable-module-command', 'no', 'No MODULE LOAD (native code in the server).'),
      e(
        'auth-max-failures',
        '10',
        'Refuse AUTH from an address after 10 failures in a minute (password guessing).',
      ),
      e(
        'audit-log-file',
        'audit.log',
        'One JSON line per security event (logins, denials, configuration changes), in dir.',
      ),
      e(
        'strict-permissions',
        'yes',
        'Refuse to start when a file holding secrets is readable by other users.',
      ),
    ],
  };
}

function persistenceSection(o: ConfigOptions): Section {
  return {
    title: 'Persistence: files in a directory only the server user can enter (0700)',
    entries: [
      e('dir', o.dataDir, 'Data directory; create it 0700, owned by the server user.'),
      e('dbfilename', 'dump.rdb', 'RDB snapshot file, in dir.'),
      e(
        'save',
        ['3600', '1', '300', '100', '60', '10000'],
        'Snapshot after 1 change in an hour, 100 in 5 minutes, 10000 in a minute.',
      ),
      e('appendonly', 'no', 'AOF off; set yes (with appenddirname, in dir) for durability to the second.'),
    ],
  };
}

function processSection(): Section {
  return {
    title: 'Process: run in the foreground under systemd, log to the journal',
    entries: [
      e('daemonize', 'no', 'systemd supervises the process (see the unit file).'),
      e('logfile', '', 'Log to standard output: the journal keeps it.'),
    ],
  };
}

/** Redis's config syntax: quoted when empty or holding a space, a quote or a backslash. */
function quote(arg: string): string {
  return arg === '' || /[\s"'\\]/.test(arg) ? `"${arg.replace(/[\\"]/g, (c) => `\\${c}`)}"` : arg;
}

/** Whether the target has the directive: Redis and Valkey have none of Redoubt's extensions. */
function targetHas(target: Target, name: string): boolean {
  const entry = Config.lookup(name);
  if (entry === undefined) throw new Error(`harden: no directive ${name} in the config table`);
  return target === 'redoubt' || ((entry.directive.flags ?? 0) & EXTENSION) === 0;
}

/** The configuration file's text. */
export function configText(o: ConfigOptions, now = new Date()): string {
  const sections = [networkSection(o), authSection(o), persistenceSection(o), processSection()].map((s) => ({
    ...s,
    entries: s.entries.filter((x) => targetHas(o.target, x.name)),
  }));
  const lines: ConfigLine[] = sections.flatMap((s) =>
    s.entries.map((x) => ({ name: x.name, args: [...x.args], file: o.target, line: 0, text: x.name })),
  );
  // The table's kinds judge every value: throws (a bug in harden) rather than write a file a server
  // refuses. All but dir, whose kind requires the directory to exist here: it is made at install.
  Config.fromLines(lines.filter((l) => l.name !== 'dir'));
  const body = sections
    .map(
      (s) =>
        `# ---- ${s.title}\n${s.entries.map((x) => `# ${x.why}\n${x.name} ${x.args.map(quote).join(' ')}`).join('\n')}\n`,
    )
    .join('\n');
  return `# ${TARGETS[o.target].conf}: a hardened ${o.target} configuration written by redoubt harden ${VERSION}
# on ${now.toISOString()}. See README in this directory; check it with
#   redoubt audit --config <this file>
# Files this configuration names are in this directory, by absolute path.

${body}`;
}

/**
 * The one declarative table of configuration directives: every directive Redis
 * 7.0 accepts, in redis.conf's section order. CONFIG GET/SET/REWRITE, the
 * config-file parser, the command-line overrides, `redoubt audit` and
 * docs/configuration.md (scripts/gen-config-docs.mjs) all derive from it.
 *
 * Defaults are Redis 7.0's, except Redoubt's secure defaults: `bind 127.0.0.1
 * -::1` (Redis: `* -::*`); protected-mode yes and enable-protected-configs /
 * enable-debug-command / enable-module-command no are Redis's defaults too.
 * Flags (IMMUTABLE, SENSITIVE, PROTECTED, HIDDEN) are exactly Redis 7.0's.
 */

import type { LogLevel } from '../core/logger.js';
import type { Server } from '../core/server.js';
import { allowFromKind } from '../net/allow.js';
import { runAsKind } from '../security/privilege.js';
import { type UserNetworkTable, userAllowFromKind } from '../security/user-networks.js';
import { limitsOf } from '../store/types/limits.js';
import {
  type BufferLimits,
  bindKind,
  bool,
  C,
  clientOutputBufferLimitKind,
  dirKind,
  enumOf,
  flagsEnum,
  type Int,
  int,
  isBaseName,
  type Kind,
  notifyKeyspaceEventsKind,
  numeric,
  oomScoreAdjValuesKind,
  percentilesKind,
  replicaofKind,
  type SavePoint,
  saveKind,
  str,
} from './kinds.js';

/** Only settable at start-up (config file or command line). */
export const IMMUTABLE = 1 << 0;
/** The value is a secret: redacted from SLOWLOG and by `redoubt audit`, never logged. */
export const SENSITIVE = 1 << 1;
/** CONFIG SET refuses it unless `enable-protected-configs` allows (yes, or local for loopback/unix clients). */
export const PROTECTED = 1 << 2;
/** Not listed by CONFIG GET patterns, only by its exact name (debugging aids). */
export const HIDDEN = 1 << 3;
/** Redoubt's own directive, not in Redis 7.0 (tests comparing with Redis leave it out). */
export const EXTENSION = 1 << 4;
/**
 * The value names files whose content may change: CONFIG SET applies it even when
 * the value is the same (Redis's VOLATILE_CONFIG; renewed TLS certificates).
 */
export const VOLATILE = 1 << 5;

export interface Directive<T = unknown> {
  readonly name: string;
  /** The old name Redis still accepts (slaveof, hash-max-ziplist-entries...); CONFIG GET lists both. */
  readonly alias?: string;
  readonly kind: Kind<T>;
  readonly default: T;
  /** The value at start-up when it is not a constant (dir: the working directory). */
  readonly initial?: () => T;
  readonly flags?: number;
  /** Adjust a parsed value, as Redis does (hz is clamped to 1..500). */
  readonly normalize?: (value: T) => T;
  /** Adjust a value CONFIG SET changed, as Redis's apply function does (repl-backlog-size >= 16kb). */
  readonly adjustOnSet?: (value: T) => T;
  /**
   * Apply a value to the running server: at start-up, and on CONFIG SET when the
   * value changed. Throws ConfigValueError to refuse it; CONFIG SET then restores
   * every value of the command.
   */
  readonly apply?: (server: Server, value: T) => void;
  /** Accepted for compatibility but without effect in Redoubt: why (logged once at start-up when set). */
  readonly noEffect?: string;
  /** What it does in Redoubt (docs). */
  readonly doc?: string;
}

export function directive<T>(d: Directive<T>): Directive<unknown> {
  return d as Directive<unknown>;
}

const { INT_MIN, INT_MAX, UINT_MAX, LONG_MAX, LLONG_MAX, ULLONG_MAX, SSIZE_MAX } = C;
const MB = 1024 * 1024;

const protectedAction = enumOf<'no' | 'yes' | 'local'>(['no', 'yes', 'local']);
const memory = (ctype: 'longlong' | 'ulonglong' | 'size_t' | 'off_t', min: bigint, max: bigint): Kind<Int> =>
  numeric({ ctype, min, max, memory: true });

// Reasons shared by groups of directives without effect.
const REPLICATION = 'Redoubt is a single node: there is no replication.';
const CLUSTER = 'Redoubt is a single node: there is no cluster mode.';
const TLS_OUTGOING = 'Redoubt makes no outgoing TLS connections (replication, cluster bus).';
const ALLOCATOR = 'Memory is managed by the V8 garbage collector, not jemalloc.';
const ONE_THREAD = 'Redoubt runs on one thread: there are no I/O, background or child threads to tune.';
/**
 * Freeing a value never blocks the event loop in Redoubt: a deleted value is
 * dropped in O(1) and V8's collector reclaims it incrementally, off the main
 * thread where it can; what the lazyfree directives still choose is Redis's
 * visible part: UNLINK rather than DEL in the AOF, and lazyfreed_objects.
 */
const LAZYFREE =
  'Free values without blocking (always the case in Redoubt); records UNLINK instead of DEL in the AOF.';
const NO_PROC_TITLE = 'Redoubt does not change its process title.';
const NO_SYSLOG = 'Redoubt logs to logfile or standard output only.';

/** Redis's `validateProcTitleTemplate`: known {variables}, non-empty after expansion. */
function procTitleTemplateError(t: string): string | undefined {
  const bad = 'template format is invalid or contains unknown variables';
  const known: Record<string, string> = {
    title: '',
    'listen-addr': '*:6379',
    'server-mode': '',
    port: '6379',
    'tls-port': '0',
    unixsocket: '',
    'config-file': '',
  };
  let out = '';
  let p = 0;
  while (p < t.length) {
    const sv = t.indexOf('{', p);
    if (sv === -1) {
      out += t.slice(p);
      break;
    }
    out += t.slice(p, sv);
    if (sv + 1 >= t.length) return bad;
    if (t[sv + 1] === '{') {
      out += '{';
      p = sv + 2;
      continue;
    }
    const ev = t.indexOf('}', sv + 1);
    if (ev === -1) return bad;
    const value = known[t.slice(sv + 1, ev)];
    if (value === undefined) return bad;
    out += value;
    p = ev + 1;
  }
  return out.replace(/^ +| +$/g, '') === '' ? bad : undefined;
}

function hostnameError(v: string): string | undefined {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(v))
    return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return undefined;
}

export const SHUTDOWN_SAVE = 1;
export const SHUTDOWN_NOSAVE = 2;
export const SHUTDOWN_FORCE = 8;
const shutdownOnSignal = flagsEnum(
  [
    ['default', 0],
    ['save', SHUTDOWN_SAVE],
    ['nosave', SHUTDOWN_NOSAVE],
    ['now', 4],
    ['force', SHUTDOWN_FORCE],
  ],
  (bits) =>
    bits & SHUTDOWN_SAVE && bits & SHUTDOWN_NOSAVE
      ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
      : undefined,
);

const rebind = (server: Server): void => server.network.rebind();
/** Every directive of the TLS context shares it, so one CONFIG SET reloads once, all or nothing. */
const reloadTls = (server: Server): void => server.network.reloadTls();
const TLS_RELOAD = ' CONFIG SET reloads the TLS configuration (all of a CONFIG SET together, or nothing).';

export const DIRECTIVES: readonly Directive<unknown>[] = [
  // ---- NETWORK
  directive<readonly string[]>({
    name: 'bind',
    kind: bindKind,
    default: ['127.0.0.1', '-::1'],
    apply: rebind,
    doc: 'Addresses to listen on (up to 16); a leading "-" makes an address optional, `""` listens on none. Secure default: loopback only (Redis: `* -::*`). CONFIG SET re-binds the listeners.',
  }),
  directive({
    name: 'bind-source-addr',
    kind: str({ emptyIsNull: true }),
    default: '',
    noEffect: 'Redoubt makes no outgoing connections (replication, cluster bus).',
  }),
  directive({
    name: 'protected-mode',
    kind: bool,
    default: true,
    doc: "When on and the default user has no password, only clients from 127.0.0.1, ::1 and the unix socket are served (Redis 7's rule); others get the `-DENIED` error, are disconnected, counted in `rejected_connections` and logged.",
  }),
  directive<readonly string[]>({
    name: 'allow-from',
    kind: allowFromKind,
    default: [],
    flags: EXTENSION,
    apply: (server, v) => server.network.setAllowFrom(v),
    doc: 'Redoubt only. Addresses and CIDR blocks (IPv4 and IPv6) TCP and TLS clients may connect from; any other source is closed at accept, before a byte is read or written, counted in `rejected_connections` and logged. Empty (the default): no filter. Unix-socket clients are not filtered. CONFIG SET applies to new connections.',
  }),
  directive({
    name: 'enable-protected-configs',
    kind: protectedAction,
    default: 'no',
    flags: IMMUTABLE,
    doc: 'Whether CONFIG SET may change PROTECTED directives (dir, dbfilename): no, yes, or local (loopback and unix-socket clients).',
  }),
  directive({
    name: 'enable-debug-command',
    kind: protectedAction,
    default: 'no',
    flags: IMMUTABLE,
    doc: 'Whether DEBUG is allowed: no, yes, or local.',
  }),
  directive({
    name: 'enable-module-command',
    kind: protectedAction,
    default: 'no',
    flags: IMMUTABLE,
    doc: 'Whether MODULE is allowed: no, yes, or local.',
  }),
  directive<Int>({
    name: 'port',
    kind: int(0n, 65535n),
    default: 6379,
    apply: rebind,
    doc: 'TCP port; 0 opens no TCP listener. CONFIG SET re-binds the listeners.',
  }),
  directive({
    name: 'tcp-backlog',
    kind: int(0n, INT_MAX),
    default: 511,
    flags: IMMUTABLE,
    doc: 'listen() backlog.',
  }),
  directive({
    name: 'unixsocket',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: IMMUTABLE,
    doc: 'Path of a unix socket to listen on.',
  }),
  directive({
    name: 'unixsocketperm',
    kind: numeric({ ctype: 'uint', min: 0n, max: 0o777n, octal: true }),
    default: 0,
    flags: IMMUTABLE,
    doc: 'Permissions of the unix socket (octal); 0 (the default) means 0700 in Redoubt. The socket is created with these permissions (umask set around bind), never connectable with wider ones (CVE-2023-45145).',
  }),
  directive({
    name: 'timeout',
    kind: int(0n, INT_MAX),
    default: 0,
    doc: 'Close a client idle for this many seconds (0: never); blocked, pub/sub and MONITOR clients are exempt, as in Redis.',
  }),
  directive({
    name: 'tcp-keepalive',
    kind: int(0n, INT_MAX),
    default: 300,
    doc: 'TCP keepalive interval in seconds for new connections (0: off).',
  }),
  directive({
    name: 'socket-mark-id',
    kind: numeric({ ctype: 'uint', min: 0n, max: UINT_MAX }),
    default: 0,
    flags: IMMUTABLE,
    noEffect: 'Node cannot set SO_MARK on its sockets.',
  }),

  // ---- TLS
  directive<Int>({
    name: 'tls-port',
    kind: int(0n, 65535n),
    default: 0,
    apply: rebind,
    doc: 'TLS port on the `bind` addresses (0: no TLS listener); with `port 0`, TLS only. CONFIG SET re-binds.',
  }),
  directive({
    name: 'tls-cert-file',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: VOLATILE,
    apply: reloadTls,
    doc: `Server certificate (PEM, chain allowed).${TLS_RELOAD} Setting the same path again reloads the file.`,
  }),
  directive({
    name: 'tls-key-file',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: VOLATILE,
    apply: reloadTls,
    doc: `Private key of the server certificate (PEM).${TLS_RELOAD}`,
  }),
  directive({
    name: 'tls-key-file-pass',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: SENSITIVE,
    apply: reloadTls,
    doc: 'Passphrase of an encrypted tls-key-file.',
  }),
  directive({
    name: 'tls-client-cert-file',
    kind: str({ emptyIsNull: true }),
    default: '',
    noEffect: TLS_OUTGOING,
  }),
  directive({
    name: 'tls-client-key-file',
    kind: str({ emptyIsNull: true }),
    default: '',
    noEffect: TLS_OUTGOING,
  }),
  directive({
    name: 'tls-client-key-file-pass',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: SENSITIVE,
    noEffect: TLS_OUTGOING,
  }),
  directive({
    name: 'tls-dh-params-file',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: VOLATILE,
    apply: reloadTls,
    doc: 'DH parameters (PEM) for DHE cipher suites; at least 2048 bits. Empty: DHE uses built-in parameters (ECDHE is preferred anyway).',
  }),
  directive({
    name: 'tls-ca-cert-file',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: VOLATILE,
    apply: reloadTls,
    doc: 'CA certificates (PEM) that client certificates must chain to.',
  }),
  directive({
    name: 'tls-ca-cert-dir',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: VOLATILE,
    apply: reloadTls,
    doc: 'Directory of CA certificates (PEM): every certificate of every file in it is trusted (read when TLS is configured or reloaded).',
  }),
  directive({
    name: 'tls-auth-clients',
    kind: enumOf(['no', 'yes', 'optional']),
    default: 'yes',
    apply: reloadTls,
    doc: 'Client certificates: yes (required, verified against the CA), optional (verified when presented), no (not requested).',
  }),
  directive<string>({
    name: 'tls-auth-clients-user',
    kind: enumOf<string>(['off', 'cn'], { cn: 'CN' }),
    default: 'off',
    flags: EXTENSION,
    doc: 'As Redis 8.6 and Valkey 9: with CN, a verified client certificate whose Common Name is an enabled ACL user authenticates the connection as that user (otherwise it stays with the default user, and the failure is counted and logged); off: certificates do not authenticate.',
  }),
  directive({ name: 'tls-replication', kind: bool, default: false, noEffect: TLS_OUTGOING }),
  directive({ name: 'tls-cluster', kind: bool, default: false, noEffect: TLS_OUTGOING }),
  directive({
    name: 'tls-protocols',
    kind: str({ emptyIsNull: true }),
    default: '',
    apply: reloadTls,
    doc: 'TLS versions accepted, among TLSv1.2 and TLSv1.3 ("": both, as Redis). TLSv1 and TLSv1.1 are refused (Redis accepts them when listed).',
  }),
  directive({
    name: 'tls-ciphers',
    kind: str({ emptyIsNull: true }),
    default: '',
    apply: reloadTls,
    doc: 'OpenSSL cipher list for TLS 1.2 ("": Node\'s defaults).',
  }),
  directive({
    name: 'tls-ciphersuites',
    kind: str({ emptyIsNull: true }),
    default: '',
    apply: reloadTls,
    doc: 'TLS 1.3 cipher suites, colon-separated TLS_* names ("": Node\'s defaults).',
  }),
  directive({
    name: 'tls-prefer-server-ciphers',
    kind: bool,
    default: false,
    apply: reloadTls,
    doc: "Choose the cipher by the server's order of preference.",
  }),
  directive({
    name: 'tls-session-caching',
    kind: bool,
    default: true,
    apply: reloadTls,
    doc: 'Let clients resume TLS sessions (session tickets and a server-side session cache).',
  }),
  directive({
    name: 'tls-session-cache-size',
    kind: int(0n, INT_MAX),
    default: 20480,
    apply: reloadTls,
    doc: 'Sessions kept in the server-side cache (0: no limit).',
  }),
  directive({
    name: 'tls-session-cache-timeout',
    kind: int(0n, INT_MAX),
    default: 300,
    apply: reloadTls,
    doc: 'Seconds a cached TLS session (or ticket) can be resumed.',
  }),
  directive<Int>({
    name: 'tls-auto-reload-interval',
    kind: int(0n, INT_MAX),
    default: 0,
    flags: EXTENSION,
    apply: (server, v) => server.network.setAutoReload(Number(v)),
    doc: 'Redoubt only (Valkey 9 has it too). Every this many seconds, check the TLS certificate, key, CA and DH files and reload them when they changed (renewed certificates apply without restart; a set of files that does not load is logged and the previous one kept). 0: off.',
  }),

  // ---- GENERAL
  directive({
    name: 'daemonize',
    kind: bool,
    default: false,
    flags: IMMUTABLE,
    noEffect: 'Node cannot fork: run Redoubt under a service manager (systemd, a container) instead.',
  }),
  directive({
    name: 'supervised',
    kind: enumOf(['upstart', 'systemd', 'auto', 'no']),
    default: 'no',
    flags: IMMUTABLE,
    noEffect: 'Redoubt sends no readiness notifications to upstart or systemd.',
  }),
  directive({
    name: 'pidfile',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: IMMUTABLE,
    doc: 'Write the process id to this file (mode 0600, written atomically) while running.',
  }),
  directive({
    name: 'run-as',
    kind: runAsKind,
    default: '',
    flags: IMMUTABLE | EXTENSION,
    doc: "Redoubt only. Started as root, open the listeners and files, then permanently drop to this user and group (`user[:group]`, names or ids; the group defaults to the user's). Without it (or allow-root yes) redoubt-server refuses to run as root. No effect when embedded.",
  }),
  directive({
    name: 'allow-root',
    kind: bool,
    default: false,
    flags: IMMUTABLE | EXTENSION,
    doc: 'Redoubt only. Let redoubt-server run as root without run-as (a warning is logged). Default no: as root it refuses to start.',
  }),
  directive<string>({
    name: 'loglevel',
    kind: enumOf(['debug', 'verbose', 'notice', 'warning']),
    default: 'notice',
    apply: (server, v) => {
      server.logger.level = v as LogLevel;
    },
    doc: 'Log verbosity: debug, verbose, notice or warning.',
  }),
  directive({
    name: 'logfile',
    kind: str(),
    default: '',
    flags: IMMUTABLE,
    doc: 'Append the log to this file (created 0600, reopened when moved away by log rotation); "" logs to standard output.',
  }),
  directive({ name: 'syslog-enabled', kind: bool, default: false, flags: IMMUTABLE, noEffect: NO_SYSLOG }),
  directive({ name: 'syslog-ident', kind: str(), default: 'redis', flags: IMMUTABLE, noEffect: NO_SYSLOG }),
  directive({
    name: 'syslog-facility',
    kind: enumOf(['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']),
    default: 'local0',
    flags: IMMUTABLE,
    noEffect: NO_SYSLOG,
  }),
  directive({
    name: 'crash-log-enabled',
    kind: bool,
    default: true,
    noEffect: 'Redoubt installs no crash signal handlers; Node reports its own crashes.',
  }),
  directive({
    name: 'crash-memcheck-enabled',
    kind: bool,
    default: true,
    noEffect: 'Redoubt runs no memory test on crashes.',
  }),
  directive({
    name: 'databases',
    kind: int(1n, INT_MAX),
    default: 16,
    flags: IMMUTABLE,
    doc: 'Number of databases (SELECT 0 to databases-1).',
  }),
  directive({
    name: 'always-show-logo',
    kind: bool,
    default: false,
    flags: IMMUTABLE,
    noEffect: 'Redoubt prints no ASCII-art logo.',
  }),
  directive({ name: 'set-proc-title', kind: bool, default: true, flags: IMMUTABLE, noEffect: NO_PROC_TITLE }),
  directive({
    name: 'proc-title-template',
    kind: str({ validate: procTitleTemplateError }),
    default: '{title} {listen-addr} {server-mode}',
    noEffect: NO_PROC_TITLE,
  }),

  // ---- SNAPSHOTTING
  directive<readonly SavePoint[]>({
    name: 'save',
    kind: saveKind,
    default: [
      [3600, 1],
      [300, 100],
      [60, 10000],
    ],
    doc: 'Snapshot after `seconds` if at least `changes` writes happened; several pairs allowed; `save ""` disables snapshots.',
  }),
  directive({
    name: 'stop-writes-on-bgsave-error',
    kind: bool,
    default: true,
    doc: 'Refuse writes while the last background save failed.',
  }),
  directive({ name: 'rdbcompression', kind: bool, default: true, doc: 'LZF-compress strings in RDB files.' }),
  directive({
    name: 'rdbchecksum',
    kind: bool,
    default: true,
    flags: IMMUTABLE,
    doc: 'Write and verify a CRC64 checksum at the end of RDB files.',
  }),
  directive({
    name: 'sanitize-dump-payload',
    kind: enumOf(['no', 'yes', 'clients']),
    default: 'no',
    doc: 'Deep-check RDB and RESTORE payloads: no, yes, or clients (only for clients that are not replicas).',
  }),
  directive({
    name: 'dbfilename',
    kind: str({
      validate: (v) => (isBaseName(v) ? undefined : "dbfilename can't be a path, just a filename"),
    }),
    default: 'dump.rdb',
    flags: PROTECTED,
    doc: 'File name of the RDB snapshot, inside dir.',
  }),
  directive({
    name: 'rdb-del-sync-files',
    kind: bool,
    default: false,
    noEffect: REPLICATION,
  }),
  directive<string>({
    name: 'dir',
    kind: dirKind,
    default: '.',
    initial: () => {
      try {
        return dirKind.parse(['.'], { loading: true, current: process.cwd(), first: true });
      } catch {
        return process.cwd();
      }
    },
    flags: PROTECTED,
    doc: 'Directory of RDB and AOF files, resolved to an absolute path (Redoubt does not chdir). Default: the working directory.',
  }),

  // ---- REPLICATION
  directive({
    name: 'replicaof',
    alias: 'slaveof',
    kind: replicaofKind,
    default: '',
    flags: IMMUTABLE,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'masterauth',
    kind: str({ emptyIsNull: true, binary: true }),
    default: '',
    flags: SENSITIVE,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'masteruser',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: SENSITIVE,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-serve-stale-data',
    alias: 'slave-serve-stale-data',
    kind: bool,
    default: true,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-read-only',
    alias: 'slave-read-only',
    kind: bool,
    default: true,
    noEffect: REPLICATION,
  }),
  directive({ name: 'repl-diskless-sync', kind: bool, default: true, noEffect: REPLICATION }),
  directive({ name: 'repl-diskless-sync-delay', kind: int(0n, INT_MAX), default: 5, noEffect: REPLICATION }),
  directive({
    name: 'repl-diskless-sync-max-replicas',
    kind: int(0n, INT_MAX),
    default: 0,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'repl-diskless-load',
    kind: enumOf(['disabled', 'on-empty-db', 'swapdb']),
    default: 'disabled',
    noEffect: REPLICATION,
  }),
  directive({
    name: 'repl-ping-replica-period',
    alias: 'repl-ping-slave-period',
    kind: int(1n, INT_MAX),
    default: 10,
    noEffect: REPLICATION,
  }),
  directive({ name: 'repl-timeout', kind: int(1n, INT_MAX), default: 60, noEffect: REPLICATION }),
  directive({ name: 'repl-disable-tcp-nodelay', kind: bool, default: false, noEffect: REPLICATION }),
  directive({
    name: 'repl-backlog-size',
    kind: memory('longlong', 1n, LLONG_MAX),
    default: MB,
    adjustOnSet: (v) => (BigInt(v) < 16384n ? 16384 : v),
    noEffect: REPLICATION,
  }),
  directive({
    name: 'repl-backlog-ttl',
    kind: numeric({ ctype: 'time_t', min: 0n, max: LONG_MAX }),
    default: 3600,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-priority',
    alias: 'slave-priority',
    kind: int(0n, INT_MAX),
    default: 100,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'propagation-error-behavior',
    kind: enumOf(['ignore', 'panic', 'panic-on-replicas']),
    default: 'ignore',
    noEffect: REPLICATION,
  }),
  directive({ name: 'replica-ignore-disk-write-errors', kind: bool, default: false, noEffect: REPLICATION }),
  directive({ name: 'replica-announced', kind: bool, default: true, noEffect: REPLICATION }),
  directive({
    name: 'min-replicas-to-write',
    alias: 'min-slaves-to-write',
    kind: int(0n, INT_MAX),
    default: 0,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'min-replicas-max-lag',
    alias: 'min-slaves-max-lag',
    kind: int(0n, INT_MAX),
    default: 10,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-announce-ip',
    alias: 'slave-announce-ip',
    kind: str({ emptyIsNull: true }),
    default: '',
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-announce-port',
    alias: 'slave-announce-port',
    kind: int(0n, 65535n),
    default: 0,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-ignore-maxmemory',
    alias: 'slave-ignore-maxmemory',
    kind: bool,
    default: true,
    noEffect: REPLICATION,
  }),
  directive({
    name: 'replica-lazy-flush',
    alias: 'slave-lazy-flush',
    kind: bool,
    default: false,
    noEffect: REPLICATION,
  }),

  // ---- KEYS TRACKING
  directive({
    name: 'tracking-table-max-keys',
    kind: numeric({ ctype: 'size_t', min: 0n, max: LONG_MAX }),
    default: 1000000,
    doc: 'Most keys remembered for client-side caching invalidation (0: no limit).',
  }),

  // ---- SECURITY
  directive({
    name: 'acllog-max-len',
    kind: numeric({ ctype: 'ulong', min: 0n, max: LONG_MAX }),
    default: 128,
    doc: 'Entries kept by ACL LOG (denied commands, keys, channels and failed authentications).',
  }),
  directive({
    name: 'aclfile',
    kind: str(),
    default: '',
    flags: IMMUTABLE,
    doc: 'External ACL file (ACL LOAD / ACL SAVE, written 0600), relative to `dir`; `user` lines in the config file are then refused, and `requirepass` is ignored (the file defines the default user).',
  }),
  directive<string>({
    name: 'requirepass',
    kind: str({ emptyIsNull: true, binary: true }),
    default: '',
    flags: SENSITIVE,
    apply: (server, v) => server.setRequirePass(v),
    doc: 'Password of the default user (kept as a SHA-256, compared in constant time).',
  }),
  directive({
    name: 'strict-permissions',
    kind: bool,
    default: false,
    flags: IMMUTABLE | EXTENSION,
    doc: 'Redoubt only. At start-up a config file, ACL file or TLS private key that holds secrets and is readable by group or others is reported with the chmod that fixes it; yes: refuse to start instead.',
  }),
  directive({
    name: 'audit-log-file',
    kind: str(),
    default: '',
    flags: IMMUTABLE | EXTENSION,
    apply: (server, v) => server.security.openAuditLog(v as string),
    doc: 'Redoubt only. Append one JSON line per security event to this file, relative to `dir` (created 0600, reopened when moved away by log rotation): authentications and failed ones, ACL denials, CONFIG SET / REWRITE, ACL SETUSER / DELUSER / LOAD / SAVE, connections refused by protected mode or allow-from, throttled addresses, cross-protocol attempts. Lines name users, clients, commands and directives, never a password, value or key. "" (the default): no audit log. Start-up fails if the file cannot be opened; a failed write is reported in the log and never stops the server.',
  }),
  directive<Int>({
    name: 'auth-max-failures',
    kind: int(0n, INT_MAX),
    default: 10,
    flags: EXTENSION,
    apply: (server, v) => server.security.throttle.setLimit(Number(v)),
    doc: 'Redoubt only. Failed AUTH / HELLO AUTH attempts allowed per client address (IPv6: per /64; the unix socket counts as one) in a one-minute window starting at its first failure; past it, AUTH and HELLO AUTH from that address are refused (even with the right password) until the window ends, logged and audited. Other addresses are unaffected. 0: no limit.',
  }),
  directive<UserNetworkTable>({
    name: 'user-allow-from',
    kind: userAllowFromKind,
    default: new Map(),
    flags: EXTENSION,
    apply: (server, v) => server.security.setUserNetworks(v),
    doc: 'Redoubt only. `user-allow-from <username> <address|CIDR> [...]`, one line per user (may be repeated): that user can authenticate (AUTH, HELLO AUTH, TLS client certificate) only from those networks (IPv4, IPv6, IPv4-mapped IPv6 as IPv4); from elsewhere the attempt gets WRONGPASS, an ACL LOG `auth` entry and an audit line. Unix-socket clients are not filtered. CONFIG SET replaces the whole table: `user net [net ...] [user net ...]`.',
  }),
  directive<string>({
    name: 'acl-pubsub-default',
    kind: enumOf(['allchannels', 'resetchannels']),
    default: 'resetchannels',
    apply: (server, v) => {
      server.acl.allChannelsByDefault = v === 'allchannels';
    },
    doc: 'Channel permissions of new ACL users: resetchannels (none) or allchannels.',
  }),

  // ---- CLIENTS
  directive({
    name: 'maxclients',
    kind: numeric({ ctype: 'uint', min: 1n, max: UINT_MAX }),
    default: 10000,
    doc: 'Most simultaneous clients (TLS handshakes in progress included); more are refused with "ERR max number of clients reached" (TLS: closed) and counted in `rejected_connections`.',
  }),

  // ---- MEMORY MANAGEMENT
  directive({
    name: 'maxmemory',
    kind: memory('ulonglong', 0n, ULLONG_MAX),
    default: 0,
    apply: (server, v) => {
      server.memory.maxmemory = Number(v);
      server.memory.warnIfBelowUsage();
    },
    doc: 'Memory limit (0: none): used_memory (dataset, clients, start-up heap) past it triggers maxmemory-policy.',
  }),
  directive({
    name: 'maxmemory-policy',
    kind: enumOf([
      'volatile-lru',
      'volatile-lfu',
      'volatile-random',
      'volatile-ttl',
      'allkeys-lru',
      'allkeys-lfu',
      'allkeys-random',
      'noeviction',
    ]),
    default: 'noeviction',
    apply: (server, v) => server.memory.setPolicy(v as string),
    doc: 'What to evict when maxmemory is reached (noeviction: refuse writes with OOM).',
  }),
  directive({
    name: 'maxmemory-samples',
    kind: int(1n, INT_MAX),
    default: 5,
    apply: (server, v) => {
      server.memory.samples = Number(v);
    },
    doc: 'Keys sampled per eviction.',
  }),
  directive({
    name: 'maxmemory-eviction-tenacity',
    kind: int(0n, 100n),
    default: 10,
    apply: (server, v) => {
      server.memory.tenacity = Number(v);
    },
    doc: 'How long one eviction pass may run (0-100).',
  }),
  directive({
    name: 'active-expire-effort',
    kind: int(1n, 10n),
    default: 1,
    doc: 'Effort of the active expiry cycle (1-10).',
  }),

  // ---- LAZY FREEING
  directive({ name: 'lazyfree-lazy-eviction', kind: bool, default: false, doc: LAZYFREE }),
  directive({ name: 'lazyfree-lazy-expire', kind: bool, default: false, doc: LAZYFREE }),
  directive({ name: 'lazyfree-lazy-server-del', kind: bool, default: false, doc: LAZYFREE }),
  directive({ name: 'lazyfree-lazy-user-del', kind: bool, default: false, doc: LAZYFREE }),
  directive({ name: 'lazyfree-lazy-user-flush', kind: bool, default: false, doc: LAZYFREE }),

  // ---- THREADED I/O
  directive({ name: 'io-threads', kind: int(1n, 128n), default: 1, flags: IMMUTABLE, noEffect: ONE_THREAD }),
  directive({
    name: 'io-threads-do-reads',
    kind: bool,
    default: false,
    flags: IMMUTABLE,
    noEffect: ONE_THREAD,
  }),
  directive({
    name: 'server_cpulist',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: IMMUTABLE,
    noEffect: ONE_THREAD,
  }),
  directive({
    name: 'bio_cpulist',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: IMMUTABLE,
    noEffect: ONE_THREAD,
  }),
  directive({
    name: 'aof_rewrite_cpulist',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: IMMUTABLE,
    noEffect: ONE_THREAD,
  }),
  directive({
    name: 'bgsave_cpulist',
    kind: str({ emptyIsNull: true }),
    default: '',
    flags: IMMUTABLE,
    noEffect: ONE_THREAD,
  }),

  // ---- KERNEL OOM CONTROL
  directive({
    name: 'oom-score-adj',
    kind: enumOf(['no', 'yes', 'relative', 'absolute'], { relative: 'yes' }),
    default: 'no',
    noEffect: 'Redoubt does not write /proc/self/oom_score_adj.',
  }),
  directive<readonly [number, number, number]>({
    name: 'oom-score-adj-values',
    kind: oomScoreAdjValuesKind,
    default: [0, 200, 800],
    noEffect: 'Redoubt does not write /proc/self/oom_score_adj.',
  }),

  // ---- KERNEL TRANSPARENT HUGEPAGE CONTROL
  directive({
    name: 'disable-thp',
    kind: bool,
    default: true,
    flags: IMMUTABLE,
    noEffect: 'Node gives no control over transparent huge pages.',
  }),

  // ---- APPEND ONLY MODE
  directive({
    name: 'appendonly',
    kind: bool,
    default: false,
    // CONFIG SET at runtime: a rewrite creates the base, or the file is closed (src/persistence/aof).
    apply: (server, v: boolean) => server.aof.configChanged(v),
    doc: 'Log every write to the append-only file.',
  }),
  directive({
    name: 'appendfilename',
    kind: str({
      validate: (v) =>
        v === ''
          ? "appendfilename can't be empty"
          : isBaseName(v)
            ? undefined
            : "appendfilename can't be a path, just a filename",
    }),
    default: 'appendonly.aof',
    flags: IMMUTABLE,
    doc: 'Base name of the AOF files.',
  }),
  directive({
    name: 'appenddirname',
    kind: str({
      validate: (v) =>
        v === ''
          ? "appenddirname can't be empty"
          : isBaseName(v)
            ? undefined
            : "appenddirname can't be a path, just a dirname",
    }),
    default: 'appendonlydir',
    flags: IMMUTABLE,
    doc: 'Directory of the AOF files, inside dir.',
  }),
  directive({
    name: 'appendfsync',
    kind: enumOf(['everysec', 'always', 'no']),
    default: 'everysec',
    doc: 'When the AOF is fsynced: everysec, always, or no (left to the OS).',
  }),
  directive({
    name: 'no-appendfsync-on-rewrite',
    kind: bool,
    default: false,
    doc: 'Skip AOF fsyncs while a rewrite is in progress.',
  }),
  directive({
    name: 'auto-aof-rewrite-percentage',
    kind: int(0n, INT_MAX),
    default: 100,
    doc: 'Rewrite the AOF when it grew by this percentage since the last rewrite (0: never).',
  }),
  directive({
    name: 'auto-aof-rewrite-min-size',
    kind: memory('off_t', 0n, LLONG_MAX),
    default: 64 * MB,
    doc: 'Minimum AOF size for an automatic rewrite.',
  }),
  directive({
    name: 'aof-load-truncated',
    kind: bool,
    default: true,
    doc: 'Load an AOF whose last command is truncated (and log it) instead of refusing to start.',
  }),
  directive({
    name: 'aof-use-rdb-preamble',
    kind: bool,
    default: true,
    doc: 'Write rewritten AOF base files in RDB format.',
  }),
  directive({
    name: 'aof-timestamp-enabled',
    kind: bool,
    default: false,
    // Read for every recorded command: cached on the AOF.
    apply: (server, v: boolean) => {
      server.aof.timestamps = v;
    },
    doc: 'Write timestamp annotations in the AOF.',
  }),
  directive({
    name: 'aof-rewrite-incremental-fsync',
    kind: bool,
    default: true,
    doc: 'fsync the AOF rewrite every 4 MB written.',
  }),
  directive({
    name: 'rdb-save-incremental-fsync',
    kind: bool,
    default: true,
    doc: 'fsync the RDB file every 4 MB written.',
  }),
  directive({
    name: 'aof-disable-auto-gc',
    kind: bool,
    default: false,
    doc: 'Keep history AOF files after a rewrite instead of deleting them.',
  }),

  // ---- SHUTDOWN
  directive({
    name: 'shutdown-timeout',
    kind: int(0n, INT_MAX),
    default: 10,
    doc: 'Seconds SHUTDOWN waits for lagging replicas (kept for compatibility).',
  }),
  directive<number>({
    name: 'shutdown-on-sigint',
    kind: shutdownOnSignal,
    default: 0,
    doc: 'Shutdown flags on SIGINT: default, or any of save, nosave, now, force.',
  }),
  directive<number>({
    name: 'shutdown-on-sigterm',
    kind: shutdownOnSignal,
    default: 0,
    doc: 'Shutdown flags on SIGTERM: default, or any of save, nosave, now, force.',
  }),

  // ---- LUA SCRIPTING / FUNCTIONS
  directive({
    name: 'busy-reply-threshold',
    alias: 'lua-time-limit',
    kind: numeric({ ctype: 'longlong', min: 0n, max: LONG_MAX }),
    default: 5000,
    doc: 'Milliseconds after which a running script makes other clients get BUSY replies.',
  }),

  // ---- REDIS CLUSTER
  directive({ name: 'cluster-enabled', kind: bool, default: false, flags: IMMUTABLE, noEffect: CLUSTER }),
  directive({
    name: 'cluster-config-file',
    kind: str(),
    default: 'nodes.conf',
    flags: IMMUTABLE,
    noEffect: CLUSTER,
  }),
  directive({
    name: 'cluster-node-timeout',
    kind: numeric({ ctype: 'longlong', min: 0n, max: LLONG_MAX }),
    default: 15000,
    noEffect: CLUSTER,
  }),
  directive({ name: 'cluster-port', kind: int(0n, 65535n), default: 0, flags: IMMUTABLE, noEffect: CLUSTER }),
  directive({
    name: 'cluster-replica-validity-factor',
    alias: 'cluster-slave-validity-factor',
    kind: int(0n, INT_MAX),
    default: 10,
    noEffect: CLUSTER,
  }),
  directive({ name: 'cluster-migration-barrier', kind: int(0n, INT_MAX), default: 1, noEffect: CLUSTER }),
  directive({ name: 'cluster-allow-replica-migration', kind: bool, default: true, noEffect: CLUSTER }),
  directive({ name: 'cluster-require-full-coverage', kind: bool, default: true, noEffect: CLUSTER }),
  directive({
    name: 'cluster-replica-no-failover',
    alias: 'cluster-slave-no-failover',
    kind: bool,
    default: false,
    noEffect: CLUSTER,
  }),
  directive({ name: 'cluster-allow-reads-when-down', kind: bool, default: false, noEffect: CLUSTER }),
  directive({ name: 'cluster-allow-pubsubshard-when-down', kind: bool, default: true, noEffect: CLUSTER }),
  directive({
    name: 'cluster-link-sendbuf-limit',
    kind: memory('ulonglong', 0n, ULLONG_MAX),
    default: 0,
    noEffect: CLUSTER,
  }),
  directive({
    name: 'cluster-announce-hostname',
    kind: str({ emptyIsNull: true, validate: hostnameError }),
    default: '',
    noEffect: CLUSTER,
  }),
  directive({
    name: 'cluster-preferred-endpoint-type',
    kind: enumOf(['ip', 'hostname', 'unknown-endpoint']),
    default: 'ip',
    noEffect: CLUSTER,
  }),
  directive({
    name: 'cluster-announce-ip',
    kind: str({ emptyIsNull: true }),
    default: '',
    noEffect: CLUSTER,
  }),
  directive({ name: 'cluster-announce-port', kind: int(0n, 65535n), default: 0, noEffect: CLUSTER }),
  directive({ name: 'cluster-announce-tls-port', kind: int(0n, 65535n), default: 0, noEffect: CLUSTER }),
  directive({ name: 'cluster-announce-bus-port', kind: int(0n, 65535n), default: 0, noEffect: CLUSTER }),

  // ---- SLOW LOG
  directive<Int>({
    name: 'slowlog-log-slower-than',
    kind: numeric({ ctype: 'longlong', min: -1n, max: LLONG_MAX }),
    default: 10000,
    apply: (server, v) => {
      server.slowlogThreshold = Number(v);
    },
    doc: 'Log commands slower than this many microseconds in SLOWLOG (0: all, -1: none).',
  }),
  directive<Int>({
    name: 'slowlog-max-len',
    kind: numeric({ ctype: 'ulong', min: 0n, max: LONG_MAX }),
    default: 128,
    apply: (server, v) => {
      server.slowlog.maxLen = Number(v);
      server.slowlog.trim();
    },
    doc: 'Entries kept by SLOWLOG.',
  }),

  // ---- LATENCY MONITOR
  directive<Int>({
    name: 'latency-monitor-threshold',
    kind: numeric({ ctype: 'longlong', min: 0n, max: LLONG_MAX }),
    default: 0,
    apply: (server, v) => {
      server.latency.threshold = Number(v);
    },
    doc: 'Record events slower than this many milliseconds for LATENCY (0: off).',
  }),
  directive({
    name: 'latency-tracking',
    kind: bool,
    default: true,
    apply: (server, v) => {
      server.latency.tracking = v as boolean;
    },
    doc: 'Track per-command latency percentiles (INFO latencystats).',
  }),
  directive<readonly number[]>({
    name: 'latency-tracking-info-percentiles',
    kind: percentilesKind,
    default: [50, 99, 99.9],
    doc: 'Percentiles shown by INFO latencystats.',
  }),

  // ---- EVENT NOTIFICATION
  directive<number>({
    name: 'notify-keyspace-events',
    kind: notifyKeyspaceEventsKind,
    default: 0,
    apply: (server, v) => {
      server.notifyKeyspaceEvents = v;
    },
    doc: 'Keyspace notification classes, as letters (K, E, g, $, l, s, h, z, x, e, t, m, d, n, A); "" disables them.',
  }),

  // ---- ADVANCED CONFIG
  directive<Int>({
    name: 'hash-max-listpack-entries',
    alias: 'hash-max-ziplist-entries',
    kind: numeric({ ctype: 'size_t', min: 0n, max: LONG_MAX }),
    default: 512,
    apply: (server, v) => {
      limitsOf(server).hashMaxListpackEntries = Number(v);
    },
    doc: 'Largest number of fields of a hash that OBJECT ENCODING reports as listpack (replies in insertion order).',
  }),
  directive<Int>({
    name: 'hash-max-listpack-value',
    alias: 'hash-max-ziplist-value',
    kind: memory('size_t', 0n, LONG_MAX),
    default: 64,
    apply: (server, v) => {
      limitsOf(server).hashMaxListpackValue = Number(v);
    },
    doc: 'Longest field or value of a hash that OBJECT ENCODING reports as listpack.',
  }),
  directive({
    name: 'list-max-listpack-size',
    alias: 'list-max-ziplist-size',
    kind: int(INT_MIN, INT_MAX),
    default: -2,
    doc: 'Quicklist node size (-1..-5: 4 to 64 KB, -2 = 8 KB; positive: entries): sizes the list nodes of RDB files and DUMP payloads as in Redis 7.0; lists report the quicklist encoding whatever their size.',
  }),
  directive({
    name: 'list-compress-depth',
    kind: int(0n, INT_MAX),
    default: 0,
    doc: 'List nodes kept uncompressed at each end (0: none compressed): the inner nodes of RDB files and DUMP payloads are LZF-compressed as in Redis 7.0.',
  }),
  directive<Int>({
    name: 'set-max-intset-entries',
    kind: numeric({ ctype: 'size_t', min: 0n, max: LONG_MAX }),
    default: 512,
    apply: (server, v) => {
      limitsOf(server).setMaxIntsetEntries = Number(v);
    },
    doc: 'Largest set of integers kept in the intset encoding (replies in ascending order).',
  }),
  directive<Int>({
    name: 'zset-max-listpack-entries',
    alias: 'zset-max-ziplist-entries',
    kind: numeric({ ctype: 'size_t', min: 0n, max: LONG_MAX }),
    default: 128,
    apply: (server, v) => {
      limitsOf(server).zsetMaxListpackEntries = Number(v);
    },
    doc: 'Largest number of members of a sorted set that OBJECT ENCODING reports as listpack.',
  }),
  directive<Int>({
    name: 'zset-max-listpack-value',
    alias: 'zset-max-ziplist-value',
    kind: memory('size_t', 0n, LONG_MAX),
    default: 64,
    apply: (server, v) => {
      limitsOf(server).zsetMaxListpackValue = Number(v);
    },
    doc: 'Longest member of a sorted set that OBJECT ENCODING reports as listpack.',
  }),
  directive({
    name: 'hll-sparse-max-bytes',
    kind: memory('size_t', 0n, LONG_MAX),
    default: 3000,
    doc: 'Largest HyperLogLog kept in the sparse representation (visible in its string value).',
  }),
  directive<Int>({
    name: 'stream-node-max-bytes',
    kind: memory('size_t', 0n, LONG_MAX),
    default: 4096,
    apply: (server, v) => {
      limitsOf(server).streamNodeMaxBytes = Number(v);
    },
    doc: 'Largest stream node in bytes (as a listpack): decides what approximate trimming (MAXLEN ~) removes.',
  }),
  directive<Int>({
    name: 'stream-node-max-entries',
    kind: numeric({ ctype: 'longlong', min: 0n, max: LLONG_MAX }),
    default: 100,
    apply: (server, v) => {
      limitsOf(server).streamNodeMaxEntries = Number(v);
    },
    doc: 'Most entries of a stream node: decides what approximate trimming (MAXLEN ~) removes.',
  }),
  directive({
    name: 'activerehashing',
    kind: bool,
    default: true,
    noEffect: 'Hash tables are V8 Maps, which rehash on their own.',
  }),
  directive<BufferLimits>({
    name: 'client-output-buffer-limit',
    kind: clientOutputBufferLimitKind,
    apply: (server, v) => server.outputLimits.set(v),
    default: {
      normal: { hard: 0, soft: 0, seconds: 0 },
      replica: { hard: 256 * MB, soft: 64 * MB, seconds: 60 },
      pubsub: { hard: 32 * MB, soft: 8 * MB, seconds: 60 },
    },
    doc: 'Disconnect (and log) a client whose pending output (unsent replies plus what its socket still holds) reaches the hard limit, or stays at or over the soft limit for more than the soft seconds; per class normal, replica (slave), pubsub (0: no limit). A client that has not authenticated may leave at most 1 KB unread.',
  }),
  directive<Int>({
    name: 'client-query-buffer-limit',
    kind: memory('size_t', 1024n * 1024n, LONG_MAX),
    default: 1024 * MB,
    apply: (server, v) => {
      server.queryBufferLimit = Number(v);
    },
    doc: 'Disconnect a client whose unparsed input exceeds this size.',
  }),
  directive({
    name: 'maxmemory-clients',
    kind: numeric({ ctype: 'ssize_t', min: -100n, max: SSIZE_MAX, memory: true, percent: true }),
    default: 0,
    apply: (server, v) => server.memory.setClientsLimit(Number(v)),
    doc: 'Evict clients when their buffers together use more than this (bytes, or a percentage of maxmemory; 0: no limit).',
  }),
  directive<Int>({
    name: 'proto-max-bulk-len',
    kind: memory('longlong', 1024n * 1024n, LONG_MAX),
    default: 512 * MB,
    apply: (server, v) => {
      server.protoMaxBulkLen = Number(v);
    },
    doc: 'Largest bulk string a client may send.',
  }),
  directive<Int>({
    name: 'hz',
    kind: int(0n, INT_MAX),
    default: 10,
    normalize: (v) => Math.min(500, Math.max(1, Number(v))),
    apply: (server) => server.rescheduleCron(),
    doc: 'Frequency of the background tasks (expiry, timeouts), 1-500 per second.',
  }),
  directive({
    name: 'dynamic-hz',
    kind: bool,
    default: true,
    noEffect: 'The background tasks run at hz; Redoubt does not scale it with the number of clients.',
  }),
  directive({
    name: 'lfu-log-factor',
    kind: int(0n, INT_MAX),
    default: 10,
    apply: (server, v) => {
      server.memory.lfu.logFactor = Number(v);
    },
    doc: 'Logarithmic factor of the LFU access counter.',
  }),
  directive({
    name: 'lfu-decay-time',
    kind: int(0n, INT_MAX),
    default: 1,
    apply: (server, v) => {
      server.memory.lfu.decayTime = Number(v);
    },
    doc: 'Minutes of idleness per decrement of the LFU access counter.',
  }),

  // ---- ACTIVE DEFRAGMENTATION
  directive({ name: 'activedefrag', kind: bool, default: false, noEffect: ALLOCATOR }),
  directive({
    name: 'active-defrag-ignore-bytes',
    kind: memory('size_t', 1n, LLONG_MAX),
    default: 100 * MB,
    noEffect: ALLOCATOR,
  }),
  directive({
    name: 'active-defrag-threshold-lower',
    kind: int(0n, 1000n),
    default: 10,
    noEffect: ALLOCATOR,
  }),
  directive({
    name: 'active-defrag-threshold-upper',
    kind: int(0n, 1000n),
    default: 100,
    noEffect: ALLOCATOR,
  }),
  directive({ name: 'active-defrag-cycle-min', kind: int(1n, 99n), default: 1, noEffect: ALLOCATOR }),
  directive({ name: 'active-defrag-cycle-max', kind: int(1n, 99n), default: 25, noEffect: ALLOCATOR }),
  directive({
    name: 'active-defrag-max-scan-fields',
    kind: numeric({ ctype: 'ulong', min: 1n, max: LONG_MAX }),
    default: 1000,
    noEffect: ALLOCATOR,
  }),
  directive({ name: 'jemalloc-bg-thread', kind: bool, default: true, noEffect: ALLOCATOR }),
  directive({
    name: 'ignore-warnings',
    kind: str(),
    default: '',
    noEffect: 'Redoubt has no start-up warnings about kernel bugs to silence.',
  }),

  // ---- HIDDEN (exact-name CONFIG GET only; debugging aids of Redis's test suite)
  directive({
    name: 'use-exit-on-panic',
    kind: bool,
    default: false,
    flags: HIDDEN,
    noEffect: 'Redoubt has no panic handler to configure.',
  }),
  directive({
    name: 'rdb-key-save-delay',
    kind: int(INT_MIN, INT_MAX),
    default: 0,
    flags: HIDDEN,
    doc: 'Debugging aid: microseconds to sleep per key while saving an RDB file.',
  }),
  directive({
    name: 'key-load-delay',
    kind: int(INT_MIN, INT_MAX),
    default: 0,
    flags: HIDDEN,
    doc: 'Debugging aid: microseconds to sleep per key while loading.',
  }),
  directive({
    name: 'watchdog-period',
    kind: int(0n, INT_MAX),
    default: 0,
    flags: HIDDEN,
    noEffect: 'Redoubt has no SIGALRM software watchdog.',
  }),
  directive({
    name: 'loading-process-events-interval-bytes',
    kind: numeric({ ctype: 'off_t', min: 1024n, max: INT_MAX }),
    default: 2 * MB,
    flags: HIDDEN,
    doc: 'Debugging aid: bytes loaded between serving events while loading.',
  }),
];

/** Directives of old Redis versions that are accepted and ignored, with their argument count range. */
export const DEPRECATED_DIRECTIVES: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['list-max-ziplist-entries', [2, 2]],
  ['list-max-ziplist-value', [2, 2]],
  ['lua-replicate-commands', [2, 2]],
]);

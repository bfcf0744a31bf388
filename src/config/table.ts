/**
 * The one declarative table of configuration directives. CONFIG GET/SET/REWRITE,
 * the config-file parser, the command-line overrides, `redoubt audit` and the docs
 * all derive from it. Defaults are Redoubt's secure defaults.
 */
import type { Server } from '../core/server.js';
import { bool, ConfigValueError, enumOf, int, type Kind, str, words } from './kinds.js';

/** Only settable at start-up (config file or command line). */
export const IMMUTABLE = 1 << 0;
/** The value is a secret: never logged, redacted by `redoubt audit`. */
export const SENSITIVE = 1 << 1;
/** CONFIG SET refuses it unless `enable-protected-configs` allows. */
export const PROTECTED = 1 << 2;
/** Not listed by CONFIG GET * (still readable by exact name). */
export const HIDDEN = 1 << 3;
/** May appear several times in a config file; each occurrence adds (save, user...). */
export const MULTI_LINE = 1 << 4;

export interface Directive<T = unknown> {
  readonly name: string;
  readonly alias?: string;
  readonly kind: Kind<T>;
  readonly default: T;
  readonly flags?: number;
  /**
   * Apply a new value to the running server (at start-up and on CONFIG SET).
   * Throws ConfigValueError to refuse it; CONFIG SET then restores every value.
   */
  readonly apply?: (server: Server, value: T) => void;
  /** Accepted for compatibility but without effect in Redoubt: why (logged once, documented). */
  readonly noEffect?: string;
  readonly doc?: string;
}

export function directive<T>(d: Directive<T>): Directive<unknown> {
  return d as Directive<unknown>;
}

const INT_MAX = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

const bindKind = words({
  validate(args) {
    if (args.length > 16) throw new ConfigValueError('Too many bind addresses specified.');
  },
});

export const DIRECTIVES: readonly Directive<unknown>[] = [
  directive({
    name: 'port',
    kind: int({ min: 0, max: 65535 }),
    default: 6379,
    doc: 'TCP port; 0 disables the TCP listener.',
  }),
  directive({
    name: 'bind',
    kind: bindKind,
    default: ['127.0.0.1', '-::1'],
    doc: 'Addresses to listen on; a leading "-" makes an address optional.',
  }),
  directive({ name: 'protected-mode', kind: bool, default: true }),
  directive({ name: 'tcp-backlog', kind: int({ min: 0, max: INT_MAX }), default: 511, flags: IMMUTABLE }),
  directive({ name: 'unixsocket', kind: str(), default: '', flags: IMMUTABLE }),
  directive({ name: 'unixsocketperm', kind: int({ min: 0, max: 0o777 }), default: 0, flags: IMMUTABLE }),
  directive({ name: 'timeout', kind: int({ min: 0, max: INT_MAX }), default: 0 }),
  directive({ name: 'tcp-keepalive', kind: int({ min: 0, max: INT_MAX }), default: 300 }),
  directive({ name: 'databases', kind: int({ min: 1, max: INT_MAX }), default: 16, flags: IMMUTABLE }),
  directive({ name: 'maxclients', kind: int({ min: 1, max: INT_MAX }), default: 10000 }),
  directive({
    name: 'requirepass',
    kind: str(),
    default: '',
    flags: SENSITIVE,
    apply: (server, v) => server.setRequirePass(v as string),
  }),
  directive({
    name: 'proto-max-bulk-len',
    kind: int({ min: 1024 * 1024, max: LLONG_MAX, memory: true }),
    default: 512 * 1024 * 1024,
  }),
  directive({
    name: 'client-query-buffer-limit',
    kind: int({ min: 1024 * 1024, max: LLONG_MAX, memory: true }),
    default: 1024 * 1024 * 1024,
  }),
  directive({ name: 'hz', kind: int({ min: 0, max: INT_MAX }), default: 10 }),
  directive({
    name: 'loglevel',
    kind: enumOf(['debug', 'verbose', 'notice', 'warning', 'nothing'] as const),
    default: 'notice',
  }),
  directive({ name: 'logfile', kind: str(), default: '', flags: IMMUTABLE }),
  directive({ name: 'pidfile', kind: str(), default: '', flags: IMMUTABLE }),
  directive({ name: 'dir', kind: str({ allowEmpty: false }), default: '.', flags: PROTECTED }),
  directive({ name: 'dbfilename', kind: str({ allowEmpty: false }), default: 'dump.rdb', flags: PROTECTED }),
  directive({
    name: 'enable-protected-configs',
    kind: enumOf(['no', 'yes', 'local'] as const),
    default: 'no',
    flags: IMMUTABLE,
  }),
  directive({
    name: 'enable-debug-command',
    kind: enumOf(['no', 'yes', 'local'] as const),
    default: 'no',
    flags: IMMUTABLE,
  }),
  directive({
    name: 'enable-module-command',
    kind: enumOf(['no', 'yes', 'local'] as const),
    default: 'no',
    flags: IMMUTABLE,
  }),
  directive({ name: 'slowlog-log-slower-than', kind: int({ min: -1, max: LLONG_MAX }), default: 10000 }),
  directive({ name: 'slowlog-max-len', kind: int({ min: 0, max: LLONG_MAX }), default: 128 }),
  directive({ name: 'latency-monitor-threshold', kind: int({ min: 0, max: LLONG_MAX }), default: 0 }),
  directive({
    name: 'save',
    kind: words(),
    default: ['3600', '1', '300', '100', '60', '10000'],
    flags: MULTI_LINE,
  }),
  directive({ name: 'appendonly', kind: bool, default: false }),
  directive({ name: 'maxmemory', kind: int({ min: 0, max: LLONG_MAX, memory: true }), default: 0 }),
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
    ] as const),
    default: 'noeviction',
  }),
];

/**
 * Value kinds of configuration directives: how a directive's arguments are parsed
 * (config file, command line, CONFIG SET), shown (CONFIG GET) and written back
 * (CONFIG REWRITE). Parsing, bounds, error texts and rendering follow Redis 7.0's
 * config.c exactly, including its C integer types (a `uint` directive compares
 * bounds unsigned, a memory value is an unsigned long long cast to the field's type).
 *
 * These reasons are shared by the config-file loader ("*** FATAL CONFIG FILE
 * ERROR") and CONFIG SET ("ERR CONFIG SET failed ... - <reason>"), as in Redis,
 * so they live with the kinds rather than in commands/errors.ts.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDouble, parseInt64 } from '../util/number.js';
import { repr } from '../util/repr.js';

export class ConfigValueError extends Error {}

export interface ParseContext {
  /** True while reading config files and the command line, false for CONFIG SET. */
  readonly loading: boolean;
  /** The directive's value before this line or this CONFIG SET. */
  readonly current: unknown;
  /** True for the directive's first occurrence in this load (`save` resets its defaults then). */
  readonly first: boolean;
}

/** One line CONFIG REWRITE writes: the arguments after the name, and whether it must be written. */
export interface RewriteLine {
  readonly args: string;
  /** Written even when the file has no line for it (the value differs from the default). */
  readonly force: boolean;
}

export interface Kind<T> {
  /** Short description for the generated docs ("yes/no", "memory", ...). */
  readonly type: string;
  /** Parse the directive's arguments (already split). Throws ConfigValueError. */
  parse(args: readonly string[], ctx: ParseContext): T;
  /** The value as CONFIG GET shows it. */
  format(value: T): string;
  /**
   * Lines for CONFIG REWRITE. An empty list means "nothing to write": lines the
   * file has for this directive are removed (Redis's rewriteConfigMarkAsProcessed).
   */
  rewrite(value: T, def: T): readonly RewriteLine[];
  /** Several arguments (Redis MULTI_ARG_CONFIG): CONFIG SET splits its value on spaces. */
  readonly multiArg?: boolean;
}

const fail = (why: string): never => {
  throw new ConfigValueError(why);
};

/** One rewrite line with `force` = value differs from the default. */
const line = (args: string, force: boolean): RewriteLine[] => [{ args, force }];

// ---------------------------------------------------------------- C helpers

/** A C string ends at its first NUL: what Redis sees of an argument it handles as `char *`. */
export const cstr = (s: string): string => {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
};

const ULLONG_MAX = (1n << 64n) - 1n;

/**
 * glibc `strtoll`/`strtoull` on the whole string: leading blanks, an optional sign,
 * digits of `base`. Returns the value (clamped on overflow, as C does) and whether
 * the whole string was consumed; no digits consumes nothing (so "" is accepted as 0).
 */
export function strtoll(
  arg: string,
  base: 8 | 10,
  unsigned = false,
): { value: bigint; end: boolean; overflow: boolean } {
  const s = cstr(arg);
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  let v = 0n;
  const b = BigInt(base);
  while (i < s.length) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d >= base) break;
    v = v * b + BigInt(d);
    i++;
  }
  if (i === start) return { value: 0n, end: s.length === 0, overflow: false };
  let overflow = false;
  if (unsigned) {
    if (v > ULLONG_MAX) {
      v = ULLONG_MAX;
      overflow = true;
    } else if (neg) v = BigInt.asUintN(64, -v);
  } else {
    if (neg) v = -v;
    if (v > 9223372036854775807n) {
      v = 9223372036854775807n;
      overflow = true;
    } else if (v < -9223372036854775808n) {
      v = -9223372036854775808n;
      overflow = true;
    }
  }
  return { value: v, end: i === s.length, overflow };
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

const MEMORY_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Redis 7.0's `memtoull`: digits and an optional unit (b, k, kb, m, mb, g, gb; any
 * case). As in Redis 7.0, no digits means 0 ("" and "k" are 0), digits beyond
 * 2^64-1 saturate, and the unit multiplication wraps around 2^64.
 */
export function memtoull(arg: string): bigint | undefined {
  const s = cstr(arg);
  if (s[0] === '-') return undefined;
  let u = 0;
  while (u < s.length && s.charCodeAt(u) >= 48 && s.charCodeAt(u) <= 57) u++;
  const mul = MEMORY_UNITS[s.slice(u).toLowerCase()];
  if (mul === undefined || u >= 128) return undefined;
  const { value } = strtoll(s.slice(0, u), 10, true);
  return BigInt.asUintN(64, value * mul);
}

/** Memory as a number when exact, for callers that only need JS numbers. */
export function parseMemory(s: string): number | undefined {
  const v = memtoull(s);
  return v === undefined || v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

/** Redis `rewriteConfigFormatMemory`: the largest exact unit among gb, mb, kb. */
export function formatMemory(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  const kb = 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return String(bytes);
}

/** Exact integers: a JS number when safe, otherwise a bigint. */
export type Int = number | bigint;

export function toInt(v: bigint): Int {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

// ---------------------------------------------------------------- yes/no

export const bool: Kind<boolean> = {
  type: 'yes/no',
  parse(args) {
    const v = cstr(args[0] ?? '').toLowerCase();
    if (v === 'yes') return true;
    if (v === 'no') return false;
    return fail("argument must be 'yes' or 'no'");
  },
  format: (v) => (v ? 'yes' : 'no'),
  rewrite: (v, def) => line(v ? 'yes' : 'no', v !== def),
};

// ---------------------------------------------------------------- numbers

/** The C type of Redis's field: decides signed or unsigned bound checks. */
export type CType =
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'longlong'
  | 'ulonglong'
  | 'size_t'
  | 'ssize_t'
  | 'off_t'
  | 'time_t';

const UNSIGNED_CHECK: ReadonlySet<CType> = new Set(['ulonglong', 'uint', 'size_t']);

export interface NumericOptions {
  readonly ctype: CType;
  readonly min: bigint;
  readonly max: bigint;
  /** Accept memory units (1k, 5gb...); CONFIG GET shows bytes, REWRITE the largest exact unit. */
  readonly memory?: boolean;
  /** Accept "N%" (stored negative, as Redis does). */
  readonly percent?: boolean;
  /** Parsed and shown in octal (unixsocketperm). */
  readonly octal?: boolean;
}

export function numeric(opts: NumericOptions): Kind<Int> {
  const unsignedCheck = UNSIGNED_CHECK.has(opts.ctype);
  const unsignedStore = unsignedCheck || opts.ctype === 'ulong';
  const type = opts.memory
    ? opts.percent
      ? 'memory or percent'
      : 'memory'
    : opts.octal
      ? `octal (${opts.min.toString(8)}-${opts.max.toString(8)})`
      : `integer (${opts.min} to ${opts.max})`;
  return {
    type,
    parse(args) {
      const s = args[0] ?? '';
      let ll: bigint | undefined;
      if (opts.memory) {
        const m = memtoull(s);
        if (m !== undefined) ll = BigInt.asIntN(64, m);
      }
      if (ll === undefined && opts.percent && s.length > 1 && s.endsWith('%')) {
        const p = parseInt64(s.slice(0, -1));
        if (p !== undefined && p >= 0) ll = -BigInt(p);
      }
      if (ll === undefined && opts.octal) {
        const r = strtoll(s, 8);
        if (!r.overflow && r.end) ll = r.value;
      }
      if (ll === undefined && !opts.memory && !opts.percent && !opts.octal) {
        const v = parseInt64(s);
        if (v !== undefined) ll = BigInt(v);
      }
      if (ll === undefined) {
        return fail(
          opts.memory && opts.percent
            ? 'argument must be a memory or percent value'
            : opts.memory
              ? 'argument must be a memory value'
              : opts.octal
                ? "argument couldn't be parsed as an octal number"
                : "argument couldn't be parsed into an integer",
        );
      }
      if (unsignedCheck) {
        const ull = BigInt.asUintN(64, ll);
        const lo = BigInt.asUintN(64, opts.min);
        const hi = BigInt.asUintN(64, opts.max);
        if (ull > hi || ull < lo) {
          fail(
            opts.octal
              ? `argument must be between ${lo.toString(8)} and ${hi.toString(8)} inclusive`
              : `argument must be between ${lo} and ${hi} inclusive`,
          );
        }
        return toInt(ull);
      }
      if (opts.percent && ll < 0n) {
        if (ll < opts.min) fail(`percentage argument must be less or equal to ${-opts.min}`);
      } else if (ll > opts.max || ll < opts.min) {
        fail(`argument must be between ${opts.min} and ${opts.max} inclusive`);
      }
      return toInt(unsignedStore ? BigInt.asUintN(64, ll) : ll);
    },
    format(value) {
      const v = BigInt(value);
      if (opts.percent && v < 0n) return `${-v}%`;
      if (opts.memory) return String(BigInt.asUintN(64, v));
      if (opts.octal) return BigInt.asUintN(64, v).toString(8);
      return String(v);
    },
    rewrite(value, def) {
      const v = BigInt(value);
      const d = BigInt(def);
      if (opts.percent && v < 0n) return line(`${-v}%`, -v !== d);
      // Redis formats an unsigned value beyond 2^63 as a negative long long here
      // ("maxmemory -1"), which it then cannot load; we write the real value.
      if (opts.memory) return line(formatMemory(BigInt.asUintN(64, v)), v !== d);
      if (opts.octal) return line(BigInt.asUintN(64, v).toString(8), v !== d);
      return line(String(v), v !== d);
    },
  };
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MAX = LONG_MAX;
const SSIZE_MAX = LONG_MAX;

export const C = { INT_MIN, INT_MAX, UINT_MAX, LONG_MAX, LLONG_MAX, ULLONG_MAX, SSIZE_MAX } as const;

/** createIntConfig: a C int with bounds. */
export const int = (min: bigint, max: bigint): Kind<Int> => numeric({ ctype: 'int', min, max });

// ---------------------------------------------------------------- enums

/**
 * createEnumConfig. `words` lists the accepted words in Redis's order (the error
 * lists them in that order); `same` maps a synonym to the word CONFIG GET shows
 * (oom-score-adj: relative -> yes).
 */
export function enumOf<T extends string>(
  words: readonly string[],
  same: Readonly<Record<string, T>> = {},
): Kind<T> {
  return {
    type: `one of: ${words.join(', ')}`,
    parse(args) {
      const v = cstr(args[0] ?? '').toLowerCase();
      if (!words.includes(v)) return fail(`argument(s) must be one of the following: ${words.join(', ')}`);
      return (same[v] ?? v) as T;
    },
    format: (v) => v,
    rewrite: (v, def) => line(v, v !== def),
  };
}

/**
 * A MULTI_ARG enum of bit flags (shutdown-on-sigint): several words OR'ed
 * together, shown as the names of the set bits in table order, or the name whose
 * value is exactly the set ("default" for 0).
 */
export function flagsEnum(
  entries: readonly (readonly [name: string, bits: number])[],
  validate?: (bits: number) => string | undefined,
): Kind<number> {
  const names = entries.map(([n]) => n).join(', ');
  const format = (value: number): string => {
    let out: string[] = [];
    let unmatched = value;
    for (const [name, bits] of entries) {
      if (bits === value) return name;
      if (bits !== 0 && (unmatched & bits) === bits) {
        out.push(name);
        unmatched &= ~bits;
      }
    }
    if (out.length === 0 || unmatched !== 0) out = ['unknown'];
    return out.join(' ');
  };
  return {
    type: `one or more of: ${names}`,
    multiArg: true,
    parse(args) {
      if (args.length === 0) return fail(`argument(s) must be one of the following: ${names}`);
      let bits = 0;
      for (const a of args) {
        const lower = cstr(a).toLowerCase();
        const hit = entries.find(([n]) => n === lower);
        if (hit === undefined) return fail(`argument(s) must be one of the following: ${names}`);
        bits |= hit[1];
      }
      const why = validate?.(bits);
      if (why !== undefined) fail(why);
      return bits;
    },
    format,
    rewrite: (v, def) => line(format(v), v !== def),
  };
}

// ---------------------------------------------------------------- strings

export interface StringOptions {
  /** Redis keeps it as an sds (binary-safe: masterauth, requirepass); other strings end at a NUL. */
  readonly binary?: boolean;
  /**
   * Redis EMPTY_STRING_IS_NULL: "" means unset. CONFIG REWRITE then removes the
   * directive's lines, and any other value is always written (no default).
   */
  readonly emptyIsNull?: boolean;
  /** Returns the refusal reason for an invalid value. */
  readonly validate?: (v: string) => string | undefined;
}

export function str(opts: StringOptions = {}): Kind<string> {
  return {
    type: 'string',
    parse(args) {
      const v = opts.binary === true ? (args[0] ?? '') : cstr(args[0] ?? '');
      const why = opts.validate?.(v);
      if (why !== undefined) fail(why);
      return v;
    },
    format: (v) => v,
    rewrite(v, def) {
      if (opts.emptyIsNull === true) return v === '' ? [] : line(repr(v), true);
      return line(repr(v), v !== def);
    },
  };
}

/** Redis `pathIsBaseName`. */
export const isBaseName = (p: string): boolean => !p.includes('/') && !p.includes('\\');

// ---------------------------------------------------------------- special kinds

/** `save <seconds> <changes> [...]` pairs; `save ""` means no snapshots. */
export type SavePoint = readonly [seconds: Int, changes: number];

export const saveKind: Kind<readonly SavePoint[]> = {
  type: 'seconds/changes pairs, or ""',
  multiArg: true,
  parse(args, ctx) {
    let words = args;
    let reset = false;
    if (words.length === 1 && words[0] === '') {
      words = [];
      reset = true;
    }
    if (words.length % 2 !== 0) fail('Invalid save parameters');
    const points: SavePoint[] = [];
    for (let j = 0; j < words.length; j += 2) {
      const s = strtoll(words[j] as string, 10);
      const c = strtoll(words[j + 1] as string, 10);
      if (!s.end || s.value < 1n || !c.end || c.value < 0n) fail('Invalid save parameters');
      points.push([toInt(s.value), Number(BigInt.asIntN(32, c.value))]);
    }
    // Loading: the first `save` line replaces the defaults, later ones add points.
    if (ctx.loading && !ctx.first && !reset) return [...(ctx.current as SavePoint[]), ...points];
    return points;
  },
  format: (v) => v.map(([s, c]) => `${s} ${c}`).join(' '),
  rewrite: (v) =>
    v.length === 0 ? line('""', true) : v.map(([s, c]) => ({ args: `${s} ${c}`, force: true })),
};

/** client-output-buffer-limit: per class (normal, replica, pubsub) hard, soft, soft seconds. */
export interface BufferLimit {
  readonly hard: Int;
  readonly soft: Int;
  readonly seconds: number;
}
export interface BufferLimits {
  readonly normal: BufferLimit;
  readonly replica: BufferLimit;
  readonly pubsub: BufferLimit;
}
const OBUF_CLASSES = ['normal', 'replica', 'pubsub'] as const;

export const clientOutputBufferLimitKind: Kind<BufferLimits> = {
  type: 'class hard soft seconds [...]',
  multiArg: true,
  parse(args, ctx) {
    if (args.length % 4 !== 0) fail('Wrong number of arguments in buffer limit configuration.');
    const next: { -readonly [K in keyof BufferLimits]: BufferLimit } = { ...(ctx.current as BufferLimits) };
    for (let j = 0; j < args.length; j += 4) {
      const cls = cstr(args[j] as string).toLowerCase();
      const key = cls === 'slave' ? 'replica' : cls;
      if (key !== 'normal' && key !== 'replica' && key !== 'pubsub')
        fail('Invalid client class specified in buffer limit configuration.');
      const hard = memtoull(args[j + 1] as string);
      const soft = memtoull(args[j + 2] as string);
      const secs = strtoll(args[j + 3] as string, 10);
      const seconds = Number(BigInt.asIntN(32, secs.value));
      if (hard === undefined || soft === undefined || seconds < 0 || !secs.end)
        fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
      next[key as keyof BufferLimits] = { hard: toInt(hard as bigint), soft: toInt(soft as bigint), seconds };
    }
    return next;
  },
  format: (v) =>
    OBUF_CLASSES.map((k) => {
      const l = v[k];
      return `${k === 'replica' ? 'slave' : k} ${l.hard} ${l.soft} ${l.seconds}`;
    }).join(' '),
  rewrite: (v, def) =>
    OBUF_CLASSES.map((k) => {
      const l = v[k];
      const d = def[k];
      return {
        args: `${k} ${formatMemory(BigInt(l.hard))} ${formatMemory(BigInt(l.soft))} ${l.seconds}`,
        force:
          BigInt(l.hard) !== BigInt(d.hard) || BigInt(l.soft) !== BigInt(d.soft) || l.seconds !== d.seconds,
      };
    }),
};

/** Keyspace notification classes (notify-keyspace-events), Redis's bit values. */
export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  LOADED: 1 << 12, // module only
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n (not part of A)
} as const;
/** `A`: every class except key-miss and new-key events. */
export const NOTIFY_ALL =
  NOTIFY.GENERIC |
  NOTIFY.STRING |
  NOTIFY.LIST |
  NOTIFY.SET |
  NOTIFY.HASH |
  NOTIFY.ZSET |
  NOTIFY.EXPIRED |
  NOTIFY.EVICTED |
  NOTIFY.STREAM |
  NOTIFY.MODULE;

const NOTIFY_CHARS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  K: NOTIFY.KEYSPACE,
  E: NOTIFY.KEYEVENT,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
};

/** Redis `keyspaceEventsFlagsToString`: the canonical rendering. */
export function notifyFlagsToString(flags: number): string {
  let res = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    res += 'A';
  } else {
    const order: [number, string][] = [
      [NOTIFY.GENERIC, 'g'],
      [NOTIFY.STRING, '$'],
      [NOTIFY.LIST, 'l'],
      [NOTIFY.SET, 's'],
      [NOTIFY.HASH, 'h'],
      [NOTIFY.ZSET, 'z'],
      [NOTIFY.EXPIRED, 'x'],
      [NOTIFY.EVICTED, 'e'],
      [NOTIFY.STREAM, 't'],
      [NOTIFY.MODULE, 'd'],
      [NOTIFY.NEW, 'n'],
    ];
    for (const [bit, ch] of order) if (flags & bit) res += ch;
  }
  if (flags & NOTIFY.KEYSPACE) res += 'K';
  if (flags & NOTIFY.KEYEVENT) res += 'E';
  if (flags & NOTIFY.KEY_MISS) res += 'm';
  return res;
}

export const notifyKeyspaceEventsKind: Kind<number> = {
  type: 'event class letters (Ag$lshzxeKEtmdn)',
  parse(args) {
    let flags = 0;
    for (const ch of cstr(args[0] ?? '')) {
      const bit = NOTIFY_CHARS[ch];
      if (bit === undefined) return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      flags |= bit;
    }
    return flags;
  },
  format: notifyFlagsToString,
  rewrite: (v) => line(repr(notifyFlagsToString(v)), v !== 0),
};

export const oomScoreAdjValuesKind: Kind<readonly [number, number, number]> = {
  type: 'three integers (-2000 to 2000)',
  multiArg: true,
  parse(args) {
    if (args.length !== 3) fail('wrong number of arguments');
    return args.map((a) => {
      const r = strtoll(a, 10);
      if (!r.end || r.value < -2000n || r.value > 2000n)
        fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
      return Number(r.value);
    }) as unknown as [number, number, number];
  },
  format: (v) => v.join(' '),
  rewrite: (v, def) =>
    line(
      v.join(' '),
      v.some((x, i) => x !== def[i]),
    ),
};

/** `bind`: up to 16 addresses; `bind ""` listens on no TCP address. */
export const bindKind: Kind<readonly string[]> = {
  type: 'addresses',
  multiArg: true,
  parse(args) {
    if (args.length > 16) fail('Too many bind addresses specified.');
    if (args.length === 1 && args[0] === '') return [];
    return args.map(cstr);
  },
  format: (v) => v.join(' '),
  // Redis drops the line when the value is its default (`* -::*`). Redoubt always
  // writes it, so a rewritten file keeps meaning loopback-only under Redis too.
  rewrite: (v) => line(v.length === 0 ? '""' : v.join(' '), true),
};

/** `replicaof <host> <port>` ("no one" clears it); shown as "host port" or "". */
export const replicaofKind: Kind<string> = {
  type: 'host port',
  multiArg: true,
  parse(args) {
    if (args.length !== 2) fail('wrong number of arguments');
    const [host, port] = args as [string, string];
    if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') return '';
    const r = strtoll(port, 10);
    const p = BigInt.asIntN(64, r.value);
    if (p < 0n || p > 65535n || !r.end) fail('Invalid master port');
    return `${cstr(host)} ${p}`;
  },
  format: (v) => v,
  rewrite: (v) => (v === '' ? [] : line(v, true)),
};

/** Redis `trimDoubleString` of `%f`. */
function formatPercentile(x: number): string {
  let s = x.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

export const percentilesKind: Kind<readonly number[]> = {
  type: 'percentiles (0 to 100)',
  multiArg: true,
  parse(args) {
    if (args.length === 1 && args[0] === '') return [];
    return args.map((a) => {
      const v = parseDouble(a);
      if (v === undefined) return fail('Invalid latency-tracking-info-percentiles parameters');
      if (v > 100 || v < 0)
        fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
      return v;
    });
  },
  format: (v) => v.map(formatPercentile).join(' '),
  rewrite: (v) => line(v.length === 0 ? '""' : v.map(formatPercentile).join(' '), true),
};

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EFBIG: 'File too large',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EBUSY: 'Device or resource busy',
  EXDEV: 'Invalid cross-device link',
};

/** C's `strerror` for a Node error. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code !== undefined ? STRERROR[code] : undefined) ?? code ?? String(err);
}

/**
 * `dir`: Redis chdir()s; Redoubt keeps the absolute, symlink-resolved path (what
 * Redis's getcwd() shows), resolving a relative one against the current `dir`.
 */
export const dirKind: Kind<string> = {
  type: 'directory',
  parse(args, ctx) {
    const arg = cstr(args[0] ?? '');
    if (arg === '') return fail(STRERROR.ENOENT as string);
    try {
      const path = realpathSync(resolve(ctx.current as string, arg));
      if (!statSync(path).isDirectory()) return fail(STRERROR.ENOTDIR as string);
      return path;
    } catch (err) {
      if (err instanceof ConfigValueError) throw err;
      return fail(strerror(err));
    }
  },
  format: (v) => v,
  rewrite: (v) => line(repr(v), true),
};

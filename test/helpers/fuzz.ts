/**
 * Input generators for the RESP fuzzer (test/fuzz.test.ts): random frames of
 * every RESP2/RESP3 type, inline lines, mutations of valid commands, and calls
 * of every command of the table with random arguments built from its argument
 * spec. Everything is drawn from one seeded PRNG per iteration, so an input is
 * replayable from (seed, iteration) alone.
 *
 * Values are picked from small vocabularies of edge cases (boundaries,
 * overflows, NUL bytes, invalid UTF-8) rather than uniformly: uniform bytes
 * almost never reach past the first syntax check. The vocabularies stay clear
 * of inputs Redis itself treats as legitimate hours of work or gigabytes of
 * memory (a `SRANDMEMBER key -2000000000`, a `SETBIT key 4000000000 1`): those
 * are not bugs and would only make the run unbounded.
 */
import { ALL_COMMANDS } from '../../src/commands/all.js';
import { CMD_BLOCKING, type Command, CommandTable } from '../../src/commands/registry.js';
import type { ArgSpec } from '../../src/commands/spec.js';
import { encode } from './resp.js';
import { checkFrame } from './wire.js';

export type Rnd = () => number;

/** A PRNG seed for iteration `i` of a run with `seed` (splitmix-style mixing, so neighbours differ). */
export function iterationSeed(seed: number, i: number): number {
  let x = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const int = (rnd: Rnd, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

function randomBytes(rnd: Rnd, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rnd() * 256));
  return s;
}

// ---- vocabularies (latin1 strings: one char per byte) ----

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', '{t}k8', '', '\xff\x00key', 'é'];

/** Small numbers, then every boundary string2ll and strtod care about (no huge negative counts: see above). */
const INTEGERS = [
  '0',
  '1',
  '2',
  '3',
  '5',
  '10',
  '100',
  '1000',
  '-1',
  '-2',
  '-10',
  '-100',
  '2147483647',
  '2147483648',
  '4294967296',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '1.5',
  '-0',
  '+1',
  ' 1',
  '1 ',
  '007',
  '0x10',
  '1e3',
  'abc',
  '',
  'inf',
  'nan',
];

const DOUBLES = [
  '0',
  '1',
  '-1',
  '1.5',
  '-2.5',
  '.5',
  '5.',
  '1e308',
  '1e309',
  '-1e309',
  '1e-320',
  'inf',
  '+inf',
  '-inf',
  'nan',
  '-0',
  '0x1p3',
  ' 1',
  '1 ',
  'abc',
  '',
  '3.0000000000000001',
  '(1',
  '[a',
  '-',
  '+',
];

const STRINGS = [
  '',
  'a',
  'x',
  'foo',
  'field',
  'member',
  '0',
  '1',
  '-1',
  '1.5',
  '*',
  '\x00',
  'a\x00b',
  '\xff\xfe\xfd',
  '\xc3\x28',
  '\xc3\xa9',
  '\xed\xa0\x80',
  ' ',
  '"',
  "'",
  '\\',
  '\r\n',
  '$-1',
  '*1',
  'NX',
  'XX',
  'WITHSCORES',
  'LIMIT',
  'COUNT',
  '-',
  '+',
  '(1',
  '[a',
  '>',
  '$',
  '0-1',
  '1-1',
  '18446744073709551615-18446744073709551615',
];

const PATTERNS = [
  '*',
  '?',
  'k*',
  '[a-z]*',
  '[',
  '[^k]*',
  '\\',
  'k[0-9]',
  '*a*a*a*a*a*b',
  '',
  '\x00*',
  '#',
  'k*->f',
];

/** CONFIG SET parameters that cannot cut the test off (no port, bind, password, limits or file paths). */
const SAFE_CONFIG = [
  'maxmemory-policy',
  'hash-max-listpack-entries',
  'hash-max-listpack-value',
  'list-max-listpack-size',
  'set-max-intset-entries',
  'zset-max-listpack-entries',
  'zset-max-listpack-value',
  'notify-keyspace-events',
  'slowlog-log-slower-than',
  'slowlog-max-len',
  'latency-tracking',
  'latency-monitor-threshold',
  'lazyfree-lazy-expire',
  'stream-node-max-entries',
  'stream-node-max-bytes',
  'hll-sparse-max-bytes',
  'no-such-directive',
];

const ACL_RULES = [
  'on',
  'off',
  'nopass',
  '>pw',
  '<pw',
  '+@all',
  '-@all',
  '~*',
  '&*',
  'allkeys',
  'reset',
  '(+get ~k*)',
  '%R~k*',
  '+config|get',
  '-debug',
  '#abc',
  'bad-rule',
];

/** Values by `command.argument` (the full name, as `client|pause.timeout`), for arguments needing bounds or meaning. */
const OVERRIDES: ReadonlyMap<string, readonly string[]> = new Map([
  // Offsets that would legitimately allocate hundreds of MB in Redis too.
  ['setbit.offset', ['0', '1', '7', '100', '-1', '4294967296', 'x']],
  ['setrange.offset', ['0', '1', '5', '100', '-1', '536870912', 'x']],
  ['bitfield.offset', ['0', '1', '#1', '#3', '100', '-1', '#-1', '4294967296', 'x']],
  ['bitfield_ro.offset', ['0', '1', '#1', '100', '-1', '4294967296', 'x']],
  ['bitfield.encoding', ['u8', 'i8', 'u1', 'i64', 'u63', 'u64', 'i65', 'x']],
  ['bitfield_ro.encoding', ['u8', 'i8', 'u63', 'u64', 'x']],
  // A pause is global: keep it short so other connections are only delayed.
  ['client|pause.timeout', ['1', '5', '10', '-1', 'x']],
  ['config|set.parameter', SAFE_CONFIG],
  ['acl|setuser.username', ['fuzz1', 'fuzz2', 'fuzz3']],
  ['acl|setuser.rule', ACL_RULES],
  ['acl|deluser.username', ['fuzz1', 'fuzz2', 'default', 'nobody']],
  ['acl|dryrun.username', ['fuzz1', 'default', 'nobody']],
  ['hello.protover', ['2', '3', '4', '1', 'x']],
  ['select.index', ['0', '1', '15', '16', '-1', 'x']],
  ['xread.milliseconds', ['1', '5', '10', '-1', 'x']],
  ['xreadgroup.milliseconds', ['1', '5', '10', '-1', 'x']],
  ['bitop.operation', ['AND', 'OR', 'XOR', 'NOT', 'x']],
]);

/** Blocking timeouts in seconds: short, or invalid (never 0: that blocks until the connection ends). */
const BLOCK_TIMEOUTS = ['0.01', '0.02', '0.005', '-1', 'x', '1e-2'];

/**
 * Plain values, for calls meant to get past argument parsing (half of them):
 * edge cases alone would almost always stop at the first syntax check.
 */
const PLAIN: Readonly<Record<string, readonly string[]>> = {
  integer: ['0', '1', '2', '3', '10', '-1'],
  double: ['0', '1', '1.5', '-1', '2.5'],
  'unix-time': ['1700000000', '4102444800'],
  pattern: ['*', 'k*'],
  string: ['a', 'b', 'x', 'field', 'member', '1', '0-1', '1-1', '>', '$'],
};

/** The key `populateCalls` gives the type a command group works on. */
const KEY_OF_GROUP: Readonly<Record<string, string>> = {
  string: 'k0',
  list: 'k1',
  set: 'k2',
  'sorted-set': 'k3',
  geo: 'k3',
  hash: 'k4',
  hyperloglog: 'k5',
  stream: 'k6',
  bitmap: 'k7',
};

/** One call being built: its command, randomness, and whether its values are plain or edge cases. */
interface Gen {
  readonly rnd: Rnd;
  readonly cmd: Command;
  readonly plain: boolean;
}

function valueFor(g: Gen, spec: ArgSpec): string {
  const { rnd, cmd } = g;
  const own = OVERRIDES.get(`${cmd.fullName}.${spec.name}`);
  if (own !== undefined) return pick(rnd, own);
  if (spec.name === 'timeout' && (cmd.flags & CMD_BLOCKING) !== 0) return pick(rnd, BLOCK_TIMEOUTS);
  if (spec.type === 'key') {
    const typed = KEY_OF_GROUP[cmd.spec.group];
    return g.plain && typed !== undefined && rnd() < 0.8 ? typed : pick(rnd, KEYS);
  }
  if (g.plain) return pick(rnd, PLAIN[spec.type] ?? (PLAIN.string as readonly string[]));
  if (rnd() < 0.04) return randomBytes(rnd, int(rnd, 0, 12));
  switch (spec.type) {
    case 'integer':
      return pick(rnd, INTEGERS);
    case 'double':
      return pick(rnd, DOUBLES);
    case 'unix-time':
      return pick(rnd, ['0', '1', '1700000000', '4102444800', '-1', '9223372036854775807', 'x']);
    case 'pattern':
      return pick(rnd, PATTERNS);
    default:
      return rnd() < 0.02 ? 'v'.repeat(int(rnd, 100, 2000)) : pick(rnd, STRINGS);
  }
}

/** A token as a client might spell it: Redis matches tokens case-insensitively. */
function spell(rnd: Rnd, word: string, plain = false): string {
  const r = rnd();
  if (plain && r >= 0.95) return word;
  if (r < 0.6) return word;
  if (r < 0.8) return word.toLowerCase();
  if (r < 0.95) return [...word].map((ch) => (rnd() < 0.5 ? ch.toLowerCase() : ch.toUpperCase())).join('');
  return `${word}x`;
}

/** Words for one argument spec, or none when an optional one is left out. */
function argWords(g: Gen, spec: ArgSpec): string[] {
  const rnd = g.rnd;
  const flags = spec.flags ?? [];
  if (flags.includes('optional') && rnd() < 0.45) return [];
  const times = flags.includes('multiple') || flags.includes('multiple_token') ? int(rnd, 1, 4) : 1;
  const out: string[] = [];
  for (let t = 0; t < times; t++) {
    if (spec.token !== undefined && (t === 0 || flags.includes('multiple_token')))
      out.push(spell(rnd, spec.token, g.plain));
    const subs = spec.arguments ?? [];
    switch (spec.type) {
      case 'pure-token':
        break;
      case 'oneof': {
        const choice = subs.length === 0 ? undefined : pick(rnd, subs);
        if (choice !== undefined) out.push(...argWords(g, choice));
        break;
      }
      case 'block':
        for (const sub of subs) out.push(...argWords(g, sub));
        break;
      default:
        out.push(valueFor(g, spec));
    }
  }
  return out;
}

/** Every command and subcommand of the table with a handler, in table order (the sweep order). */
export function fuzzableCommands(): Command[] {
  const table = new CommandTable(ALL_COMMANDS);
  const out: Command[] = [];
  for (const c of table.all()) {
    if (c.handler !== undefined && !EXCLUDED.has(c.fullName)) out.push(c);
  }
  return out;
}

/**
 * Commands left out: SHUTDOWN ends the server under test (DEBUG stays in: it is
 * refused by default, which is worth fuzzing); PFSELFTEST takes no input and
 * holds the event loop for seconds, which would only slow the run down.
 */
const EXCLUDED = new Set(['shutdown', 'pfselftest']);

/**
 * Commands after which replies stop being one per request (subscriptions,
 * MONITOR, CLIENT REPLY OFF|SKIP, QUIT): a batch holding one is sent whole,
 * half-closed, and only checked to be well-formed RESP.
 */
export const RESHAPING = new Set([
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'client|reply',
  'quit',
]);

/**
 * A call of `cmd` with random arguments from its spec: plain values (meant to
 * run) or edge cases, the latter occasionally one word short or one too many.
 */
export function randomCall(rnd: Rnd, cmd: Command): string[] {
  const g: Gen = { rnd, cmd, plain: rnd() < 0.5 };
  const name = cmd.fullName.split('|').map((w) => spell(rnd, w.toUpperCase(), g.plain));
  const args: string[] = [];
  for (const spec of cmd.spec.args ?? []) args.push(...argWords(g, spec));
  // Filters are ANDed: an ID no client has keeps any CLIENT KILL from killing the test's own connections.
  if (cmd.fullName === 'client|kill') args.push('ID', '987654321');
  const r = g.plain ? 1 : rnd();
  if (r < 0.05 && args.length > 0) args.splice(int(rnd, 0, args.length - 1), 1);
  else if (r < 0.1) args.splice(int(rnd, 0, args.length), 0, pick(rnd, STRINGS));
  return [...name, ...args];
}

/**
 * Commands that give the keyspace a value of every type, so calls meet real
 * data; a third of the time big enough to be past Redis's compact encodings
 * (quicklist, hashtable, skiplist, dense HyperLogLog, a multi-node stream).
 */
export function populateCalls(rnd: Rnd): string[][] {
  const big = rnd() < 0.33;
  const n = big ? 300 : 3;
  const items = (f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();
  const calls = [
    ['SET', 'k0', pick(rnd, ['10', 'hello', '\xff\x00', '3.5', 'x'.repeat(big ? 5000 : 10)])],
    ['RPUSH', 'k1', ...items((i) => [pick(rnd, ['a', 'b', String(i), 'x'.repeat(70)])])],
    ['SADD', 'k2', ...items((i) => [rnd() < 0.5 ? String(i) : `m${i}`])],
    ['ZADD', 'k3', ...items((i) => [pick(rnd, [String(i), '-inf', '+inf', '1.5']), `m${i}`])],
    ['HSET', 'k4', ...items((i) => [`f${i}`, pick(rnd, ['1', 'x', 'y'.repeat(70)])])],
    ['PFADD', 'k5', ...items((i) => [`e${i}`, `x${i * 7919}`])],
    ['SETBIT', 'k7', big ? '100000' : '10', '1'],
  ];
  for (let i = 0; i < (big ? 150 : 1); i++) calls.push(['XADD', 'k6', '*', 'f', String(i)]);
  if (rnd() < 0.3) calls.push(['XGROUP', 'CREATE', 'k6', 'g', '0']);
  if (rnd() < 0.3) calls.push(['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '5', 'STREAMS', 'k6', '>']);
  if (rnd() < 0.3) calls.push(['EXPIRE', pick(rnd, KEYS), '100']);
  return calls;
}

// ---- encodings and raw frames ----

/** A call as an inline line (Redis splits on spaces and honours quotes), when its words allow it. */
export function inlineOf(args: readonly string[]): string | undefined {
  if (args.some((a) => a === '' || /[\s"'\\\x00-\x1f\x7f-\xff]/.test(a))) return undefined;
  return `${args.join(' ')}\r\n`;
}

const TYPE_BYTES = '+-:$*_,#(=!%~>|';

/** One random frame of any RESP type, nested up to `depth`, sometimes with a wrong or huge length. */
function randomFrame(rnd: Rnd, depth: number): string {
  const t = pick(rnd, [...TYPE_BYTES]);
  const lenWord = (real: number): string =>
    rnd() < 0.8
      ? String(real)
      : pick(rnd, [
          '-1',
          '-2',
          '0',
          '2147483647',
          '2147483648',
          '536870912',
          '9223372036854775808',
          'x',
          '',
          ' 1',
          `${real + 1}`,
          `${Math.max(0, real - 1)}`,
        ]);
  switch (t) {
    case '$':
    case '=':
    case '!': {
      const payload = rnd() < 0.5 ? pick(rnd, STRINGS) : randomBytes(rnd, int(rnd, 0, 20));
      return `${t}${lenWord(payload.length)}\r\n${payload}\r\n`;
    }
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': {
      const n = depth <= 0 ? 0 : int(rnd, 0, 4);
      let s = `${t}${lenWord(n)}\r\n`;
      for (let i = 0; i < n * (t === '%' || t === '|' ? 2 : 1); i++) s += randomFrame(rnd, depth - 1);
      return s;
    }
    default:
      return `${t}${pick(rnd, [...STRINGS, ...INTEGERS])}\r\n`;
  }
}

/** Request-shaped multibulk headers and bulks with bad, huge or negative lengths. */
function badMultibulk(rnd: Rnd): string {
  const argc = pick(rnd, [
    '1',
    '2',
    '3',
    '0',
    '-1',
    '-5',
    '1024',
    '2147483647',
    '2147483648',
    '99999999999',
    'a',
    '',
    '1x',
    '+2',
  ]);
  let s = `*${argc}\r\n`;
  const n = int(rnd, 0, 3);
  for (let i = 0; i < n; i++) {
    const arg = pick(rnd, ['PING', 'ECHO', 'SET', 'GET', 'k0', 'x', '']);
    const len =
      rnd() < 0.6
        ? String(arg.length)
        : pick(rnd, ['-1', '-2', '0', '1', '100', '536870912', '536870913', '4294967296', 'x', '']);
    s += `${rnd() < 0.9 ? '$' : pick(rnd, ['+', ':', '*', 'x'])}${len}\r\n${arg}\r\n`;
  }
  return s;
}

/** Inline lines: quotes, escapes, control bytes, blank lines. */
function inlineLine(rnd: Rnd): string {
  const words = [
    'PING',
    'ECHO',
    'SET',
    'GET',
    'k0',
    '"a b"',
    "'x'",
    '"\\x41\\xff"',
    '"unbalanced',
    "'open",
    '"a"b',
    '\\',
    '\t',
    '\x00',
    '\xff',
    '"\\n"',
    '""',
    "''",
  ];
  let s = '';
  const n = int(rnd, 0, 6);
  for (let i = 0; i < n; i++) s += `${pick(rnd, words)}${pick(rnd, [' ', ' ', '  ', '\t'])}`;
  return s + pick(rnd, ['\r\n', '\n', '\r\n', '\r']);
}

/** A random stream of frames, request headers, inline lines and garbage bytes. */
export function randomStream(rnd: Rnd): Buffer {
  let s = '';
  const parts = int(rnd, 1, 6);
  for (let i = 0; i < parts; i++) {
    const r = rnd();
    if (r < 0.3) s += randomFrame(rnd, 3);
    else if (r < 0.55) s += badMultibulk(rnd);
    else if (r < 0.75) s += inlineLine(rnd);
    else if (r < 0.85) s += randomBytes(rnd, int(rnd, 1, 64));
    else if (r < 0.92) s += encode(['PING']).toString('latin1');
    else s += pick(rnd, ['\r\n', '*0\r\n', '*-1\r\n', '\x00'.repeat(int(rnd, 1, 100)), '$5\r\nhello\r\n']);
  }
  if (rnd() < 0.2) s = s.slice(0, int(rnd, 0, s.length));
  return Buffer.from(s, 'latin1');
}

/** Byte-level mutations of valid requests: flips, inserts, deletions, duplications, length edits, truncation. */
export function mutate(rnd: Rnd, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const n = int(rnd, 1, 4);
  for (let m = 0; m < n && b.length > 0; m++) {
    const at = int(rnd, 0, b.length - 1);
    switch (int(rnd, 0, 5)) {
      case 0:
        b[at] = Math.floor(rnd() * 256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rnd() * 256)]), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + int(rnd, 1, 8)))]);
        break;
      case 3: {
        const end = Math.min(b.length, at + int(rnd, 1, 32));
        b = Buffer.concat([b.subarray(0, end), b.subarray(at, end), b.subarray(end)]);
        break;
      }
      case 4: {
        // A digit of a length header: the declared length no longer matches.
        const digit = b.indexOf(pick(rnd, ['$', '*']), at);
        if (digit !== -1 && digit + 1 < b.length) b[digit + 1] = 48 + int(rnd, 0, 9);
        break;
      }
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}

// ---- checking replies ----

/**
 * Split received bytes into complete, well-formed frames (every RESP2/RESP3
 * type Redis sends); throws on a malformed frame or one cut short. With
 * `resp2` set, RESP3-only types are refused anywhere in a frame. With
 * `mayEndCut`, a last frame cut short is accepted (see its callers).
 */
export function strictFrames(buf: Buffer, resp2: boolean, mayEndCut = false): Buffer[] {
  const frames: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const next = checkFrame(buf, pos);
    if (next === -1) {
      if (mayEndCut) break;
      throw new Error(`reply stream ends inside a frame at byte ${pos}`);
    }
    if (resp2) resp2Only(buf, pos);
    frames.push(buf.subarray(pos, next));
    pos = next;
  }
  return frames;
}

/** Walk an already checked frame and refuse RESP3 types; returns the index after it. */
function resp2Only(buf: Buffer, pos: number): number {
  const type = String.fromCharCode(buf[pos] as number);
  if (!'+-:$*'.includes(type)) throw new Error(`RESP3 type '${type}' on a RESP2 connection at byte ${pos}`);
  if (type !== '*') return checkFrame(buf, pos);
  const cr = buf.indexOf(13, pos);
  const n = Number(buf.toString('latin1', pos + 1, cr));
  let p = cr + 2;
  for (let i = 0; i < n; i++) p = resp2Only(buf, p);
  return p;
}

/** The error texts a protocol error may carry, as Redis 7.0 words them. */
export const PROTOCOL_ERRORS = [
  /^-ERR Protocol error: invalid multibulk length\r\n$/,
  /^-ERR Protocol error: invalid bulk length\r\n$/,
  /^-ERR Protocol error: expected '\$', got '.'\r\n$/s,
  /^-ERR Protocol error: too big mbulk count string\r\n$/,
  /^-ERR Protocol error: too big bulk count string\r\n$/,
  /^-ERR Protocol error: too big inline request\r\n$/,
  /^-ERR Protocol error: unbalanced quotes in request\r\n$/,
  /^-ERR Protocol error: unauthenticated multibulk length\r\n$/,
  /^-ERR Protocol error: unauthenticated bulk length\r\n$/,
];

export const isProtocolError = (frame: Buffer): boolean =>
  frame.toString('latin1', 0, 20) === '-ERR Protocol error';

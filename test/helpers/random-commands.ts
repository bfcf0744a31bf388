/**
 * The command generator of the randomized differential run: a table of
 * per-type generators (strings, bitmaps, keyspace, hashes, lists, sets, sorted
 * sets, HyperLogLog, geo, SORT, transactions, databases, pub/sub) that draw
 * commands over a small key set with small member sets, so commands collide
 * (WRONGTYPE, overwrites, empty collections) and hit edges (negative indexes,
 * huge counts, inf scores, empty strings, binary bytes), plus deliberate
 * mistakes (arity, bad numbers, bad options). A new type (streams) is one more
 * entry in TYPES.
 *
 * A generator returns a group: commands sent back to back on one connection.
 * Most are compared byte for byte; a command whose reply Redis leaves to
 * chance carries a `check` that compares by a property, often against the
 * replies of probe commands earlier in its group (the population a random
 * sample must come from), and a command that changes the two servers
 * differently (SPOP) carries a `repair` that brings them back in step.
 */
import assert from 'node:assert/strict';
import { exact } from './diff.js';
import { type Arg, parse, type Value } from './resp.js';

/** The earlier replies of a command's group, parsed, per server. */
export interface GroupReplies {
  redoubt: readonly Value[];
  redis: readonly Value[];
}

/** Throws (an assertion) when Redoubt's reply `a` does not match Redis's `b`. */
export type Check = (a: Buffer, b: Buffer, args: readonly Arg[], group: GroupReplies) => void;

/** Commands to send after the batch to Redoubt and to Redis, to make their data equal again. */
export type Repair = (
  redoubt: Value,
  redis: Value,
  group: GroupReplies,
) => { redoubt: Arg[][]; redis: Arg[][] };

export interface Cmd {
  args: Arg[];
  /** Absent: byte-for-byte comparison. */
  check?: Check;
  repair?: Repair;
  /** Set on commands that must not be mutated into mistakes (blocking ones, pushes before them). */
  fixed?: boolean;
}

type Op = readonly [weight: number, make: (g: Gen) => Arg[] | Cmd[]];

export interface TypeGenerator {
  name: string;
  weight: number;
  ops: readonly Op[];
}

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';
const BINARY = '\x00\r\n\xff\x80bin';
const LONG = 'L'.repeat(70);

/** The key set: small, so that types collide; '' and a binary key included. */
export const KEYS: readonly string[] = [...Array.from({ length: 21 }, (_, i) => `k${i}`), '', `\xff\x00key`];
const KEY_SET = new Set(KEYS);

/**
 * The keys each type prefers: its own few plus one of a neighbour's, so values
 * build up (most commands meet their own type) yet still meet other types.
 */
const HOME: Record<string, readonly string[]> = {
  string: ['k0', 'k1', 'k2', 'k3'],
  hash: ['k4', 'k5', 'k6', 'k3'],
  list: ['k7', 'k8', 'k9', 'k6'],
  set: ['k10', 'k11', 'k12', 'k9'],
  zset: ['k13', 'k14', 'k15', 'k12'],
  hll: ['k16', 'k18', 'k0'],
  geo: ['k17', 'k15'],
  stream: ['k19', 'k20'],
};

// Far-future absolute times (2100-01-01 plus days) and relative TTLs of at most
// ~28 hours: GT/LT compare absolute times only with each other or with
// relative ones a day away, so both servers decide alike whatever the clock.
const ABS_SECONDS = ['4102444800', '4102531200', '4102617600'];
const ABS_PAST = ['1000000000', '1'];

/** Seeded choices. */
export class Gen {
  /** The time part of new stream IDs: it only moves forward. */
  streamMs = 1;

  constructor(readonly rnd: () => number) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  /** A key, from `home` most of the time. */
  key(home?: string, own = 0.85): string {
    const h = home === undefined ? undefined : HOME[home];
    return h !== undefined && this.chance(own) ? this.pick(h) : this.pick(KEYS);
  }

  /**
   * The key a command overwrites whatever its type (SET, *STORE): rarely outside
   * `home`, or values of other types would not live long enough to be exercised.
   */
  target(home: string): string {
    return this.key(home, 0.97);
  }

  keys(home: string, min: number, max: number): string[] {
    return Array.from({ length: min + this.int(max - min + 1) }, () => this.key(home));
  }

  /** A collection member or field: a few common names, now and then an edge. */
  member(): string {
    if (this.chance(0.9)) return this.pick(['a', 'b', 'c', 'd', 'e', '1', '2', '3']);
    // Integers at the intset's edges, and numbers an intset must not take ('-0', '+1', '007').
    return this.pick([
      '',
      BINARY,
      LONG,
      '-5',
      '10',
      '3.5',
      '18446744073709551616',
      'f',
      'g',
      LLONG_MAX,
      LLONG_MIN,
      '-0',
      '+1',
      '007',
    ]);
  }

  members(min: number, max: number): string[] {
    return Array.from({ length: min + this.int(max - min + 1) }, () => this.member());
  }

  /** A string value: numbers (and almost-numbers) mostly, for the INCR family. */
  value(): string {
    return this.pick([
      '1',
      '2',
      '-3',
      '10',
      '0',
      'abc',
      'hello',
      '',
      BINARY,
      '3.5',
      '1e3',
      LLONG_MAX,
      LLONG_MIN,
      ' 1',
      '01',
      LONG,
      '9223372036854775808',
    ]);
  }

  /** A list/range index. */
  index(): string {
    if (this.chance(0.8)) return this.pick(['0', '1', '2', '-1', '-2', '3']);
    return this.pick(['-3', '5', '100', '-100', LLONG_MAX, LLONG_MIN]);
  }

  count(): string {
    if (this.chance(0.85)) return this.pick(['1', '2', '3', '0']);
    return this.pick(['5', '100', '-1', '-3', LLONG_MAX]);
  }

  increment(): string {
    if (this.chance(0.85)) return this.pick(['1', '2', '-1', '5', '-10', '0']);
    return this.pick([LLONG_MAX, LLONG_MIN, '9223372036854775808', '1.5', 'x']);
  }

  float(): string {
    if (this.chance(0.85)) return this.pick(['1.5', '-0.5', '2', '0.1', '-3', '1e2']);
    // Nothing strtod/strtold reads with ERANGE (5e-324, 1e309...): Redis 7.0's SORT
    // tests errno without clearing it, so one ERANGE anywhere fails every later numeric SORT.
    return this.pick(['inf', '-inf', 'nan', '1e300', 'x', '', '0x10', '1e-300']);
  }

  score(): string {
    if (this.chance(0.85)) return this.pick(['0', '1', '2', '3', '-1', '1.5', '-2.5', '10']);
    // -0 is the one score a listpack changes (to 0).
    return this.pick(['inf', '-inf', '+inf', '1e3', 'nan', 'x', '0x1p3', '(1', '-0', '0.1', '5e-1', ' 1']);
  }

  scoreBound(): string {
    if (this.chance(0.9))
      return this.pick(['-inf', '+inf', '0', '1', '(1', '2', '(2', '3', '-1', '(-1', '1.5']);
    return this.pick(['x', '(', 'inf', '-inf', '(inf', 'nan']);
  }

  lexBound(): string {
    if (this.chance(0.9)) return this.pick(['-', '+', '[a', '(a', '[b', '(c', '[d', '[1', '(3', '[']);
    return this.pick(['a', '', '(', 'x']);
  }

  /** A relative TTL in seconds: large, or an edge that deletes or is refused. */
  seconds(): string {
    if (this.chance(0.9)) return this.pick(['1000', '5000', '20000', '100000']);
    return this.pick(['0', '-1', LLONG_MAX, 'x', '1.5']);
  }

  milliseconds(): string {
    if (this.chance(0.9)) return this.pick(['1000000', '5000000', '20000000']);
    return this.pick(['0', '-5', LLONG_MAX, '']);
  }

  /**
   * An absolute time in seconds; `past` allows one long gone (EXPIREAT and
   * GETEX delete the key at once; SET would store a key that only the servers'
   * differently timed active expiry removes, so DBSIZE would differ).
   */
  absSeconds(past = true): string {
    return past && this.chance(0.1) ? this.pick(ABS_PAST) : this.pick(ABS_SECONDS);
  }

  absMilliseconds(past = true): string {
    return `${this.absSeconds(past)}${this.pick(['000', '500'])}`;
  }
}

// ---- comparators that need more than the reply -------------------------------------

const label = (args: readonly Arg[]): string => JSON.stringify(args.map(String));

const isError = (v: Value): boolean => v !== null && typeof v === 'object' && 'error' in v;

const typeByte = (b: Buffer): string => String.fromCharCode(b[0] as number);

/** Stable text for a reply element (bigints included). */
const text = (v: Value): string => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));

/** Elements of a flat or RESP3-nested array of pairs, as "member score" texts. */
function pairTexts(v: Value): string[] {
  if (!Array.isArray(v)) return [];
  if (v.every((x) => Array.isArray(x))) return v.map((x) => text(x));
  const out: string[] = [];
  for (let i = 0; i + 1 < v.length; i += 2) out.push(text([v[i] as Value, v[i + 1] as Value]));
  return out;
}

/** Same type byte and the same elements in any order. */
const unorderedCheck: Check = (a, b, args) => {
  assert.equal(typeByte(a), typeByte(b), `reply type differs for ${label(args)}`);
  const items = (buf: Buffer): string[] => {
    const v = parse(buf)[0];
    return Array.isArray(v) ? v.map(text).sort() : [text(v)];
  };
  assert.deepEqual(items(a), items(b), `elements differ for ${label(args)}`);
};

/** Same type byte and the same pairs in any order (HGETALL of a hashtable, RESP2 or RESP3). */
const unorderedPairsCheck: Check = (a, b, args) => {
  assert.equal(typeByte(a), typeByte(b), `reply type differs for ${label(args)}`);
  const pairs = (buf: Buffer): string[] => {
    const v = parse(buf)[0];
    return Array.isArray(v) ? pairTexts(v).sort() : [text(v)];
  };
  assert.deepEqual(pairs(a), pairs(b), `pairs differ for ${label(args)}`);
};

/**
 * Exact when the group's probe `at` (OBJECT ENCODING or TYPE) answered one of
 * `ordered` (a listpack or intset keeps a deterministic order), else `loose`.
 */
const byProbe =
  (at: number, ordered: readonly string[], loose: Check): Check =>
  (a, b, args, group) => {
    const probe = group.redis[at];
    const name = probe !== null && typeof probe === 'object' && 'status' in probe ? probe.status : probe;
    if (typeof name === 'string' && ordered.includes(name)) exact(a, b, args);
    else loose(a, b, args, group);
  };

/**
 * TTL-like integers: negative answers (no key, no TTL) exactly, remaining
 * times within `tolerance` (each server reads its own clock).
 */
const nearTtl =
  (tolerance: number): Check =>
  (a, b, args) => {
    const x = parse(a)[0];
    const y = parse(b)[0];
    if (typeof x === 'number' && typeof y === 'number' && x >= 0 && y >= 0) {
      assert.ok(Math.abs(x - y) <= tolerance, `${label(args)}: ${x} vs ${y}`);
    } else {
      exact(a, b, args);
    }
  };

/** The member names of a population probe (SMEMBERS, KEYS, ZRANGE/HGETALL pairs). */
function population(v: Value, pairs: boolean): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  if (!Array.isArray(v)) return out;
  if (!pairs) {
    for (const x of v) out.set(String(x), undefined);
    return out;
  }
  const flat = v.every((x) => Array.isArray(x)) ? (v as Value[][]).flat() : v;
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(String(flat[i]), text(flat[i + 1] as Value));
  return out;
}

/**
 * A random sample (SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER, RANDOMKEY): the
 * same reply type and length on both servers, every element (and its score or
 * value, when `withValues`) from the population the probe at `at` returned on
 * that server (`probePairs`: a reply of pairs), distinct elements when `distinct`.
 */
const sampleOf =
  (at: number, probePairs: boolean, withValues: boolean, distinct: boolean): Check =>
  (a, b, args, group) => {
    const x = parse(a)[0];
    const y = parse(b)[0];
    assert.equal(typeByte(a), typeByte(b), `reply type differs for ${label(args)}: ${text(x)} vs ${text(y)}`);
    if (isError(x) || isError(y) || x === null || y === null) {
      exact(a, b, args);
      return;
    }
    const pop = population(group.redoubt[at] as Value, probePairs);
    if (!Array.isArray(x) || !Array.isArray(y)) {
      assert.ok(pop.has(String(x)), `${label(args)}: ${text(x)} is not a member`);
      return;
    }
    assert.equal(x.length, y.length, `length differs for ${label(args)}: ${text(x)} vs ${text(y)}`);
    const items = withValues ? pairTexts(x).map((p) => JSON.parse(p) as Value[]) : x.map((m) => [m]);
    for (const [m, s] of items) {
      assert.ok(pop.has(String(m)), `${label(args)}: ${text(m as Value)} is not a member`);
      if (withValues)
        assert.equal(
          text(s as Value),
          pop.get(String(m)),
          `${label(args)}: wrong value of ${text(m as Value)}`,
        );
    }
    if (distinct) {
      const names = items.map(([m]) => String(m));
      assert.equal(new Set(names).size, names.length, `${label(args)}: repeated elements ${text(x)}`);
    }
  };

/**
 * One SCAN-family call from cursor 0: [cursor, elements], every element from the
 * probe's population; when both servers finished in one call, the same elements.
 */
const scanOf =
  (at: number, pairs: boolean): Check =>
  (a, b, args, group) => {
    const x = parse(a)[0];
    const y = parse(b)[0];
    if (!Array.isArray(x) || !Array.isArray(y)) {
      exact(a, b, args);
      return;
    }
    const pop = population(group.redoubt[at] as Value, pairs);
    const found = pairs ? pairTexts(x[1] as Value) : (x[1] as Value[]).map((m) => text([m]));
    for (const f of found) {
      const [m, s] = JSON.parse(f) as [string, Value];
      assert.ok(pop.has(m), `${label(args)}: ${JSON.stringify(m)} is not in the population`);
      if (pairs) assert.equal(text(s), pop.get(m), `${label(args)}: wrong value of ${JSON.stringify(m)}`);
    }
    if (x[0] === '0' && y[0] === '0') {
      const theirs = pairs ? pairTexts(y[1] as Value) : (y[1] as Value[]).map((m) => text([m]));
      assert.deepEqual(
        [...new Set(found)].sort(),
        [...new Set(theirs)].sort(),
        `${label(args)}: elements differ`,
      );
    }
  };

/**
 * SPOP that popped different members from `key`: give each server back what it
 * popped, so both hold the probe's population again.
 */
function readdPopped(key: string): Repair {
  const asList = (v: Value): string[] =>
    Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
  return (redoubt, redis) => {
    const x = asList(redoubt);
    const y = asList(redis);
    if ([...x].sort().join('\0') === [...y].sort().join('\0')) return { redoubt: [], redis: [] };
    return {
      redoubt: x.length > 0 ? [['SADD', key, ...x]] : [],
      redis: y.length > 0 ? [['SADD', key, ...y]] : [],
    };
  };
}

const ENCODED_ORDER = ['listpack', 'intset', 'ziplist'];

/** [OBJECT ENCODING k, cmd]: the command compared exactly when the encoding keeps an order. */
function orderedByEncoding(key: string, args: Arg[], loose: Check): Cmd[] {
  return [{ args: ['OBJECT', 'ENCODING', key] }, { args, check: byProbe(0, ENCODED_ORDER, loose) }];
}

// ---- the generators, one per type ------------------------------------------------------

const pick2 = <T>(g: Gen, a: T, b: T): T => (g.chance(0.5) ? a : b);

const strings: TypeGenerator = {
  name: 'string',
  weight: 12,
  ops: [
    [
      8,
      (g) => {
        const args: Arg[] = ['SET', g.target('string'), g.value()];
        if (g.chance(0.25)) args.push(pick2(g, 'NX', 'XX'));
        if (g.chance(0.2)) args.push('GET');
        if (g.chance(0.25)) {
          const opt = g.pick(['EX', 'PX', 'EXAT', 'PXAT', 'KEEPTTL']);
          args.push(opt);
          if (opt === 'EX') args.push(g.seconds());
          else if (opt === 'PX') args.push(g.milliseconds());
          else if (opt === 'EXAT') args.push(g.absSeconds(false));
          else if (opt === 'PXAT') args.push(g.absMilliseconds(false));
        }
        return args;
      },
    ],
    [6, (g) => ['GET', g.key('string')]],
    [2, (g) => ['GETSET', g.target('string'), g.value()]],
    [1, (g) => ['GETDEL', g.key('string')]],
    [
      2,
      (g) => {
        const opt = g.pick(['', 'EX', 'PX', 'EXAT', 'PXAT', 'PERSIST']);
        const args: Arg[] = ['GETEX', g.key('string')];
        if (opt === 'EX') args.push(opt, g.seconds());
        else if (opt === 'PX') args.push(opt, g.milliseconds());
        else if (opt === 'EXAT') args.push(opt, g.absSeconds());
        else if (opt === 'PXAT') args.push(opt, g.absMilliseconds());
        else if (opt === 'PERSIST') args.push(opt);
        return args;
      },
    ],
    [2, (g) => ['MGET', ...g.keys('string', 1, 4)]],
    [2, (g) => ['MSET', g.target('string'), g.value(), g.target('string'), g.value()]],
    [1, (g) => ['MSETNX', g.key('string'), g.value(), g.key('string'), g.value()]],
    [3, (g) => ['APPEND', g.key('string'), g.value()]],
    [2, (g) => ['STRLEN', g.key('string')]],
    [3, (g) => [pick2(g, 'INCR', 'DECR'), g.key('string')]],
    [3, (g) => [pick2(g, 'INCRBY', 'DECRBY'), g.key('string'), g.increment()]],
    [2, (g) => ['INCRBYFLOAT', g.key('string'), g.float()]],
    [2, (g) => [pick2(g, 'GETRANGE', 'SUBSTR'), g.key('string'), g.index(), g.index()]],
    [
      2,
      (g) => [
        'SETRANGE',
        g.key('string'),
        g.chance(0.9) ? g.pick(['0', '1', '3', '10']) : g.pick(['-1', '536870912', LLONG_MAX]),
        g.value(),
      ],
    ],
    [1, (g) => ['SETNX', g.key('string'), g.value()]],
    [1, (g) => ['SETEX', g.target('string'), g.seconds(), g.value()]],
    [1, (g) => ['PSETEX', g.target('string'), g.milliseconds(), g.value()]],
    [
      1,
      (g) => {
        const args: Arg[] = ['LCS', g.key('string'), g.key('string')];
        const form = g.int(4);
        if (form === 1) args.push('LEN');
        if (form >= 2) args.push('IDX');
        if (form === 3) args.push('MINMATCHLEN', g.pick(['0', '1', '2']), 'WITHMATCHLEN');
        return args;
      },
    ],
  ],
};

const BITFIELD_TYPES = ['u8', 'i8', 'u1', 'i16', 'u63', 'i64', 'u4', 'i5'];
const BITFIELD_BAD_TYPES = ['u64', 'i65', 'x8', 'u0'];

const bitmaps: TypeGenerator = {
  name: 'bitmap',
  weight: 4,
  ops: [
    [
      4,
      (g) => [
        'SETBIT',
        g.key('string'),
        g.chance(0.95) ? String(g.int(64)) : g.pick(['-1', '4294967296', 'x']),
        g.chance(0.95) ? pick2(g, '0', '1') : '2',
      ],
    ],
    [3, (g) => ['GETBIT', g.key('string'), g.chance(0.95) ? String(g.int(80)) : '-1']],
    [
      3,
      (g) => {
        const args: Arg[] = ['BITCOUNT', g.key('string')];
        if (g.chance(0.6)) args.push(g.index(), g.index());
        if (args.length > 2 && g.chance(0.4)) args.push(pick2(g, 'BYTE', 'BIT'));
        return args;
      },
    ],
    [
      3,
      (g) => {
        const args: Arg[] = ['BITPOS', g.key('string'), pick2(g, '0', '1')];
        if (g.chance(0.6)) args.push(g.index());
        if (args.length > 3 && g.chance(0.6)) args.push(g.index());
        if (args.length > 4 && g.chance(0.4)) args.push(pick2(g, 'BYTE', 'BIT'));
        return args;
      },
    ],
    [
      2,
      (g) => {
        const op = g.pick(['AND', 'OR', 'XOR', 'NOT']);
        return ['BITOP', op, g.target('string'), ...g.keys('string', 1, op === 'NOT' ? 1 : 3)];
      },
    ],
    [
      3,
      (g) => {
        const args: Arg[] = [g.chance(0.8) ? 'BITFIELD' : 'BITFIELD_RO', g.key('string')];
        const n = 1 + g.int(3);
        for (let i = 0; i < n; i++) {
          const type = g.chance(0.95) ? g.pick(BITFIELD_TYPES) : g.pick(BITFIELD_BAD_TYPES);
          const offset = g.chance(0.95)
            ? g.pick(['0', '1', '7', '8', '13', '#1', '#2'])
            : g.pick(['-1', 'x']);
          const sub = args[0] === 'BITFIELD_RO' ? 'GET' : g.pick(['GET', 'SET', 'INCRBY', 'OVERFLOW']);
          if (sub === 'GET') args.push('GET', type, offset);
          else if (sub === 'SET') args.push('SET', type, offset, g.increment());
          else if (sub === 'INCRBY') args.push('INCRBY', type, offset, g.increment());
          else args.push('OVERFLOW', g.pick(['WRAP', 'SAT', 'FAIL', 'BAD']));
        }
        return args;
      },
    ],
  ],
};

const EXPIRE_FLAGS = ['NX', 'XX'];
const EXPIREAT_FLAGS = ['NX', 'XX', 'GT', 'LT'];

const keyspace: TypeGenerator = {
  name: 'keyspace',
  weight: 10,
  ops: [
    [5, (g) => [pick2(g, 'DEL', 'UNLINK'), ...g.keys('any', 1, 3)]],
    [3, (g) => ['EXISTS', ...g.keys('any', 1, 3)]],
    [3, (g) => ['TYPE', g.key()]],
    [2, (g) => [pick2(g, 'RENAME', 'RENAMENX'), g.key(), g.key()]],
    [
      2,
      (g) => {
        const args: Arg[] = ['COPY', g.key(), g.key()];
        if (g.chance(0.3)) args.push('DB', g.pick(['0', '1', '2', '16']));
        if (g.chance(0.4)) args.push('REPLACE');
        return args;
      },
    ],
    [1, (g) => ['MOVE', g.key(), g.pick(['0', '1', '2', '16', 'x'])]],
    [1, (g) => ['TOUCH', ...g.keys('any', 1, 3)]],
    [
      3,
      (g) => {
        const args: Arg[] = [pick2(g, 'EXPIRE', 'PEXPIRE'), g.key()];
        args.push(args[0] === 'EXPIRE' ? g.seconds() : g.milliseconds());
        if (g.chance(0.3)) args.push(g.pick(EXPIRE_FLAGS));
        if (g.chance(0.03)) args.push(g.pick(['GT', 'NX']));
        return args;
      },
    ],
    [
      2,
      (g) => {
        const args: Arg[] = [pick2(g, 'EXPIREAT', 'PEXPIREAT'), g.key()];
        args.push(args[0] === 'EXPIREAT' ? g.absSeconds() : g.absMilliseconds());
        if (g.chance(0.5)) args.push(g.pick(EXPIREAT_FLAGS));
        return args;
      },
    ],
    [
      3,
      (g) => {
        const cmd = g.pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']);
        return [{ args: [cmd, g.key()], check: nearTtl(cmd.startsWith('P') ? 2000 : 2) }];
      },
    ],
    [2, (g) => ['PERSIST', g.key()]],
    [1, (g) => [{ args: ['KEYS', g.pick(['*', 'k1*', 'k?', '*[0-3]', '\\*', ''])], check: unorderedCheck }]],
    [1, () => ['DBSIZE']],
    [4, (g) => ['OBJECT', 'ENCODING', g.key()]],
    [1, (g) => ['OBJECT', g.pick(['FREQ', 'REFCOUNT', 'NOPE']), g.key()]],
    [
      1,
      () => [
        { args: ['KEYS', '*'], check: unorderedCheck },
        { args: ['RANDOMKEY'], check: sampleOf(0, false, false, true) },
      ],
    ],
    [
      1,
      (g) => {
        const pattern = g.pick(['*', 'k1*']);
        const args: Arg[] = ['SCAN', '0', 'MATCH', pattern, 'COUNT', g.pick(['1', '5', '1000'])];
        return [
          { args: ['KEYS', pattern], check: unorderedCheck },
          { args, check: scanOf(0, false) },
        ];
      },
    ],
    // Bad cursors (not a negative one: strtoull wraps it, and where it lands is the
    // table's business; not an overflowing one: ERANGE, see Gen.float).
    [0.5, (g) => ['SCAN', g.pick(['x', '1.5', ' 1']), 'COUNT', g.pick(['0', '1'])]],
  ],
};

const hashes: TypeGenerator = {
  name: 'hash',
  weight: 10,
  ops: [
    [
      8,
      (g) => {
        const args: Arg[] = [g.chance(0.8) ? 'HSET' : 'HMSET', g.key('hash')];
        const n = 1 + g.int(3);
        for (let i = 0; i < n; i++) args.push(g.member(), g.value());
        return args;
      },
    ],
    [2, (g) => ['HSETNX', g.key('hash'), g.member(), g.value()]],
    [5, (g) => ['HGET', g.key('hash'), g.member()]],
    [2, (g) => ['HMGET', g.key('hash'), ...g.members(1, 4)]],
    [3, (g) => ['HDEL', g.key('hash'), ...g.members(1, 3)]],
    [2, (g) => ['HEXISTS', g.key('hash'), g.member()]],
    [2, (g) => ['HLEN', g.key('hash')]],
    [2, (g) => ['HSTRLEN', g.key('hash'), g.member()]],
    [
      3,
      (g) => {
        const key = g.key('hash');
        const cmd = g.pick(['HKEYS', 'HVALS', 'HGETALL']);
        return orderedByEncoding(key, [cmd, key], cmd === 'HGETALL' ? unorderedPairsCheck : unorderedCheck);
      },
    ],
    [3, (g) => ['HINCRBY', g.key('hash'), g.member(), g.increment()]],
    [2, (g) => ['HINCRBYFLOAT', g.key('hash'), g.member(), g.float()]],
    [
      2,
      (g) => {
        const key = g.key('hash');
        const args: Arg[] = ['HRANDFIELD', key];
        const withValues = g.chance(0.4);
        if (g.chance(0.7)) args.push(g.pick(['1', '2', '3', '10', '0', '-2', '-5']));
        if (args.length > 2 && withValues) args.push('WITHVALUES');
        const distinct = args.length > 2 && !String(args[2]).startsWith('-');
        return [
          { args: ['HGETALL', key], check: unorderedPairsCheck },
          { args, check: sampleOf(0, true, args.length > 3, distinct) },
        ];
      },
    ],
    [
      1,
      (g) => {
        const key = g.key('hash');
        const args: Arg[] = ['HSCAN', key, '0', 'COUNT', g.pick(['1', '100'])];
        if (g.chance(0.3)) args.push('MATCH', g.pick(['*', 'a*', '[12]']));
        return [
          { args: ['HGETALL', key], check: unorderedPairsCheck },
          { args, check: scanOf(0, true) },
        ];
      },
    ],
  ],
};

const side = (g: Gen): string => (g.chance(0.5) ? 'LEFT' : 'RIGHT');

const lists: TypeGenerator = {
  name: 'list',
  weight: 12,
  ops: [
    [8, (g) => [pick2(g, 'LPUSH', 'RPUSH'), g.key('list'), ...g.members(1, 4)]],
    [2, (g) => [pick2(g, 'LPUSHX', 'RPUSHX'), g.key('list'), ...g.members(1, 2)]],
    [
      4,
      (g) => {
        const args: Arg[] = [pick2(g, 'LPOP', 'RPOP'), g.key('list')];
        if (g.chance(0.4)) args.push(g.count());
        return args;
      },
    ],
    [2, (g) => ['LLEN', g.key('list')]],
    [5, (g) => ['LRANGE', g.key('list'), g.index(), g.index()]],
    [2, (g) => ['LINDEX', g.key('list'), g.index()]],
    [2, (g) => ['LSET', g.key('list'), g.index(), g.member()]],
    [
      2,
      (g) => [
        'LINSERT',
        g.key('list'),
        g.chance(0.95) ? pick2(g, 'BEFORE', 'AFTER') : 'MIDDLE',
        g.member(),
        g.member(),
      ],
    ],
    [2, (g) => ['LREM', g.key('list'), g.pick(['0', '1', '-1', '2', '-2', '100']), g.member()]],
    [2, (g) => ['LTRIM', g.key('list'), g.index(), g.index()]],
    [
      2,
      (g) => {
        const args: Arg[] = ['LPOS', g.key('list'), g.member()];
        if (g.chance(0.4)) args.push('RANK', g.pick(['1', '-1', '2', '-2', '0', LLONG_MIN]));
        if (g.chance(0.4)) args.push('COUNT', g.pick(['0', '1', '2', '-1']));
        if (g.chance(0.3)) args.push('MAXLEN', g.pick(['0', '1', '3', '-1']));
        return args;
      },
    ],
    [3, (g) => ['LMOVE', g.key('list'), g.key('list'), side(g), side(g)]],
    [1, (g) => ['RPOPLPUSH', g.key('list'), g.key('list')]],
    [
      2,
      (g) => {
        const keys = g.keys('list', 1, 3);
        const args: Arg[] = ['LMPOP', String(keys.length), ...keys, side(g)];
        if (g.chance(0.5)) args.push('COUNT', g.pick(['1', '2', '5', '0', '-1']));
        return args;
      },
    ],
    // Blocking pops on a list made non-empty first (or of another type: WRONGTYPE at once).
    [
      3,
      (g) => {
        const key = g.key('list');
        const push: Cmd = { args: ['RPUSH', key, ...g.members(1, 3)], fixed: true };
        const form = g.int(5);
        const others = g.keys('list', 0, 2);
        const timeout = g.pick(['0', '1', '0.5', '100']);
        let args: Arg[];
        if (form === 0) args = [pick2(g, 'BLPOP', 'BRPOP'), key, ...others, timeout];
        else if (form === 1) args = ['BLMOVE', key, g.key('list'), side(g), side(g), timeout];
        else if (form === 2) args = ['BRPOPLPUSH', key, g.key('list'), timeout];
        else {
          args = ['BLMPOP', timeout, String(1 + others.length), key, ...others, side(g)];
          if (g.chance(0.5)) args.push('COUNT', g.pick(['1', '2', '10']));
        }
        return [push, { args, fixed: true }];
      },
    ],
    [
      0.5,
      (g) => [
        {
          args: [pick2(g, 'BLPOP', 'BRPOP'), g.key('list'), g.pick(['-1', 'x', '1e100', 'inf'])],
          fixed: true,
        },
      ],
    ],
  ],
};

const sets: TypeGenerator = {
  name: 'set',
  weight: 10,
  ops: [
    [8, (g) => ['SADD', g.key('set'), ...g.members(1, 4)]],
    [3, (g) => ['SREM', g.key('set'), ...g.members(1, 3)]],
    [2, (g) => ['SCARD', g.key('set')]],
    [2, (g) => ['SISMEMBER', g.key('set'), g.member()]],
    [2, (g) => ['SMISMEMBER', g.key('set'), ...g.members(1, 3)]],
    [
      3,
      (g) => {
        const key = g.key('set');
        return orderedByEncoding(key, ['SMEMBERS', key], unorderedCheck);
      },
    ],
    [
      2,
      (g) => {
        const key = g.key('set');
        const args: Arg[] = ['SRANDMEMBER', key];
        if (g.chance(0.7)) args.push(g.pick(['1', '2', '3', '10', '0', '-2', '-5']));
        const distinct = args.length > 2 && !String(args[2]).startsWith('-');
        return [
          { args: ['SMEMBERS', key], check: unorderedCheck },
          { args, check: sampleOf(0, false, false, distinct) },
        ];
      },
    ],
    [
      2,
      (g) => {
        const key = g.key('set');
        const args: Arg[] = ['SPOP', key];
        if (g.chance(0.6)) args.push(g.pick(['1', '2', '3', '10', '0']));
        return [
          { args: ['SMEMBERS', key], check: unorderedCheck },
          { args, check: sampleOf(0, false, false, true), repair: readdPopped(key) },
        ];
      },
    ],
    [0.3, (g) => ['SPOP', g.key('set'), g.pick(['-1', 'x'])]],
    [2, (g) => ['SMOVE', g.key('set'), g.key('set'), g.member()]],
    [
      3,
      (g) => [
        { args: [g.pick(['SINTER', 'SUNION', 'SDIFF']), ...g.keys('set', 1, 3)], check: unorderedCheck },
      ],
    ],
    [
      2,
      (g) => [g.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), g.target('set'), ...g.keys('set', 1, 3)],
    ],
    [
      1,
      (g) => {
        const keys = g.keys('set', 1, 3);
        const args: Arg[] = ['SINTERCARD', g.chance(0.95) ? String(keys.length) : '0', ...keys];
        if (g.chance(0.4)) args.push('LIMIT', g.pick(['0', '1', '2', '-1']));
        return args;
      },
    ],
    [
      1,
      (g) => {
        const key = g.key('set');
        const args: Arg[] = ['SSCAN', key, '0', 'COUNT', g.pick(['1', '100'])];
        return [
          { args: ['SMEMBERS', key], check: unorderedCheck },
          { args, check: scanOf(0, false) },
        ];
      },
    ],
  ],
};

function zaddArgs(g: Gen, key: string): Arg[] {
  const args: Arg[] = ['ZADD', key];
  if (g.chance(0.2)) args.push(pick2(g, 'NX', 'XX'));
  if (g.chance(0.2)) args.push(pick2(g, 'GT', 'LT'));
  if (g.chance(0.2)) args.push('CH');
  const incr = g.chance(0.1);
  if (incr) args.push('INCR');
  const n = incr && g.chance(0.9) ? 1 : 1 + g.int(3);
  for (let i = 0; i < n; i++) args.push(g.score(), g.member());
  return args;
}

const withScores = (g: Gen, args: Arg[]): Arg[] => (g.chance(0.5) ? [...args, 'WITHSCORES'] : args);

const limit = (g: Gen, args: Arg[]): Arg[] =>
  g.chance(0.3)
    ? [...args, 'LIMIT', g.pick(['0', '1', '-1', '2']), g.pick(['1', '2', '-1', '0', '100'])]
    : args;

/** ZRANGE's unified form: by rank, score or lex, maybe REV, LIMIT (with BYSCORE/BYLEX). */
function zrangeTail(g: Gen): Arg[] {
  const by = g.pick(['', 'BYSCORE', 'BYLEX']);
  const rev = g.chance(0.3);
  let lo: string;
  let hi: string;
  if (by === 'BYSCORE') [lo, hi] = [g.scoreBound(), g.scoreBound()];
  else if (by === 'BYLEX') [lo, hi] = [g.lexBound(), g.lexBound()];
  else [lo, hi] = [g.index(), g.index()];
  const args: Arg[] = [lo, hi];
  if (by !== '') args.push(by);
  if (rev) args.push('REV');
  if (by !== '' || g.chance(0.05)) return limit(g, args);
  return args;
}

/** ZUNION/ZINTER/ZDIFF (and STORE forms): numkeys, keys, WEIGHTS, AGGREGATE. */
function zalgebra(g: Gen, store: boolean): Arg[] {
  const op = g.pick(['ZUNION', 'ZINTER', 'ZDIFF']);
  const keys = Array.from({ length: 1 + g.int(3) }, () => g.key(g.chance(0.8) ? 'zset' : 'set'));
  const args: Arg[] = store ? [`${op}STORE`, g.target('zset')] : [op];
  args.push(g.chance(0.95) ? String(keys.length) : g.pick(['0', '-1', '5']), ...keys);
  if (op !== 'ZDIFF' && g.chance(0.4)) {
    args.push('WEIGHTS', ...keys.map(() => g.pick(['1', '2', '-1', '0', 'inf', '-inf', '0.5'])));
  }
  if (op !== 'ZDIFF' && g.chance(0.4)) args.push('AGGREGATE', g.pick(['SUM', 'MIN', 'MAX', 'AVG']));
  if (!store && g.chance(0.5)) args.push('WITHSCORES');
  return args;
}

/**
 * Lex ranges are defined for equal scores only. Redis answers for any sorted
 * set, deterministically for a listpack (it walks the entries) but for a
 * skiplist with mixed scores by a descent that depends on its random node
 * levels. So a lex command comes after two probes (encoding, contents) and is
 * compared exactly where Redis is deterministic, by reply type elsewhere; a
 * lex command that wrote there is undone by deleting what it wrote, on both.
 */
function guardLex(args: Arg[]): Arg[] | Cmd[] {
  const name = String(args[0]);
  if (!name.includes('LEX') && !args.includes('BYLEX')) return args;
  const store = name === 'ZRANGESTORE';
  const source = (store ? args[2] : args[1]) as string;
  const written = store ? (args[1] as string) : name === 'ZREMRANGEBYLEX' ? source : undefined;
  const cmd: Cmd = {
    args,
    check: (a, b, cmdArgs, group) => (lexDefined(group) ? exact : sameTypeCheck)(a, b, cmdArgs, group),
  };
  if (written !== undefined) {
    cmd.repair = (_a, _b, group) => {
      if (lexDefined(group)) return { redoubt: [], redis: [] };
      return { redoubt: [['DEL', written]], redis: [['DEL', written]] };
    };
  }
  return [
    { args: ['OBJECT', 'ENCODING', source] },
    { args: ['ZRANGE', source, '0', '-1', 'WITHSCORES'] },
    cmd,
  ];
}

/** Redis's lex answer is deterministic: a listpack (or no sorted set), or equal scores. */
function lexDefined(group: GroupReplies): boolean {
  if (group.redis[0] !== 'skiplist') return true;
  return new Set(population(group.redis[1] as Value, true).values()).size <= 1;
}

const sameTypeCheck: Check = (a, b, args) =>
  assert.equal(typeByte(a), typeByte(b), `reply type differs for ${label(args)}: ${a} vs ${b}`);

const sortedSets: TypeGenerator = {
  name: 'zset',
  weight: 14,
  ops: [
    [10, (g) => zaddArgs(g, g.key('zset'))],
    [2, (g) => ['ZINCRBY', g.key('zset'), g.score(), g.member()]],
    [3, (g) => ['ZREM', g.key('zset'), ...g.members(1, 3)]],
    [2, (g) => ['ZCARD', g.key('zset')]],
    [2, (g) => ['ZCOUNT', g.key('zset'), g.scoreBound(), g.scoreBound()]],
    [2, (g) => guardLex(['ZLEXCOUNT', g.key('zset'), g.lexBound(), g.lexBound()])],
    [2, (g) => ['ZSCORE', g.key('zset'), g.member()]],
    [1, (g) => ['ZMSCORE', g.key('zset'), ...g.members(1, 3)]],
    [2, (g) => [pick2(g, 'ZRANK', 'ZREVRANK'), g.key('zset'), g.member()]],
    [6, (g) => guardLex(withScores(g, ['ZRANGE', g.key('zset'), ...zrangeTail(g)]))],
    [2, (g) => guardLex(['ZRANGESTORE', g.target('zset'), g.key('zset'), ...zrangeTail(g)])],
    [
      3,
      (g) => {
        const rev = g.chance(0.4);
        const b = [g.scoreBound(), g.scoreBound()];
        return limit(g, withScores(g, [rev ? 'ZREVRANGEBYSCORE' : 'ZRANGEBYSCORE', g.key('zset'), ...b]));
      },
    ],
    [
      2,
      (g) => {
        const rev = g.chance(0.4);
        return guardLex(
          limit(g, [rev ? 'ZREVRANGEBYLEX' : 'ZRANGEBYLEX', g.key('zset'), g.lexBound(), g.lexBound()]),
        );
      },
    ],
    [1, (g) => withScores(g, ['ZREVRANGE', g.key('zset'), g.index(), g.index()])],
    [1, (g) => ['ZREMRANGEBYRANK', g.key('zset'), g.index(), g.index()]],
    [1, (g) => ['ZREMRANGEBYSCORE', g.key('zset'), g.scoreBound(), g.scoreBound()]],
    [1, (g) => guardLex(['ZREMRANGEBYLEX', g.key('zset'), g.lexBound(), g.lexBound()])],
    [
      3,
      (g) => {
        const args: Arg[] = [pick2(g, 'ZPOPMIN', 'ZPOPMAX'), g.key('zset')];
        if (g.chance(0.4)) args.push(g.count());
        return args;
      },
    ],
    [
      2,
      (g) => {
        const keys = g.keys('zset', 1, 3);
        const args: Arg[] = ['ZMPOP', String(keys.length), ...keys, pick2(g, 'MIN', 'MAX')];
        if (g.chance(0.5)) args.push('COUNT', g.pick(['1', '2', '5', '0', '-1']));
        return args;
      },
    ],
    // Blocking pops on a sorted set made non-empty first.
    [
      2,
      (g) => {
        const key = g.key('zset');
        const push: Cmd = { args: ['ZADD', key, g.pick(['1', '2', '-1']), g.member()], fixed: true };
        const others = g.keys('zset', 0, 2);
        const timeout = g.pick(['0', '1', '0.5']);
        let args: Arg[];
        if (g.chance(0.6)) args = [pick2(g, 'BZPOPMIN', 'BZPOPMAX'), key, ...others, timeout];
        else {
          args = ['BZMPOP', timeout, String(1 + others.length), key, ...others, pick2(g, 'MIN', 'MAX')];
          if (g.chance(0.5)) args.push('COUNT', g.pick(['1', '2', '10']));
        }
        return [push, { args, fixed: true }];
      },
    ],
    [4, (g) => zalgebra(g, false)],
    [2, (g) => zalgebra(g, true)],
    [
      1,
      (g) => {
        const keys = g.keys('zset', 1, 3);
        const args: Arg[] = ['ZINTERCARD', String(keys.length), ...keys];
        if (g.chance(0.4)) args.push('LIMIT', g.pick(['0', '1', '-1']));
        return args;
      },
    ],
    [
      2,
      (g) => {
        const key = g.key('zset');
        const args: Arg[] = ['ZRANDMEMBER', key];
        if (g.chance(0.7)) args.push(g.pick(['1', '2', '3', '10', '0', '-2', '-5']));
        if (args.length > 2 && g.chance(0.4)) args.push('WITHSCORES');
        const distinct = args.length > 2 && !String(args[2]).startsWith('-');
        return [
          { args: ['ZRANGE', key, '0', '-1', 'WITHSCORES'] },
          { args, check: sampleOf(0, true, args.length > 3, distinct) },
        ];
      },
    ],
    [
      1,
      (g) => {
        const key = g.key('zset');
        return [
          { args: ['ZRANGE', key, '0', '-1', 'WITHSCORES'] },
          { args: ['ZSCAN', key, '0', 'COUNT', g.pick(['1', '100'])], check: scanOf(0, true) },
        ];
      },
    ],
  ],
};

const hyperloglogs: TypeGenerator = {
  name: 'hll',
  weight: 3,
  ops: [
    [5, (g) => ['PFADD', g.key('hll'), ...g.members(0, 4)]],
    // Enough distinct elements, now and then, to go from the sparse to the dense format.
    [0.3, (g) => ['PFADD', g.key('hll'), ...Array.from({ length: 200 }, () => `e${g.int(100000)}`)]],
    [4, (g) => ['PFCOUNT', ...g.keys('hll', 1, 3)]],
    [2, (g) => ['PFMERGE', g.target('hll'), ...g.keys('hll', 0, 3)]],
    [2, (g) => ['GET', g.key('hll')]],
  ],
};

const LONLAT: readonly (readonly [string, string])[] = [
  ['13.361389', '38.115556'],
  ['15.087269', '37.502669'],
  ['13.5', '38.0'],
  ['2.3522', '48.8566'],
  ['-73.9857', '40.7484'],
  ['180', '85.05112878'],
  ['-180', '-85.05112878'],
];
const BAD_LONLAT: readonly (readonly [string, string])[] = [
  ['181', '0'],
  ['0', '86'],
  ['x', '1'],
];

const unit = (g: Gen): string => g.pick(['m', 'km', 'mi', 'ft', 'KM', 'parsec']);

/** The shape options of GEOSEARCH (FROMMEMBER|FROMLONLAT, BYRADIUS|BYBOX, ASC|DESC, COUNT). */
function geoSearchTail(g: Gen, withReplyOptions: boolean): Arg[] {
  const args: Arg[] = [];
  if (g.chance(0.5)) args.push('FROMMEMBER', g.member());
  else args.push('FROMLONLAT', ...g.pick(LONLAT));
  if (g.chance(0.6)) args.push('BYRADIUS', g.pick(['100', '200', '500', '10000', '0', '-1']), unit(g));
  else args.push('BYBOX', g.pick(['400', '1000', '20000']), g.pick(['400', '1000', '20000']), unit(g));
  if (g.chance(0.7)) args.push(pick2(g, 'ASC', 'DESC'));
  if (g.chance(0.3)) args.push('COUNT', g.pick(['1', '2', '0']), ...(g.chance(0.2) ? ['ANY'] : []));
  if (withReplyOptions) {
    if (g.chance(0.4)) args.push('WITHCOORD');
    if (g.chance(0.4)) args.push('WITHDIST');
    if (g.chance(0.3)) args.push('WITHHASH');
  }
  return args;
}

const geo: TypeGenerator = {
  name: 'geo',
  weight: 4,
  ops: [
    [
      5,
      (g) => {
        const args: Arg[] = ['GEOADD', g.key('geo')];
        if (g.chance(0.2)) args.push(pick2(g, 'NX', 'XX'));
        if (g.chance(0.2)) args.push('CH');
        const n = 1 + g.int(3);
        for (let i = 0; i < n; i++)
          args.push(...(g.chance(0.95) ? g.pick(LONLAT) : g.pick(BAD_LONLAT)), g.member());
        return args;
      },
    ],
    [2, (g) => ['GEOPOS', g.key('geo'), ...g.members(1, 3)]],
    [2, (g) => ['GEODIST', g.key('geo'), g.member(), g.member(), ...(g.chance(0.5) ? [unit(g)] : [])]],
    [2, (g) => ['GEOHASH', g.key('geo'), ...g.members(1, 3)]],
    [4, (g) => ['GEOSEARCH', g.key('geo'), ...geoSearchTail(g, true)]],
    [
      2,
      (g) => [
        'GEOSEARCHSTORE',
        g.target('geo'),
        g.key('geo'),
        ...geoSearchTail(g, false),
        ...(g.chance(0.4) ? ['STOREDIST'] : []),
      ],
    ],
    [
      1,
      (g) => [
        g.pick(['GEORADIUS', 'GEORADIUS_RO']),
        g.key('geo'),
        ...g.pick(LONLAT),
        g.pick(['100', '500', '10000']),
        unit(g),
        ...(g.chance(0.5) ? [pick2(g, 'ASC', 'DESC')] : []),
        ...(g.chance(0.4) ? ['WITHDIST'] : []),
      ],
    ],
    [
      1,
      (g) => [
        g.pick(['GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO']),
        g.key('geo'),
        g.member(),
        g.pick(['100', '500', '10000']),
        unit(g),
        ...(g.chance(0.5) ? [pick2(g, 'ASC', 'DESC')] : []),
        ...(g.chance(0.4) ? ['WITHCOORD'] : []),
      ],
    ],
  ],
};

/** Same type byte and, for arrays, the same length (with LIMIT, a set's unsorted output picks any members). */
const sameLengthCheck: Check = (a, b, args) => {
  const x = parse(a)[0];
  const y = parse(b)[0];
  assert.equal(typeByte(a), typeByte(b), `reply type differs for ${label(args)}`);
  if (Array.isArray(x) && Array.isArray(y))
    assert.equal(x.length, y.length, `length differs for ${label(args)}`);
  else exact(a, b, args);
};

/** SORT patterns hit keys of the key set (elements '1', '2', '3' name k1, k2, k3). */
function sortArgs(g: Gen, ro: boolean): { args: Arg[]; nosort: boolean } {
  const args: Arg[] = [ro ? 'SORT_RO' : 'SORT', g.key(g.pick(['list', 'set', 'zset']))];
  let nosort = false;
  if (g.chance(0.3)) {
    const by = g.pick(['k*', 'nosort', 'k*->a', 'missing_*']);
    nosort = by === 'nosort';
    args.push('BY', by);
  }
  if (g.chance(0.3)) args.push('LIMIT', g.pick(['0', '1', '-1']), g.pick(['1', '2', '-1', '10']));
  if (g.chance(0.3)) {
    const n = 1 + g.int(2);
    for (let i = 0; i < n; i++) args.push('GET', g.pick(['#', 'k*', 'k*->a', 'k*->b', 'nope*']));
  }
  if (g.chance(0.4)) args.push(pick2(g, 'ASC', 'DESC'));
  if (g.chance(0.5)) args.push('ALPHA');
  if (!ro && g.chance(0.2)) args.push('STORE', g.target('list'));
  return { args, nosort };
}

const sorts: TypeGenerator = {
  name: 'sort',
  weight: 3,
  ops: [
    [
      1,
      (g) => {
        const { args, nosort } = sortArgs(g, g.chance(0.3));
        const limited = args.includes('LIMIT');
        if (args.includes('ALPHA') && args.includes('BY') && !nosort) {
          // Redis leaves ties of ALPHA BY <pattern> (missing weights) in qsort's order:
          // the same elements (a LIMIT may cut the ties anywhere: the same count). Not stored.
          const i = args.indexOf('STORE');
          const shown = i === -1 ? args : args.slice(0, i);
          return [{ args: shown, check: limited ? sameLengthCheck : unorderedCheck }];
        }
        if (args.includes('ALPHA') && !args.includes('STORE') && !args.includes('BY')) {
          // strcoll stops at a NUL, so elements can tie; a hashtable set and a sorted
          // set (SORT walks its dict) feed them in their table's order.
          const loose = limited ? sameLengthCheck : unorderedCheck;
          return [
            { args: ['OBJECT', 'ENCODING', args[1] as Arg] },
            { args, check: byProbe(0, ['quicklist', 'intset', 'int', 'embstr', 'raw'], loose) },
          ];
        }
        if (!nosort || args.includes('STORE')) return args;
        // BY nosort leaves a hashtable set in the table's order: a set's output is compared by length.
        return [
          { args: ['TYPE', args[1] as Arg] },
          { args, check: byProbe(0, ['list', 'zset', 'none', 'string'], sameLengthCheck) },
        ];
      },
    ],
    [
      0.3,
      (g) => [
        g.pick(['SORT', 'SORT_RO']),
        g.key(g.pick(['list', 'set', 'zset'])),
        ...g.pick([
          ['LIMIT', '1'],
          ['LIMIT', 'x', '1'],
          ['BOGUS'],
          ['GET'],
          ['BY'],
          ['STORE'],
          ['LIMIT', '0', '1', 'LIMIT'],
        ]),
      ],
    ],
  ],
};

const pubsub: TypeGenerator = {
  name: 'pubsub',
  weight: 1,
  ops: [
    [2, (g) => [pick2(g, 'PUBLISH', 'SPUBLISH'), g.pick(['ch', 'news', BINARY]), g.value()]],
    [1, (g) => ['PUBSUB', g.pick(['NUMSUB', 'SHARDNUMSUB']), 'ch', 'news']],
    [1, () => ['PUBSUB', 'NUMPAT']],
    [1, (g) => ['PUBSUB', g.pick(['CHANNELS', 'SHARDCHANNELS']), '*']],
  ],
};

const databases: TypeGenerator = {
  name: 'db',
  weight: 2,
  ops: [
    [4, (g) => ['SELECT', g.chance(0.9) ? g.pick(['0', '0', '1', '2']) : g.pick(['16', '-1', 'x'])]],
    [
      2,
      (g) => [
        'SWAPDB',
        g.pick(['0', '1', '2']),
        g.chance(0.9) ? g.pick(['0', '1', '2']) : g.pick(['16', 'x']),
      ],
    ],
    [0.1, () => ['FLUSHDB']],
    [0.03, () => ['FLUSHALL']],
  ],
};

// Transactions are built from the other generators' deterministic commands.
const transactions: TypeGenerator = {
  name: 'multi',
  weight: 4,
  ops: [
    [
      6,
      (g) => {
        const cmds: Cmd[] = [];
        if (g.chance(0.3)) cmds.push({ args: ['WATCH', ...g.keys('any', 1, 2)] });
        // A write on a watched key from this very connection aborts the EXEC too.
        if (cmds.length > 0 && g.chance(0.3)) cmds.push(...deterministicGroup(g));
        cmds.push({ args: ['MULTI'] });
        const n = g.int(5);
        for (let i = 0; i < n; i++) {
          const r = g.rnd();
          if (r < 0.04) cmds.push({ args: ['NOSUCHCOMMAND', g.key()] });
          else if (r < 0.08) cmds.push({ args: [g.pick(['GET', 'LPUSH', 'ZADD', 'HSET'])] });
          else if (r < 0.1) cmds.push({ args: [g.pick(['MULTI', 'WATCH']), g.key()] });
          else cmds.push(...deterministicGroup(g));
        }
        cmds.push({ args: [g.chance(0.85) ? 'EXEC' : 'DISCARD'] });
        return cmds;
      },
    ],
    [1, (g) => [g.pick(['EXEC', 'DISCARD', 'UNWATCH'])]],
    // A WATCH left standing: a later transaction on this connection sees the
    // writes of the other connection, of SWAPDB and FLUSHDB in between.
    [1, (g) => ['WATCH', ...g.keys('any', 1, 2)]],
  ],
};

/**
 * A stream ID: mostly the generator's stream clock, which moves on a little at
 * each new ID (so XADDs succeed), now and then an older or malformed one (errors).
 */
const streamId = (g: Gen, adding = false): string => {
  if (g.chance(0.05)) return g.pick(['0-0', 'x', '-1', '1-x', '18446744073709551615-18446744073709551615']);
  if (adding) g.streamMs += g.int(3);
  const ms = g.chance(0.85) ? g.streamMs : Math.max(1, g.streamMs - g.int(20));
  return adding && g.chance(0.2) ? `${ms}-*` : `${ms}-${g.int(3)}`;
};

/** A stream key: streams live on keys of their own (other types rarely take them). */
const streamKey = (g: Gen): string => g.key('stream', 0.95);

/** A time near the stream clock. */
const streamMs = (g: Gen): string => String(Math.max(0, g.streamMs - g.int(20)));

/** A range bound for XRANGE/XREVRANGE/XPENDING: special, bare ms, full or exclusive ID. */
const streamBound = (g: Gen): string =>
  g.pick(['-', '+', streamMs(g), `${streamMs(g)}-${g.int(3)}`, `(${streamMs(g)}-1`, '(-', 'x']);

/** MAXLEN/MINID [=|~] threshold [LIMIT n]: XADD's and XTRIM's trimming. */
function streamTrim(g: Gen): Arg[] {
  const minid = g.chance(0.4);
  const args: Arg[] = [minid ? 'MINID' : 'MAXLEN'];
  const op = g.pick(['', '=', '~']);
  if (op !== '') args.push(op);
  args.push(minid ? streamMs(g) : g.pick(['0', '1', '3', '5', '10', '-1']));
  if (op === '~' && g.chance(0.3)) args.push('LIMIT', g.pick(['0', '1', '100']));
  return args;
}

/** XPENDING's extended form: entries [id, consumer, idle ms, deliveries], idle times compared by type only. */
const pendingCheck: Check = (a, b, args) => {
  const mask = (buf: Buffer): Value => {
    const v = parse(buf)[0];
    return Array.isArray(v)
      ? (v.map((e) => (Array.isArray(e) ? [e[0], e[1], typeof e[2], e[3]] : e)) as Value)
      : v;
  };
  assert.deepEqual(mask(a), mask(b), `${label(args)}: ${a} vs ${b}`);
};

/**
 * Streams with explicit IDs (a `*` ID is the clock's), consumer groups, and
 * what they report that holds no time (XPENDING idle times masked, no XINFO
 * CONSUMERS).
 */
const streams: TypeGenerator = {
  name: 'stream',
  weight: 8,
  ops: [
    [
      8,
      (g) => {
        const args: Arg[] = ['XADD', streamKey(g)];
        if (g.chance(0.1)) args.push('NOMKSTREAM');
        if (g.chance(0.2)) args.push(...streamTrim(g));
        args.push(streamId(g, true), g.member(), g.value());
        if (g.chance(0.3)) args.push(g.member(), g.value());
        return args;
      },
    ],
    [2, (g) => ['XLEN', streamKey(g)]],
    [
      4,
      (g) => {
        const rev = g.chance(0.3);
        const args: Arg[] = [rev ? 'XREVRANGE' : 'XRANGE', streamKey(g), streamBound(g), streamBound(g)];
        if (g.chance(0.3)) args.push('COUNT', g.pick(['0', '1', '2', '-1']));
        return args;
      },
    ],
    [
      2,
      (g) => [
        'XDEL',
        streamKey(g),
        ...Array.from({ length: 1 + g.int(2) }, () => streamId(g).replace('*', '0')),
      ],
    ],
    [2, (g) => ['XTRIM', streamKey(g), ...streamTrim(g)]],
    [
      3,
      (g) => {
        const keys = [streamKey(g), ...(g.chance(0.5) ? [streamKey(g)] : [])];
        const args: Arg[] = ['XREAD'];
        if (g.chance(0.5)) args.push('COUNT', g.pick(['1', '2', '0']));
        args.push(
          'STREAMS',
          ...keys,
          ...keys.map(() => g.pick(['0', '0-0', streamMs(g), `${streamMs(g)}-1`, '$'])),
        );
        return args;
      },
    ],
    [
      2,
      (g) => {
        const args: Arg[] = [
          'XGROUP',
          'CREATE',
          streamKey(g),
          g.pick(['g1', 'g2']),
          g.pick(['0', '$', '5-0', 'x']),
        ];
        if (g.chance(0.4)) args.push('MKSTREAM');
        if (g.chance(0.2)) args.push('ENTRIESREAD', g.pick(['0', '3', '-1']));
        return args;
      },
    ],
    [0.5, (g) => ['XGROUP', 'DESTROY', streamKey(g), g.pick(['g1', 'g2'])]],
    [0.5, (g) => ['XGROUP', 'SETID', streamKey(g), g.pick(['g1', 'g2']), g.pick(['0', '$', streamMs(g)])]],
    [
      0.5,
      (g) => [
        'XGROUP',
        g.pick(['CREATECONSUMER', 'DELCONSUMER']),
        streamKey(g),
        g.pick(['g1', 'g2']),
        g.pick(['c1', 'c2']),
      ],
    ],
    [
      4,
      (g) => {
        const args: Arg[] = ['XREADGROUP', 'GROUP', g.pick(['g1', 'g2']), g.pick(['c1', 'c2'])];
        if (g.chance(0.5)) args.push('COUNT', g.pick(['1', '2']));
        if (g.chance(0.1)) args.push('NOACK');
        args.push('STREAMS', streamKey(g), g.pick(['>', '>', '0', streamMs(g)]));
        return args;
      },
    ],
    [
      2,
      (g) => [
        'XACK',
        streamKey(g),
        g.pick(['g1', 'g2']),
        ...Array.from({ length: 1 + g.int(2) }, () => streamId(g).replace('*', '0')),
      ],
    ],
    [2, (g) => ['XPENDING', streamKey(g), g.pick(['g1', 'g2'])]],
    [
      1,
      (g) => {
        const args: Arg[] = [
          'XPENDING',
          streamKey(g),
          g.pick(['g1', 'g2']),
          streamBound(g),
          streamBound(g),
          g.pick(['1', '10']),
        ];
        if (g.chance(0.3)) args.push(g.pick(['c1', 'c2']));
        return [{ args, check: pendingCheck }];
      },
    ],
    [
      1,
      (g) => [
        'XAUTOCLAIM',
        streamKey(g),
        g.pick(['g1', 'g2']),
        g.pick(['c1', 'c2']),
        '0',
        g.pick(['0', '0-0', streamMs(g)]),
        ...(g.chance(0.5) ? ['COUNT', g.pick(['1', '10'])] : []),
        ...(g.chance(0.5) ? ['JUSTID'] : []),
      ],
    ],
    [
      1,
      (g) => [
        'XCLAIM',
        streamKey(g),
        g.pick(['g1', 'g2']),
        g.pick(['c1', 'c2']),
        '0',
        streamId(g).replace('*', '0'),
        'JUSTID',
      ],
    ],
    [1, (g) => ['XINFO', g.pick(['STREAM', 'GROUPS']), streamKey(g)]],
    [0.5, (g) => ['XSETID', streamKey(g), streamId(g).replace('*', '0')]],
  ],
};

/** Every type's generator: weights are relative. */
export const TYPES: TypeGenerator[] = [
  strings,
  bitmaps,
  keyspace,
  hashes,
  lists,
  sets,
  sortedSets,
  hyperloglogs,
  geo,
  sorts,
  pubsub,
  databases,
  transactions,
  streams,
];

const weightOf = <T extends { weight: number } | Op>(x: T): number => ('weight' in x ? x.weight : x[0]);

function pickWeighted<T extends { weight: number } | Op>(g: Gen, xs: readonly T[]): T {
  let r = g.rnd() * xs.reduce((s, x) => s + weightOf(x), 0);
  for (const x of xs) {
    r -= weightOf(x);
    if (r < 0) return x;
  }
  return xs[xs.length - 1] as T;
}

const toCmds = (made: Arg[] | Cmd[]): Cmd[] =>
  made.length > 0 && typeof made[0] === 'object' && !Buffer.isBuffer(made[0])
    ? (made as Cmd[])
    : [{ args: made as Arg[] }];

const deterministic = (cmds: readonly Cmd[]): boolean =>
  cmds.every((c) => c.check === undefined && c.repair === undefined);

/** A group of byte-comparable commands from a data type (for MULTI and WATCH). */
function deterministicGroup(g: Gen): Cmd[] {
  const dataTypes = TYPES.filter((t) => t !== transactions && t !== databases);
  for (let i = 0; i < 100; i++) {
    const type = pickWeighted(g, dataTypes);
    const cmds = toCmds(pickWeighted(g, type.ops)[1](g));
    if (deterministic(cmds)) return cmds;
  }
  return [{ args: ['PING'] }];
}

const BAD_VALUES = ['x', '', '1.5', '-1', '99999999999999999999', 'inf', 'nan', '-9223372036854775809'];

/**
 * A deliberate mistake: drop an argument (arity, syntax), add a stray option,
 * or replace an argument with a bad number. Only on byte-compared commands
 * whose mutation cannot block or allocate much (no new huge valid numbers).
 */
function mangle(g: Gen, args: Arg[]): Arg[] {
  const r = g.int(3);
  if (r === 0) return args.slice(0, Math.max(1, args.length - 1 - g.int(2)));
  if (r === 1) {
    if (EXTENDED_ARITY.has(String(args[0]))) return args;
    return [...args, g.pick(['BOGUS', 'COUNT', 'LIMIT', 'WITHSCORES', '1'])];
  }
  if (args.length < 2) return args;
  const i = 1 + g.int(args.length - 1);
  const out = [...args];
  out[i] = g.pick(BAD_VALUES);
  return out;
}

/**
 * Commands Redoubt takes more arguments for than Redis 7.0 on purpose (ZRANK
 * WITHSCORE is Redis 7.2's): a stray argument is a syntax error there, not an arity error.
 */
const EXTENDED_ARITY = new Set(['ZRANK', 'ZREVRANK']);

/** Commands never mutated: they could block or stop the server, or have loose checks. */
const UNMANGLED = new Set([
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'SELECT',
  'SWAPDB',
  'FLUSHALL',
  'FLUSHDB',
  // A BY pattern without '*' means "do not sort": a set's table order. SORT has its own mistakes.
  'SORT',
  'SORT_RO',
  // A mistake could turn these into valid random or cursor-dependent calls (SPOP k).
  'SPOP',
  'SRANDMEMBER',
  'HRANDFIELD',
  'ZRANDMEMBER',
  'RANDOMKEY',
  'SCAN',
  'SSCAN',
  'HSCAN',
  'ZSCAN',
]);

/** The next group of commands. */
export function nextGroup(g: Gen, mistakes = 0.03): Cmd[] {
  const type = pickWeighted(g, TYPES);
  const cmds = toCmds(pickWeighted(g, type.ops)[1](g));
  if (cmds.length === 1 && g.chance(mistakes)) {
    const c = cmds[0] as Cmd;
    const name = String(c.args[0]).toUpperCase();
    if (c.check === undefined && c.fixed !== true && !UNMANGLED.has(name))
      return [{ args: mangle(g, c.args) }];
  }
  return cmds;
}

/** The key-set keys a command names (for the history printed on a mismatch). */
export function keysOf(args: readonly Arg[]): string[] {
  const out: string[] = [];
  for (const a of args.slice(1)) if (typeof a === 'string' && KEY_SET.has(a) && !out.includes(a)) out.push(a);
  return out;
}

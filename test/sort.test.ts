/**
 * SORT and SORT_RO, differential against a real redis-server 7.0: lists, sets
 * (intset and hashtable) and sorted sets (listpack and skiplist), numeric and
 * ALPHA, ASC|DESC, LIMIT (every clamp), BY weight patterns with missing and
 * non-string weight keys, BY hash fields (`->`), BY without '*' (nosort), GET
 * patterns (`#`, strings, hash fields, missing keys), STORE replacing and
 * deleting its destination, number parsing as C strtod, errors word for word
 * and in Redis's order, WRONGTYPE, SORT_RO refusing STORE, the ACL rule that
 * BY/GET need access to every key, the sortstore keyspace event, RESP3 and a
 * seeded randomized run.
 *
 * Loose comparisons, named where used: a hashtable set or a sorted set (SORT
 * converts it to a skiplist and reads its dict) is loaded in its dict's
 * iteration order, which is random per Redis process. Replies whose order is
 * that iteration order (BY nosort on a set, ALPHA ties under a BY pattern) are
 * compared as multisets (`unordered`), and a LIMIT over such ties picks a
 * random subset, so those combinations are only run on lists and intsets.
 *
 * Redis 7.0 tests `errno == ERANGE` after `strtod` without clearing errno
 * first, so once one weight has overflowed every later numeric SORT of that
 * redis-server process fails until some other call happens to reset errno.
 * Redoubt judges each weight by its own parse; the ERANGE cases run last,
 * on servers of their own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BIN, BIN2, inResp3, unordered } from './helpers/collections.js';
import { type Comparator, Differential, exact } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import type { Arg } from './helpers/resp.js';
import { SubscriberPair } from './helpers/subscriber.js';

const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

/** The option lists every sortable value is sorted with. */
const OPTION_SETS: readonly (readonly Arg[])[] = [
  [],
  ['ASC'],
  ['DESC'],
  ['ALPHA'],
  ['ALPHA', 'DESC'],
  ['desc', 'alpha'],
  ['LIMIT', '0', '3'],
  ['LIMIT', '2', '3', 'DESC'],
  ['LIMIT', '1', '-1'],
  ['LIMIT', '-5', '2'],
  ['LIMIT', '0', '0'],
  ['LIMIT', '100', '5'],
  ['LIMIT', '3', '100', 'ALPHA'],
  ['LIMIT', LLONG_MAX, LLONG_MAX],
  ['LIMIT', LLONG_MIN, LLONG_MIN],
  ['LIMIT', '1', '2', 'LIMIT', '0', '1'],
  ['ASC', 'DESC', 'ASC'],
  ['BY', 'nosort'],
  ['BY', 'nosort', 'DESC'],
  ['BY', 'nosort', 'LIMIT', '1', '3'],
  ['BY', 'nosort', 'LIMIT', '2', '2', 'DESC'],
  ['BY', 'nosort', 'LIMIT', '50', '2'],
  ['BY', 'w_*'],
  ['BY', 'w_*', 'DESC'],
  ['BY', 'w_*', 'LIMIT', '1', '3'],
  ['BY', 'w_*', 'LIMIT', '2', '4', 'DESC'],
  ['BY', 'a_*', 'ALPHA'],
  ['BY', 'a_*', 'ALPHA', 'DESC', 'LIMIT', '0', '4'],
  ['BY', 'missing_*'],
  ['BY', 'missing_*', 'ALPHA'],
  ['BY', 'missing_*', 'DESC', 'LIMIT', '1', '2'],
  ['BY', 'h_*->f'],
  ['BY', 'h_*->f', 'DESC', 'LIMIT', '0', '2'],
  ['BY', 'h_*->nofield'],
  ['BY', 'h_*->g', 'ALPHA'],
  ['BY', 'w_*', 'BY', 'nosort'],
  ['GET', '#'],
  ['GET', 'g_*'],
  ['GET', 'g_*', 'GET', '#', 'GET', 'h_*->f', 'GET', 'h_*->nofield', 'GET', 'nothing_*'],
  ['BY', 'w_*', 'GET', '#', 'GET', 'g_*', 'LIMIT', '1', '2'],
  ['BY', 'nosort', 'GET', 'g_*', 'DESC'],
  ['GET', 'nostar'],
  ['GET', 'h_*->'],
  ['GET', 'w_*->f'],
  ['GET', 'lst_*'],
];

/** Weight keys for elements 1..9 and a..e: strings, hashes and a few of other types. */
function weights(): Arg[][] {
  const cmds: Arg[][] = [];
  const elems = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e'];
  elems.forEach((e, i) => {
    // Equal weights for some elements: ties ordered by the element.
    if (i % 4 !== 3) cmds.push(['SET', `w_${e}`, String((i * 7) % 5)]);
    cmds.push(['SET', `a_${e}`, `v${(i * 5) % 14}`]);
    cmds.push(['SET', `g_${e}`, `got-${e}`]);
    if (i % 3 !== 0) cmds.push(['HSET', `h_${e}`, 'f', String(20 - i), 'g', `x${i % 2}`]);
  });
  cmds.push(['SADD', 'w_4', 'not-a-string'], ['RPUSH', 'lst_1', 'x'], ['SET', 'lst_2', 'str']);
  return cmds;
}

/** Weight patterns under which several elements compare equal with ALPHA (missing or equal weights). */
const ALPHA_TIES = new Set(['missing_*', 'h_*->g']);

/**
 * How a sorted value is loaded: in its own order (a list, an intset), or in
 * random dict order (a hashtable set; a sorted set, whose BY nosort still
 * follows the scores). `unweighted`: no weight key exists for its elements,
 * so every ALPHA BY pattern ties.
 */
type Loading = 'ordered' | 'dict-set' | 'dict-zset';

/**
 * How to compare a sort of a value with these options: exactly when the
 * order is total, as multisets when ties or no sort leave the dict's order,
 * undefined (not run) when a LIMIT picks among such ties.
 */
function comparatorFor(opts: readonly Arg[], loading: Loading, unweighted: boolean): Comparator | undefined {
  if (loading === 'ordered') return exact;
  const by = opts.includes('BY') ? opts[opts.indexOf('BY') + 1] : undefined;
  const nosort = opts.includes('nosort') && loading === 'dict-set';
  const ties =
    opts.includes('ALPHA') && typeof by === 'string' && by !== 'nosort' && (unweighted || ALPHA_TIES.has(by));
  if (!nosort && !ties) return exact;
  return opts.includes('LIMIT') ? undefined : unordered;
}

/** Does SORT ... BY `by` give one answer whatever the dict order of a `kind` value (see the header)? */
function byIsDeterministic(kind: 'list' | 'set' | 'zset', by: string, alpha: boolean): boolean {
  if (kind === 'list') return true;
  // A set has no order of its own; a sorted set keeps its score order.
  if (by === 'nosort') return kind === 'zset';
  // ALPHA ties under a pattern (missing or equal weights) keep the dict order.
  return !alpha;
}

describe('SORT and SORT_RO (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  /** Every option set on `key`, with and without STORE (read back with LRANGE). */
  async function everyOption(
    dd: Differential,
    key: string,
    loading: Loading,
    unweighted = false,
  ): Promise<void> {
    for (const opts of OPTION_SETS) {
      const compare = comparatorFor(opts, loading, unweighted);
      if (compare === undefined) continue;
      await dd.same(['SORT', key, ...opts], compare);
      await dd.same(['SORT_RO', key, ...opts], compare);
      // STORE sorts a set by itself (ALPHA) when asked not to sort: deterministic again.
      await dd.same(['SORT', key, ...opts, 'STORE', 'dst']);
      await dd.same(['LRANGE', 'dst', '0', '-1'], compare);
      await dd.same(['EXISTS', 'dst']);
    }
  }

  it('arity errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['SORT'], ['SORT_RO']]);
  });

  it('lists: numbers, every option, with and without STORE', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ...weights()]);
    await d.same(['RPUSH', 'l', '3', '1', '9', '2', '8', '1', '7', '5', '4', '6']);
    await everyOption(d, 'l', 'ordered');
    await d.same(['RPUSH', 'nums', '10', '-2.5', '1e3', '0x10', '  7', '+3', '.5', '-0', '0', '1e-3', 'inf']);
    await d.all([
      ['SORT', 'nums'],
      ['SORT', 'nums', 'DESC'],
      ['SORT', 'nums', 'ALPHA'],
      ['SORT', 'nums', 'LIMIT', '2', '5', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
    ]);
  });

  it('lists of strings: ALPHA, binary elements, and what is not a number', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ...weights()]);
    await d.same(['RPUSH', 's', 'banana', 'apple', 'Cherry', 'apple', '', 'b', 'a', 'z', 'é', 'A']);
    await everyOption(d, 's', 'ordered', true);
    await d.all([
      ['RPUSH', 'bin', BIN, BIN2, 'a\0b', 'a\0a', 'a', '\xff', '\x80'],
      ['SORT', 'bin', 'ALPHA'],
      ['SORT', 'bin', 'ALPHA', 'DESC'],
      // STORE compares whole binary strings instead of strcoll's C strings.
      ['SORT', 'bin', 'ALPHA', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'bin', 'ALPHA', 'DESC', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'bin'],
    ]);
    for (const bad of ['12abc', 'abc', ' ', '1 ', 'nan', '-nan', '0x', '1,5', 'infx']) {
      await d.all([
        ['DEL', 'n'],
        ['RPUSH', 'n', '1', bad, '2'],
        ['SORT', 'n'],
        ['SORT', 'n', 'DESC'],
      ]);
    }
    for (const good of ['', 'inf', '-Infinity', '1e308', '0x1p3', '\t5', '3\0junk', '1e-300', '0x1P-3']) {
      await d.all([
        ['DEL', 'n'],
        ['RPUSH', 'n', '1', good, '2', '-1'],
        ['SORT', 'n'],
        ['SORT', 'n', 'DESC'],
      ]);
    }
  });

  it('sets: intset and hashtable, numbers and ALPHA', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ...weights()]);
    await d.same(['SADD', 'iset', '5', '3', '9', '1', '7', '2', '4', '8', '6', '-3', '100']);
    await d.same(['OBJECT', 'ENCODING', 'iset']);
    await everyOption(d, 'iset', 'ordered');
    await d.same(['SADD', 'hset', '5', '3', '9', '1', '7', 'a', 'b', 'c', 'd', 'e', '2']);
    await d.same(['OBJECT', 'ENCODING', 'hset']);
    // Numeric sorts fail on the letters; ALPHA and BY sort everything.
    await everyOption(d, 'hset', 'dict-set');
    await d.same(['SADD', 'words', 'pear', 'apple', 'fig', 'kiwi', 'plum', 'date', 'lime']);
    await everyOption(d, 'words', 'dict-set', true);
  });

  it('sorted sets: listpack and skiplist, BY nosort keeps the score order', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ...weights()]);
    await d.same([
      'ZADD',
      'z',
      '5',
      '1',
      '4',
      '2',
      '3',
      '3',
      '2',
      '4',
      '1',
      '5',
      '0',
      '6',
      '9',
      '7',
      '8',
      '8',
    ]);
    await d.same(['OBJECT', 'ENCODING', 'z']);
    await everyOption(d, 'z', 'dict-zset');
    // SORT converts a listpack sorted set to a skiplist, as Redis's zsetConvert does.
    await d.same(['OBJECT', 'ENCODING', 'z']);
    const big: Arg[] = ['ZADD', 'bigz'];
    for (let i = 0; i < 200; i++) big.push(String((i * 37) % 101), `m${i}`);
    await d.same(big);
    await d.all([
      ['OBJECT', 'ENCODING', 'bigz'],
      ['SORT', 'bigz', 'BY', 'nosort'],
      ['SORT', 'bigz', 'BY', 'nosort', 'DESC', 'LIMIT', '10', '20'],
      ['SORT', 'bigz', 'BY', 'nosort', 'LIMIT', '190', '20'],
      ['SORT', 'bigz', 'ALPHA', 'LIMIT', '5', '10'],
      ['SORT', 'bigz', 'ALPHA', 'DESC', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SORT', 'bigz'],
    ]);
  });

  it('BY with LIMIT: which equal weights fall in the range (partial quicksort)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const push: Arg[] = ['RPUSH', 'l'];
    for (let i = 0; i < 120; i++) {
      push.push(`e${(i * 53) % 120}`);
      // Few distinct ALPHA weights and numeric weights: long runs of ties.
      await d.same(['SET', `aw_e${i}`, `k${i % 3}`]);
      if (i % 5 !== 0) await d.same(['SET', `nw_e${i}`, String(i % 4)]);
    }
    await d.same(push);
    for (const [off, cnt] of [
      ['0', '10'],
      ['5', '7'],
      ['40', '41'],
      ['100', '30'],
      ['0', '119'],
      ['1', '118'],
      ['60', '1'],
    ] as const) {
      await d.all([
        ['SORT', 'l', 'BY', 'aw_*', 'ALPHA', 'LIMIT', off, cnt],
        ['SORT', 'l', 'BY', 'aw_*', 'ALPHA', 'DESC', 'LIMIT', off, cnt],
        ['SORT', 'l', 'BY', 'nw_*', 'LIMIT', off, cnt],
        ['SORT', 'l', 'BY', 'nw_*', 'DESC', 'LIMIT', off, cnt, 'GET', '#', 'GET', 'aw_*'],
        ['SORT', 'l', 'BY', 'missing_*', 'ALPHA', 'LIMIT', off, cnt],
        ['SORT', 'l', 'BY', 'aw_*', 'ALPHA', 'LIMIT', off, cnt, 'STORE', 'dst'],
        ['LRANGE', 'dst', '0', '-1'],
      ]);
    }
    // Without LIMIT the sort is a full (stable) sort: ties keep the list's order.
    await d.all([
      ['SORT', 'l', 'BY', 'aw_*', 'ALPHA'],
      ['SORT', 'l', 'BY', 'missing_*', 'ALPHA', 'DESC'],
    ]);
  });

  it('pattern details: binary keys, several stars, NUL bytes, hash fields', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 'l', 'x', 'y', 'z', 'a*b'],
      ['SET', 'k_x_*', '3'],
      ['SET', 'k_y_*', '1'],
      ['SET', 'k_z_*', '2'],
      ['SET', 'k_x_y', '9'],
      ['SORT', 'l', 'BY', 'k_*_*', 'GET', 'k_*_*'],
      ['SET', 'p\0x', '5'],
      ['SET', 'p\0y', '1'],
      ['SORT', 'l', 'BY', 'p\0*'],
      ['SORT', 'l', 'GET', 'p\0*'],
      ['SET', 'q*', 'const'],
      ['SORT', 'l', 'BY', 'q\0*', 'GET', 'q\0*'],
      ['HSET', 'hx', 'f->g', '7', 'f', '1', '', 'empty'],
      ['HSET', 'hy', 'f->g', '2', 'f', '9'],
      ['SORT', 'l', 'BY', 'h*->f->g', 'GET', 'h*->f->g', 'GET', 'h*->f'],
      ['SORT', 'l', 'BY', 'h*->', 'GET', 'h*->'],
      ['SET', 'hx->', 'arrow'],
      ['SORT', 'l', 'GET', 'h*->', 'GET', 'h*-', 'GET', '*->f', 'GET', '*'],
      ['SORT', 'l', 'GET', '#', 'GET', '##', 'GET', '#\0', 'GET', '#*', 'ALPHA'],
      ['RPUSH', 'bl', BIN, BIN2],
      ['SET', Buffer.concat([Buffer.from('bw_'), BIN]), '2'],
      ['SET', Buffer.concat([Buffer.from('bw_'), BIN2]), '1'],
      ['SORT', 'bl', 'BY', 'bw_*', 'GET', 'bw_*', 'GET', '#'],
    ]);
  });

  it('STORE: replaces any type, clears the TTL, deletes on an empty result, list encodings', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 'l', '3', '1', '2'],
      ['SET', 'dst', 'string'],
      ['EXPIRE', 'dst', '1000'],
      ['SORT', 'l', 'STORE', 'dst'],
      ['TYPE', 'dst'],
      ['TTL', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SADD', 'dset', 'x'],
      ['SORT', 'l', 'DESC', 'STORE', 'dset'],
      ['TYPE', 'dset'],
      ['LRANGE', 'dset', '0', '-1'],
      // Empty results delete the destination.
      ['SORT', 'nokey', 'STORE', 'dst'],
      ['EXISTS', 'dst'],
      ['SORT', 'nokey', 'STORE', 'dst'],
      ['SORT', 'l', 'LIMIT', '10', '5', 'STORE', 'dset'],
      ['EXISTS', 'dset'],
      ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'l2'],
      ['EXISTS', 'l2'],
      // Storing over the sorted key itself.
      ['SORT', 'l', 'STORE', 'l'],
      ['LRANGE', 'l', '0', '-1'],
      // The last STORE wins; SORT_RO knows no STORE.
      ['SORT', 'l', 'STORE', 'a', 'STORE', 'b'],
      ['EXISTS', 'a', 'b'],
      ['SORT_RO', 'l', 'STORE', 'c'],
      ['sort_ro', 'l', 'store'],
      ['EXISTS', 'c'],
      // GET with STORE: missing values stored as empty strings.
      ['SET', 'g_1', 'one'],
      ['SORT', 'l', 'GET', 'g_*', 'GET', '#', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'l', 'GET', 'nothing_*', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
    ]);
    // Large results become quicklists, as after any push.
    const big: Arg[] = ['RPUSH', 'big'];
    for (let i = 0; i < 300; i++) big.push(String(i));
    await d.same(big);
    await d.all([
      ['SORT', 'big', 'STORE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SORT', 'big', 'LIMIT', '0', '128', 'STORE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SORT', 'big', 'LIMIT', '0', '129', 'STORE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['RPUSH', 'longs', 'x'.repeat(70), 'y'],
      ['SORT', 'longs', 'ALPHA', 'STORE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '4'],
      ['SORT', 'big', 'LIMIT', '0', '4', 'STORE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SORT', 'big', 'LIMIT', '0', '5', 'STORE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ]);
  });

  it('syntax and number errors, in Redis order, and WRONGTYPE', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 'l', '2', '1'],
      ['SET', 'str', 'x'],
      ['HSET', 'hash', 'f', 'v'],
      ['SORT', 'l', 'FOO'],
      ['SORT', 'l', 'LIMIT'],
      ['SORT', 'l', 'LIMIT', '1'],
      ['SORT', 'l', 'LIMIT', 'a', '1'],
      ['SORT', 'l', 'LIMIT', '1', 'b'],
      ['SORT', 'l', 'LIMIT', '1.5', '1'],
      ['SORT', 'l', 'LIMIT', '99999999999999999999', '1'],
      ['SORT', 'l', 'LIMIT', ' 1', '1'],
      ['SORT', 'l', 'LIMIT', '', '1'],
      ['SORT', 'l', 'BY'],
      ['SORT', 'l', 'GET'],
      ['SORT', 'l', 'STORE'],
      ['SORT', 'l', 'ALPHA', 'BY'],
      ['SORT', 'l', 'DESC', 'nonsense', 'LIMIT', 'x', 'y'],
      ['SORT', 'l', 'LIMIT', 'x', 'y', 'nonsense'],
      // Options are checked before the key's type.
      ['SORT', 'str', 'FOO'],
      ['SORT', 'str', 'LIMIT', 'a', '1'],
      ['SORT', 'str'],
      ['SORT', 'str', 'BY', 'nosort'],
      ['SORT', 'hash', 'STORE', 'dst'],
      ['SORT_RO', 'hash'],
      ['SORT_RO', 'str', 'ALPHA'],
      ['EXISTS', 'dst'],
      // A conversion error leaves the destination alone.
      ['SET', 'dst', 'keep'],
      ['RPUSH', 'bad', '1', 'x'],
      ['SORT', 'bad', 'STORE', 'dst'],
      ['GET', 'dst'],
      ['SORT', 'bad', 'BY', 'nosort', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SET', 'w_1', 'notnum'],
      ['SORT', 'l', 'BY', 'w_*'],
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA'],
      ['SORT', 'l', 'BY', 'w_*', 'LIMIT', '0', '0'],
    ]);
  });

  it('ACL: BY and GET patterns need read access to every key', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['RPUSH', 'l', '2', '1', '3'],
      ['SET', 'w_1', '3'],
      ['ACL', 'SETUSER', 'limited', 'on', 'nopass', '+@all', '~l*', '~w_*', '~dst'],
      ['ACL', 'SETUSER', 'allkeys', 'on', 'nopass', '+@all', 'allkeys'],
      ['ACL', 'SETUSER', 'star', 'on', 'nopass', '+@all', '~*'],
      ['ACL', 'SETUSER', 'readall', 'on', 'nopass', '+@all', '%R~*'],
      ['ACL', 'SETUSER', 'readall2', 'on', 'nopass', '+@all', '%R~*', '%W~dst'],
      ['ACL', 'SETUSER', 'rw', 'on', 'nopass', '+@all', '%RW~*'],
      ['ACL', 'SETUSER', 'sel', 'on', 'nopass', '+@all', '~l*', '(+sort ~*)'],
      ['ACL', 'SETUSER', 'selro', 'on', 'nopass', '+@all', '~l*', '(+sort_ro allkeys)'],
      ['ACL', 'SETUSER', 'selw', 'on', 'nopass', '+@all', '~l*', '(+sort %W~*)'],
    ]);
    const [a, b] = await d.pair();
    const both = async (args: Arg[]): Promise<void> => {
      const [x, y] = await Promise.all([a.raw(...args), b.raw(...args)]);
      exact(x, y, args);
    };
    try {
      for (const user of [
        'limited',
        'allkeys',
        'star',
        'readall',
        'readall2',
        'rw',
        'sel',
        'selro',
        'selw',
      ]) {
        await both(['AUTH', user, 'x']);
        for (const cmd of ['SORT', 'SORT_RO']) {
          await both([cmd, 'l']);
          await both([cmd, 'l', 'BY', 'nosort']);
          await both([cmd, 'l', 'BY', 'w_*']);
          await both([cmd, 'l', 'GET', '#']);
          await both([cmd, 'l', 'GET', 'w_*']);
          await both([cmd, 'l', 'BY', 'w_*', 'GET', '#']);
          await both([cmd, 'l', 'GET', '#', 'FOO']);
          await both([cmd, 'l', 'FOO', 'GET', '#']);
          await both([cmd, 'other', 'BY', 'w_*']);
        }
        await both(['SORT', 'l', 'STORE', 'dst']);
        await both(['SORT', 'l', 'STORE', 'elsewhere']);
        await both(['SORT', 'l', 'BY', 'w_*', 'STORE', 'dst']);
        await both(['SORT', 'l', 'BY', 'w_*', 'STORE', 'elsewhere']);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('COMMAND GETKEYS: the sorted key and the last STORE key', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['COMMAND', 'GETKEYS', 'SORT', 'l'],
      ['COMMAND', 'GETKEYS', 'SORT', 'l', 'STORE', 'a'],
      ['COMMAND', 'GETKEYS', 'SORT', 'l', 'STORE', 'a', 'STORE', 'b', 'ALPHA'],
      ['COMMAND', 'GETKEYS', 'SORT', 'l', 'BY', 'store', 'GET', 'store', 'STORE'],
      ['COMMAND', 'GETKEYS', 'SORT', 'l', 'LIMIT', 'store', 'x', 'STORE', 'd'],
      ['COMMAND', 'GETKEYS', 'SORT', 'l', 'STORE', 'limit', '1', '2'],
      ['COMMAND', 'GETKEYS', 'SORT_RO', 'l', 'STORE', 'a'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'l', 'STORE', 'a'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SORT_RO', 'l', 'BY', 'w_*'],
    ]);
  });

  it('keyspace hits and misses: the sorted key and every BY/GET lookup count', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['RPUSH', 'l', '2', '1', '3'], ['SET', 'w_1', '5'], ['CONFIG', 'RESETSTAT']]);
    const lines = (v: unknown): string =>
      String(v)
        .split('\r\n')
        .filter((l) => /^keyspace_(hits|misses):/.test(l))
        .join(' ');
    for (const cmd of [
      ['SORT', 'l'],
      ['SORT', 'nokey'],
      ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*', 'GET', 'h_*->f'],
      ['SORT', 'l', 'BY', 'nosort', 'STORE', 'dst'],
      ['SORT_RO', 'l', 'BY', 'w_*', 'LIMIT', '0', '1'],
    ]) {
      await d.same(cmd);
      const redoubt = await d.redoubt.call('INFO', 'stats');
      const redis = await d.redis.call('INFO', 'stats');
      assert.equal(lines(redoubt), lines(redis), JSON.stringify(cmd));
    }
  });

  it('keyspace events: sortstore, and del when an empty result removes the destination', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
    const sub = await SubscriberPair.open(d);
    try {
      await sub.same(['PSUBSCRIBE', '__key*__:*']);
      const step = (args: Arg[]): Promise<void> => sub.command(d as Differential, args);
      await step(['RPUSH', 'l', '2', '1']);
      await step(['SORT', 'l', 'STORE', 'dst']);
      await step(['SORT', 'l', 'DESC', 'STORE', 'dst']);
      await step(['SORT', 'l', 'LIMIT', '5', '5', 'STORE', 'dst']);
      await step(['SORT', 'l', 'LIMIT', '5', '5', 'STORE', 'dst']);
      await step(['SORT', 'l']);
      await step(['SORT_RO', 'l']);
      await step(['SORT', 'l', 'STORE', 'l']);
    } finally {
      sub.close();
      await d.same(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    }
  });

  it('RESP3: missing GET values are nulls', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['RPUSH', 'l', '2', '1', '3'], ['SET', 'g_1', 'one']]);
    await inResp3(d, [
      ['SORT', 'l'],
      ['SORT', 'l', 'GET', 'g_*', 'GET', '#'],
      ['SORT_RO', 'l', 'GET', 'g_*', 'DESC'],
      ['SORT', 'l', 'STORE', 'dst'],
      ['SORT', 'nokey'],
      ['SORT', 'l', 'FOO'],
    ]);
  });

  it('seeded randomized run over lists, sets and sorted sets', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    t.diagnostic(`seed ${seed} (REDOUBT_SEED to replay)`);
    const int = (n: number): number => Math.floor(rnd() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
    for (let round = 0; round < 30; round++) {
      await d.same(['FLUSHALL']);
      const n = int(rnd() < 0.2 ? 300 : 20);
      const elems: string[] = [];
      for (let i = 0; i < n; i++) elems.push(rnd() < 0.7 ? String(int(50) - 10) : `s${int(30)}`);
      // A list keeps every element in order; a set or sorted set is read in dict order (see the header).
      const kind = pick(['list', 'list', 'set', 'zset'] as const);
      if (n > 0 && kind === 'list') await d.same(['RPUSH', 'v', ...elems]);
      if (n > 0 && kind === 'set') await d.same(['SADD', 'v', ...elems]);
      if (n > 0 && kind === 'zset') await d.same(['ZADD', 'v', ...elems.flatMap((e) => [String(int(5)), e])]);
      for (const e of new Set(elems)) {
        if (rnd() < 0.8) await d.same(['SET', `w_${e}`, rnd() < 0.9 ? String(int(10)) : 'x']);
        if (rnd() < 0.5) await d.same(['HSET', `h_${e}`, 'f', String(int(6))]);
      }
      for (let q = 0; q < 40; q++) {
        const args: Arg[] = [pick(['SORT', 'SORT_RO']), 'v'];
        const alpha = rnd() < 0.5;
        const by = rnd() < 0.5 ? pick(['w_*', 'h_*->f', 'nosort', 'missing_*']) : undefined;
        if (by !== undefined && byIsDeterministic(kind, by, alpha)) args.push('BY', by);
        if (rnd() < 0.4) args.push('LIMIT', String(int(n + 3) - 1), String(int(n + 3) - 1));
        if (rnd() < 0.4) args.push('DESC');
        if (alpha) args.push('ALPHA');
        const gets = int(3);
        for (let g = 0; g < gets; g++) args.push('GET', pick(['#', 'w_*', 'h_*->f']));
        if (args[0] === 'SORT' && rnd() < 0.3) {
          args.push('STORE', 'dst');
          await d.same(args);
          await d.same(['LRANGE', 'dst', '0', '-1']);
        } else {
          await d.same(args);
        }
      }
    }
  });
});

describe('SORT weights out of range (differential, servers of their own)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('ERANGE from strtod fails the sort: overflow, underflow, subnormals', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    // Redis leaves errno set after the first of these (see the header): each one fails on its own merit here.
    for (const v of ['4.9e-324', '2e-310', '1e-400', '1e400', '-1e400', '0x1p-1080', '0x1p1024']) {
      await d.all([
        ['DEL', 'n'],
        ['RPUSH', 'n', '1', v, '2'],
        ['SORT', 'n'],
        ['SORT', 'n', 'DESC', 'STORE', 'dst'],
        ['EXISTS', 'dst'],
        ['SORT', 'n', 'ALPHA'],
        ['SET', 'w_1', v],
        ['SORT', 'n', 'BY', 'w_*', 'GET', '#'],
      ]);
    }
  });
});

/**
 * ACL users, rules, ACL subcommands, authentication and the NOPERM gate,
 * differential against redis-server 7.0 over real sockets: every rule form's
 * SETUSER reply and GETUSER / LIST rendering, malformed rules, ACL CAT, GENPASS,
 * LOG, DRYRUN, HELP, AUTH / HELLO errors, SLOWLOG redaction, NOPERM for
 * commands and read / write keys, disconnections. Where Redoubt differs on
 * purpose (disabling a user disconnects it) the test says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_COMMANDS } from '../src/commands/all.js';
import { CommandTable } from '../src/commands/registry.js';
import { ACL_CATEGORIES } from '../src/commands/spec.js';
import { canonicalRules, clientFields, sameRules } from './helpers/acl.js';
import { type Comparator, Differential, exact, sameType } from './helpers/diff.js';
import { type Arg, parse, type RespConnection, type Value } from './helpers/resp.js';

const HASH = 'a'.repeat(64);
const HASH2 = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8';

/** Every rule form, alone and in the combinations whose rendering is subtle. */
const RULESETS: readonly (readonly string[])[] = [
  [],
  ['on'],
  ['off'],
  ['on', 'nopass'],
  ['on', '>p1', '>p2', '>p1'],
  ['>p1', '<p1'],
  ['>p1', 'resetpass'],
  ['nopass', '>x'],
  ['>x', 'nopass'],
  [`#${HASH}`, `#${HASH2}`],
  [`#${HASH}`, `!${HASH}`],
  ['>', '>bin\x00ary\xff'],
  ['skip-sanitize-payload'],
  ['skip-sanitize-payload', 'sanitize-payload'],
  ['ON', 'Off', 'NoPass', 'RESETPASS'],
  ['~a*', '~b', '%R~c*', '%W~d*', '%RW~e', '%WR~f', '%R~g', '%W~g', '~a*'],
  ['%rw~k', '%r~l', '%w~m', '%R~', '~', '~**'],
  ['allkeys'],
  ['~*'],
  ['~a', 'resetkeys', '~b'],
  ['allkeys', 'resetkeys', '%R~x'],
  ['&a*', '&b', '&a*', '&'],
  ['allchannels'],
  ['&*'],
  ['&a', 'resetchannels', '&c'],
  ['+@all'],
  ['allcommands'],
  ['nocommands'],
  ['-@all'],
  ['+@all', '-@dangerous'],
  ['+@read'],
  ['+@write', '-del'],
  ['+@all', '-@admin', '+config|get'],
  ['-@all', '+@string', '+@keyspace', '-@dangerous'],
  ['+@all', '-@all', '+@read', '-@slow'],
  ['+@ALL'],
  ['+@Read', '-@WRITE'],
  ['+get', '+set', '+scan'],
  ['+client', '-client|kill'],
  ['+config|get', '+config|set'],
  ['+GET', '+Config|Get'],
  ['+select', '-select'],
  ['-@all', '+select|0', '+select|1', '+SELECT|0'],
  ['+select|0', '+select'],
  ['+select', '+select|0'],
  ['+select|0', '-select'],
  ['+debug|object'],
  ['+get|x', '-get'],
  ['+@all', '-select', '+select|0'],
  ['+@all', '-client', '+client|id'],
  ['+acl', '-acl|setuser', '-acl|deluser'],
  // Commands Redoubt does not implement yet are still names rules can use.
  ['+hset', '+xadd', '-@stream', '+@sortedset', '+cluster|info', '+eval'],
  ['+@all', '-@geo', '-@hyperloglog', '-@scripting', '-@transaction', '-@pubsub', '-@blocking'],
  ['(+get ~a*)'],
  ['(+get ~a*)', '(+set ~b*)'],
  ['(+get ~a*)', '(+set ~b*)', 'clearselectors'],
  ['(', '+get', '~a*)'],
  ['(~a*', '%R~b*', '&c', '+@read', '-keys)'],
  ['()'],
  ['( )'],
  ['(+get', '~x', ')'],
  ['(allkeys allchannels allcommands)'],
  ['(\'~a\' "+get")'],
  ['(~"unbalanced)'],
  ['(+select|0 -@all +select|1)'],
  ['on', '>p', '~a', '&b', '+get', '(+set)', 'reset'],
  ['+@all', '~*', '&*', 'on', 'nopass'],
  ['on\x00ignored', '~a\xff*', '&\xe9'],
];

/** Rules Redis refuses, each alone: word-for-word errors. */
const BAD_RULES: readonly (readonly string[])[] = [
  ['+'],
  ['-'],
  ['+|x'],
  ['-@'],
  ['+@'],
  ['%'],
  ['#'],
  ['!'],
  ['('],
  [')'],
  ['x)'],
  ['(on)'],
  ['(>p)'],
  ['(reset)'],
  ['(nopass)'],
  ['(clearselectors)'],
  ['(allkeys ~x)'],
  ['(allchannels &x)'],
  ['(+nocmd)'],
  ['(~a b)'],
  ['(~"a b")'],
  ['(""'],
  [' on'],
  ['+@all|x'],
  ['-select|0'],
  ['+client|list|x'],
  ['+get|'],
  ['+config|'],
  ['-get|x'],
  ['%X~a'],
  ['%~a'],
  ['%RR~z'],
  ['%RWR~z'],
  ['~a b'],
  ['~a\tb'],
  ['~a\x00b'],
  ['&a b'],
  ['+nocmd'],
  ['+@nocat'],
  ['-@nocat'],
  ['foo'],
  ['allkeys', '~a'],
  ['~*', '%R~a'],
  ['allchannels', '&a'],
  ['&*', '&a'],
  ['<nopass'],
  ['!' + HASH],
  ['#abc'],
  [`#${HASH.toUpperCase()}`],
  [`#${HASH}0`],
  ['+select|0|1'],
  ['+config|get|x'],
  ['+config|nosub'],
  ['-config|nosub'],
  ['on', '(+get'],
  ['on', '(+get', '~x'],
  ['(+get', '(+set)'],
  ['on', '+get', 'bad', '+set'],
];

/** HELLO's reply carries the connection id: compare the rest. */
const sameButId: Comparator = (a, b, args) => {
  const mask = (buf: Buffer): string => {
    const v = parse(buf)[0];
    if (!Array.isArray(v)) return JSON.stringify(v);
    return JSON.stringify(v.map((x, i) => (i > 0 && v[i - 1] === 'id' ? 'ID' : x)));
  };
  assert.equal(mask(a), mask(b), JSON.stringify(args.map(String)));
};

describe('ACL rules and subcommands (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('every rule form: the SETUSER reply, then GETUSER and LIST render as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const rules of RULESETS) {
      await d.same(['ACL', 'SETUSER', 't', 'reset', ...rules]);
      await d.same(['ACL', 'GETUSER', 't'], sameRules);
      await d.same(['ACL', 'LIST'], sameRules);
      // Rules accumulate on an existing user, too.
      await d.same(['ACL', 'SETUSER', 't2', ...rules]);
      await d.same(['ACL', 'GETUSER', 't2'], sameRules);
    }
    await d.same(['ACL', 'DELUSER', 't', 't2']);
  });

  it('every category alone, added and removed: rendering fits categories as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const cat of ACL_CATEGORIES) {
      for (const rules of [
        [`+@${cat}`],
        [`+@all`, `-@${cat}`],
        [`+@${cat}`, '-@read'],
        [`+@all`, `-@${cat}`, '+@fast'],
      ]) {
        await d.same(['ACL', 'SETUSER', 'c', 'reset', ...rules]);
        await d.same(['ACL', 'GETUSER', 'c'], sameRules);
      }
    }
    await d.same(['ACL', 'DELUSER', 'c']);
  });

  it('malformed rules, unknown commands and categories: word-for-word errors, nothing applied', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['ACL', 'SETUSER', 'm', 'on', '>keep', '~keep*', '+get']);
    for (const rules of BAD_RULES) {
      await d.same(['ACL', 'SETUSER', 'm', ...rules]);
      await d.same(['ACL', 'GETUSER', 'm'], sameRules);
    }
    for (const name of ['a b', 'a\tb', 'a\x00b', 'a\nb', ' ']) {
      await d.same(['ACL', 'SETUSER', name, 'on']);
    }
    await d.all([
      ['ACL', 'SETUSER'],
      ['ACL', 'GETUSER'],
      ['ACL', 'GETUSER', 'nosuch'],
      ['ACL', 'GETUSER', 'a', 'b'],
      ['ACL', 'USERS'],
      ['ACL', 'DELUSER', 'm', 'default'],
      ['ACL', 'USERS'],
      ['ACL', 'DELUSER', 'nosuch', 'm', 'm'],
      ['ACL', 'DELUSER'],
      ['ACL', 'SETUSER', '', 'on'],
      ['ACL', 'USERS'],
      ['ACL', 'DELUSER', ''],
    ]);
  });

  it('over-long patterns and pathological globs', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const long = `~${'k'.repeat(100_000)}*`;
    await d.same([
      'ACL',
      'SETUSER',
      'g',
      'reset',
      'on',
      '>pw',
      long,
      `&${'c'.repeat(50_000)}`,
      '+get',
      '+set',
    ]);
    await d.same(['ACL', 'GETUSER', 'g'], sameRules);
    const evil = `~${'*a'.repeat(40)}*b`;
    await d.same(['ACL', 'SETUSER', 'g', evil, '~[a-', '~\\', '~[^]]*', '~a?[b-a]\\*']);
    const [a, b] = await d.pair();
    await a.call('AUTH', 'g', 'pw');
    await b.call('AUTH', 'g', 'pw');
    for (const key of [
      'a'.repeat(60),
      `${'a'.repeat(300)}b`,
      'k'.repeat(100_000),
      'ab',
      '[a-',
      'xb',
      '*',
      '',
    ]) {
      const [x, y] = await Promise.all([a.raw('GET', key), b.raw('GET', key)]);
      exact(x, y, ['GET', key.length > 40 ? `${key.slice(0, 20)}...` : key]);
    }
    // Each pattern alone against keys at its edges (exact, prefix and glob matching).
    for (const pattern of [
      '',
      'abc',
      'abc*',
      'abc**',
      '*',
      '**',
      'a\\*',
      'a\\',
      'ab[c]*',
      '?',
      'a*c',
      '\xff*',
    ]) {
      await d.same(['ACL', 'SETUSER', 'g', 'reset', 'on', '>pw', '+get', `~${pattern}`]);
      for (const key of ['', 'abc', 'abcd', 'ab', 'a*', 'a\\', 'a', 'x', 'ac', '\xff\xfe']) {
        const [x, y] = await Promise.all([a.raw('GET', key), b.raw('GET', key)]);
        exact(x, y, ['GET', key, `(pattern ${pattern})`]);
      }
    }
    a.close();
    b.close();
    await d.same(['ACL', 'DELUSER', 'g']);
  });

  it('ACL CAT: the categories, and each category’s commands as Redis’s filtered to Redoubt’s', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['ACL', 'CAT']);
    const ours = new Set([...new CommandTable(ALL_COMMANDS).all()].map((c) => c.fullName));
    const implemented = (name: string): boolean => ours.has(name);
    for (const cat of [...ACL_CATEGORIES, 'READ', 'Keyspace', 'read\x00x']) {
      const mine = (await d.redoubt.call('ACL', 'CAT', cat)) as string[];
      const theirs: string[] = ((await d.redis.call('ACL', 'CAT', cat)) as string[]).filter(implemented);
      // Redis 7.0 lacks CLIENT NO-TOUCH and CLIENT SETINFO (7.2).
      const mineTo70 = mine.filter((n) => n !== 'client|no-touch' && n !== 'client|setinfo');
      assert.deepEqual(
        [...mineTo70].sort(),
        [...theirs].sort(),
        `ACL CAT ${cat}: only in Redoubt ${JSON.stringify(mineTo70.filter((n) => !theirs.includes(n)))}, only in Redis ${JSON.stringify(theirs.filter((n) => !mineTo70.includes(n)))}`,
      );
    }
    await d.all([
      ['ACL', 'CAT', 'nocat'],
      ['ACL', 'CAT', 'x'.repeat(300)],
      ['ACL', 'CAT', 'a', 'b'],
      ['acl', 'cat', 'a', 'b'],
    ]);
  });

  it('ACL GENPASS, WHOAMI, USERS, HELP and their errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const bits of ['1', '4', '5', '8', '255', '256', '4096', '-0', '+7']) {
      const [a, b]: Value[] = await Promise.all([
        d.redoubt.call('ACL', 'GENPASS', bits),
        d.redis.call('ACL', 'GENPASS', bits),
      ]);
      assert.equal(typeof a, typeof b, `GENPASS ${bits}`);
      if (typeof a === 'string' && typeof b === 'string') {
        assert.equal(a.length, b.length, `GENPASS ${bits}`);
        assert.match(a, /^[0-9a-f]*$/);
      } else {
        assert.deepEqual(a, b);
      }
    }
    const pass = (await d.redoubt.call('ACL', 'GENPASS')) as string;
    assert.match(pass, /^[0-9a-f]{64}$/);
    assert.notEqual(pass, await d.redoubt.call('ACL', 'GENPASS'));
    await d.all([
      ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '-1'],
      ['ACL', 'GENPASS', '4097'],
      ['ACL', 'GENPASS', 'x'],
      ['ACL', 'GENPASS', '1.5'],
      ['ACL', 'GENPASS', '99999999999999999999'],
      ['ACL', 'GENPASS', '1', '2'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'WHOAMI', 'x'],
      ['ACL', 'USERS'],
      ['ACL', 'LIST'],
      ['ACL', 'LIST', 'x'],
      ['ACL', 'HELP'],
      ['acl', 'help'],
      ['ACL', 'HELP', 'x'],
      ['ACL'],
      ['ACL', 'NOSUCH'],
      ['ACL', 'LOAD'],
      ['ACL', 'SAVE'],
      ['ACL', 'LOAD', 'x'],
      ['ACL', 'DRYRUN', 'default'],
      ['ACL', 'LOG', '1', '2'],
    ]);
  });

  it('NOPERM for commands, and for keys by read / write permission, as Redis; INFO counts them', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same([
      'ACL',
      'SETUSER',
      'r',
      'reset',
      'on',
      '>pw',
      '~cache:*',
      '%R~ro:*',
      '%W~wo:*',
      '+get',
      '+set',
      '+mget',
      '+mset',
      '+incr',
      '+del',
      '+copy',
      '+exists',
      '+getex',
      '+object|encoding',
      '+lcs',
      '+bitop',
      '+scan',
      '+keys',
      '+ping',
      '+select|0',
      '+config|get',
      '+acl|whoami',
    ]);
    const before = await d.redoubt.call('INFO', 'stats');
    const [a, b] = await d.pair();
    await d.redoubt.call('SET', 'ro:1', 'v');
    await d.redis.call('SET', 'ro:1', 'v');
    let cmdDenials = 0;
    let keyDenials = 0;
    const same = async (...args: Arg[]): Promise<void> => {
      const [x, y] = await Promise.all([a.raw(...args), b.raw(...args)]);
      exact(x, y, args);
      const text = y.toString('latin1');
      if (text.startsWith('-NOPERM') && text.includes('command')) cmdDenials++;
      if (text.startsWith('-NOPERM') && text.includes('keys')) keyDenials++;
    };
    await same('AUTH', 'r', 'pw');
    for (const args of [
      ['GET', 'cache:1'],
      ['GET', 'other'],
      ['GET', 'ro:1'],
      ['GET', 'wo:1'],
      ['SET', 'wo:1', 'x'],
      ['SET', 'ro:1', 'x'],
      ['SET', 'cache:1', 'x'],
      ['INCR', 'wo:n'],
      ['INCR', 'cache:n'],
      ['MSET', 'cache:1', 'a', 'other', 'b'],
      ['MSET', 'cache:1', 'a', 'wo:2', 'b'],
      ['MGET', 'cache:1', 'ro:1', 'wo:1'],
      ['MGET', 'cache:1', 'ro:1'],
      ['DEL', 'ro:1'],
      ['DEL', 'wo:1', 'cache:1'],
      ['COPY', 'ro:1', 'wo:2'],
      ['COPY', 'wo:1', 'ro:2'],
      ['EXISTS', 'ro:1', 'wo:1', 'cache:1'],
      ['EXISTS', 'nope'],
      ['GETEX', 'ro:1'],
      ['GETEX', 'cache:1', 'PERSIST'],
      ['OBJECT', 'ENCODING', 'ro:1'],
      ['OBJECT', 'FREQ', 'ro:1'],
      ['LCS', 'ro:1', 'wo:1'],
      ['LCS', 'ro:1', 'cache:1'],
      ['BITOP', 'AND', 'wo:d', 'ro:1'],
      ['BITOP', 'AND', 'ro:d', 'ro:1'],
      ['SCAN', '0', 'MATCH', 'zz*'],
      ['KEYS', 'zz*'],
      ['PING'],
      ['ECHO', 'x'],
      ['SELECT', '0'],
      ['SELECT', '1'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'LIST'],
      ['FLUSHALL'],
      ['GET'],
      ['NOSUCH'],
      ['CONFIG', 'NOSUCH'],
      ['AUTH', 'r', 'wrong'],
      ['GET', 'other'],
    ]) {
      await same(...args);
    }
    // CLIENT LIST (as default) shows the user; CLIENT INFO too.
    const ourList = (await d.redoubt.call('CLIENT', 'LIST')) as string;
    const theirList = (await d.redis.call('CLIENT', 'LIST')) as string;
    const users = (s: string): string[] =>
      s
        .trim()
        .split('\n')
        .map((l) => clientFields(l).get('user') as string)
        .sort();
    assert.deepEqual(users(ourList), users(theirList));
    assert.ok(users(ourList).includes('r'));
    const after = await d.redoubt.call('INFO', 'stats');
    const field = (info: Value, name: string): number =>
      Number(new RegExp(`${name}:(\\d+)`).exec(info as string)?.[1]);
    assert.ok(cmdDenials > 0 && keyDenials > 0);
    assert.equal(field(after, 'acl_access_denied_cmd') - field(before, 'acl_access_denied_cmd'), cmdDenials);
    assert.equal(field(after, 'acl_access_denied_key') - field(before, 'acl_access_denied_key'), keyDenials);
    assert.equal(field(after, 'acl_access_denied_auth') - field(before, 'acl_access_denied_auth'), 1);
    assert.equal(field(after, 'acl_access_denied_channel'), 0);
    // CONFIG RESETSTAT keeps them, as Redis 7.2.
    await d.redoubt.call('CONFIG', 'RESETSTAT');
    assert.equal(
      field(await d.redoubt.call('INFO', 'stats'), 'acl_access_denied_cmd'),
      field(after, 'acl_access_denied_cmd'),
    );
    a.close();
    b.close();
    await d.same(['ACL', 'DELUSER', 'r']);
  });

  it('ACL LOG: entries, merging, count, RESET, as Redis (plus 7.2’s entry-id and timestamps)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['ACL', 'LOG', 'RESET']);
    await d.same(['ACL', 'SETUSER', 'l', 'reset', 'on', '>pw', '~k*', '+get', '+set']);
    const [a, b] = await d.pair();
    const both = async (...args: Arg[]): Promise<void> => {
      const [x, y] = await Promise.all([a.raw(...args), b.raw(...args)]);
      exact(x, y, args);
    };
    await both('auth', 'l', 'nope');
    await both('AUTH', 'nouser', 'x');
    await both('HELLO', '2', 'AUTH', 'l', 'bad');
    await both('AUTH', 'l', 'pw');
    await both('GET', 'x1');
    await both('GET', 'x1');
    await both('GET', 'x2');
    await both('INCR', 'k1');
    await both('SET', 'k1', 'v');
    await both('SET', 'x1', 'v');
    await both('INCR', 'k1');
    const entries = async (c: RespConnection, ...args: Arg[]): Promise<Value[][]> =>
      (await c.call('ACL', 'LOG', ...args)) as Value[][];
    const shape = (e: Value[]): Value[] => {
      const m = new Map<string, Value>();
      for (let i = 0; i < e.length; i += 2) m.set(e[i] as string, e[i + 1] as Value);
      const info = clientFields(m.get('client-info') as string);
      return [
        ...e.slice(0, 11),
        Number.isFinite(Number(e[11])),
        [...info.keys()].filter((k) => k !== 'lib-name' && k !== 'lib-ver').join(' '),
        info.get('cmd') as string,
        info.get('user') as string,
        info.get('db') as string,
      ];
    };
    for (const args of [[], ['3'], ['0'], ['-5'], ['100']]) {
      const ours = await entries(d.redoubt, ...args);
      const theirs = await entries(d.redis, ...args);
      assert.deepEqual(ours.map(shape), theirs.map(shape), `ACL LOG ${args.join(' ')}`);
    }
    const ours = await entries(d.redoubt);
    const first = ours[0] as Value[];
    // Redis 7.2's extra fields: entry-id (creation order, from 0), created, last updated.
    assert.deepEqual(
      first.filter((_, i) => i % 2 === 0),
      [
        'count',
        'reason',
        'context',
        'object',
        'username',
        'age-seconds',
        'client-info',
        'entry-id',
        'timestamp-created',
        'timestamp-last-updated',
      ],
    );
    const ids = ours.map((e) => e[15] as number);
    assert.deepEqual(
      [...ids].sort((x, y) => y - x),
      [...new Set(ids)].sort((x, y) => y - x),
    );
    const merged = ours.find((e) => e[1] === 2) as Value[];
    assert.ok((merged[19] as number) >= (merged[17] as number));
    // RESP3: a map per entry and a double age, as Redis.
    const [a3, b3] = await d.pair();
    await a3.call('HELLO', '3');
    await b3.call('HELLO', '3');
    const x = await a3.raw('ACL', 'LOG', '1');
    const y = await b3.raw('ACL', 'LOG', '1');
    a3.close();
    b3.close();
    assert.equal(x.toString('latin1', 0, 5), '*1\r\n%');
    assert.equal(y.toString('latin1', 0, 5), '*1\r\n%');
    assert.match(x.toString('latin1'), /\$11\r\nage-seconds\r\n,[0-9.e-]+\r\n/);
    await d.all([
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '1.5'],
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'LOG'],
      ['ACL', 'LOG', 'reset'],
    ]);
    // acllog-max-len bounds the log.
    await d.same(['CONFIG', 'SET', 'acllog-max-len', '2']);
    for (const k of ['z1', 'z2', 'z3', 'z4']) await both('GET', k);
    assert.equal(((await entries(d.redoubt)) as Value[][]).length, 2);
    assert.deepEqual(
      (await entries(d.redoubt)).map((e) => e[7]),
      (await entries(d.redis)).map((e) => e[7]),
    );
    await d.same(['CONFIG', 'SET', 'acllog-max-len', '128']);
    a.close();
    b.close();
    await d.same(['ACL', 'DELUSER', 'l']);
  });

  it('ACL DRYRUN: allowed, denied command, denied key, selectors, and errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same([
      'ACL',
      'SETUSER',
      'dr',
      'reset',
      'on',
      '~a*',
      '%R~r*',
      '+get',
      '+mset',
      '+mget',
      '+select|0',
      '(~b* +set +mset)',
      '(%W~w* +@write)',
    ]);
    await d.all([
      ['ACL', 'DRYRUN', 'dr', 'GET', 'a1'],
      ['ACL', 'DRYRUN', 'dr', 'GET', 'r1'],
      ['ACL', 'DRYRUN', 'dr', 'GET', 'b1'],
      ['ACL', 'DRYRUN', 'dr', 'GET', 'w1'],
      ['ACL', 'DRYRUN', 'dr', 'SET', 'b1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'SET', 'a1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'SET', 'w1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'SET', 'r1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'MSET', 'a1', 'v', 'b1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'MSET', 'b1', 'v', 'b2', 'v', 'x', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'MSET', 'w1', 'v', 'a1', 'v', 'b1', 'v'],
      ['ACL', 'DRYRUN', 'dr', 'MGET', 'a1', 'r1', 'x', 'y'],
      ['ACL', 'DRYRUN', 'dr', 'INCR', 'w1'],
      ['ACL', 'DRYRUN', 'dr', 'INCR', 'a1'],
      ['ACL', 'DRYRUN', 'dr', 'DEL', 'w1'],
      ['ACL', 'DRYRUN', 'dr', 'SELECT', '0'],
      ['ACL', 'DRYRUN', 'dr', 'SELECT', '1'],
      ['ACL', 'DRYRUN', 'dr', 'select', '0'],
      ['ACL', 'DRYRUN', 'dr', 'PING'],
      ['ACL', 'DRYRUN', 'dr', 'AUTH', 'x', 'y'],
      ['ACL', 'DRYRUN', 'dr', 'HELLO'],
      ['ACL', 'DRYRUN', 'dr', 'CONFIG', 'GET', 'x'],
      ['ACL', 'DRYRUN', 'dr', 'CONFIG'],
      ['ACL', 'DRYRUN', 'dr', 'CONFIG', 'NOSUB'],
      ['ACL', 'DRYRUN', 'dr', 'GET'],
      ['ACL', 'DRYRUN', 'dr', 'GET', 'a', 'b'],
      ['ACL', 'DRYRUN', 'dr', 'NOSUCH', 'a'],
      ['ACL', 'DRYRUN', 'nosuch', 'GET', 'a'],
      ['ACL', 'DRYRUN', 'dr'],
      ['ACL', 'DRYRUN', 'default', 'FLUSHALL'],
    ]);
    await d.same(['ACL', 'DELUSER', 'dr']);
  });

  it('acl-pubsub-default allchannels: new users and reset start with every channel', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['CONFIG', 'SET', 'acl-pubsub-default', 'allchannels']);
    await d.all(
      [
        ['ACL', 'SETUSER', 'p1', 'on'],
        ['ACL', 'GETUSER', 'p1'],
        ['ACL', 'SETUSER', 'p1', 'resetchannels', '&x', '(+get)'],
        ['ACL', 'GETUSER', 'p1'],
        ['ACL', 'SETUSER', 'p1', 'reset'],
        ['ACL', 'GETUSER', 'p1'],
        ['ACL', 'SETUSER', 'p1', '&y'],
        ['ACL', 'LIST'],
      ],
      sameRules,
    );
    await d.same(['CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels']);
    await d.all(
      [
        ['ACL', 'SETUSER', 'p2', 'on', '(+get)'],
        ['ACL', 'LIST'],
        ['CONFIG', 'GET', 'acl-pubsub-default'],
        ['ACL', 'DELUSER', 'p1', 'p2'],
      ],
      sameRules,
    );
  });

  it('AUTH and HELLO AUTH: errors word for word, WHOAMI and CLIENT INFO show the user', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['ACL', 'SETUSER', 'au', 'reset', 'on', '>pw', '>pw2', '+@all', '~*'],
      ['ACL', 'SETUSER', 'np', 'reset', 'on', 'nopass', '+@all'],
      ['ACL', 'SETUSER', 'offu', 'reset', 'off', '>pw', '+@all'],
      ['ACL', 'SETUSER', 'offnp', 'reset', 'off', 'nopass', '+@all'],
    ]);
    const [a, b] = await d.pair();
    const both = async (cmp: Comparator, ...args: Arg[]): Promise<void> => {
      const [x, y] = await Promise.all([a.raw(...args), b.raw(...args)]);
      cmp(x, y, args);
    };
    for (const args of [
      ['AUTH', 'x'],
      ['AUTH', 'default', 'anything'],
      ['AUTH', 'au', 'bad'],
      ['AUTH', 'nouser', 'pw'],
      ['AUTH', 'offu', 'pw'],
      ['AUTH', 'offnp', 'x'],
      ['AUTH', 'a', 'b', 'c'],
      ['AUTH'],
      ['HELLO', '3', 'AUTH', 'au', 'bad'],
      ['HELLO', '3', 'AUTH', 'au'],
      ['HELLO', '9', 'AUTH', 'au', 'pw'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'au', 'pw2'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'np', ''],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'au', 'pw'],
    ]) {
      await both(exact, ...args);
    }
    await both(sameButId, 'HELLO', '2', 'AUTH', 'np', 'whatever');
    await both(exact, 'ACL', 'WHOAMI');
    for (const conn of [a, b]) {
      assert.equal(clientFields((await conn.call('CLIENT', 'INFO')) as string).get('user'), 'np');
    }
    await both(exact, 'RESET');
    await both(exact, 'ACL', 'WHOAMI');
    // CLIENT KILL USER finds the user's clients.
    await both(exact, 'AUTH', 'au', 'pw');
    const [a2, b2] = await d.pair();
    await both(exact, 'CLIENT', 'KILL', 'USER', 'np');
    await both(exact, 'CLIENT', 'KILL', 'USER', 'nosuch');
    await d.all([['CLIENT', 'KILL', 'USER', 'au']]);
    assert.ok(await a.waitClosed());
    assert.ok(await b.waitClosed());
    a2.close();
    b2.close();
    await d.same(['ACL', 'DELUSER', 'au', 'np', 'offu', 'offnp']);
  });

  it('SLOWLOG shows AUTH, HELLO AUTH and ACL SETUSER arguments as "(redacted)", as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['SLOWLOG', 'RESET'],
      ['ACL', 'SETUSER', 'sl', 'on', '>secret', `#${HASH}`, '<secret', `!${HASH}`, '~k', '+get'],
      ['ACL', 'SETUSER', 'bad name', '>secret'],
      ['ACL', 'SETUSER', 'sl', '<notthere'],
      ['AUTH', 'sl', 'wrongsecret'],
      ['AUTH', 'onlypassword'],
      ['HELLO', '2', 'AUTH', 'sl', 'secret2', 'SETNAME', 'n'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
    ]);
    const argvs = (v: Value): Value[] => (v as Value[][]).map((e) => e[3] as Value);
    const ours = argvs(await d.redoubt.call('SLOWLOG', 'GET', '20'));
    const theirs = argvs(await d.redis.call('SLOWLOG', 'GET', '20'));
    assert.deepEqual(ours, theirs);
    assert.ok(!JSON.stringify(ours).includes('secret'));
    await d.same(['ACL', 'DELUSER', 'sl']);
  });

  it('deleting a user disconnects its clients, the deleting one after its reply', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['ACL', 'SETUSER', 'gone', 'reset', 'on', '>pw', '+@all', '~*']);
    const [a, b] = await d.pair();
    const [a2, b2] = await d.pair();
    for (const c of [a, b, a2, b2]) assert.deepEqual(await c.call('AUTH', 'gone', 'pw'), { status: 'OK' });
    await d.same(['ACL', 'DELUSER', 'gone']);
    assert.ok(await a.waitClosed());
    assert.ok(await b.waitClosed());
    await d.same(['ACL', 'SETUSER', 'gone', 'reset', 'on', '>pw', '+@all', '~*']);
    const [a3, b3] = await d.pair();
    for (const c of [a2, b2]) assert.ok(c.closed);
    for (const c of [a3, b3]) await c.call('AUTH', 'gone', 'pw');
    const [x, y] = await Promise.all([a3.raw('ACL', 'DELUSER', 'gone'), b3.raw('ACL', 'DELUSER', 'gone')]);
    exact(x, y, ['ACL', 'DELUSER', 'gone']);
    assert.ok(await a3.waitClosed());
    assert.ok(await b3.waitClosed());
  });

  it('disabling a user disconnects its clients (Redoubt; Redis 7.0 keeps them connected)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['ACL', 'SETUSER', 'dis', 'reset', 'on', '>pw', '+@all', '~*']);
    const [a, b] = await d.pair();
    const [other] = await d.pair();
    await a.call('AUTH', 'dis', 'pw');
    await b.call('AUTH', 'dis', 'pw');
    await d.same(['ACL', 'SETUSER', 'dis', 'off']);
    assert.ok(await a.waitClosed(), 'Redoubt closes the disabled user’s connection');
    assert.deepEqual(await b.call('PING'), { status: 'PONG' }, 'Redis keeps it');
    assert.deepEqual(await other.call('PING'), { status: 'PONG' });
    b.close();
    other.close();
    await d.same(['ACL', 'DELUSER', 'dis']);
  });

  it('HELLO 3 in RESP3: GETUSER is a map with a set of flags, as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [a, b] = await d.pair();
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
    for (const args of [
      ['ACL', 'SETUSER', 'h3', 'reset', 'on', '>x', '~a', '&b', '+get', '(+set ~c)'],
      ['ACL', 'GETUSER', 'h3'],
      ['ACL', 'GETUSER', 'nosuch'],
      ['ACL', 'LIST'],
      ['ACL', 'DELUSER', 'h3'],
    ]) {
      const [x, y] = await Promise.all([a.raw(...args), b.raw(...args)]);
      sameRules(x, y, args);
    }
    a.close();
    b.close();
  });

  it('canonicalRules keeps what matters', () => {
    assert.equal(
      canonicalRules('user u on ~a resetchannels -@all +set +get -client|kill +client (~b -@all +set +get)'),
      'user u on ~a resetchannels -@all +client -client|kill +get +set (~b -@all +get +set)',
    );
    sameType(Buffer.from('+OK\r\n'), Buffer.from('+OK\r\n'), []);
  });
});

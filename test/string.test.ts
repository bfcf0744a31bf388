/**
 * String commands, differential against a real redis-server 7.0: every command,
 * option and error path, binary-safe values, exact int64 counters, INCRBYFLOAT's
 * long double arithmetic and formatting, LCS, the proto-max-bulk-len limits, and
 * a seeded randomized run of mixed string and bitmap commands.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Differential, nearInteger, sameType } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import { type Arg, encode, type RespConnection } from './helpers/resp.js';

const BIN = Buffer.from([0, 13, 10, 0x80, 0xff, 0x41, 0, 0xfe, 0x7f]);
const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

/**
 * One command's bulk reply on a fresh connection, read as a stream (a 512 MB
 * reply is not buffered): its header and the JSON of its last 8 bytes.
 */
function bulkReplyOutline(port: number, args: readonly Arg[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(encode(args)));
    let header = '';
    let expected = -1;
    let received = 0;
    let tail = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = Buffer.concat([tail, chunk.subarray(-8)]).subarray(-8);
      if (expected === -1) {
        header += chunk.toString('latin1', 0, Math.min(chunk.length, 32));
        const cr = header.indexOf('\r\n');
        if (cr === -1) return;
        header = header.slice(0, cr + 2);
        const n = Number(header.slice(1, cr));
        expected = header.startsWith('$') && n >= 0 ? header.length + n + 2 : header.length;
      }
      if (received >= expected) {
        s.destroy();
        resolve(`${header}${JSON.stringify(tail.toString('latin1'))}`);
      }
    });
    s.on('error', reject);
  });
}

describe('string commands (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('arity errors of every command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['GET'],
      ['GET', 'a', 'b'],
      ['SET', 'a'],
      ['SETNX', 'a'],
      ['SETNX', 'a', 'b', 'c'],
      ['SETEX', 'a', '10'],
      ['PSETEX', 'a', '10'],
      ['GETSET', 'a'],
      ['GETDEL'],
      ['GETDEL', 'a', 'b'],
      ['GETEX'],
      ['MGET'],
      ['MSET'],
      ['MSET', 'a'],
      ['MSET', 'a', '1', 'b'],
      ['MSETNX', 'a'],
      ['MSETNX', 'a', '1', 'b'],
      ['APPEND', 'a'],
      ['STRLEN'],
      ['STRLEN', 'a', 'b'],
      ['INCR'],
      ['INCR', 'a', 'b'],
      ['DECR'],
      ['INCRBY', 'a'],
      ['DECRBY', 'a', '1', '2'],
      ['INCRBYFLOAT', 'a'],
      ['GETRANGE', 'a', '0'],
      ['SUBSTR', 'a', '0'],
      ['SETRANGE', 'a', '0'],
      ['LCS', 'a'],
    ]);
  });

  it('GET and SET, binary safe', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['GET', 'nokey'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', 'k', ''],
      ['GET', 'k'],
      ['EXISTS', 'k'],
      ['SET', 'k', BIN],
      ['GET', 'k'],
      ['SET', BIN, BIN],
      ['GET', BIN],
      ['SET', 'ÿµ', 'x\r\ny'],
      ['GET', 'ÿµ'],
      ['SET', 'big', 'x'.repeat(100000)],
      ['GET', 'big'],
      ['STRLEN', 'big'],
      ['SET', 'n', '12345'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SET', 'e', 'x'.repeat(44)],
      ['OBJECT', 'ENCODING', 'e'],
      ['SET', 'r', 'x'.repeat(45)],
      ['OBJECT', 'ENCODING', 'r'],
    ]);
  });

  it('SET options, conflicts and expire validation', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'k', 'v', 'NX'],
      ['SET', 'k', 'w', 'NX'],
      ['GET', 'k'],
      ['SET', 'k', 'w', 'XX'],
      ['GET', 'k'],
      ['SET', 'missing', 'w', 'XX'],
      ['EXISTS', 'missing'],
      ['SET', 'k', 'v', 'nx', 'NX'],
      ['SET', 'k', 'v', 'xX', 'xx'],
      ['SET', 'k', 'v', 'NX', 'XX'],
      ['SET', 'k', 'v', 'XX', 'NX'],
      ['SET', 'k', 'v', 'GET'],
      ['SET', 'k', 'v2', 'get', 'GET'],
      ['SET', 'g', 'v', 'GET'],
      ['SET', 'g', 'v2', 'NX', 'GET'],
      ['GET', 'g'],
      ['SET', 'g2', 'v', 'XX', 'GET'],
      ['EXISTS', 'g2'],
      ['SET', 'g', 'v3', 'XX', 'GET'],
      ['SET', 'k', 'v', 'EX', '100'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'KEEPTTL'],
      ['TTL', 'k'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'PX', '100000'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'ex', '10', 'EX', '200'],
      ['TTL', 'k'],
    ]);
    // Absolute times: the servers answer a moment apart, so the rounded TTL may
    // legitimately differ by one second.
    await d.same(['SET', 'k', 'v', 'EXAT', String(Math.floor(Date.now() / 1000) + 1000)]);
    await d.same(['TTL', 'k'], nearInteger(1));
    await d.same(['SET', 'k', 'v', 'PXAT', String(Date.now() + 3000000)]);
    await d.same(['TTL', 'k'], nearInteger(1));
    await d.all([
      ['SET', 'k', 'v', 'EX', '100', 'KEEPTTL'],
      ['SET', 'k', 'v', 'KEEPTTL', 'EX', '100'],
      ['SET', 'k', 'v', 'EX', '100', 'PX', '100'],
      ['SET', 'k', 'v', 'PX', '100', 'EX', '100'],
      ['SET', 'k', 'v', 'EX', '100', 'EXAT', '100'],
      ['SET', 'k', 'v', 'EXAT', '100', 'PXAT', '100'],
      ['SET', 'k', 'v', 'PXAT', '100', 'PX', '100'],
      ['SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL'],
      ['SET', 'k', 'v', 'PERSIST'],
      ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'PX'],
      ['SET', 'k', 'v', 'EXAT'],
      ['SET', 'k', 'v', 'PXAT'],
      ['SET', 'k', 'v', 'NX', 'EX'],
      ['SET', 'k', 'v', 'FOO'],
      ['SET', 'k', 'v', 'NX\0junk'],
      ['SET', 'k', 'v', 'GET\0'],
      ['SET', 'k', 'v', 'E'],
      ['SET', 'k', 'v', 'EX', '0'],
      ['SET', 'k', 'v', 'EX', '-1'],
      ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'EXAT', '0'],
      ['SET', 'k', 'v', 'PXAT', '-5'],
      ['SET', 'k', 'v', 'EX', 'abc'],
      ['SET', 'k', 'v', 'EX', '1.5'],
      ['SET', 'k', 'v', 'EX', ''],
      ['SET', 'k', 'v', 'EX', ' 1'],
      ['SET', 'k', 'v', 'EX', '9223372036854775808'],
      ['SET', 'k', 'v', 'EX', '9223372036854775'],
      ['SET', 'k', 'v', 'EX', '9223372036854776'],
      ['SET', 'k', 'v', 'EX', LLONG_MAX],
      ['SET', 'k', 'v', 'PX', LLONG_MAX],
      ['SET', 'k', 'v', 'PX', '9223370000000000000'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854776'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'],
      ['SET', 'k', 'v', 'PXAT', LLONG_MAX],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v', 'EXAT', '9007199254740993'],
      ['SET', 'k', 'v', 'EX', '9007199254740993'],
      ['SET', 'k', 'v', 'NX', 'EX', '0'],
      ['SET', 'past', 'v', 'EXAT', '1'],
      ['GET', 'past'],
      ['EXISTS', 'past'],
      ['SET', 'past', 'v', 'PXAT', '1', 'GET'],
      ['GET', 'past'],
    ]);
  });

  it('SET PX expires the key', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['SET', 'short', 'v', 'PX', '50'],
      ['GET', 'short'],
    ]);
    await new Promise((r) => setTimeout(r, 120));
    await d.all([
      ['GET', 'short'],
      ['EXISTS', 'short'],
      ['PSETEX', 'short', '50', 'w'],
      ['GET', 'short'],
    ]);
    await new Promise((r) => setTimeout(r, 120));
    await d.all([['GET', 'short']]);
  });

  it('SETNX, SETEX, PSETEX, GETSET, GETDEL', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SETNX', 'k', 'v'],
      ['SETNX', 'k', 'w'],
      ['GET', 'k'],
      ['SETNX', BIN, BIN],
      ['GET', BIN],
      ['SETEX', 'k', '100', 'x'],
      ['GET', 'k'],
      ['TTL', 'k'],
      ['SETEX', 'k', '0', 'x'],
      ['SETEX', 'k', '-10', 'x'],
      ['SETEX', 'k', 'abc', 'x'],
      ['SETEX', 'k', '9223372036854775', 'x'],
      ['SETEX', 'k', LLONG_MAX, 'x'],
      ['PSETEX', 'k', '100000', 'y'],
      ['TTL', 'k'],
      ['GET', 'k'],
      ['PSETEX', 'k', '0', 'y'],
      ['PSETEX', 'k', LLONG_MAX, 'y'],
      ['PSETEX', 'k', '1.5', 'y'],
      ['SETEX', 'k', '100', 'x'],
      ['GETSET', 'k', 'z'],
      ['TTL', 'k'],
      ['GET', 'k'],
      ['GETSET', 'new', 'z'],
      ['GET', 'new'],
      ['GETSET', 'new', BIN],
      ['GETDEL', 'new'],
      ['GETDEL', 'new'],
      ['EXISTS', 'new'],
      ['GETDEL', 'nokey'],
    ]);
  });

  it('GETEX and its options', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const future = String(Math.floor(Date.now() / 1000) + 5000);
    await d.all([
      ['FLUSHALL'],
      ['GETEX', 'nokey'],
      ['GETEX', 'nokey', 'EX', '0'],
      ['GETEX', 'nokey', 'EX', 'abc'],
      ['GETEX', 'nokey', 'FOO'],
      ['GETEX', 'nokey', 'PERSIST', 'EX', '10'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EX', '100'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'px', '200000'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EXAT', future],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PXAT', `${future}000`],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EX', '0'],
      ['GETEX', 'k', 'EX', '-1'],
      ['GETEX', 'k', 'PX', 'x'],
      ['GETEX', 'k', 'EX', '9223372036854775'],
      ['GETEX', 'k', 'EX'],
      ['GETEX', 'k', 'EX', '10', 'PX', '10'],
      ['GETEX', 'k', 'PERSIST', 'EX', '10'],
      ['GETEX', 'k', 'EX', '10', 'PERSIST'],
      ['GETEX', 'k', 'KEEPTTL'],
      ['GETEX', 'k', 'NX'],
      ['GETEX', 'k', 'GET'],
      ['GETEX', 'k', 'EX', '10', 'EX', '20'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EXAT', '1'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['GET', 'k'],
    ]);
  });

  it('MGET, MSET, MSETNX', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['MSET', 'a', '1', 'b', '2', 'c', BIN],
      ['MGET', 'a', 'b', 'c', 'nokey', 'a'],
      ['SETEX', 'a', '100', 'x'],
      ['MSET', 'a', '3'],
      ['TTL', 'a'],
      ['MSET', 'a', '1', 'a', '2'],
      ['GET', 'a'],
      ['MSETNX', 'x', '1', 'a', '2'],
      ['EXISTS', 'x'],
      ['MSETNX', 'x', '1', 'y', '2'],
      ['MGET', 'x', 'y'],
      ['MSETNX', 'z', '1', 'z', '2'],
      ['GET', 'z'],
      ['MGET', 'nokey'],
    ]);
  });

  it('APPEND, STRLEN and encodings', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['APPEND', 'k', 'hello'],
      ['OBJECT', 'ENCODING', 'k'],
      ['APPEND', 'k', ' world'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['APPEND', 'k', ''],
      ['APPEND', 'n', '123'],
      ['OBJECT', 'ENCODING', 'n'],
      ['APPEND', 'n', '4'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'n'],
      ['APPEND', 'b', BIN],
      ['APPEND', 'b', BIN],
      ['GET', 'b'],
      ['STRLEN', 'b'],
      ['STRLEN', 'nokey'],
      ['APPEND', 'e', ''],
      ['EXISTS', 'e'],
      ['STRLEN', 'e'],
      ['SETEX', 't', '100', 'a'],
      ['APPEND', 't', 'b'],
      ['TTL', 't'],
      ['SET', 'i', '10'],
      ['INCR', 'i'],
      ['OBJECT', 'ENCODING', 'i'],
      ['APPEND', 'i', '0'],
      ['INCR', 'i'],
      ['OBJECT', 'ENCODING', 'i'],
      ['SET', 's', 'abc'],
      ['APPEND', 's', ''],
      ['OBJECT', 'ENCODING', 's'],
    ]);
  });

  it('values growing past 64 KiB by APPEND, SETRANGE and SETBIT', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'big', 'x'.repeat(65000)],
      ['APPEND', 'big', 'y'.repeat(1000)],
      ['STRLEN', 'big'],
      ['GETRANGE', 'big', '64990', '65010'],
      ['SETRANGE', 'big', '70000', 'z'],
      ['GETRANGE', 'big', '65990', '66010'],
      ['GET', 'big'],
      ['SETBIT', 'big', '600000', '1'],
      ['STRLEN', 'big'],
      ['BITCOUNT', 'big'],
      ['BITPOS', 'big', '1', '70001'],
      ['GETRANGE', 'big', '-10', '-1'],
      ['APPEND', 'big', 'tail'],
      ['GETRANGE', 'big', '-10', '-1'],
      ['SETRANGE', 'fresh', '100000', 'q'],
      ['GETRANGE', 'fresh', '99995', '-1'],
      ['SETBIT', 'fresh2', '800000', '1'],
      ['STRLEN', 'fresh2'],
      ['BITPOS', 'fresh2', '1'],
    ]);
    for (let i = 0; i < 40; i++) await d.same(['APPEND', 'grow', 'z'.repeat(4000)]);
    await d.all([
      ['STRLEN', 'grow'],
      ['GET', 'grow'],
      ['OBJECT', 'ENCODING', 'grow'],
    ]);
  });

  it('GETRANGE and SUBSTR', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['SET', 'k', 'Hello, World'], ['SET', 'e', ''], ['SET', 'n', '1234']]);
    const idx = ['0', '1', '3', '-1', '-3', '-12', '-13', '-100', '11', '12', '100', LLONG_MAX, LLONG_MIN];
    for (const s of idx) {
      for (const e of idx) {
        await d.same(['GETRANGE', 'k', s, e]);
      }
    }
    await d.all([
      ['GETRANGE', 'e', '0', '-1'],
      ['GETRANGE', 'e', '-1', '0'],
      ['GETRANGE', 'n', '1', '2'],
      ['GETRANGE', 'nokey', '0', '-1'],
      ['GETRANGE', 'nokey', '0', 'x'],
      ['GETRANGE', 'k', 'a', '1'],
      ['GETRANGE', 'k', '1', 'b'],
      ['GETRANGE', 'k', '1', '9223372036854775808'],
      ['GETRANGE', 'k', '1.0', '2'],
      ['SUBSTR', 'k', '0', '4'],
      ['SUBSTR', 'k', '-5', '-1'],
      ['SUBSTR', 'k', 'x', '1'],
      ['SET', 'b', BIN],
      ['GETRANGE', 'b', '1', '5'],
      ['SETBIT', 'bits', '100', '1'],
      ['GETRANGE', 'bits', '10', '12'],
    ]);
  });

  it('SETRANGE', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SETRANGE', 'k', '0', ''],
      ['EXISTS', 'k'],
      ['SETRANGE', 'k', '5', ''],
      ['SETRANGE', 'k', '5', 'hello'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['SETRANGE', 'k', '0', 'ab'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '8', 'xyz'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '20', BIN],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['SETRANGE', 'k', '3', ''],
      ['SETRANGE', 'k', '-1', 'x'],
      ['SETRANGE', 'k', 'x', 'x'],
      ['SETRANGE', 'k', '1.5', 'x'],
      ['SETRANGE', 'k', '9223372036854775808', 'x'],
      ['SETRANGE', 'k', '536870912', 'x'],
      ['SETRANGE', 'k', '536870911', ''],
      ['SETRANGE', 'k', LLONG_MAX, 'x'],
      ['SETRANGE', 'nokey', '536870912', 'x'],
      ['SETRANGE', 'nokey', '-1', ''],
      ['SET', 'n', '123'],
      ['SETRANGE', 'n', '1', '9'],
      ['GET', 'n'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SETEX', 't', '100', 'abc'],
      ['SETRANGE', 't', '1', 'X'],
      ['TTL', 't'],
      ['GET', 't'],
      ['SET', 's', 'short'],
      ['SETRANGE', 's', '0', ''],
      ['OBJECT', 'ENCODING', 's'],
    ]);
  });

  it('INCR, DECR, INCRBY, DECRBY over the full int64 range', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['DECR', 'k'],
      ['DECR', 'k'],
      ['DECR', 'k'],
      ['INCRBY', 'k', '100'],
      ['DECRBY', 'k', '50'],
      ['INCRBY', 'k', '-1000'],
      ['DECRBY', 'k', '-7'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['SET', 'k', '9007199254740991'],
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['INCRBY', 'k', '9007199254740993'],
      ['GET', 'k'],
      ['SET', 'k', String(BigInt(LLONG_MAX) - 1n)],
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['GET', 'k'],
      ['INCRBY', 'k', '0'],
      ['INCRBY', 'k', '-1'],
      ['SET', 'k', LLONG_MAX],
      ['INCRBY', 'k', '1'],
      ['DECRBY', 'k', '-1'],
      ['INCRBY', 'k', LLONG_MIN],
      ['SET', 'k', LLONG_MIN],
      ['DECR', 'k'],
      ['INCRBY', 'k', '-1'],
      ['INCR', 'k'],
      ['INCRBY', 'k', LLONG_MAX],
      ['SET', 'k', '-1'],
      ['INCRBY', 'k', LLONG_MIN],
      ['INCRBY', 'k', LLONG_MIN],
      ['SET', 'k', '0'],
      ['DECRBY', 'k', LLONG_MIN],
      ['DECRBY', 'nokey', LLONG_MIN],
      ['DECRBY', 'k', LLONG_MAX],
      ['DECRBY', 'k', '1'],
      ['DECRBY', 'k', '1'],
      ['INCRBY', 'k', '9223372036854775808'],
      ['INCRBY', 'k', '-9223372036854775809'],
      ['INCRBY', 'k', '1.5'],
      ['INCRBY', 'k', 'abc'],
      ['INCRBY', 'k', ''],
      ['INCRBY', 'k', '+1'],
      ['INCRBY', 'k', '01'],
      ['INCRBY', 'k', '-0'],
      ['INCRBY', 'k', ' 1'],
      ['INCRBY', 'k', '1 '],
      ['DECRBY', 'k', 'x'],
      ['GET', 'k'],
      ['SETEX', 't', '100', '5'],
      ['INCR', 't'],
      ['TTL', 't'],
    ]);
    for (const bad of [
      'abc',
      '',
      '1.5',
      ' 1',
      '1 ',
      '+1',
      '01',
      '-0',
      '1e3',
      '0x10',
      '99999999999999999999',
      '1\0',
    ]) {
      await d.all([
        ['SET', 'bad', bad],
        ['INCR', 'bad'],
        ['DECR', 'bad'],
        ['INCRBY', 'bad', '5'],
        ['GET', 'bad'],
      ]);
    }
  });

  it('INCRBYFLOAT with long double precision and formatting', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'k', '10.5'],
      ['INCRBYFLOAT', 'k', '0.1'],
      ['OBJECT', 'ENCODING', 'k'],
      ['INCRBYFLOAT', 'f', '0.1'],
      ['INCRBYFLOAT', 'f', '0.2'],
      ['INCRBYFLOAT', 'f', '-0.3'],
      ['INCRBYFLOAT', 'f', '1e308'],
      ['INCRBYFLOAT', 'f', '1e308'],
      ['INCRBYFLOAT', 'f', '-1e308'],
      ['INCRBYFLOAT', 'f', '-1e308'],
      ['SET', 'z', '-0'],
      ['INCRBYFLOAT', 'z', '-0'],
      ['INCRBYFLOAT', 'z', '0'],
      ['INCRBYFLOAT', 'z', '5.0e3'],
      ['INCRBYFLOAT', 'z', '5.0E-3'],
      ['INCRBYFLOAT', 'z', '.5'],
      ['INCRBYFLOAT', 'z', '5.'],
      ['INCRBYFLOAT', 'z', '+1'],
      ['INCRBYFLOAT', 'z', '-1e-20'],
      ['INCRBYFLOAT', 'z', '0x1p3'],
      ['INCRBYFLOAT', 'z', '0X1.8P-1'],
      ['INCRBYFLOAT', 'z', '1e4932'],
      ['INCRBYFLOAT', 'z', '-1e4932'],
      ['INCRBYFLOAT', 'z', '1e4933'],
      ['INCRBYFLOAT', 'z', '1e5000'],
      ['INCRBYFLOAT', 'z', '1e-4950'],
      ['INCRBYFLOAT', 'z', '1e-4952'],
      ['INCRBYFLOAT', 'z', '1e-99999999999999'],
      ['INCRBYFLOAT', 'z', '1e99999999999999'],
      ['INCRBYFLOAT', 'z', '0e99999999999999'],
      ['INCRBYFLOAT', 'z', 'inf'],
      ['INCRBYFLOAT', 'z', '-inf'],
      ['INCRBYFLOAT', 'z', 'Infinity'],
      ['INCRBYFLOAT', 'z', 'nan'],
      ['INCRBYFLOAT', 'z', 'NaN'],
      ['INCRBYFLOAT', 'z', ''],
      ['INCRBYFLOAT', 'z', ' 1'],
      ['INCRBYFLOAT', 'z', '1 '],
      ['INCRBYFLOAT', 'z', '1e'],
      ['INCRBYFLOAT', 'z', '1e+'],
      ['INCRBYFLOAT', 'z', '.'],
      ['INCRBYFLOAT', 'z', '0x'],
      ['INCRBYFLOAT', 'z', 'abc'],
      ['INCRBYFLOAT', 'z', '1\x002'],
      ['INCRBYFLOAT', 'z', '1'.repeat(5119)],
      ['INCRBYFLOAT', 'z', '1'.repeat(5120)],
      ['GET', 'z'],
      ['SET', 'inf', 'inf'],
      ['INCRBYFLOAT', 'inf', '1'],
      ['SET', 'inf', '-inf'],
      ['INCRBYFLOAT', 'inf', 'inf'],
      ['SET', 'bad', 'abc'],
      ['INCRBYFLOAT', 'bad', '1'],
      ['INCRBYFLOAT', 'bad', 'x'],
      ['SET', 'tie', '3.814697265625e-06'],
      ['INCRBYFLOAT', 'tie', '0'],
      ['SET', 'i', LLONG_MAX],
      ['INCRBYFLOAT', 'i', '1'],
      ['SET', 'i', '123456789012345678901234567890'],
      ['INCRBYFLOAT', 'i', '0.5'],
      ['SET', 'i', '0.123456789012345678901234567890'],
      ['INCRBYFLOAT', 'i', '0'],
      ['SETEX', 't', '100', '1.5'],
      ['INCRBYFLOAT', 't', '1'],
      ['TTL', 't'],
    ]);
    // A long chain: every step parses the previous 17-digit result again.
    for (const inc of ['0.1', '0.2', '0.3', '-0.7', '1.1', '1e-17', '3.3333333333333333', '-1234.5678']) {
      for (let i = 0; i < 10; i++) await d.same(['INCRBYFLOAT', 'chain', inc]);
    }
  });

  it('LCS and its options', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'],
      ['LCS', 'key1', 'key2'],
      ['LCS', 'key1', 'key2', 'LEN'],
      ['LCS', 'key1', 'key2', 'IDX'],
      ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
      ['LCS', 'key1', 'key2', 'idx', 'withmatchlen'],
      ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '-5'],
      ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '100'],
      ['LCS', 'key1', 'key2', 'LEN', 'IDX'],
      ['LCS', 'key1', 'key2', 'IDX', 'LEN'],
      ['LCS', 'key1', 'key2', 'MINMATCHLEN'],
      ['LCS', 'key1', 'key2', 'MINMATCHLEN', 'x'],
      ['LCS', 'key1', 'key2', 'FOO'],
      ['LCS', 'key1', 'key2', 'LEN', 'LEN'],
      ['LCS', 'key1', 'key2', 'WITHMATCHLEN'],
      ['LCS', 'key1', 'key2', 'MINMATCHLEN', '2'],
      ['LCS', 'key1', 'nokey'],
      ['LCS', 'nokey', 'nokey', 'IDX'],
      ['LCS', 'nokey', 'key2', 'LEN'],
      ['LCS', 'key1', 'key1', 'IDX', 'WITHMATCHLEN'],
      ['SET', 'b1', BIN],
      ['SET', 'b2', Buffer.concat([BIN, Buffer.from('xx'), BIN])],
      ['LCS', 'b1', 'b2', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'b1', 'b2'],
      ['SET', 'x', 'ACCGGTCGAGTGCGCGGAAGCCGGCCGAA'],
      ['SET', 'y', 'GTCGTTCGGAATGCCGTTGCTCTGTAAA'],
      ['LCS', 'x', 'y'],
      ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'x', 'y', 'IDX', 'MINMATCHLEN', '3', 'WITHMATCHLEN'],
      ['SETBIT', 'bits', '20', '1'],
      ['LCS', 'bits', 'b1', 'IDX'],
    ]);
    const rnd = prng(42);
    const word = (): string => {
      let s = '';
      const n = Math.floor(rnd() * 40);
      for (let i = 0; i < n; i++) s += 'abc'[Math.floor(rnd() * 3)];
      return s;
    };
    for (let i = 0; i < 30; i++) {
      await d.all([
        ['MSET', 'p', word(), 'q', word()],
        ['LCS', 'p', 'q'],
        ['LCS', 'p', 'q', 'IDX', 'WITHMATCHLEN'],
        ['LCS', 'p', 'q', 'IDX', 'MINMATCHLEN', '2'],
      ]);
    }
  });

  it('LCS IDX is a map in RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [a, b] = await d.pair();
    for (const conn of [a, b]) {
      await conn.raw('HELLO', '3');
      await conn.raw('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    }
    for (const cmd of [
      ['LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'key1', 'key2'],
      ['GET', 'nokey'],
      ['SET', 'key1', 'v', 'GET'],
      ['SET', 'key1', 'v', 'NX'],
      ['GETEX', 'nokey'],
      ['MGET', 'key1', 'nokey'],
    ]) {
      const [ra, rb] = [await a.raw(...cmd), await b.raw(...cmd)];
      assert.equal(ra.toString('latin1'), rb.toString('latin1'), cmd.join(' '));
    }
    a.close();
    b.close();
  });

  it('values longer than the longest JS string (512 MB): Redis replies, not internal errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const huge = ['SETRANGE', 'huge', '536870911', 'x'];
    await d.all([
      huge,
      ['ZADD', 'lcsz', '1', 'a'],
      ['LCS', 'lcsz', 'huge'],
      ['LCS', 'huge', 'lcsz', 'LEN'],
      ['LCS', 'huge', 'nokey', 'LEN'],
      ['INCR', 'huge'],
      ['DECRBY', 'huge', '1'],
      ['INCRBYFLOAT', 'huge', '1'],
      ['COPY', 'huge', 'huge2'],
      ['STRLEN', 'huge2'],
      ['MOVE', 'huge2', '1'],
      ['SELECT', '1'],
      ['STRLEN', 'huge2'],
      ['DEL', 'huge2'],
      ['SELECT', '0'],
    ]);
    // Commands that answer with the whole old value (its reply is checked by length and tail).
    for (const cmd of [
      ['GETEX', 'huge'],
      ['GETSET', 'huge', 'v'],
      ['SET', 'huge', 'v', 'GET'],
      ['GETDEL', 'huge'],
    ]) {
      await d.same(huge);
      const [a, b]: [string, string] = await Promise.all([
        bulkReplyOutline(d.redoubtServer.port, cmd),
        bulkReplyOutline(d.redisServer.port, cmd),
      ]);
      assert.equal(a, b, cmd.join(' '));
      assert.ok(a.startsWith('$536870912\r\n') && a.endsWith('x\\r\\n"'), a);
    }
    await d.all([['DEL', 'huge', 'lcsz']]);
  });

  it('key flags of SET (setGetKeys)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'EX', '10'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'NX', 'gEt'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GETX'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'get'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'GETEX', 'k', 'PERSIST'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'MSET', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'LCS', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'MSETNX', 'a', '1', 'b'],
      ['COMMAND', 'GETKEYS', 'SET', 'k'],
    ]);
  });

  it('keyspace hits and misses are counted as Redis counts them', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const stats = async (conn: RespConnection): Promise<[number, number]> => {
      const info = String(await conn.call('INFO', 'stats'));
      const field = (name: string): number => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
      return [field('keyspace_hits'), field('keyspace_misses')];
    };
    const cases: Arg[][] = [
      ['GET', 'hit'],
      ['GET', 'miss'],
      ['GETDEL', 'del-me'],
      ['GETDEL', 'miss'],
      ['GETEX', 'hit', 'EX', '100'],
      ['GETEX', 'miss'],
      ['GETSET', 'hit', 'v2'],
      ['GETSET', 'miss-gs', 'v'],
      ['SET', 'hit', 'v3', 'GET'],
      ['SET', 'miss-sg', 'v', 'GET'],
      ['SET', 'hit', 'v4'],
      ['INCR', 'n'],
      ['APPEND', 'hit', 'x'],
      ['SETRANGE', 'hit', '1', 'y'],
      ['STRLEN', 'hit'],
      ['MGET', 'hit', 'miss', 'n'],
      ['BITFIELD', 'hit', 'GET', 'u8', '0'],
      ['BITFIELD', 'hit', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'hit', 'GET', 'u8', '0'],
      ['GETBIT', 'hit', '0'],
      ['SETBIT', 'hit', '0', '1'],
    ];
    const diff = d;
    for (const cmd of cases) {
      await diff.all([['FLUSHALL'], ['SET', 'hit', 'value'], ['SET', 'del-me', 'v'], ['SET', 'n', '1']]);
      const [a0, b0] = (await Promise.all([stats(diff.redoubt), stats(diff.redis)])) as [
        [number, number],
        [number, number],
      ];
      await diff.same(cmd);
      const [a1, b1] = (await Promise.all([stats(diff.redoubt), stats(diff.redis)])) as [
        [number, number],
        [number, number],
      ];
      assert.deepEqual(
        [a1[0] - a0[0], a1[1] - a0[1]],
        [b1[0] - b0[0], b1[1] - b0[1]],
        `hits/misses of ${cmd.join(' ')}`,
      );
    }
  });

  it('randomized mix of string and bitmap commands (seeded)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    const keys = ['a', 'b', 'c', 'd'];
    const value = (): Arg => {
      const k = rnd();
      if (k < 0.3) return String(int(-1000, 1000));
      if (k < 0.4) return pick(['0', '-1', LLONG_MAX, LLONG_MIN, '9007199254740993', '1.5', '-0.25', '1e3']);
      if (k < 0.7) {
        const bytes: number[] = [];
        const n = int(0, 12);
        for (let i = 0; i < n; i++) bytes.push(rnd() < 0.5 ? int(97, 100) : int(0, 255));
        return Buffer.from(bytes);
      }
      return pick(['', 'hello', 'foobar', 'x\r\n', '\0\0', 'ÿµ']);
    };
    const idx = (): string => String(int(-20, 20));
    const gens: (() => Arg[])[] = [
      () => ['SET', pick(keys), value()],
      () => [
        'SET',
        pick(keys),
        value(),
        ...pick([['NX'], ['XX'], ['GET'], ['XX', 'GET'], ['NX', 'GET'], ['KEEPTTL'], ['EX', '1000']]),
      ],
      () => ['GET', pick(keys)],
      () => ['MGET', pick(keys), pick(keys), pick(keys)],
      () => ['MSET', pick(keys), value(), pick(keys), value()],
      () => ['MSETNX', pick(keys), value(), pick(keys), value()],
      () => ['SETNX', pick(keys), value()],
      () => ['GETSET', pick(keys), value()],
      () => ['GETDEL', pick(keys)],
      () => ['APPEND', pick(keys), value()],
      () => ['STRLEN', pick(keys)],
      () => ['INCR', pick(keys)],
      () => ['DECRBY', pick(keys), String(int(-100, 100))],
      () => ['INCRBY', pick(keys), pick([String(int(-5, 5)), LLONG_MAX, LLONG_MIN, '4611686018427387904'])],
      () => ['INCRBYFLOAT', pick(keys), pick(['0.1', '-0.3', '1e10', '2.5', '-7', '1e-5', '3.0e2'])],
      () => ['GETRANGE', pick(keys), idx(), idx()],
      () => ['SETRANGE', pick(keys), String(int(0, 20)), value()],
      () => [
        'LCS',
        pick(keys),
        pick(keys),
        ...pick([[], ['LEN'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', '2']]),
      ],
      () => ['SETBIT', pick(keys), String(int(0, 100)), String(int(0, 1))],
      () => ['GETBIT', pick(keys), String(int(0, 120))],
      () => [
        'BITCOUNT',
        pick(keys),
        ...pick([[], [idx(), idx()], [idx(), idx(), 'BIT'], [idx(), idx(), 'BYTE']]),
      ],
      () => [
        'BITPOS',
        pick(keys),
        String(int(0, 1)),
        ...pick([[], [idx()], [idx(), idx()], [idx(), String(int(-60, 60)), 'BIT']]),
      ],
      () => ['BITOP', pick(['AND', 'OR', 'XOR']), pick(keys), pick(keys), pick(keys)],
      () => ['BITOP', 'NOT', pick(keys), pick(keys)],
      () => [
        'BITFIELD',
        pick(keys),
        'OVERFLOW',
        pick(['WRAP', 'SAT', 'FAIL']),
        pick(['GET', 'SET', 'INCRBY']),
        `${pick(['i', 'u'])}${int(1, 16)}`,
        String(int(0, 80)),
        String(int(-70000, 70000)),
      ],
      () => [
        'BITFIELD_RO',
        pick(keys),
        'GET',
        `${pick(['i', 'u'])}${int(1, 64)}`.replace('u64', 'u63'),
        String(int(0, 80)),
      ],
      () => ['DEL', pick(keys)],
    ];
    await d.same(['FLUSHALL']);
    const steps = Number(process.env.REDOUBT_RANDOM_STEPS ?? 4000);
    for (let i = 0; i < steps; i++) {
      const cmd = pick(gens)();
      try {
        await d.same(cmd);
      } catch (err) {
        assert.fail(`randomized run failed at step ${i} (REDOUBT_SEED=${seed}): ${(err as Error).message}`);
      }
    }
    for (const k of keys) await d.same(['GET', k]);
  });
});

describe('string limits under a small proto-max-bulk-len (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start({
      redoubt: { 'proto-max-bulk-len': '1mb' },
      redis: ['--proto-max-bulk-len', '1mb'],
    });
  });
  after(async () => {
    await d?.close();
  });

  it('SETRANGE, APPEND and LCS respect proto-max-bulk-len', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['SETRANGE', 'k', '1048575', 'x'],
      ['STRLEN', 'k'],
      ['SETRANGE', 'k', '1048575', 'xy'],
      ['SETRANGE', 'k', '1048576', 'x'],
      ['SETRANGE', 'n', '1048576', 'x'],
      ['SETRANGE', 'n', '1048570', 'abcdefg'],
      ['APPEND', 'k', 'y'],
      ['APPEND', 'k', ''],
      ['SET', 'a', 'x'.repeat(600)],
      ['SET', 'b', 'y'.repeat(600)],
      ['LCS', 'a', 'b'],
      ['LCS', 'a', 'b', 'LEN'],
      ['SET', 'b', 'y'.repeat(400)],
      ['LCS', 'a', 'b', 'LEN'],
      ['SETBIT', 'bits', '8388607', '1'],
      ['SETBIT', 'bits', '8388608', '1'],
      ['GETBIT', 'bits', '8388608'],
      ['BITFIELD', 'bits', 'GET', 'u8', '8388600'],
      ['BITFIELD', 'bits', 'GET', 'u8', '8388608'],
      ['BITFIELD', 'bits', 'SET', 'u8', '#1048575', '255'],
      ['BITFIELD', 'bits', 'SET', 'u8', '#1048576', '255'],
    ]);
    await d.same(['STRLEN', 'k'], sameType);
  });
});

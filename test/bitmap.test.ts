/**
 * Bitmap commands, differential against a real redis-server 7.0: SETBIT, GETBIT,
 * BITCOUNT and BITPOS over every range form (BYTE and BIT units, negative and
 * out-of-range indexes), BITOP, and BITFIELD / BITFIELD_RO at every integer width
 * boundary in each overflow mode, plus their error paths and key flags.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import type { Arg } from './helpers/resp.js';

const BIN = Buffer.from([0, 13, 10, 0x80, 0xff, 0x41, 0, 0xfe, 0x7f]);
const LLONG_MAX = '9223372036854775807';
const LLONG_MIN = '-9223372036854775808';

describe('bitmap commands (differential)', () => {
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
      ['SETBIT', 'k', '1'],
      ['SETBIT', 'k', '1', '1', '1'],
      ['GETBIT', 'k'],
      ['GETBIT', 'k', '1', '2'],
      ['BITCOUNT'],
      ['BITPOS', 'k'],
      ['BITOP', 'AND', 'dest'],
      ['BITOP', 'NOT'],
      ['BITFIELD'],
      ['BITFIELD_RO'],
    ]);
  });

  it('SETBIT and GETBIT', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SETBIT', 'k', '7', '1'],
      ['GET', 'k'],
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '0'],
      ['SETBIT', 'k', '100', '1'],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['GETBIT', 'k', '100'],
      ['GETBIT', 'k', '99'],
      ['GETBIT', 'k', '1000'],
      ['GETBIT', 'nokey', '0'],
      ['GETBIT', 'k', '4294967295'],
      ['GETBIT', 'k', '4294967296'],
      ['GETBIT', 'k', '-1'],
      ['GETBIT', 'k', 'x'],
      ['GETBIT', 'k', '1.0'],
      ['GETBIT', 'nokey', '-1'],
      ['SETBIT', 'k', '-1', '1'],
      ['SETBIT', 'k', '4294967296', '1'],
      ['SETBIT', 'k', LLONG_MAX, '1'],
      ['SETBIT', 'k', 'abc', '1'],
      ['SETBIT', 'k', '1', '2'],
      ['SETBIT', 'k', '1', '-1'],
      ['SETBIT', 'k', '1', 'x'],
      ['SETBIT', 'k', '1', ''],
      ['SETBIT', 'k', '1', '01'],
      ['SETBIT', 'k', 'x', 'y'],
      ['SETBIT', 'nokey2', '-1', '1'],
      ['EXISTS', 'nokey2'],
      ['SET', 's', 'abc'],
      ['OBJECT', 'ENCODING', 's'],
      ['SETBIT', 's', '1', '1'],
      ['OBJECT', 'ENCODING', 's'],
      ['GET', 's'],
      ['SET', 'n', '123'],
      ['GETBIT', 'n', '2'],
      ['GETBIT', 'n', '3'],
      ['SETBIT', 'n', '6', '1'],
      ['GET', 'n'],
      ['SET', 'b', BIN],
      ['SETBIT', 'b', '0', '1'],
      ['SETBIT', 'b', '71', '0'],
      ['GET', 'b'],
      ['SETEX', 't', '100', 'a'],
      ['SETBIT', 't', '200', '1'],
      ['TTL', 't'],
    ]);
    // Growing one byte at a time, then reading everything back.
    for (let i = 0; i < 300; i += 3) await d.same(['SETBIT', 'grow', String(i), String(i % 2)]);
    await d.all([
      ['GET', 'grow'],
      ['STRLEN', 'grow'],
      ['APPEND', 'grow', 'xyz'],
      ['SETBIT', 'grow', '2000', '1'],
      ['GET', 'grow'],
    ]);
  });

  it('BITCOUNT with every range form', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const values: Arg[] = ['', 'foobar', BIN, Buffer.from([0xff, 0xf0, 0x00, 0x0f]), '7'];
    const idx = ['0', '1', '2', '5', '-1', '-2', '-5', '-100', '100', '9', '17', LLONG_MAX, LLONG_MIN];
    for (const v of values) {
      await d.same(['SET', 'k', v]);
      await d.same(['BITCOUNT', 'k']);
      for (const s of idx) {
        for (const e of idx) {
          await d.same(['BITCOUNT', 'k', s, e]);
          await d.same(['BITCOUNT', 'k', s, e, 'BIT']);
          await d.same(['BITCOUNT', 'k', s, e, 'byte']);
        }
      }
    }
    await d.all([
      ['BITCOUNT', 'k', '0'],
      ['BITCOUNT', 'k', '0', '1', 'bit', 'x'],
      ['BITCOUNT', 'k', '0', '1', 'FOO'],
      ['BITCOUNT', 'k', '-1', '-2', 'FOO'],
      ['BITCOUNT', 'k', 'a', '1'],
      ['BITCOUNT', 'k', '1', 'b'],
      ['BITCOUNT', 'k', '1', '9223372036854775808'],
      ['BITCOUNT', 'nokey'],
      ['BITCOUNT', 'nokey', '0'],
      ['BITCOUNT', 'nokey', 'x', 'y', 'z', 'w'],
      ['BITCOUNT', 'nokey', '0', '1', 'FOO'],
    ]);
  });

  it('BITPOS with every range form', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const values: Arg[] = [
      '',
      Buffer.from([0xff, 0xf0, 0x00]),
      Buffer.from([0x00, 0x00, 0x00]),
      Buffer.from([0xff, 0xff, 0xff]),
      Buffer.from([0x00, 0x0f, 0xff, 0x00]),
      BIN,
      '1',
    ];
    const idx = ['0', '1', '2', '7', '-1', '-2', '-9', '-100', '100', '12', '23', LLONG_MIN];
    for (const v of values) {
      await d.same(['SET', 'k', v]);
      for (const bit of ['0', '1']) {
        await d.same(['BITPOS', 'k', bit]);
        for (const s of idx) {
          await d.same(['BITPOS', 'k', bit, s]);
          for (const e of idx) {
            await d.same(['BITPOS', 'k', bit, s, e]);
            await d.same(['BITPOS', 'k', bit, s, e, 'BIT']);
            await d.same(['BITPOS', 'k', bit, s, e, 'BYTE']);
          }
        }
      }
    }
    await d.all([
      ['BITPOS', 'k', '2'],
      ['BITPOS', 'k', '-1'],
      ['BITPOS', 'k', 'x'],
      ['BITPOS', 'k', '1', 'x'],
      ['BITPOS', 'k', '1', '0', 'y'],
      ['BITPOS', 'k', '1', '0', '1', 'FOO'],
      ['BITPOS', 'k', '1', '0', '1', 'BIT', 'extra'],
      ['BITPOS', 'nokey', '0'],
      ['BITPOS', 'nokey', '1'],
      ['BITPOS', 'nokey', '1', 'x'],
      ['BITPOS', 'nokey', '1', '0', '1', 'FOO', 'bar'],
      ['BITPOS', 'nokey', '2'],
      ['BITPOS', 'nokey', 'x'],
    ]);
  });

  it('BITCOUNT and BITPOS on long random bitmaps (seeded)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    for (let round = 0; round < 6; round++) {
      const bytes: number[] = [];
      const n = 1 + Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) {
        const r = rnd();
        bytes.push(r < 0.35 ? 0 : r < 0.7 ? 0xff : Math.floor(rnd() * 256));
      }
      await d.same(['SET', 'long', Buffer.from(bytes)]);
      for (let i = 0; i < 150; i++) {
        const unit = rnd() < 0.5 ? 'BIT' : 'BYTE';
        const span = unit === 'BIT' ? n * 8 : n;
        const s = String(Math.floor(rnd() * span * 2.2) - Math.floor(span * 1.1));
        const e = String(Math.floor(rnd() * span * 2.2) - Math.floor(span * 1.1));
        const bit = rnd() < 0.5 ? '0' : '1';
        for (const cmd of [
          ['BITCOUNT', 'long', s, e, unit],
          ['BITPOS', 'long', bit, s, e, unit],
          ['BITPOS', 'long', bit, s],
        ]) {
          try {
            await d.same(cmd);
          } catch (err) {
            assert.fail(`REDOUBT_SEED=${seed}: ${(err as Error).message}`);
          }
        }
      }
    }
  });

  it('BITOP', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'a', 'foobar'],
      ['SET', 'b', 'abcdef'],
      ['SET', 'c', BIN],
      ['SET', 'l', 'x'.repeat(100)],
      ['SET', 'e', ''],
    ]);
    for (const op of ['AND', 'or', 'Xor']) {
      for (const srcs of [
        ['a'],
        ['a', 'b'],
        ['a', 'c'],
        ['c', 'a', 'b'],
        ['a', 'nokey'],
        ['l', 'a', 'c'],
        ['e', 'a'],
        ['l', 'l'],
      ]) {
        await d.all([
          ['BITOP', op, 'dest', ...srcs],
          ['GET', 'dest'],
          ['OBJECT', 'ENCODING', 'dest'],
        ]);
      }
    }
    await d.all([
      ['BITOP', 'NOT', 'dest', 'a'],
      ['GET', 'dest'],
      ['BITOP', 'NOT', 'dest', 'c'],
      ['GET', 'dest'],
      ['BITOP', 'NOT', 'dest', 'l'],
      ['GET', 'dest'],
      ['BITOP', 'NOT', 'dest', 'a', 'b'],
      ['BITOP', 'FOO', 'dest', 'a'],
      ['BITOP', 'ANDX', 'dest', 'a'],
      ['BITOP', 'AND\0', 'dest', 'a'],
      ['BITOP', 'NOT', 'dest', 'nokey'],
      ['EXISTS', 'dest'],
      ['SET', 'dest', 'x'],
      ['BITOP', 'OR', 'dest', 'nokey', 'e'],
      ['EXISTS', 'dest'],
      ['BITOP', 'OR', 'nokey2', 'nokey'],
      ['EXISTS', 'nokey2'],
      ['SETEX', 'dest', '100', 'x'],
      ['BITOP', 'OR', 'dest', 'a'],
      ['TTL', 'dest'],
      ['BITOP', 'XOR', 'a', 'a', 'b'],
      ['GET', 'a'],
      ['SETBIT', 'bits', '70', '1'],
      ['BITOP', 'AND', 'dest', 'bits', 'l'],
      ['GET', 'dest'],
    ]);
  });

  it('BITFIELD GET, SET and INCRBY at every width boundary', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['FLUSHALL']);
    const widths = [1, 2, 3, 7, 8, 9, 15, 16, 31, 32, 33, 52, 53, 54, 62, 63, 64];
    for (const bits of widths) {
      for (const signed of [true, false]) {
        if (!signed && bits === 64) continue;
        const type = `${signed ? 'i' : 'u'}${bits}`;
        const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
        const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
        const probes = [max, max - 1n, max + 1n, min, min - 1n, min + 1n, 0n, 1n, -1n, 5n, -5n]
          .map(String)
          .concat([LLONG_MAX, LLONG_MIN]);
        for (const ow of ['WRAP', 'SAT', 'FAIL']) {
          for (const v of probes) {
            await d.all([
              ['BITFIELD', 'bf', 'OVERFLOW', ow, 'SET', type, '3', v, 'GET', type, '3'],
              ['BITFIELD', 'bf', 'OVERFLOW', ow, 'INCRBY', type, '3', v, 'GET', type, '3'],
              ['BITFIELD', 'bf', 'OVERFLOW', ow, 'INCRBY', type, '3', '1', 'INCRBY', type, '3', '-1'],
            ]);
          }
        }
      }
    }
    await d.same(['GET', 'bf']);
  });

  it('BITFIELD offsets, multiple operations and errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['BITFIELD', 'k'],
      ['EXISTS', 'k'],
      ['BITFIELD', 'k', 'GET', 'u8', '0'],
      ['EXISTS', 'k'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '255', 'GET', 'u4', '0', 'GET', 'i4', '4', 'GET', 'u8', '4'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['BITFIELD', 'k', 'SET', 'i8', '#3', '-2', 'GET', 'i8', '#3', 'GET', 'u16', '#1'],
      ['GET', 'k'],
      ['BITFIELD', 'k', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '102', '1'],
      [
        'BITFIELD',
        'k',
        'OVERFLOW',
        'FAIL',
        'INCRBY',
        'u2',
        '100',
        '5',
        'OVERFLOW',
        'WRAP',
        'INCRBY',
        'u2',
        '100',
        '5',
      ],
      ['BITFIELD', 'k', 'get', 'i64', '0', 'get', 'u63', '1', 'get', 'i64', '#1000'],
      ['BITFIELD', 'k', 'SET', 'i64', '0', LLONG_MIN, 'GET', 'i64', '0', 'GET', 'u63', '1'],
      ['BITFIELD', 'k', 'INCRBY', 'i64', '0', '-1'],
      ['BITFIELD', 'k', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', LLONG_MIN],
      ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '256'],
      ['BITFIELD', 'k', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-1', 'GET', 'u8', '0'],
      ['BITFIELD', 'k', 'OVERFLOW', 'WRAP', 'SET', 'u8', '0', '-1', 'GET', 'u8', '0'],
      ['BITFIELD', 'k', 'OVERFLOW', 'SAT', 'SET', 'i8', '0', '-1000', 'GET', 'i8', '0'],
      ['BITFIELD', 'k', 'GET', 'u64', '0'],
      ['BITFIELD', 'k', 'GET', 'i65', '0'],
      ['BITFIELD', 'k', 'GET', 'i0', '0'],
      ['BITFIELD', 'k', 'GET', 'u0', '0'],
      ['BITFIELD', 'k', 'GET', 'I8', '0'],
      ['BITFIELD', 'k', 'GET', 'U8', '0'],
      ['BITFIELD', 'k', 'GET', 'x8', '0'],
      ['BITFIELD', 'k', 'GET', 'u', '0'],
      ['BITFIELD', 'k', 'GET', '', '0'],
      ['BITFIELD', 'k', 'GET', 'u08', '0'],
      ['BITFIELD', 'k', 'GET', 'u-8', '0'],
      ['BITFIELD', 'k', 'GET', 'u8\0x', '0'],
      ['BITFIELD', 'k', 'GET', 'u8', '-1'],
      ['BITFIELD', 'k', 'GET', 'u8', 'x'],
      ['BITFIELD', 'k', 'GET', 'u8', '#-1'],
      ['BITFIELD', 'k', 'GET', 'u8', '#'],
      ['BITFIELD', 'k', 'GET', 'u8', '##1'],
      ['BITFIELD', 'k', 'GET', 'u8', '4294967295'],
      ['BITFIELD', 'k', 'GET', 'u8', '4294967296'],
      ['BITFIELD', 'k', 'GET', 'u8', '#536870911'],
      ['BITFIELD', 'k', 'GET', 'u8', '#536870912'],
      ['BITFIELD', 'k', 'GET', 'i64', '#1152921504606846976'],
      ['BITFIELD', 'k', 'GET', 'i64', '#2305843009213693952'],
      ['BITFIELD', 'k', 'GET', 'u8', '#9223372036854775807'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', 'x'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '1.5'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '9223372036854775808'],
      ['BITFIELD', 'k', 'INCRBY', 'u8', '0', ''],
      ['BITFIELD', 'k', 'SET', 'u8', '0'],
      ['BITFIELD', 'k', 'INCRBY', 'u8', '0'],
      ['BITFIELD', 'k', 'GET', 'u8'],
      ['BITFIELD', 'k', 'OVERFLOW'],
      ['BITFIELD', 'k', 'OVERFLOW', 'FOO'],
      ['BITFIELD', 'k', 'OVERFLOW', 'sat'],
      ['BITFIELD', 'k', 'FOO'],
      ['BITFIELD', 'k', 'GET', 'u8', '0', 'FOO'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '1', 'GET', 'u64', '0'],
      ['GET', 'k'],
      ['BITFIELD', 'nokey', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '10', '100'],
      ['GET', 'nokey'],
      ['BITFIELD', 'nokey2', 'SET', 'u8', '0', '0'],
      ['GET', 'nokey2'],
      ['SET', 's', 'abc'],
      ['BITFIELD', 's', 'SET', 'u8', '8', '98'],
      ['OBJECT', 'ENCODING', 's'],
      ['SET', 'n', '1234'],
      ['BITFIELD', 'n', 'GET', 'u8', '0', 'GET', 'u16', '#1', 'GET', 'u8', '30'],
      ['BITFIELD', 'n', 'INCRBY', 'u8', '0', '1'],
      ['GET', 'n'],
      ['SET', 'b', BIN],
      [
        'BITFIELD',
        'b',
        'GET',
        'i64',
        '0',
        'GET',
        'u63',
        '7',
        'GET',
        'i32',
        '40',
        'INCRBY',
        'i5',
        '60',
        '100',
      ],
      ['GET', 'b'],
      ['SETEX', 't', '100', 'a'],
      ['BITFIELD', 't', 'SET', 'u8', '100', '1'],
      ['TTL', 't'],
    ]);
  });

  it('BITFIELD_RO', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['SET', 'k', 'hello'],
      ['BITFIELD_RO', 'k'],
      ['BITFIELD_RO', 'k', 'GET', 'u8', '0', 'GET', 'i16', '#1', 'get', 'u63', '3'],
      ['BITFIELD_RO', 'nokey', 'GET', 'u8', '0'],
      ['EXISTS', 'nokey'],
      ['BITFIELD_RO', 'k', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'SET', 'u8', '0', 'x'],
      ['BITFIELD_RO', 'k', 'GET', 'u64', '0'],
      ['BITFIELD_RO', 'k', 'GET', 'u8'],
      ['BITFIELD_RO', 'k', 'FOO'],
      ['GET', 'k'],
    ]);
  });

  it('key flags of BITFIELD (bitfieldGetKeys) and the others', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'overflow', 'sat', 'get', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'SET', 'u8', '0', '1'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0', 'INCRBY', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'FOO'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD_RO', 'k', 'GET', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITOP', 'AND', 'd', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SETBIT', 'k', '1', '1'],
      ['COMMAND', 'GETKEYS', 'BITCOUNT', 'k'],
      ['COMMAND', 'GETKEYS', 'BITPOS', 'k', '1'],
    ]);
  });
});

/**
 * Bitmap commands (Redis 7.0 group "bitmap"): SETBIT, GETBIT, BITCOUNT, BITPOS,
 * BITOP, BITFIELD and BITFIELD_RO. Reads work on the store's view of the value's
 * bytes (no copy); writes patch the value in place, zero padding it first when
 * they reach past its end (see `writableString`).
 */
import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import type { Reply } from '../protocol/reply.js';
import { parseInt64, parseInt64Number } from '../util/number.js';
import { optionWord } from '../util/words.js';
import { longLongArg } from './args.js';
import { ERR, ERR_BITMAP } from './errors.js';
import type { CommandSpec, KeyRef, KeySpecFlag } from './spec.js';
import { writableString } from './string.js';

export const bitmapCommands = [
  {
    name: 'setbit',
    group: 'bitmap',
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'integer' },
    ],
    handler: setbitCommand,
  },
  {
    name: 'getbit',
    group: 'bitmap',
    summary: 'Returns the bit value at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
    ],
    handler: getbitCommand,
  },
  {
    name: 'bitcount',
    group: 'bitmap',
    summary: 'Count set bits in a string',
    since: '2.6.0',
    complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    arity: -2,
    flags: ['readonly'],
    acl: ['bitmap'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'index',
        type: 'block',
        flags: ['optional'],
        arguments: [
          { name: 'start', type: 'integer' },
          { name: 'end', type: 'integer' },
          {
            name: 'index_unit',
            type: 'oneof',
            since: '7.0.0',
            flags: ['optional'],
            arguments: [
              { name: 'byte', type: 'pure-token', token: 'BYTE' },
              { name: 'bit', type: 'pure-token', token: 'BIT' },
            ],
          },
        ],
      },
    ],
    handler: bitcountCommand,
  },
  {
    name: 'bitpos',
    group: 'bitmap',
    summary: 'Find first bit set or clear in a string',
    since: '2.8.7',
    complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    arity: -3,
    flags: ['readonly'],
    acl: ['bitmap'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'bit', type: 'integer' },
      {
        name: 'index',
        type: 'block',
        flags: ['optional'],
        arguments: [
          { name: 'start', type: 'integer' },
          {
            name: 'end_index',
            type: 'block',
            flags: ['optional'],
            arguments: [
              { name: 'end', type: 'integer' },
              {
                name: 'index_unit',
                type: 'oneof',
                since: '7.0.0',
                flags: ['optional'],
                arguments: [
                  { name: 'byte', type: 'pure-token', token: 'BYTE' },
                  { name: 'bit', type: 'pure-token', token: 'BIT' },
                ],
              },
            ],
          },
        ],
      },
    ],
    handler: bitposCommand,
  },
  {
    name: 'bitop',
    group: 'bitmap',
    summary: 'Perform bitwise operations between strings',
    since: '2.6.0',
    complexity: 'O(N)',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 3 }, find: { range: [-1, 1, 0] } },
    ],
    args: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: bitopCommand,
  },
  {
    name: 'bitfield',
    group: 'bitmap',
    summary: 'Perform arbitrary bitfield integer operations on strings',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [
      {
        notes: 'This command allows both access and modification of the key',
        flags: ['RW', 'access', 'update', 'variable_flags'],
        begin: { index: 1 },
        find: { range: [0, 1, 0] },
      },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'operation',
        type: 'oneof',
        flags: ['optional', 'multiple'],
        arguments: [
          {
            name: 'encoding_offset',
            type: 'block',
            token: 'GET',
            arguments: [
              { name: 'encoding', type: 'string' },
              { name: 'offset', type: 'integer' },
            ],
          },
          {
            name: 'write',
            type: 'block',
            arguments: [
              {
                name: 'wrap_sat_fail',
                type: 'oneof',
                token: 'OVERFLOW',
                flags: ['optional'],
                arguments: [
                  { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                  { name: 'sat', type: 'pure-token', token: 'SAT' },
                  { name: 'fail', type: 'pure-token', token: 'FAIL' },
                ],
              },
              {
                name: 'write_operation',
                type: 'oneof',
                arguments: [
                  {
                    name: 'encoding_offset_value',
                    type: 'block',
                    token: 'SET',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'value', type: 'integer' },
                    ],
                  },
                  {
                    name: 'encoding_offset_increment',
                    type: 'block',
                    token: 'INCRBY',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'increment', type: 'integer' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    handler: bitfieldCommand,
    getKeys: bitfieldGetKeys,
  },
  {
    name: 'bitfield_ro',
    group: 'bitmap',
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'encoding_offset',
        type: 'block',
        token: 'GET',
        flags: ['optional', 'multiple', 'multiple_token'],
        arguments: [
          { name: 'encoding', type: 'string' },
          { name: 'offset', type: 'integer' },
        ],
      },
    ],
    handler: bitfieldRoCommand,
  },
] as const satisfies readonly CommandSpec[];

const KEY_RO_ACCESS: readonly KeySpecFlag[] = ['RO', 'access'];
const KEY_RW_ACCESS_UPDATE: readonly KeySpecFlag[] = ['RW', 'access', 'update'];

/** Redis's bitfieldGetKeys: read-only unless a SET or INCRBY (or a syntax error) appears. */
function bitfieldGetKeys(argv: readonly string[]): KeyRef[] {
  const argc = argv.length;
  for (let i = 2; i < argc; i++) {
    const remaining = argc - i - 1;
    const sub = optionWord(argv[i] as string);
    if (sub === 'get' && remaining >= 2) {
      i += 2;
    } else if (sub === 'overflow' && remaining >= 1) {
      i += 1;
    } else {
      return [{ pos: 1, flags: KEY_RW_ACCESS_UPDATE }];
    }
  }
  return [{ pos: 1, flags: KEY_RO_ACCESS }];
}

// ---- helpers ---------------------------------------------------------------

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] as number);

type Bytes = string | Buffer;

function byteAt(v: Bytes, i: number): number {
  return typeof v === 'string' ? v.charCodeAt(i) : (v[i] as number);
}

/** Set bits in bytes start..end (inclusive) of v. */
function popcount(v: Bytes, start: number, end: number): number {
  let n = 0;
  if (typeof v === 'string') {
    for (let i = start; i <= end; i++) n += POPCOUNT[v.charCodeAt(i)] as number;
  } else {
    for (let i = start; i <= end; i++) n += POPCOUNT[v[i] as number] as number;
  }
  return n;
}

/**
 * Redis's redisBitpos over `count` bytes from `start`: the position of the first
 * bit equal to `bit`; when there is none, count*8 for a clear bit (the string is
 * taken as zero padded) and -1 for a set bit.
 */
function bitposIn(v: Bytes, start: number, count: number, bit: number): number {
  const skip = bit === 1 ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = byteAt(v, start + i);
    if (b !== skip) return i * 8 + firstBitInByte(b, bit);
  }
  return bit === 1 ? -1 : count * 8;
}

/** First bit equal to `bit` in a byte, 0 being the most significant; 8 or -1 when none. */
function firstBitInByte(b: number, bit: number): number {
  for (let k = 0; k < 8; k++) if (((b >> (7 - k)) & 1) === bit) return k;
  return bit === 1 ? -1 : 8;
}

/**
 * Redis's getBitOffsetFromArgument: a bit offset, optionally (`bits` > 0, BITFIELD)
 * in the `#<n>` form meaning n * bits; negative offsets and offsets past
 * proto-max-bulk-len bytes are refused.
 */
function bitOffsetArg(c: Client, arg: string, bits: number): number {
  const useHash = bits > 0 && arg.charCodeAt(0) === 35;
  const v = parseInt64(useHash ? arg.slice(1) : arg);
  if (v === undefined) throw ERR.bitOffset;
  if (!useHash && typeof v === 'number') {
    if (v < 0 || Math.floor(v / 8) >= c.server.protoMaxBulkLen) throw ERR.bitOffset;
    return v;
  }
  let offset = BigInt(v);
  // C multiplies in int64 and may wrap; so do we.
  if (useHash) offset = BigInt.asIntN(64, offset * BigInt(bits));
  if (offset < 0n || offset >> 3n >= BigInt(c.server.protoMaxBulkLen)) throw ERR.bitOffset;
  return Number(offset);
}

// ---- SETBIT / GETBIT -------------------------------------------------------

function setbitCommand(c: Client, argv: string[]): Reply {
  const offset = bitOffsetArg(c, argv[2] as string, 0);
  const on = parseInt64(argv[3] as string);
  if (on !== 0 && on !== 1) throw ERR.bitValue;
  const key = argv[1] as string;
  const byte = Math.floor(offset / 8);
  const [buf, grown] = writableString(c, key, byte + 1);
  const mask = 1 << (7 - (offset % 8));
  const old = buf[byte] as number;
  const was = (old & mask) !== 0 ? 1 : 0;
  if (grown || was !== on) {
    buf[byte] = on === 1 ? old | mask : old & ~mask;
    c.db.touchWritten(key);
    keyspaceEvent(c, NOTIFY.STRING, 'setbit', key);
  }
  return was;
}

function getbitCommand(c: Client, argv: string[]): Reply {
  const offset = bitOffsetArg(c, argv[2] as string, 0);
  const v = c.db.getStringOrBytes(argv[1] as string);
  if (v === null) return 0;
  const byte = Math.floor(offset / 8);
  if (byte >= v.length) return 0;
  return (byteAt(v, byte) >> (7 - (offset % 8))) & 1;
}

// ---- BITCOUNT / BITPOS -----------------------------------------------------

/** BYTE or BIT (case-insensitive): true for BIT; syntax error otherwise. */
function unitIsBit(arg: string): boolean {
  const u = optionWord(arg);
  if (u === 'bit') return true;
  if (u === 'byte') return false;
  throw ERR.syntax;
}

function bitcountCommand(c: Client, argv: string[]): Reply {
  // Redis 7.0 looks the key up before parsing the range: a missing key is 0 whatever follows.
  const v = c.db.getStringOrBytes(argv[1] as string);
  if (v === null) return 0;
  const strlen = v.length;
  const argc = argv.length;
  let start: number;
  let end: number;
  let firstMask = 0;
  let lastMask = 0;
  if (argc === 4 || argc === 5) {
    let totlen = strlen;
    start = longLongArg(argv[2] as string);
    end = longLongArg(argv[3] as string);
    if (start < 0 && end < 0 && start > end) return 0;
    const isBit = argc === 5 && unitIsBit(argv[4] as string);
    if (isBit) totlen *= 8;
    if (start < 0) start += totlen;
    if (end < 0) end += totlen;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    if (isBit && start <= end) {
      // Bits of the edge bytes outside the range, subtracted after counting whole bytes.
      firstMask = ~((1 << (8 - (start % 8))) - 1) & 0xff;
      lastMask = (1 << (7 - (end % 8))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argc === 2) {
    start = 0;
    end = strlen - 1;
  } else {
    throw ERR.syntax;
  }
  if (start > end) return 0;
  let count = popcount(v, start, end);
  if (firstMask !== 0) count -= POPCOUNT[byteAt(v, start) & firstMask] as number;
  if (lastMask !== 0) count -= POPCOUNT[byteAt(v, end) & lastMask] as number;
  return count;
}

function bitposCommand(c: Client, argv: string[]): Reply {
  const bit = parseInt64Number(argv[2] as string);
  if (bit === undefined) throw ERR.notInteger;
  if (bit !== 0 && bit !== 1) throw ERR_BITMAP.bitArgument;
  // A missing key is an infinite run of zeros.
  const v = c.db.getStringOrBytes(argv[1] as string);
  if (v === null) return bit === 1 ? -1 : 0;
  const strlen = v.length;
  const argc = argv.length;
  let start: number;
  let end: number;
  let endGiven = false;
  let firstMask = 0;
  let lastMask = 0;
  if (argc === 4 || argc === 5 || argc === 6) {
    let totlen = strlen;
    start = longLongArg(argv[3] as string);
    const isBit = argc === 6 && unitIsBit(argv[5] as string);
    if (argc >= 5) {
      end = longLongArg(argv[4] as string);
      endGiven = true;
    } else {
      end = isBit ? totlen * 8 + 7 : totlen - 1;
    }
    if (isBit) totlen *= 8;
    if (start < 0) start += totlen;
    if (end < 0) end += totlen;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    if (isBit && start <= end) {
      firstMask = ~((1 << (8 - (start % 8))) - 1) & 0xff;
      lastMask = (1 << (7 - (end % 8))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argc === 3) {
    start = 0;
    end = strlen - 1;
  } else {
    throw ERR.syntax;
  }
  // An empty range contains neither a 0 nor a 1.
  if (start > end) return -1;
  return bitposScan(v, start, end, firstMask, lastMask, bit, endGiven);
}

/**
 * Redis's three-step scan of bytes start..end: the first byte with its out-of-range
 * bits masked, the whole bytes, then the masked last byte.
 */
function bitposScan(
  v: Bytes,
  start: number,
  end: number,
  firstMask: number,
  lastMask: number,
  bit: number,
  endGiven: boolean,
): number {
  let bytes = end - start + 1;
  if (firstMask !== 0) {
    let b = bit === 1 ? byteAt(v, start) & ~firstMask : byteAt(v, start) | firstMask;
    if (lastMask !== 0 && bytes === 1) b = bit === 1 ? b & ~lastMask : b | lastMask;
    const pos = firstBitInByte(b & 0xff, bit);
    if (bytes === 1 || (pos !== -1 && pos !== 8)) return bitposResult(pos, start, bytes, bit, endGiven);
    start++;
    bytes--;
  }
  const whole = bytes - (lastMask !== 0 ? 1 : 0);
  if (whole > 0) {
    const pos = bitposIn(v, start, whole, bit);
    if (bytes === whole || (pos !== -1 && pos !== whole * 8)) {
      return bitposResult(pos, start, bytes, bit, endGiven);
    }
    start += whole;
    bytes -= whole;
  }
  const b = bit === 1 ? byteAt(v, end) & ~lastMask : byteAt(v, end) | lastMask;
  return bitposResult(firstBitInByte(b & 0xff, bit), start, bytes, bit, endGiven);
}

function bitposResult(pos: number, start: number, bytes: number, bit: number, endGiven: boolean): number {
  // With an explicit end the right of the range is not zero padded: no clear bit found.
  if (endGiven && bit === 0 && pos === bytes * 8) return -1;
  return pos === -1 ? -1 : pos + start * 8;
}

// ---- BITOP -----------------------------------------------------------------

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

function bitopCommand(c: Client, argv: string[]): Reply {
  const name = optionWord(argv[1] as string);
  const op =
    name === 'and' ? OP_AND : name === 'or' ? OP_OR : name === 'xor' ? OP_XOR : name === 'not' ? OP_NOT : -1;
  if (op === -1) throw ERR.syntax;
  if (op === OP_NOT && argv.length !== 4) throw ERR_BITMAP.bitopNotSingleKey;
  const db = c.db;
  const n = argv.length - 3;
  // Views of the sources stay valid while we only read; the one write comes last.
  const srcs: Bytes[] = [];
  let maxlen = 0;
  for (let j = 0; j < n; j++) {
    // lookupKeyRead: the sources count as keyspace hits and misses (and "keymiss" events).
    const v = db.getStringOrBytes(argv[j + 3] as string, true) ?? '';
    srcs.push(v);
    if (v.length > maxlen) maxlen = v.length;
  }
  const dest = argv[2] as string;
  if (maxlen === 0) {
    if (db.delete(dest)) keyspaceEvent(c, NOTIFY.GENERIC, 'del', dest);
    return 0;
  }
  const res = Buffer.alloc(maxlen);
  const first = srcs[0] as Bytes;
  for (let i = 0; i < maxlen; i++) {
    let out = i < first.length ? byteAt(first, i) : 0;
    if (op === OP_NOT) out = ~out & 0xff;
    for (let j = 1; j < n; j++) {
      const s = srcs[j] as Bytes;
      const b = i < s.length ? byteAt(s, i) : 0;
      if (op === OP_AND) out &= b;
      else if (op === OP_OR) out |= b;
      else out ^= b;
    }
    res[i] = out;
  }
  db.set(dest, res, false, true);
  keyspaceEvent(c, NOTIFY.STRING, 'set', dest);
  return maxlen;
}

// ---- BITFIELD --------------------------------------------------------------

const BF_GET = 0;
const BF_SET = 1;
const BF_INCRBY = 2;
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

interface BitfieldOp {
  readonly opcode: number;
  readonly offset: number;
  /** SET value or INCRBY increment. */
  readonly value: bigint;
  readonly owtype: number;
  readonly bits: number;
  readonly signed: boolean;
}

/** i1..i64 or u1..u63 (lower-case letter only, as Redis). */
function bitfieldType(arg: string): [signed: boolean, bits: number] {
  const sign = arg.charCodeAt(0);
  if (sign !== 105 && sign !== 117) throw ERR_BITMAP.bitfieldType;
  const signed = sign === 105;
  // The width is read with strlen, so it ends at a NUL byte.
  const nul = arg.indexOf('\0');
  const bits = parseInt64Number(arg.slice(1, nul === -1 ? arg.length : nul));
  if (bits === undefined || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
    throw ERR_BITMAP.bitfieldType;
  }
  return [signed, bits];
}

/** Read `bits` bits at bit `offset` (bytes past the end read as zero) as an unsigned value. */
function readBits(v: Bytes | null, offset: number, bits: number): bigint {
  let out = 0n;
  let acc = 0;
  let accBits = 0;
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const b = v === null || byte >= v.length ? 0 : byteAt(v, byte);
    acc = acc * 2 + ((b >> (7 - (pos % 8))) & 1);
    if (++accBits === 32) {
      out = (out << 32n) | BigInt(acc);
      acc = 0;
      accBits = 0;
    }
  }
  return accBits === 0 ? out : (out << BigInt(accBits)) | BigInt(acc);
}

function writeBits(buf: Buffer, offset: number, bits: number, value: bigint): void {
  let u = BigInt.asUintN(bits, value);
  for (let j = bits - 1; j >= 0; j--) {
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const mask = 1 << (7 - (pos % 8));
    const old = buf[byte] as number;
    buf[byte] = (u & 1n) === 1n ? old | mask : old & ~mask;
    u >>= 1n;
  }
}

/** Integer reply: a number when exact, else the bigint. */
function intReply(v: bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Redis's checkSignedBitfieldOverflow, transcribed with C's 64-bit wrap-around
 * (which makes e.g. SET i1 to LLONG_MIN an overflow upwards): 1 for overflow,
 * -1 for underflow, 0 when value + incr fits.
 */
function signedOverflow(value: bigint, incr: bigint, bits: number): number {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = i64(u64(max) - u64(value));
  const minincr = i64(min - value);
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return 1;
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return -1;
  }
  return 0;
}

/** Redis's checkUnsignedBitfieldOverflow (value is a uint64, incr an int64). */
function unsignedOverflow(value: bigint, incr: bigint, bits: number): number {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = i64(max - value);
  const minincr = i64(-value);
  if (value > max || (incr > 0n && incr > maxincr)) return 1;
  if (incr < 0n && incr < minincr) return -1;
  return 0;
}

function bitfieldCommand(c: Client, argv: string[]): Reply {
  return bitfieldGeneric(c, argv, false);
}

function bitfieldRoCommand(c: Client, argv: string[]): Reply {
  return bitfieldGeneric(c, argv, true);
}

function bitfieldGeneric(c: Client, argv: string[], readonlyCommand: boolean): Reply {
  const ops: BitfieldOp[] = [];
  const argc = argv.length;
  let owtype = OW_WRAP;
  let readonly = true;
  let highestWrite = 0;
  for (let j = 2; j < argc; j++) {
    const remaining = argc - j - 1;
    const sub = optionWord(argv[j] as string);
    let opcode: number;
    if (sub === 'get' && remaining >= 2) {
      opcode = BF_GET;
    } else if (sub === 'set' && remaining >= 3) {
      opcode = BF_SET;
    } else if (sub === 'incrby' && remaining >= 3) {
      opcode = BF_INCRBY;
    } else if (sub === 'overflow' && remaining >= 1) {
      const ow = optionWord(argv[++j] as string);
      if (ow === 'wrap') owtype = OW_WRAP;
      else if (ow === 'sat') owtype = OW_SAT;
      else if (ow === 'fail') owtype = OW_FAIL;
      else throw ERR_BITMAP.invalidOverflow;
      continue;
    } else {
      throw ERR.syntax;
    }
    const [signed, bits] = bitfieldType(argv[j + 1] as string);
    const offset = bitOffsetArg(c, argv[j + 2] as string, bits);
    let value = 0n;
    if (opcode !== BF_GET) {
      readonly = false;
      if (highestWrite < offset + bits - 1) highestWrite = offset + bits - 1;
      const v = parseInt64(argv[j + 3] as string);
      if (v === undefined) throw ERR.notInteger;
      value = BigInt(v);
    }
    ops.push({ opcode, offset, value, owtype, bits, signed });
    j += opcode === BF_GET ? 2 : 3;
  }
  const db = c.db;
  const key = argv[1] as string;
  let src: Bytes | null;
  let buf: Buffer | null = null;
  let grown = false;
  if (readonly) {
    src = db.getStringOrBytes(key, true);
  } else {
    if (readonlyCommand) throw ERR_BITMAP.bitfieldRoGetOnly;
    [buf, grown] = writableString(c, key, Math.floor(highestWrite / 8) + 1);
    src = buf;
  }
  const out: Reply[] = [];
  let changes = 0;
  for (const op of ops) {
    const raw = readBits(src, op.offset, op.bits);
    if (op.opcode === BF_GET) {
      out.push(intReply(op.signed ? BigInt.asIntN(op.bits, raw) : raw));
      continue;
    }
    // SET checks the new value with a zero increment; INCRBY the old value plus it.
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    const incr = op.opcode === BF_INCRBY ? op.value : 0n;
    // An unsigned SET takes its value as C's (uint64_t) cast of the int64.
    const base = op.opcode === BF_INCRBY ? old : op.signed ? op.value : BigInt.asUintN(64, op.value);
    const overflow = op.signed ? signedOverflow(base, incr, op.bits) : unsignedOverflow(base, incr, op.bits);
    let next = base + incr;
    if (overflow !== 0) {
      if (op.owtype === OW_FAIL) {
        out.push(null);
        continue;
      }
      if (op.owtype === OW_SAT) {
        const bits = BigInt(op.bits);
        if (op.signed) next = overflow === 1 ? (1n << (bits - 1n)) - 1n : -(1n << (bits - 1n));
        else next = overflow === 1 ? (1n << bits) - 1n : 0n;
      } else {
        next = op.signed ? BigInt.asIntN(op.bits, next) : BigInt.asUintN(op.bits, next);
      }
    }
    out.push(intReply(op.opcode === BF_INCRBY ? next : old));
    writeBits(buf as Buffer, op.offset, op.bits, next);
    if (grown || old !== next) changes++;
  }
  if (changes > 0) {
    db.touchWritten(key);
    keyspaceEvent(c, NOTIFY.STRING, 'setbit', key);
  }
  return out;
}

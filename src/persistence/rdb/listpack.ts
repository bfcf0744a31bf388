/**
 * Listpacks (listpack.c), the compact encoding Redis 7.0 writes for small
 * hashes, sorted sets, list nodes and streams. A listpack is a 6-byte header
 * (total bytes u32 LE, element count u16 LE, 65535 when unknown), entries, and
 * 0xFF. Each entry is an encoding byte(s), data, and a "backlen" (the entry's
 * size, 7 bits per byte, readable right to left). Strings that are canonical
 * int64s (string2ll) are stored as integers, as lpAppend does.
 */
import { parseInt64 } from '../../util/number.js';

const HEADER = 6;
const EOF = 0xff;

/** The value of `s` when a listpack would store it as an integer. */
export function listpackInt(s: string): number | bigint | undefined {
  return s.length <= 20 ? parseInt64(s) : undefined;
}

/** Bytes of the backlen for an entry of `l` bytes (lpEncodeBacklen). */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function intEncodedSize(v: number | bigint): number {
  const n = typeof v === 'bigint' ? v : BigInt(v);
  if (n >= 0n && n <= 127n) return 1;
  if (n >= -4096n && n <= 4095n) return 2;
  if (n >= -32768n && n <= 32767n) return 3;
  if (n >= -8388608n && n <= 8388607n) return 4;
  if (n >= -2147483648n && n <= 2147483647n) return 5;
  return 9;
}

function strHeaderSize(len: number): number {
  if (len < 64) return 1;
  if (len < 4096) return 2;
  return 5;
}

/** Size of an entry holding `s` (encoding + data + backlen). */
export function listpackEntrySize(s: string): number {
  const v = listpackInt(s);
  const l = v !== undefined ? intEncodedSize(v) : strHeaderSize(s.length) + s.length;
  return l + backlenSize(l);
}

/** Builds one listpack; `size` is its byte length so far, including header and terminator. */
export class ListpackBuilder {
  private parts: string[] = [];
  private count = 0;
  size = HEADER + 1;

  get length(): number {
    return this.count;
  }

  /** Append a string (stored as an integer when it is one). */
  add(s: string): void {
    this.parts.push(s);
    this.count++;
    this.size += listpackEntrySize(s);
  }

  /** The listpack's bytes. */
  build(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    out.writeUInt32LE(this.size, 0);
    out.writeUInt16LE(Math.min(this.count, 65535), 4);
    let p = HEADER;
    for (const s of this.parts) p = writeEntry(out, p, s);
    out[p] = EOF;
    return out;
  }
}

function writeBacklen(out: Buffer, p: number, l: number): number {
  const n = backlenSize(l);
  // Most significant group first; every byte but the first has the high bit set.
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    out[p++] = k === n - 1 ? group : group | 128;
  }
  return p;
}

function writeEntry(out: Buffer, start: number, s: string): number {
  let p = start;
  const v = listpackInt(s);
  if (v !== undefined) {
    const n = BigInt(v);
    if (n >= 0n && n <= 127n) out[p++] = Number(n);
    else if (n >= -4096n && n <= 4095n) {
      const u = Number(n < 0n ? (1n << 13n) + n : n);
      out[p++] = (u >>> 8) | 0xc0;
      out[p++] = u & 0xff;
    } else if (n >= -32768n && n <= 32767n) {
      out[p++] = 0xf1;
      p = out.writeInt16LE(Number(n), p);
    } else if (n >= -8388608n && n <= 8388607n) {
      out[p++] = 0xf2;
      p = out.writeIntLE(Number(n), p, 3);
    } else if (n >= -2147483648n && n <= 2147483647n) {
      out[p++] = 0xf3;
      p = out.writeInt32LE(Number(n), p);
    } else {
      out[p++] = 0xf4;
      p = out.writeBigInt64LE(n, p);
    }
  } else {
    const len = s.length;
    if (len < 64) out[p++] = 0x80 | len;
    else if (len < 4096) {
      out[p++] = 0xe0 | (len >>> 8);
      out[p++] = len & 0xff;
    } else {
      out[p++] = 0xf0;
      p = out.writeUInt32LE(len, p);
    }
    p += out.latin1Write(s, p, len);
  }
  return writeBacklen(out, p, p - start);
}

/** Why a listpack is invalid (the caller adds where it was). */
export class ListpackError extends Error {}

/**
 * Every element of a listpack as latin1 strings (integers in decimal), after
 * checking its whole structure: header, each entry's bounds and backlen, the
 * terminator, and (`checkCount`) the element count when the header knows it;
 * Redis's stream validation does not check that count.
 */
export function readListpack(lp: Buffer, checkCount = true): string[] {
  if (lp.length < HEADER + 1) throw new ListpackError('listpack too short');
  const total = lp.readUInt32LE(0);
  if (total !== lp.length) throw new ListpackError('listpack size mismatch');
  const declared = lp.readUInt16LE(4);
  const out: string[] = [];
  let p = HEADER;
  const end = lp.length - 1;
  while (p < end) {
    const start = p;
    const b = lp[p] as number;
    let s: string;
    if (b < 0x80) {
      s = String(b);
      p += 1;
    } else if (b < 0xc0) {
      const len = b & 0x3f;
      need(p + 1 + len, end);
      s = lp.latin1Slice(p + 1, p + 1 + len);
      p += 1 + len;
    } else if (b < 0xe0) {
      need(p + 2, end);
      let u = ((b & 0x1f) << 8) | (lp[p + 1] as number);
      if (u >= 1 << 12) u -= 1 << 13;
      s = String(u);
      p += 2;
    } else if (b < 0xf0) {
      need(p + 2, end);
      const len = ((b & 0x0f) << 8) | (lp[p + 1] as number);
      need(p + 2 + len, end);
      s = lp.latin1Slice(p + 2, p + 2 + len);
      p += 2 + len;
    } else if (b === 0xf0) {
      need(p + 5, end);
      const len = lp.readUInt32LE(p + 1);
      need(p + 5 + len, end);
      s = lp.latin1Slice(p + 5, p + 5 + len);
      p += 5 + len;
    } else if (b === 0xf1) {
      need(p + 3, end);
      s = String(lp.readInt16LE(p + 1));
      p += 3;
    } else if (b === 0xf2) {
      need(p + 4, end);
      s = String(lp.readIntLE(p + 1, 3));
      p += 4;
    } else if (b === 0xf3) {
      need(p + 5, end);
      s = String(lp.readInt32LE(p + 1));
      p += 5;
    } else if (b === 0xf4) {
      need(p + 9, end);
      s = String(lp.readBigInt64LE(p + 1));
      p += 9;
    } else {
      throw new ListpackError('invalid listpack entry encoding');
    }
    const l = p - start;
    const bl = backlenSize(l);
    need(p + bl, end);
    if (decodeBacklen(lp, p + bl - 1) !== l) throw new ListpackError('listpack entry backlen mismatch');
    p += bl;
    out.push(s);
  }
  if (p !== end || lp[end] !== EOF) throw new ListpackError('listpack not terminated');
  if (checkCount && declared !== 65535 && declared !== out.length)
    throw new ListpackError('listpack count mismatch');
  return out;
}

/**
 * lpDecodeBacklen: the length stored in the backlen ending at `last`, read
 * backwards while bytes have their high bit set (as a reverse iteration
 * does; -1 past 5 bytes). The validation Redis applies is exactly this
 * reading matching the entry's size.
 */
function decodeBacklen(lp: Buffer, last: number): number {
  let v = 0;
  for (let shift = 0, p = last; p >= 0; shift += 7, p--) {
    const b = lp[p] as number;
    v += (b & 127) * 2 ** shift;
    if ((b & 128) === 0) return v;
    if (shift + 7 > 28) return -1;
  }
  return -1;
}

function need(upTo: number, end: number): void {
  if (upTo > end) throw new ListpackError('listpack entry out of range');
}

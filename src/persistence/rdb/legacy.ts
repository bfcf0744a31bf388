/**
 * Encodings Redis no longer writes but still loads from older files: ziplists
 * (lists, hashes and sorted sets before 7.0, quicklist nodes before 7.0) and
 * zipmaps (hashes before 2.6). Read only, with every bound checked.
 */
import { ListpackError } from './listpack.js';

const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 0xfe;

function need(upTo: number, end: number): void {
  if (upTo > end) throw new ListpackError('ziplist entry out of range');
}

/**
 * Every element of a ziplist (zlbytes u32, zltail u32, zllen u16, entries,
 * 0xFF). Each entry: previous entry length (1 byte, or 0xFE + u32), encoding,
 * data.
 */
export function readZiplist(zl: Buffer): string[] {
  if (zl.length < 11) throw new ListpackError('ziplist too short');
  if (zl.readUInt32LE(0) !== zl.length) throw new ListpackError('ziplist size mismatch');
  const tail = zl.readUInt32LE(4);
  const declared = zl.readUInt16LE(8);
  const end = zl.length - 1;
  if (zl[end] !== ZIP_END) throw new ListpackError('ziplist not terminated');
  const out: string[] = [];
  let p = 10;
  let prevLen = 0;
  let lastStart = -1;
  while (p < end) {
    const start = p;
    lastStart = start;
    let stored: number;
    if (zl[p] === ZIP_BIG_PREVLEN) {
      need(p + 5, end);
      stored = zl.readUInt32LE(p + 1);
      p += 5;
    } else {
      stored = zl[p] as number;
      p += 1;
    }
    if (stored !== prevLen) throw new ListpackError('ziplist prevlen mismatch');
    need(p + 1, end);
    const b = zl[p] as number;
    let s: string;
    switch (b >>> 6) {
      case 0: {
        const len = b & 0x3f;
        need(p + 1 + len, end);
        s = zl.latin1Slice(p + 1, p + 1 + len);
        p += 1 + len;
        break;
      }
      case 1: {
        need(p + 2, end);
        const len = ((b & 0x3f) << 8) | (zl[p + 1] as number);
        need(p + 2 + len, end);
        s = zl.latin1Slice(p + 2, p + 2 + len);
        p += 2 + len;
        break;
      }
      case 2: {
        if (b !== 0x80) throw new ListpackError('invalid ziplist string encoding');
        need(p + 5, end);
        const len = zl.readUInt32BE(p + 1);
        need(p + 5 + len, end);
        s = zl.latin1Slice(p + 5, p + 5 + len);
        p += 5 + len;
        break;
      }
      default:
        [s, p] = readZipInt(zl, p, end);
    }
    prevLen = p - start;
    out.push(s);
  }
  if (out.length > 0 ? tail !== lastStart : tail !== 10)
    throw new ListpackError('ziplist tail offset mismatch');
  if (declared !== 65535 && declared !== out.length) throw new ListpackError('ziplist count mismatch');
  return out;
}

function readZipInt(zl: Buffer, p: number, end: number): [string, number] {
  const b = zl[p] as number;
  switch (b) {
    case 0xc0:
      need(p + 3, end);
      return [String(zl.readInt16LE(p + 1)), p + 3];
    case 0xd0:
      need(p + 5, end);
      return [String(zl.readInt32LE(p + 1)), p + 5];
    case 0xe0:
      need(p + 9, end);
      return [String(zl.readBigInt64LE(p + 1)), p + 9];
    case 0xf0:
      need(p + 4, end);
      return [String(zl.readIntLE(p + 1, 3)), p + 4];
    case 0xfe:
      need(p + 2, end);
      return [String(zl.readInt8(p + 1)), p + 2];
    default:
      // 1111xxxx: an immediate 0..12 stored as xxxx - 1 (0001..1101).
      if (b >= 0xf1 && b <= 0xfd) return [String((b & 0x0f) - 1), p + 1];
      throw new ListpackError('invalid ziplist integer encoding');
  }
}

/** Length field of a zipmap: one byte below 254, else 254 + u32 (little-endian on every platform Redis ran on). */
function zipmapLen(zm: Buffer, p: number, end: number): [number, number] {
  need(p + 1, end);
  const b = zm[p] as number;
  if (b < 254) return [b, p + 1];
  if (b !== 254) throw new ListpackError('invalid zipmap length');
  need(p + 5, end);
  return [zm.readUInt32LE(p + 1), p + 5];
}

/** Field/value pairs of a zipmap: zmlen byte, then (len, field, len, free, value, free bytes)*, 0xFF. */
export function readZipmap(zm: Buffer): string[] {
  if (zm.length < 2) throw new ListpackError('zipmap too short');
  const end = zm.length - 1;
  if (zm[end] !== ZIP_END) throw new ListpackError('zipmap not terminated');
  const out: string[] = [];
  let p = 1;
  while (p < end) {
    let len: number;
    [len, p] = zipmapLen(zm, p, end);
    need(p + len, end);
    out.push(zm.latin1Slice(p, p + len));
    p += len;
    [len, p] = zipmapLen(zm, p, end);
    need(p + 1, end);
    const free = zm[p] as number;
    p += 1;
    need(p + len + free, end);
    out.push(zm.latin1Slice(p, p + len));
    p += len + free;
  }
  if (p !== end) throw new ListpackError('zipmap entry out of range');
  return out;
}

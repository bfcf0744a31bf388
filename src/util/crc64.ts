/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected polynomial
 * 0xad93d23594c935a9 (0x95ac9329ac4bc9b5 reflected), initial value 0, no final
 * xor; crc64("123456789") = 0xe9c6d914c4b8d9ca. It checks RDB files and
 * DUMP payloads.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves so the hot loop runs
 * on small integers (no BigInt). Tables are sliced by 8 bytes and the input is
 * read a 32-bit word at a time where it is aligned (little-endian hosts):
 * an RDB snapshot checksums every byte it writes.
 */

const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

/** TABLE[k][b]: the CRC of byte b followed by k zero bytes, as [hi, lo] in two arrays. */
const HI: Uint32Array[] = [];
const LO: Uint32Array[] = [];

function buildTables(): void {
  const hi0 = new Uint32Array(256);
  const lo0 = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    let hi = 0;
    let lo = b;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi >>>= 1;
      if (carry) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    hi0[b] = hi;
    lo0[b] = lo;
  }
  HI.push(hi0);
  LO.push(lo0);
  for (let t = 1; t < 8; t++) {
    const ph = HI[t - 1] as Uint32Array;
    const pl = LO[t - 1] as Uint32Array;
    const h = new Uint32Array(256);
    const l = new Uint32Array(256);
    for (let b = 0; b < 256; b++) {
      // One more zero byte: crc = table0[crc & 0xff] ^ (crc >> 8).
      const vh = ph[b] as number;
      const vl = pl[b] as number;
      const i = vl & 0xff;
      h[b] = ((hi0[i] as number) ^ (vh >>> 8)) >>> 0;
      l[b] = ((lo0[i] as number) ^ ((vl >>> 8) | (vh << 24))) >>> 0;
    }
    HI.push(h);
    LO.push(l);
  }
}
buildTables();

const [H0, H1, H2, H3, H4, H5, H6, H7] = HI as Uint32Array[] as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];
const [L0, L1, L2, L3, L4, L5, L6, L7] = LO as Uint32Array[] as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A running CRC-64: feed bytes with `update`, read the value with `digest`. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): void {
    let hi = this.hi;
    let lo = this.lo;
    let i = start;
    // Byte by byte up to a 4-byte boundary, then 8 bytes per step from 32-bit words.
    if (LITTLE_ENDIAN && end - i >= 64) {
      for (; ((buf.byteOffset + i) & 3) !== 0; i++) {
        const idx = (lo ^ (buf[i] as number)) & 0xff;
        lo = ((L0[idx] as number) ^ ((lo >>> 8) | (hi << 24))) >>> 0;
        hi = ((H0[idx] as number) ^ (hi >>> 8)) >>> 0;
      }
      const first = (buf.byteOffset + i) >>> 2;
      const words = new Uint32Array(buf.buffer, first * 4, (end - i) >>> 2);
      const pairs = words.length >>> 1;
      for (let w = 0; w < pairs; w++) {
        // The low word takes bytes 0-3, the high word bytes 4-7; each byte indexes the
        // table for the number of bytes that follow it in the block.
        const a = (lo ^ (words[2 * w] as number)) >>> 0;
        const b = (hi ^ (words[2 * w + 1] as number)) >>> 0;
        lo =
          ((L7[a & 0xff] as number) ^
            (L6[(a >>> 8) & 0xff] as number) ^
            (L5[(a >>> 16) & 0xff] as number) ^
            (L4[a >>> 24] as number) ^
            (L3[b & 0xff] as number) ^
            (L2[(b >>> 8) & 0xff] as number) ^
            (L1[(b >>> 16) & 0xff] as number) ^
            (L0[b >>> 24] as number)) >>>
          0;
        hi =
          ((H7[a & 0xff] as number) ^
            (H6[(a >>> 8) & 0xff] as number) ^
            (H5[(a >>> 16) & 0xff] as number) ^
            (H4[a >>> 24] as number) ^
            (H3[b & 0xff] as number) ^
            (H2[(b >>> 8) & 0xff] as number) ^
            (H1[(b >>> 16) & 0xff] as number) ^
            (H0[b >>> 24] as number)) >>>
          0;
      }
      i += pairs * 8;
    }
    for (; i < end; i++) {
      const idx = (lo ^ (buf[i] as number)) & 0xff;
      lo = ((L0[idx] as number) ^ ((lo >>> 8) | (hi << 24))) >>> 0;
      hi = ((H0[idx] as number) ^ (hi >>> 8)) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The CRC as 8 bytes little-endian, as Redis stores it. */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }

  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** CRC-64 of a whole buffer as 8 bytes little-endian. */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): Buffer {
  const c = new Crc64();
  c.update(buf, start, end);
  return c.digest();
}

/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected polynomial
 * 0xad93d23594c935a9 (0x95ac9329ac4bc9b5 reflected), initial value 0, no final
 * xor; crc64("123456789") = 0xe9c6d914c4b8d9ca. It checks RDB files and
 * DUMP payloads.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves so the hot loop runs
 * on small integers (no BigInt); tables are sliced by 4 bytes for speed.
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
  for (let t = 1; t < 4; t++) {
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

const [H0, H1, H2, H3] = HI as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
const [L0, L1, L2, L3] = LO as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/** A running CRC-64: feed bytes with `update`, read the value with `digest`. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): void {
    let hi = this.hi;
    let lo = this.lo;
    let i = start;
    // Four bytes at a time: they fold into the low word, whose four bytes index four tables.
    for (; i + 4 <= end; i += 4) {
      const x =
        (lo ^
          ((buf[i] as number) |
            ((buf[i + 1] as number) << 8) |
            ((buf[i + 2] as number) << 16) |
            ((buf[i + 3] as number) << 24))) >>>
        0;
      const nh =
        (H3[x & 0xff] as number) ^
        (H2[(x >>> 8) & 0xff] as number) ^
        (H1[(x >>> 16) & 0xff] as number) ^
        (H0[x >>> 24] as number);
      const nl =
        (L3[x & 0xff] as number) ^
        (L2[(x >>> 8) & 0xff] as number) ^
        (L1[(x >>> 16) & 0xff] as number) ^
        (L0[x >>> 24] as number);
      // The high word moves down into the low word by the four bytes consumed.
      lo = (nl ^ hi) >>> 0;
      hi = nh >>> 0;
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

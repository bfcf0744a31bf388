/**
 * Intsets (intset.c): encoding width u32 LE (2, 4 or 8 bytes per member),
 * member count u32 LE, then the members sorted ascending, little-endian.
 */
import { ListpackError } from './listpack.js';

/** Bytes per member for the widest of `members` (canonical int64 strings, sorted). */
function widthFor(members: readonly string[]): number {
  let width = 2;
  for (const m of members) {
    const n = BigInt(m);
    if (n < -2147483648n || n > 2147483647n) return 8;
    if (n < -32768n || n > 32767n) width = 4;
  }
  return width;
}

/** The intset of sorted integer members, in the smallest width that holds them all. */
export function buildIntset(members: readonly string[]): Buffer {
  const width = widthFor(members);
  const out = Buffer.allocUnsafe(8 + width * members.length);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(members.length, 4);
  let p = 8;
  for (const m of members) {
    if (width === 2) p = out.writeInt16LE(Number(m), p);
    else if (width === 4) p = out.writeInt32LE(Number(m), p);
    else p = out.writeBigInt64LE(BigInt(m), p);
  }
  return out;
}

/** Members of an intset as decimal strings, checking size and strict ascending order. */
export function readIntset(buf: Buffer): string[] {
  if (buf.length < 8) throw new ListpackError('intset too short');
  const width = buf.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) throw new ListpackError('invalid intset encoding');
  const count = buf.readUInt32LE(4);
  if (buf.length !== 8 + count * width) throw new ListpackError('intset size mismatch');
  const out: string[] = [];
  let prev: bigint | undefined;
  for (let i = 0, p = 8; i < count; i++, p += width) {
    const v =
      width === 2
        ? BigInt(buf.readInt16LE(p))
        : width === 4
          ? BigInt(buf.readInt32LE(p))
          : buf.readBigInt64LE(p);
    if (prev !== undefined && v <= prev) throw new ListpackError('intset not sorted');
    prev = v;
    out.push(String(v));
  }
  return out;
}

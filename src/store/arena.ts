/**
 * Off-heap storage for string values. V8 makes every string that outlives a
 * young-generation collection expensive: it is copied (to the survivor space,
 * then to old space) and later marked and swept. For a cache whose values are
 * constantly overwritten that is most of the CPU. The arena keeps value bytes in
 * large off-heap slabs instead, carved into size classes (8-byte steps up to 64
 * bytes, then four classes per power of two, as jemalloc does) with a free list
 * per class threaded through the free chunks themselves. A value is a handle (a
 * byte offset into the arena, a float64-exact integer) plus its length; writing
 * one is a memcpy and creates no garbage.
 */

import { shortLatin1 } from '../protocol/short-string.js';

const SLAB_SHIFT = 20;
/** Slab size: 1 MiB. No chunk crosses a slab boundary. */
export const SLAB_SIZE = 1 << SLAB_SHIFT;
/** The largest value kept in the arena; bigger ones are stored as standalone Buffers. */
export const ARENA_MAX = 64 * 1024;
const NIL = -1;

/** Class sizes: 8..64 step 8, then 4 per doubling up to ARENA_MAX. */
const CLASS_SIZES: number[] = (() => {
  const sizes: number[] = [];
  for (let s = 8; s <= 64; s += 8) sizes.push(s);
  for (let base = 64; base < ARENA_MAX; base *= 2) {
    for (let k = 1; k <= 4; k++) sizes.push(base + (base / 4) * k);
  }
  return sizes;
})();

/** Class index for a length in 1..ARENA_MAX. */
function classOf(len: number): number {
  if (len <= 64) return (len + 7) >> 3 ? ((len + 7) >> 3) - 1 : 0;
  // len in (base, 2*base]: base = 2^floor(log2(len-1)).
  const e = 31 - Math.clz32(len - 1); // base = 2^e, e >= 6
  const base = 1 << e;
  const step = base >> 2;
  const k = Math.ceil((len - base) / step); // 1..4
  return 8 + (e - 6) * 4 + (k - 1);
}

export function chunkSize(len: number): number {
  return len === 0 ? 0 : (CLASS_SIZES[classOf(len)] as number);
}

export class ByteArena {
  private slabs: Buffer[] = [];
  /** Float64 views of the slabs, for the intrusive free lists (chunks are 8-aligned). */
  private words: Float64Array[] = [];
  private freeHead: Float64Array = new Float64Array(CLASS_SIZES.length).fill(NIL);
  /** Bump pointer into the newest slab. */
  private bump = 0;
  private bumpEnd = 0;
  /** Bytes in live chunks (capacity, not value length). */
  used = 0;

  /** Total bytes reserved by slabs. */
  get reserved(): number {
    return this.slabs.length * SLAB_SIZE;
  }

  /** Allocate a chunk able to hold `len` bytes (1..ARENA_MAX); returns its handle. */
  alloc(len: number): number {
    const cls = classOf(len);
    const size = CLASS_SIZES[cls] as number;
    this.used += size;
    const head = this.freeHead[cls] as number;
    if (head !== NIL) {
      this.freeHead[cls] = this.readWord(head);
      return head;
    }
    if (this.bump + size > this.bumpEnd) {
      // Start a new slab; the tail of the old one is given to smaller classes.
      this.recycleTail();
      const slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      this.slabs.push(slab);
      this.words.push(new Float64Array(slab.buffer, slab.byteOffset, SLAB_SIZE / 8));
      this.bump = (this.slabs.length - 1) * SLAB_SIZE;
      this.bumpEnd = this.bump + SLAB_SIZE;
    }
    const h = this.bump;
    this.bump += size;
    return h;
  }

  /** Return a chunk allocated for `len` bytes. */
  free(handle: number, len: number): void {
    const cls = classOf(len);
    this.used -= CLASS_SIZES[cls] as number;
    this.writeWord(handle, this.freeHead[cls] as number);
    this.freeHead[cls] = handle;
  }

  /** Whether a chunk allocated for `oldLen` can hold `newLen` bytes in place. */
  fits(oldLen: number, newLen: number): boolean {
    return newLen <= ARENA_MAX && oldLen > 0 && newLen > 0 && classOf(oldLen) === classOf(newLen);
  }

  /** Store a latin1 string of length `len` at `handle`. */
  writeString(handle: number, s: string): void {
    const slab = this.slabs[Math.floor(handle / SLAB_SIZE)] as Buffer;
    const n = s.length;
    if (n < 32) {
      // Short values (counters, flags, ids): a JS loop beats the native call.
      let p = handle % SLAB_SIZE;
      for (let i = 0; i < n; i++) slab[p++] = s.charCodeAt(i);
    } else {
      slab.latin1Write(s, handle % SLAB_SIZE, n);
    }
  }

  /** Store a latin1 string starting `at` bytes into the chunk (APPEND in place). */
  writeStringAt(handle: number, at: number, s: string): void {
    const slab = this.slabs[Math.floor(handle / SLAB_SIZE)] as Buffer;
    slab.latin1Write(s, (handle % SLAB_SIZE) + at, s.length);
  }

  writeBytes(handle: number, b: Buffer): void {
    const slab = this.slabs[Math.floor(handle / SLAB_SIZE)] as Buffer;
    b.copy(slab, handle % SLAB_SIZE);
  }

  /** The value as a latin1 string (a fresh, short-lived copy). */
  read(handle: number, len: number): string {
    const slab = this.slabs[Math.floor(handle / SLAB_SIZE)] as Buffer;
    return shortLatin1(slab, handle % SLAB_SIZE, len);
  }

  /** A Buffer view of the bytes, valid until the chunk is freed (in-place writes). */
  view(handle: number, len: number): Buffer {
    const slab = this.slabs[Math.floor(handle / SLAB_SIZE)] as Buffer;
    const off = handle % SLAB_SIZE;
    return slab.subarray(off, off + len);
  }

  /** Byte at `index` of the value (bit commands read without copying). */
  byteAt(handle: number, index: number): number {
    const slab = this.slabs[Math.floor(handle / SLAB_SIZE)] as Buffer;
    return slab[(handle % SLAB_SIZE) + index] as number;
  }

  /** Drop everything (FLUSHDB): slabs are released to the allocator. */
  reset(): void {
    this.slabs = [];
    this.words = [];
    this.freeHead = new Float64Array(CLASS_SIZES.length).fill(NIL);
    this.bump = 0;
    this.bumpEnd = 0;
    this.used = 0;
  }

  private recycleTail(): void {
    // Give the unused tail of the current slab to the free lists, largest classes first.
    let left = this.bumpEnd - this.bump;
    for (let cls = CLASS_SIZES.length - 1; cls >= 0 && left >= 8; cls--) {
      const size = CLASS_SIZES[cls] as number;
      while (left >= size) {
        this.writeWord(this.bump, this.freeHead[cls] as number);
        this.freeHead[cls] = this.bump;
        this.bump += size;
        left -= size;
      }
    }
    this.bump = this.bumpEnd;
  }

  private readWord(handle: number): number {
    return (this.words[Math.floor(handle / SLAB_SIZE)] as Float64Array)[(handle % SLAB_SIZE) / 8] as number;
  }

  private writeWord(handle: number, v: number): void {
    (this.words[Math.floor(handle / SLAB_SIZE)] as Float64Array)[(handle % SLAB_SIZE) / 8] = v;
  }
}

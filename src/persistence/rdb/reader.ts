/**
 * The byte level of RDB reading: a source of bytes (a Buffer for DUMP
 * payloads, a file read in chunks for snapshots, so a large file is never held
 * whole), and a reader of lengths, strings and numbers that checks every bound
 * and keeps a running CRC-64. Every failure is an RdbError naming the offset
 * where the bad item starts.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Crc64 } from '../../util/crc64.js';
import { lzfDecompress } from '../../util/lzf.js';
import {
  ENC_INT8,
  ENC_INT16,
  ENC_INT32,
  ENC_LZF,
  LEN_32BIT,
  LEN_64BIT,
  LEN_ENCVAL,
  RdbError,
} from './format.js';

export interface ByteSource {
  /** Bytes consumed so far. */
  readonly offset: number;
  /** Bytes left. */
  readonly remaining: number;
  /** Exactly `n` bytes, valid until the next read; throws when fewer are left. */
  read(n: number): Buffer;
}

const truncated = (offset: number): RdbError => new RdbError(offset, 'Unexpected EOF reading RDB file');

export class BufferSource implements ByteSource {
  offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  read(n: number): Buffer {
    if (n > this.remaining) throw truncated(this.offset);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

const FILE_CHUNK = 1024 * 1024;

/** A file read sequentially in 1 MiB chunks; `close` when done. */
export class FileSource implements ByteSource {
  private readonly fd: number;
  readonly size: number;
  private buf = Buffer.allocUnsafe(FILE_CHUNK);
  private start = 0;
  private end = 0;
  /** File position of buf[0]. */
  private base = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  get offset(): number {
    return this.base + this.start;
  }

  get remaining(): number {
    return this.size - this.offset;
  }

  read(n: number): Buffer {
    if (n > this.remaining) throw truncated(this.offset);
    if (this.end - this.start < n) this.fill(n);
    const out = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    return out;
  }

  /** Make at least `n` bytes available from `start`, growing the buffer for a large string. */
  private fill(n: number): void {
    const have = this.end - this.start;
    const target = n > this.buf.length ? Buffer.allocUnsafe(n) : this.buf;
    this.buf.copy(target, 0, this.start, this.end);
    this.base += this.start;
    this.buf = target;
    this.start = 0;
    this.end = have;
    while (this.end < n) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.base + this.end);
      if (got === 0) throw truncated(this.base + this.end);
      this.end += got;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A length field: a plain length, or one of the special string encodings (LEN_ENCVAL). */
interface Length {
  value: number;
  encoded: boolean;
  /** The exact value of a 64-bit length beyond 2^53 (`value` is then Infinity). */
  big?: bigint;
}

export class RdbReader {
  private readonly crc = new Crc64();

  constructor(readonly src: ByteSource) {}

  get offset(): number {
    return this.src.offset;
  }

  /** The CRC-64 of everything read so far, little-endian. */
  digest(): Buffer {
    return this.crc.digest();
  }

  fail(reason: string, at = this.offset): never {
    throw new RdbError(at, reason);
  }

  bytes(n: number): Buffer {
    const b = this.src.read(n);
    this.crc.update(b);
    return b;
  }

  u8(): number {
    return this.bytes(1)[0] as number;
  }

  private lengthField(): Length {
    const at = this.offset;
    const b = this.u8();
    const kind = b >>> 6;
    if (kind === LEN_ENCVAL) return { value: b & 0x3f, encoded: true };
    if (kind === 0) return { value: b & 0x3f, encoded: false };
    if (kind === 1) return { value: ((b & 0x3f) << 8) | this.u8(), encoded: false };
    if (b === LEN_32BIT) return { value: this.bytes(4).readUInt32BE(0), encoded: false };
    if (b === LEN_64BIT) {
      const v = this.bytes(8).readBigUInt64BE(0);
      if (v > BigInt(Number.MAX_SAFE_INTEGER))
        return { value: Number.POSITIVE_INFINITY, encoded: false, big: v };
      return { value: Number(v), encoded: false };
    }
    return this.fail(`Unknown length encoding ${b} in rdbLoadLen()`, at);
  }

  /**
   * A length (rdbLoadLen without `isencoded`): as in Redis, a special-encoding
   * byte where a length belongs reads as its 6-bit value.
   */
  len(): number {
    const at = this.offset;
    const l = this.lengthField();
    if (l.big !== undefined) this.fail('Length too large', at);
    return l.value;
  }

  /** A plain length as an unsigned 64-bit bigint (stream IDs and counters). */
  lenBig(): bigint {
    const l = this.lengthField();
    return l.big ?? BigInt(l.value);
  }

  /** A string (rdbGenericLoadStringObject) as a latin1 string. */
  string(): string {
    const b = this.stringBytes();
    return b.latin1Slice(0, b.length);
  }

  /** A string's bytes (a fresh Buffer or a view valid until the next read). */
  stringBytes(): Buffer {
    const at = this.offset;
    const l = this.lengthField();
    if (!l.encoded) return this.bytes(this.checkedLength(l.value, at));
    switch (l.value) {
      case ENC_INT8:
        return Buffer.from(String(this.bytes(1).readInt8(0)), 'latin1');
      case ENC_INT16:
        return Buffer.from(String(this.bytes(2).readInt16LE(0)), 'latin1');
      case ENC_INT32:
        return Buffer.from(String(this.bytes(4).readInt32LE(0)), 'latin1');
      case ENC_LZF:
        return this.lzfString(at);
      default:
        return this.fail(`Unknown RDB string encoding type ${l.value}`, at);
    }
  }

  /** A length that must fit in the bytes left (no allocation beyond the input's size). */
  private checkedLength(n: number, at: number): number {
    if (n > this.src.remaining) throw truncated(at);
    return n;
  }

  private lzfString(at: number): Buffer {
    const clen = this.len();
    const len = this.len();
    this.checkedLength(clen, at);
    // LZF expands at most 88-fold (a 3-byte reference copies up to 264 bytes):
    // a larger claimed size is corrupt, refused before allocating it.
    if (len > clen * 88 + 32) this.fail('Invalid LZF compressed string', at);
    const packed = this.bytes(clen);
    // Redis compares lzf_decompress's result with the length, and a failure
    // returns 0: a claimed length of 0 is an empty string, whatever follows.
    if (len === 0) return Buffer.alloc(0);
    const out = lzfDecompress(packed, len);
    if (out === null) this.fail('Invalid LZF compressed string', at);
    return out;
  }

  /** rdbLoadDoubleValue: 253 NaN, 254 +inf, 255 -inf, else that many ASCII bytes. */
  stringDouble(): number {
    const at = this.offset;
    const n = this.u8();
    if (n === 253) return Number.NaN;
    if (n === 254) return Number.POSITIVE_INFINITY;
    if (n === 255) return Number.NEGATIVE_INFINITY;
    const text = this.bytes(n).latin1Slice(0, n);
    const v = Number(text);
    if (Number.isNaN(v) && !/^[+-]?nan/i.test(text)) this.fail('Invalid double value', at);
    return v;
  }

  binaryDouble(): number {
    return this.bytes(8).readDoubleLE(0);
  }

  i64le(): bigint {
    return this.bytes(8).readBigInt64LE(0);
  }

  i32le(): number {
    return this.bytes(4).readInt32LE(0);
  }
}

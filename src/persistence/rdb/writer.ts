/**
 * The byte level of RDB writing: lengths, strings (integer-encoded, LZF or
 * raw, exactly as rdbSaveRawString chooses), doubles, and a running CRC-64.
 * Bytes collect in a buffer that is handed to a sink in chunks, so a file
 * writer, a BGSAVE that writes across event-loop turns, or an in-memory DUMP
 * payload all drive the same code.
 */
import { Crc64 } from '../../util/crc64.js';
import { lzfCompress } from '../../util/lzf.js';
import { parseInt64 } from '../../util/number.js';
import { ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF, LEN_32BIT, LEN_64BIT, LEN_ENCVAL } from './format.js';

/** Where serialized bytes go. A chunk may be reused after `write` returns: copy it if kept. */
export interface RdbSink {
  write(chunk: Buffer): void;
}

/** A sink that keeps everything in memory (DUMP, tests). */
export class MemorySink implements RdbSink {
  private chunks: Buffer[] = [];

  write(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const CHUNK = 64 * 1024;

export class RdbWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private readonly crc = new Crc64();
  /** Bytes handed to the sink so far. */
  private flushed = 0;

  constructor(
    private readonly sink: RdbSink,
    /** rdbcompression: LZF-compress strings longer than 20 bytes when it pays. */
    readonly compression: boolean,
  ) {}

  /** Bytes written so far (including those still buffered). */
  get offset(): number {
    return this.flushed + this.pos;
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /** Hand buffered bytes to the sink (they are part of the checksum). */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.crc.update(chunk);
    this.sink.write(chunk);
    this.flushed += this.pos;
    this.pos = 0;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    if (b.length > CHUNK) {
      this.flush();
      this.crc.update(b);
      this.sink.write(Buffer.from(b.buffer, b.byteOffset, b.length));
      this.flushed += b.length;
      return;
    }
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private latin1(s: string): void {
    if (s.length > CHUNK) {
      this.bytes(Buffer.from(s, 'latin1'));
      return;
    }
    this.room(s.length);
    this.pos += this.buf.latin1Write(s, this.pos, s.length);
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
  len(n: number): void {
    this.room(9);
    const b = this.buf;
    if (n < 1 << 6) b[this.pos++] = n;
    else if (n < 1 << 14) {
      b[this.pos++] = 0x40 | (n >>> 8);
      b[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = LEN_32BIT;
      this.pos = b.writeUInt32BE(n, this.pos);
    } else {
      b[this.pos++] = LEN_64BIT;
      this.pos = b.writeBigUInt64BE(BigInt(n), this.pos);
    }
  }

  /** A length that may exceed 2^53 (stream IDs and counters are unsigned 64-bit). */
  lenBig(n: bigint): void {
    if (n <= 0xffffffffn) {
      this.len(Number(n));
      return;
    }
    this.room(9);
    this.buf[this.pos++] = LEN_64BIT;
    this.pos = this.buf.writeBigUInt64BE(BigInt.asUintN(64, n), this.pos);
  }

  u64le(n: bigint): void {
    this.room(8);
    this.pos = this.buf.writeBigInt64LE(n, this.pos);
  }

  /** Binary double, little-endian (ZSET_2 scores). */
  binaryDouble(d: number): void {
    this.room(8);
    this.pos = this.buf.writeDoubleLE(d, this.pos);
  }

  /** An int64 as Redis writes a number (rdbSaveLongLongAsStringObject). */
  int(n: number | bigint): void {
    this.string(String(n));
  }

  /**
   * rdbSaveRawString: a canonical integer of at most 11 characters that fits 32
   * bits as an encoded int; with compression, a string over 20 bytes that LZF
   * shrinks by at least 4 bytes compressed; otherwise length + bytes.
   */
  string(s: string | Buffer): void {
    const len = s.length;
    if (len <= 11 && this.tryInteger(typeof s === 'string' ? s : s.latin1Slice(0, len))) return;
    if (this.compression && len > 20) {
      const raw = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
      const packed = lzfCompress(raw, len - 4);
      if (packed !== null) {
        this.lzfBlob(packed, len);
        return;
      }
    }
    this.len(len);
    if (typeof s === 'string') this.latin1(s);
    else this.bytes(s);
  }

  /** rdbSaveLzfBlob: data already LZF-compressed from `rawLength` bytes. */
  lzfBlob(packed: Uint8Array, rawLength: number): void {
    this.byte((LEN_ENCVAL << 6) | ENC_LZF);
    this.len(packed.length);
    this.len(rawLength);
    this.bytes(packed);
  }

  /** rdbTryIntegerEncoding: true when written as an encoded integer. */
  private tryInteger(s: string): boolean {
    const v = parseInt64(s);
    if (typeof v !== 'number') return false;
    this.room(5);
    const b = this.buf;
    if (v >= -128 && v <= 127) {
      b[this.pos++] = (LEN_ENCVAL << 6) | ENC_INT8;
      this.pos = b.writeInt8(v, this.pos);
    } else if (v >= -32768 && v <= 32767) {
      b[this.pos++] = (LEN_ENCVAL << 6) | ENC_INT16;
      this.pos = b.writeInt16LE(v, this.pos);
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[this.pos++] = (LEN_ENCVAL << 6) | ENC_INT32;
      this.pos = b.writeInt32LE(v, this.pos);
    } else {
      return false;
    }
    return true;
  }

  /** Flush, then the CRC-64 of everything written so far, little-endian (not itself checksummed). */
  checksum(enabled: boolean): void {
    this.flush();
    const digest = enabled ? this.crc.digest() : Buffer.alloc(8);
    this.sink.write(digest);
    this.flushed += 8;
  }
}

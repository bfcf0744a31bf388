/**
 * The byte level of RDB writing: lengths, strings (integer-encoded, LZF or
 * raw, exactly as rdbSaveRawString chooses), doubles, and a running CRC-64.
 * Bytes collect in a buffer that is handed to a sink in chunks, so a file
 * writer, a BGSAVE that writes across event-loop turns, or an in-memory DUMP
 * payload all drive the same code.
 *
 * A *framed* writer leaves the expensive part to someone else (the encoder
 * thread, encode-offload.ts): it writes everything but LZF and the checksum,
 * as frames that `FrameEncoder` turns into the final bytes, exactly what an
 * unframed writer would have produced. A frame is a 32-bit little-endian
 * header (kind in the top two bits, length below) and its payload:
 * literal bytes; a string for rdbSaveRawString's compression branch (LZF when
 * it pays, else length + bytes); or the end (the CRC-64 of everything, or
 * 8 zero bytes: length 1 or 0, no payload).
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
/** A framed writer's chunks: fewer, larger messages to the encoder thread. */
const FRAMED_CHUNK = 256 * 1024;

const FRAME_HEADER = 4;
const FRAME_LITERAL = 0;
const FRAME_STRING = 1;
const FRAME_END = 2;
/** Longest frame payload (30 bits); a longer string is compressed by the framed writer itself. */
const FRAME_MAX = 0x3fffffff;

const frameHeader = (kind: number, len: number): number => kind * 0x40000000 + len;

/**
 * Framed chunks handed back by their consumer, for the next ones: a snapshot
 * passes its whole size through them, and fresh 256 KB buffers each time would
 * make the garbage collector run full collections (external memory).
 */
const framedPool: ArrayBuffer[] = [];
const FRAMED_POOL_MAX = 64;

/** A framed writer's chunk is done with: its memory may take another one. */
export function recycleFramedChunk(buf: ArrayBuffer): void {
  if (buf.byteLength === FRAMED_CHUNK && framedPool.length < FRAMED_POOL_MAX) framedPool.push(buf);
}

function framedChunk(): Buffer {
  const pooled = framedPool.pop();
  return pooled === undefined ? Buffer.allocUnsafeSlow(FRAMED_CHUNK) : Buffer.from(pooled);
}

export class RdbWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly crc = new Crc64();
  /** Bytes handed to the sink so far. */
  private flushed = 0;
  /** Framed: where the open literal frame's header is. */
  private lit = 0;

  constructor(
    private readonly sink: RdbSink,
    /** rdbcompression: LZF-compress strings longer than 20 bytes when it pays. */
    readonly compression: boolean,
    /**
     * Write frames for a FrameEncoder (see above). The sink then owns each
     * chunk it is given: a framed writer never writes into one again.
     */
    private readonly framed = false,
  ) {
    this.buf = framed ? framedChunk() : Buffer.allocUnsafe(CHUNK);
    if (framed) this.pos = FRAME_HEADER;
  }

  /** Bytes written so far (including those still buffered). */
  get offset(): number {
    return this.flushed + this.pos;
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /** Hand buffered bytes to the sink (they are part of the checksum). */
  flush(): void {
    if (this.framed) {
      this.flushFrames();
      return;
    }
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.crc.update(chunk);
    this.sink.write(chunk);
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Framed: close the open literal frame (dropping it when empty) and hand the chunk over. */
  private flushFrames(): void {
    this.closeLiteral();
    if (this.pos === 0) {
      this.pos = FRAME_HEADER;
      return;
    }
    this.sink.write(this.buf.subarray(0, this.pos));
    this.flushed += this.pos;
    this.buf = framedChunk();
    this.lit = 0;
    this.pos = FRAME_HEADER;
  }

  /** Framed: write the open literal frame's header, or take back its room when it is empty. */
  private closeLiteral(): void {
    const n = this.pos - this.lit - FRAME_HEADER;
    if (n === 0) this.pos = this.lit;
    else this.buf.writeUInt32LE(frameHeader(FRAME_LITERAL, n), this.lit);
  }

  /** Framed: a string frame, for the encoder to compress or not. */
  private stringFrame(s: string | Buffer): void {
    const len = s.length;
    if (2 * FRAME_HEADER + len > FRAMED_CHUNK) {
      // A chunk of its own.
      this.flushFrames();
      const big = Buffer.allocUnsafeSlow(FRAME_HEADER + len);
      big.writeUInt32LE(frameHeader(FRAME_STRING, len), 0);
      if (typeof s === 'string') big.latin1Write(s, FRAME_HEADER, len);
      else s.copy(big, FRAME_HEADER);
      this.sink.write(big);
      this.flushed += big.length;
      return;
    }
    this.room(2 * FRAME_HEADER + len);
    this.closeLiteral();
    const b = this.buf;
    this.pos = b.writeUInt32LE(frameHeader(FRAME_STRING, len), this.pos);
    if (typeof s === 'string') this.pos += b.latin1Write(s, this.pos, len);
    else this.pos += s.copy(b, this.pos);
    this.lit = this.pos;
    this.pos += FRAME_HEADER;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.framed) {
      // Copied through as many chunks as it takes (literal frames).
      const n = b.length;
      let off = 0;
      while (off < n) {
        if (this.pos === this.buf.length) this.flushFrames();
        const k = Math.min(n - off, this.buf.length - this.pos);
        this.buf.set(off === 0 && k === n ? b : b.subarray(off, off + k), this.pos);
        this.pos += k;
        off += k;
      }
      return;
    }
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
      if (this.framed && len <= FRAME_MAX) {
        this.stringFrame(s);
        return;
      }
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
    if (this.framed) {
      this.room(FRAME_HEADER);
      this.closeLiteral();
      this.pos = this.buf.writeUInt32LE(frameHeader(FRAME_END, enabled ? 1 : 0), this.pos);
      this.lit = this.pos;
      this.pos += FRAME_HEADER;
      this.flushFrames();
      return;
    }
    this.flush();
    const digest = enabled ? this.crc.digest() : Buffer.alloc(8);
    this.sink.write(digest);
    this.flushed += 8;
  }
}

/**
 * Turns a framed writer's chunks into the RDB bytes an unframed writer would
 * have written (the encoder thread's side): literal frames are copied, string
 * frames go through rdbSaveRawString's LZF choice, the end frame appends the
 * CRC-64 of everything.
 */
export class FrameEncoder {
  private readonly w: RdbWriter;
  /** The end frame was encoded (the checksum is written): the stream is complete. */
  ended = false;

  constructor(sink: RdbSink, compression: boolean) {
    this.w = new RdbWriter(sink, compression);
  }

  /** Encode one chunk's frames (a chunk holds whole frames); throws on a malformed one. */
  feed(chunk: Buffer): void {
    const w = this.w;
    const n = chunk.length;
    let p = 0;
    while (p < n) {
      if (p + FRAME_HEADER > n) throw new Error('truncated frame header');
      const h = chunk.readUInt32LE(p);
      p += FRAME_HEADER;
      const kind = Math.floor(h / 0x40000000);
      const len = h % 0x40000000;
      if (kind === FRAME_END) {
        w.checksum(len === 1);
        this.ended = true;
        continue;
      }
      if (p + len > n) throw new Error('truncated frame');
      const payload = chunk.subarray(p, p + len);
      p += len;
      if (kind === FRAME_LITERAL) w.bytes(payload);
      else if (kind === FRAME_STRING) w.string(payload);
      else throw new Error(`unknown frame kind ${kind}`);
    }
    w.flush();
  }
}

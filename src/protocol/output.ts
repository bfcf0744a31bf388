/**
 * A client's pending output as bytes. Replies are encoded straight into one
 * growable Buffer (no intermediate strings) and written with one socket write per
 * event-loop turn. When the kernel takes everything synchronously, which is the
 * common case, the same Buffer is reused for the next turn.
 */
const INITIAL = 16 * 1024;
/** After a burst, a buffer larger than this is dropped rather than kept for reuse. */
const KEEP_MAX = 256 * 1024;

export class OutputBuffer {
  buf: Buffer;
  pos = 0;

  constructor(
    private readonly initial = INITIAL,
    /** Kept for reuse up to this size; a larger one (grown by a burst) is dropped. */
    private readonly keepMax = KEEP_MAX,
  ) {
    this.buf = Buffer.allocUnsafeSlow(initial);
  }

  get length(): number {
    return this.pos;
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Append a latin1 string (each char one byte). */
  latin1(s: string): void {
    const n = s.length;
    this.reserve(n);
    if (n < 32) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos += this.buf.latin1Write(s, this.pos, n);
    }
  }

  bytes(b: Buffer): void {
    const n = b.length;
    this.reserve(n);
    if (n < 32) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i] as number;
      this.pos = p;
    } else {
      this.buf.set(b, this.pos);
      this.pos += n;
    }
  }

  /** `<prefix><n>\r\n`, e.g. `$5\r\n` or `:42\r\n` (n a safe integer). */
  header(prefix: number, n: number): void {
    this.reserve(24);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = prefix;
    if (n < 0) {
      buf[p++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[p++] = 48 + n;
    } else {
      const start = p;
      while (n > 0) {
        const q = Math.floor(n / 10);
        buf[p++] = 48 + (n - q * 10);
        n = q;
      }
      // Digits were written least significant first.
      for (let i = start, j = p - 1; i < j; i++, j--) {
        const t = buf[i] as number;
        buf[i] = buf[j] as number;
        buf[j] = t;
      }
    }
    buf[p++] = 13;
    buf[p++] = 10;
    this.pos = p;
  }

  crlf(): void {
    this.reserve(2);
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  /** The bytes written so far (a view; valid until the next write into this buffer). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Drop the first `n` bytes (they were written elsewhere); the rest moves to the front. */
  consume(n: number): void {
    this.buf.copy(this.buf, 0, n, this.pos);
    this.pos -= n;
  }

  /**
   * After `view()` was handed to the socket: start over in the same memory when
   * the socket copied everything (`reusable`), else in a fresh buffer.
   */
  reset(reusable: boolean): void {
    this.pos = 0;
    if (!reusable || this.buf.length > this.keepMax) this.buf = Buffer.allocUnsafeSlow(this.initial);
  }
}

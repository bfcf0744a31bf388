import { splitInlineArgs } from './inline.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest header or inline line accepted. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Bulk payloads at least this big are gathered as chunks and joined once. */
const BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;
/** Limits that apply while the client still has to authenticate. */
export const UNAUTH_MAX_ARGS = 10;
export const UNAUTH_MAX_BULK = 16384;

export interface DecoderLimits {
  /** `proto-max-bulk-len`. */
  maxBulkLen: number;
  /** True while authentication is required and not yet done. */
  restricted: boolean;
}

/** A malformed request. `message` is the error reply (without '-'); the connection must close. */
export class ProtocolError extends Error {}

/**
 * Resumable RESP request decoder. Bytes go in with `push`; `next` returns one
 * command at a time (an array of latin1 strings), or null when it needs more bytes.
 * Limits are read per command, so an AUTH earlier in the same packet lifts them.
 */
export class RespDecoder {
  private buf: Buffer | null = null;
  private pos = 0;
  /** Arguments still expected in the current multibulk (0 = at a frame start). */
  private remaining = 0;
  /** Length of the bulk payload being read, or -1 when a `$` header is expected. */
  private bulkLen = -1;
  private args: string[] = [];
  /** Bytes of the current partial command already parsed into `args`. */
  private argBytes = 0;
  private big: Buffer[] | null = null;
  private bigBytes = 0;

  push(chunk: Buffer): void {
    if (this.big !== null) {
      this.big.push(chunk);
      this.bigBytes += chunk.length;
      if (this.bigBytes >= this.bulkLen + 2) {
        this.buf = Buffer.concat(this.big, this.bigBytes);
        this.pos = 0;
        this.big = null;
        this.bigBytes = 0;
      }
      return;
    }
    const buf = this.buf;
    if (buf === null || this.pos >= buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /** Bytes held for commands not yet complete (for query-buffer limits). */
  get bufferedBytes(): number {
    const pending = this.buf === null ? 0 : this.buf.length - this.pos;
    return pending + this.bigBytes + this.argBytes;
  }

  /** True when a command is partially received. */
  get midCommand(): boolean {
    return this.remaining > 0 || this.big !== null || (this.buf !== null && this.pos < this.buf.length);
  }

  next(limits: DecoderLimits): string[] | null {
    for (;;) {
      if (this.big !== null) return null;
      const buf = this.buf;
      if (buf === null) return null;
      const end = buf.length;
      if (this.remaining === 0) {
        if (this.pos >= end) {
          this.buf = null;
          this.pos = 0;
          return null;
        }
        if (buf[this.pos] === 42 /* '*' */) {
          const cr = buf.indexOf(13, this.pos);
          if (cr === -1 || cr + 1 >= end) {
            if (end - this.pos > PROTO_INLINE_MAX_SIZE)
              throw new ProtocolError('ERR Protocol error: too big mbulk count string');
            return null;
          }
          const n = parseHeaderInt(buf, this.pos + 1, cr);
          if (n === undefined || n > INT_MAX)
            throw new ProtocolError('ERR Protocol error: invalid multibulk length');
          if (n > UNAUTH_MAX_ARGS && limits.restricted) {
            throw new ProtocolError('ERR Protocol error: unauthenticated multibulk length');
          }
          this.pos = cr + 2;
          if (n <= 0) continue;
          this.remaining = n;
          this.args = [];
          this.argBytes = 0;
        } else {
          const cmd = this.inline(buf, end);
          if (cmd === null) return null;
          if (cmd.length === 0) continue;
          return cmd;
        }
      }
      // Inside a multibulk request.
      while (this.remaining > 0) {
        const b = this.buf as Buffer;
        const e = b.length;
        if (this.bulkLen === -1) {
          if (this.pos >= e) return this.drained();
          const cr = b.indexOf(13, this.pos);
          if (cr === -1 || cr + 1 >= e) {
            if (e - this.pos > PROTO_INLINE_MAX_SIZE)
              throw new ProtocolError('ERR Protocol error: too big bulk count string');
            return null;
          }
          if (b[this.pos] !== 36 /* '$' */) {
            throw new ProtocolError(
              `ERR Protocol error: expected '$', got '${String.fromCharCode(b[this.pos] as number)}'`,
            );
          }
          const n = parseHeaderInt(b, this.pos + 1, cr);
          if (n === undefined || n < 0 || n > limits.maxBulkLen)
            throw new ProtocolError('ERR Protocol error: invalid bulk length');
          if (n > UNAUTH_MAX_BULK && limits.restricted) {
            throw new ProtocolError('ERR Protocol error: unauthenticated bulk length');
          }
          this.pos = cr + 2;
          this.bulkLen = n;
        }
        const need = this.bulkLen + 2;
        if (e - this.pos < need) {
          if (this.bulkLen >= BIG_ARG) {
            // Gather the payload's chunks and join them once, instead of
            // re-concatenating a growing buffer on every read.
            this.big = [b.subarray(this.pos)];
            this.bigBytes = e - this.pos;
            this.buf = null;
            this.pos = 0;
          }
          return null;
        }
        this.args.push(b.latin1Slice(this.pos, this.pos + this.bulkLen));
        this.argBytes += this.bulkLen;
        this.pos += need;
        this.bulkLen = -1;
        this.remaining--;
      }
      const cmd = this.args;
      this.args = [];
      this.argBytes = 0;
      return cmd;
    }
  }

  private drained(): null {
    this.buf = null;
    this.pos = 0;
    return null;
  }

  /** One inline command; null when the line is not complete yet. */
  private inline(buf: Buffer, end: number): string[] | null {
    // Redis finds the line end with strchr, which also stops at a NUL byte.
    let nl = -1;
    for (let i = this.pos; i < end; i++) {
      const c = buf[i];
      if (c === 10) {
        nl = i;
        break;
      }
      if (c === 0) break;
    }
    if (nl === -1) {
      if (end - this.pos > PROTO_INLINE_MAX_SIZE)
        throw new ProtocolError('ERR Protocol error: too big inline request');
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && buf[lineEnd - 1] === 13) lineEnd--;
    const line = buf.latin1Slice(this.pos, lineEnd);
    this.pos = nl + 1;
    const args = splitInlineArgs(line);
    if (args === undefined) throw new ProtocolError('ERR Protocol error: unbalanced quotes in request');
    return args;
  }
}

/** Redis `string2ll` over header bytes [start, end); undefined when invalid. */
function parseHeaderInt(buf: Buffer, start: number, end: number): number | undefined {
  const len = end - start;
  if (len <= 0 || len > 20) return undefined;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return undefined;
  }
  const first = buf[i] as number;
  if (first === 48) return len === 1 ? 0 : undefined;
  if (first < 49 || first > 57) return undefined;
  let v = 0;
  for (; i < end; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  if (end - start >= 19) {
    // Near the int64 bounds: check the range exactly, as string2ll does.
    const big = BigInt(buf.latin1Slice(start, end));
    if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  }
  // Beyond 2^53 the exact value no longer matters: every limit is far below it.
  return neg ? -v : v;
}

declare module 'node:buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}

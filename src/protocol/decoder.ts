import { constants } from 'node:buffer';
import { splitInlineArgs } from './inline.js';
import { shortLatin1 } from './short-string.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest header or inline line accepted. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Bulk payloads at least this big are gathered read by read and joined once (Redis's PROTO_MBULK_BIG_ARG). */
const BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;
/**
 * Arguments are latin1 strings, so a bulk longer than V8's longest string cannot
 * be held (2^29-24 bytes, just under the default proto-max-bulk-len of 512 MB):
 * it is refused as an invalid bulk length instead of throwing mid-parse.
 */
const MAX_ARG_LEN = constants.MAX_STRING_LENGTH;
/**
 * Arguments per command. Redis accepts a header up to INT_MAX and only runs out
 * of memory; V8 aborts the process (not a catchable error) when an array passes
 * about 169 million elements, so a command stops at this many arguments.
 */
export const MAX_ARGS = 1 << 26;
/** Memory an argument costs beyond its payload (string header, array slot), for the query-buffer limit. */
const ARG_OVERHEAD = 32;
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
 * A buffer for `need` unparsed bytes with room for the next reads: growing by
 * what it holds (at most 64 KB, the longest line Redis waits for) keeps
 * appends amortized O(1).
 */
function newStore(need: number): Buffer {
  return Buffer.allocUnsafe(Math.max(16 * 1024, need + Math.min(need, PROTO_INLINE_MAX_SIZE)));
}

/**
 * Resumable RESP request decoder. Bytes go in with `push`; `next` returns one
 * command at a time (an array of latin1 strings), or null when it needs more bytes.
 * Limits are read per command, so an AUTH earlier in the same packet lifts them.
 */
export class RespDecoder {
  /** Unparsed input: [pos, buf.length). Either a read's own Buffer or a view of `store`. */
  private buf: Buffer | null = null;
  private pos = 0;
  /**
   * Growable backing buffer holding the unparsed tail while a command is split
   * across reads, appended to in amortized O(1), so input costs linear time
   * however it is split (one byte per read included). Non-null exactly when
   * `buf` is a view of it (otherwise `buf` is a read's own Buffer).
   */
  private store: Buffer | null = null;
  /**
   * Where the search for the current line's end stopped, valid while `pos` is
   * `scanPos`: a line arriving byte by byte is scanned once, not once per read.
   */
  private scanPos = -1;
  private scanned = 0;
  /** A NUL was found before the line end (Redis's strchr stops there: no line end until the 64 KB limit). */
  private stuck = false;
  /** Arguments still expected in the current multibulk (0 = at a frame start). */
  private remaining = 0;
  /** Length of the bulk payload being read, or -1 when a `$` header is expected. */
  private bulkLen = -1;
  private args: string[] = [];
  /** Memory of the current partial command already parsed into `args` (payloads + overhead). */
  private argBytes = 0;
  /**
   * Payload of a big bulk (>= BIG_ARG) arriving over several reads, kept as
   * latin1 pieces so each read's Buffer can be freed at once; joined once complete.
   */
  private big: string[] | null = null;
  /** Payload bytes gathered in `big`, and how many of the two bytes after it were seen. */
  private bigBytes = 0;
  private bigTail = 0;
  /** A command completed by `push` (its last argument was a big bulk), for `next` to return. */
  private ready: string[] | null = null;

  push(chunk: Buffer): void {
    if (this.big !== null) {
      this.pushBig(chunk);
      return;
    }
    const buf = this.buf;
    const pending = buf === null ? 0 : buf.length - this.pos;
    if (buf === null || pending <= 0) {
      // Nothing held: parse the read's own Buffer, no copy.
      this.buf = chunk;
      this.store = null;
      this.pos = 0;
      this.scanPos = -1;
      return;
    }
    let store = this.store;
    let used = buf.length;
    if (store === null || store.length - used < chunk.length) {
      // Move the pending tail to the front of a buffer with room for the next reads.
      const need = pending + chunk.length;
      const next =
        store !== null && need <= store.length && this.pos >= store.length >> 1 ? store : newStore(need);
      if (next === store) next.copyWithin(0, this.pos, used);
      else buf.copy(next, 0, this.pos, used);
      this.scanned -= this.pos;
      this.scanPos = this.scanPos === this.pos ? 0 : -1;
      this.pos = 0;
      used = pending;
      store = next;
      this.store = next;
    }
    chunk.copy(store, used);
    this.buf = store.subarray(0, used + chunk.length);
  }

  /**
   * Copy the unparsed bytes still held in the last read's own buffer into
   * `store`, for a reader whose buffer is overwritten by the next read
   * (src/net/shared-read.ts). Bytes already in `store` stay where they are.
   */
  retain(): void {
    const buf = this.buf;
    if (buf === null || this.store !== null) return;
    const pending = buf.length - this.pos;
    if (pending <= 0) {
      this.drained();
      return;
    }
    const store = newStore(pending);
    buf.copy(store, 0, this.pos, buf.length);
    this.scanned -= this.pos;
    this.scanPos = this.scanPos === this.pos ? 0 : -1;
    this.pos = 0;
    this.store = store;
    this.buf = store.subarray(0, pending);
  }

  private pushBig(chunk: Buffer): void {
    const big = this.big as string[];
    let off = 0;
    const want = this.bulkLen - this.bigBytes;
    if (want > 0) {
      off = Math.min(want, chunk.length);
      big.push(chunk.latin1Slice(0, off));
      this.bigBytes += off;
    }
    const tail = Math.min(2 - this.bigTail, chunk.length - off);
    this.bigTail += tail;
    off += tail;
    if (this.bigTail < 2) return;
    this.big = null;
    this.bigBytes = 0;
    this.bigTail = 0;
    this.addArg(big.length === 1 ? (big[0] as string) : big.join(''));
    if (this.remaining === 0) {
      this.ready = this.args;
      this.args = [];
      this.argBytes = 0;
    }
    this.buf = off < chunk.length ? chunk.subarray(off) : null;
    this.store = null;
    this.pos = 0;
    this.scanPos = -1;
  }

  private addArg(arg: string): void {
    this.args.push(arg);
    this.argBytes += arg.length + ARG_OVERHEAD;
    this.bulkLen = -1;
    this.remaining--;
  }

  /**
   * Memory held for the command not yet complete: unparsed bytes plus the
   * arguments already parsed (for the query-buffer limits and CLIENT LIST qbuf).
   */
  get bufferedBytes(): number {
    const pending = this.buf === null ? 0 : this.buf.length - this.pos;
    return pending + this.bigBytes + this.bigTail + this.argBytes;
  }

  /** True when input is held that `next` has not returned yet (a partial or a completed command). */
  get midCommand(): boolean {
    return (
      this.ready !== null ||
      this.remaining > 0 ||
      this.big !== null ||
      (this.buf !== null && this.pos < this.buf.length)
    );
  }

  next(limits: DecoderLimits): string[] | null {
    const ready = this.ready;
    if (ready !== null) {
      this.ready = null;
      return ready;
    }
    for (;;) {
      if (this.big !== null) return null;
      const buf = this.buf;
      if (buf === null) return null;
      const end = buf.length;
      if (this.remaining === 0) {
        if (this.pos >= end) return this.drained();
        if (buf[this.pos] === 42 /* '*' */) {
          const fast = fastHeader(buf, this.pos, end);
          if (fast > 0 && fast <= INT_MAX && (fast <= UNAUTH_MAX_ARGS || !limits.restricted)) {
            this.pos = headerEnd + 2;
            this.remaining = fast;
            this.args = [];
            this.argBytes = 0;
            continue;
          }
          const cr = this.lineEnd(buf, 13);
          if (cr === -1) {
            if (end - this.pos > PROTO_INLINE_MAX_SIZE)
              throw new ProtocolError('ERR Protocol error: too big mbulk count string');
            return null;
          }
          if (cr + 1 >= end) return null;
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
          if (b[this.pos] === 36 /* '$' */) {
            const fast = fastHeader(b, this.pos, e);
            if (
              fast >= 0 &&
              fast <= limits.maxBulkLen &&
              fast <= MAX_ARG_LEN &&
              (fast <= UNAUTH_MAX_BULK || !limits.restricted) &&
              this.args.length < MAX_ARGS
            ) {
              this.pos = headerEnd + 2;
              this.bulkLen = fast;
            }
          }
        }
        if (this.bulkLen === -1) {
          const cr = this.lineEnd(b, 13);
          if (cr === -1) {
            if (e - this.pos > PROTO_INLINE_MAX_SIZE)
              throw new ProtocolError('ERR Protocol error: too big bulk count string');
            return null;
          }
          if (cr + 1 >= e) return null;
          if (b[this.pos] !== 36 /* '$' */) {
            throw new ProtocolError(
              `ERR Protocol error: expected '$', got '${String.fromCharCode(b[this.pos] as number)}'`,
            );
          }
          const n = parseHeaderInt(b, this.pos + 1, cr);
          if (n === undefined || n < 0 || n > limits.maxBulkLen || n > MAX_ARG_LEN)
            throw new ProtocolError('ERR Protocol error: invalid bulk length');
          if (n > UNAUTH_MAX_BULK && limits.restricted) {
            throw new ProtocolError('ERR Protocol error: unauthenticated bulk length');
          }
          if (this.args.length >= MAX_ARGS)
            throw new ProtocolError('ERR Protocol error: invalid multibulk length');
          this.pos = cr + 2;
          this.bulkLen = n;
        }
        const need = this.bulkLen + 2;
        if (e - this.pos < need) {
          if (this.bulkLen >= BIG_ARG) {
            // Gather the payload read by read (see `push`) instead of
            // re-concatenating a growing buffer on every read.
            const take = Math.min(e - this.pos, this.bulkLen);
            this.big = [b.latin1Slice(this.pos, this.pos + take)];
            this.bigBytes = take;
            this.bigTail = e - this.pos - take;
            this.buf = null;
            this.store = null;
            this.pos = 0;
            this.scanPos = -1;
          }
          return null;
        }
        const start = this.pos;
        this.pos += need;
        this.addArg(
          this.args.length === 0
            ? this.commandName(b, start, this.bulkLen)
            : shortLatin1(b, start, this.bulkLen),
        );
      }
      const cmd = this.args;
      this.args = [];
      this.argBytes = 0;
      return cmd;
    }
  }

  /** The previous command's name, reused when the next one is spelled the same (pipelines repeat names). */
  private lastName = '';

  /**
   * argv[0] as a string, reusing the previous command's string when the bytes
   * match: no allocation, and the command lookup then hits on the very string
   * object it cached.
   */
  private commandName(b: Buffer, start: number, len: number): string {
    const last = this.lastName;
    if (last.length === len) {
      let i = 0;
      while (i < len && last.charCodeAt(i) === b[start + i]) i++;
      if (i === len) return last;
    }
    const name = shortLatin1(b, start, len);
    if (len <= 32) this.lastName = name;
    return name;
  }

  private drained(): null {
    this.buf = null;
    this.store = null;
    this.pos = 0;
    this.scanPos = -1;
    return null;
  }

  /**
   * Index of the first `byte` (CR or LF) of the line at `pos`, found the way
   * Redis's `strchr` finds it in the NUL-terminated query buffer: a NUL byte
   * before it means "no line end yet" (Redis then waits, and fails once past
   * 64 KB). Bytes already searched on an earlier read are not searched again.
   */
  private lineEnd(buf: Buffer, byte: number): number {
    let from = this.pos;
    if (this.scanPos === from) {
      if (this.stuck) return -1;
      from = this.scanned;
    } else {
      this.stuck = false;
    }
    const at = buf.indexOf(byte, from);
    const stop = at === -1 ? buf.length : at;
    for (let i = from; i < stop; i++) {
      if (buf[i] === 0) {
        this.scanPos = this.pos;
        this.stuck = true;
        return -1;
      }
    }
    if (at === -1) {
      this.scanPos = this.pos;
      this.scanned = buf.length;
    }
    return at;
  }

  /** One inline command; null when the line is not complete yet. */
  private inline(buf: Buffer, end: number): string[] | null {
    const nl = this.lineEnd(buf, 10);
    if (nl === -1) {
      if (end - this.pos > PROTO_INLINE_MAX_SIZE)
        throw new ProtocolError('ERR Protocol error: too big inline request');
      return null;
    }
    let stop = nl;
    if (stop > this.pos && buf[stop - 1] === 13) stop--;
    const line = buf.latin1Slice(this.pos, stop);
    this.pos = nl + 1;
    const args = splitInlineArgs(line);
    if (args === undefined) throw new ProtocolError('ERR Protocol error: unbalanced quotes in request');
    return args;
  }
}

/** Where the last successful `fastHeader` found its CR. */
let headerEnd = 0;

/**
 * The common case of a `*<n>\r\n` or `$<n>\r\n` header, parsed in one pass
 * without native calls: plain digits (no sign, no leading zero unless "0", at
 * most 15 digits) followed by CR and LF within `end`. Returns the value and sets
 * `headerEnd`, or -1 to let the general path (errors, NUL bytes, partial
 * input, exotic numbers) decide.
 */
function fastHeader(buf: Buffer, at: number, end: number): number {
  let i = at + 1;
  const limit = Math.min(end - 1, at + 17);
  if (i >= limit) return -1;
  let c = buf[i] as number;
  if (c === 48 /* '0' */) {
    if (buf[i + 1] !== 13 || buf[i + 2] !== 10 || i + 2 >= end) return -1;
    headerEnd = i + 1;
    return 0;
  }
  let v = 0;
  while (i < limit) {
    c = buf[i] as number;
    if (c === 13) {
      if (buf[i + 1] !== 10 || v === 0) return -1;
      headerEnd = i;
      return v;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
    i++;
  }
  return -1;
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

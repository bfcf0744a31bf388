/**
 * Reads the commands of an AOF file (RESP multi-bulk arrays and `#` annotation
 * lines) one at a time from any offset, with bounded memory, for start-up
 * loading and `redoubt check-aof`. Failures carry the offset where the broken
 * item began, whether the file simply ended (a torn tail) or holds something
 * else, and redis-check-aof's wording; `line` counts lines as it does.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type AofItem =
  | { readonly kind: 'command'; readonly argv: string[]; readonly start: number; readonly end: number }
  | { readonly kind: 'annotation'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'eof' };

/** A broken item: `at` is where the read that failed began (redis-check-aof's `epos`). */
export class AofFormatError extends Error {
  constructor(
    /** Offset of the item's first byte: everything before it is whole. */
    readonly itemStart: number,
    readonly at: number,
    /** The file ended inside the item (a torn tail), rather than holding something that is not RESP. */
    readonly truncated: boolean,
    message: string,
  ) {
    super(message);
  }
}

const CHUNK = 1 << 20;
/** fgets buffer of redis-check-aof's readLong (a longer count line is read in pieces). */
const LINE_MAX = 128;
/** Redis's AOF_ANNOTATION_LINE_MAX_LEN. */
const ANNOTATION_MAX = 1024;

export class AofReader {
  private readonly fd: number;
  readonly size: number;
  private buf = Buffer.allocUnsafe(CHUNK);
  /** File offset of buf[0], and the valid bytes in buf. */
  private base = 0;
  private len = 0;
  /** Current file offset. */
  pos: number;
  /** Lines consumed so far, counted as redis-check-aof does (starts at 1). */
  line = 1;
  private readonly argcLine = Buffer.alloc(LINE_MAX + 1);
  private readonly bulkLine = Buffer.alloc(LINE_MAX + 1);
  /** Where the last count line or string read began (redis-check-aof's `epos`). */
  lastAt = 0;

  constructor(path: string, from = 0) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
    this.pos = from;
    this.base = from;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The next command or annotation, `eof` at a clean end; throws AofFormatError. */
  next(): AofItem {
    const start = this.pos;
    const first = this.peek();
    if (first === -1) return { kind: 'eof' };
    if (first === 0x23 /* # */) {
      const text = this.readLine(ANNOTATION_MAX);
      return { kind: 'annotation', text: text.replace(/\r?\n$/, ''), start, end: this.pos };
    }
    if (first !== 0x2a /* * */) throw new AofFormatError(start, start, false, 'format error');
    const argc = this.readCount(start, 0x2a);
    if (argc < 1) throw new AofFormatError(start, start, false, `Invalid argument count ${argc}`);
    const argv: string[] = [];
    for (let i = 0; i < argc; i++) argv.push(this.readString(start));
    return { kind: 'command', argv, start, end: this.pos };
  }

  /** readLong: a `<prefix><number>\r\n` line. */
  private readCount(itemStart: number, prefix: number): number {
    const at = this.pos;
    this.lastAt = at;
    const text = this.readLine(LINE_MAX);
    // redis-check-aof's fgets buffer: the line and its NUL, then what an earlier `*` line
    // left there (a `$` line's buffer is found cleared, by the reads between them).
    const lineBuf = prefix === 0x2a ? this.argcLine : this.bulkLine.fill(0);
    lineBuf.write(text, 0, 'latin1');
    lineBuf[text.length] = 0;
    // fgets at the end of the file: redis-check-aof reports no message for it.
    if (text === '') throw new AofFormatError(itemStart, at, true, '');
    if (text.charCodeAt(0) !== prefix)
      throw new AofFormatError(
        itemStart,
        at,
        false,
        `Expected prefix '${String.fromCharCode(prefix)}', got: '${text[0]}'`,
      );
    const m = /^[-+]?\d*/.exec(text.slice(1)) as RegExpExecArray;
    const rest = text.slice(1 + m[0].length);
    // strtol: no digits reads as 0; what follows the number must be the line end.
    const n = m[0] === '' || m[0] === '-' || m[0] === '+' ? 0 : Number(m[0]);
    if (!rest.startsWith('\r\n')) {
      // The line was cut by the end of the file: a torn tail, not a format error.
      const torn = this.pos >= this.size && !text.endsWith('\n');
      const eptr = text.length - rest.length;
      const got = `${hex2(lineBuf[eptr] as number)}${hex2(lineBuf[eptr + 1] as number)}`;
      throw new AofFormatError(itemStart, at, torn, `Expected \\r\\n, got: ${got}`);
    }
    this.line++;
    return n;
  }

  private readString(itemStart: number): string {
    const len = this.readCount(itemStart, 0x24 /* $ */);
    const at = this.pos;
    this.lastAt = at;
    if (len < 0 || len > Number.MAX_SAFE_INTEGER - 2)
      throw new AofFormatError(
        itemStart,
        at,
        false,
        `Expected to read string of ${len} bytes, which is not in the suitable range`,
      );
    const avail = this.size - this.pos;
    if (avail < len + 2)
      throw new AofFormatError(itemStart, at, true, `Expected to read ${len + 2} bytes, got ${avail} bytes`);
    const bytes = this.read(len + 2);
    if (bytes[len] !== 0x0d || bytes[len + 1] !== 0x0a)
      throw new AofFormatError(
        itemStart,
        at,
        false,
        `Expected \\r\\n, got: ${hex2(bytes[len] as number)}${hex2(bytes[len + 1] as number)}`,
      );
    this.line++;
    return bytes.latin1Slice(0, len);
  }

  private peek(): number {
    if (this.pos >= this.size) return -1;
    this.ensure(1);
    return this.buf[this.pos - this.base] as number;
  }

  /** fgets: up to `max - 1` bytes, through the first newline; '' at the end of the file. */
  private readLine(max: number): string {
    const want = Math.min(max - 1, this.size - this.pos);
    if (want <= 0) return '';
    this.ensure(want);
    const from = this.pos - this.base;
    const nl = this.buf.indexOf(0x0a, from);
    const end = nl === -1 || nl >= from + want ? from + want : nl + 1;
    this.pos += end - from;
    return this.buf.latin1Slice(from, end);
  }

  private read(n: number): Buffer {
    this.ensure(n);
    const from = this.pos - this.base;
    this.pos += n;
    return this.buf.subarray(from, from + n);
  }

  /** Make `n` bytes from `pos` available in buf (n never exceeds what the file holds). */
  private ensure(n: number): void {
    if (this.pos >= this.base && this.pos + n <= this.base + this.len) return;
    const keepFrom = this.pos - this.base;
    const keep = keepFrom >= 0 && keepFrom < this.len ? this.len - keepFrom : 0;
    const target = n > this.buf.length ? Buffer.allocUnsafe(Math.max(n, CHUNK)) : this.buf;
    if (keep > 0) this.buf.copy(target, 0, keepFrom, this.len);
    this.buf = target;
    this.base = this.pos;
    this.len = keep;
    while (this.len < n) {
      const got = readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.base + this.len);
      if (got === 0) break;
      this.len += got;
    }
  }
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

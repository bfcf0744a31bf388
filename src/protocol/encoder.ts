import { formatDouble17 } from '../util/number.js';
import { OutputBuffer } from './output.js';
import {
  BooleanReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NoReply,
  NullArrayReply,
  PushReply,
  RawReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from './reply.js';

export type Protocol = 2 | 3;

const CRLF = Buffer.from('\r\n');
const NULL2 = Buffer.from('$-1\r\n');
const NULL3 = Buffer.from('_\r\n');
const NULL_ARRAY2 = Buffer.from('*-1\r\n');
const OK_BYTES = Buffer.from('+OK\r\n');
const DOLLAR = 36;
const STAR = 42;
const COLON = 58;

/**
 * Encode a reply as RESP into a client's output buffer. Hot replies (bulk
 * strings, integers, +OK, arrays) are written byte by byte without building
 * intermediate strings.
 */
export function writeReply(out: OutputBuffer, r: Reply, proto: Protocol): void {
  if (typeof r === 'string') {
    out.header(DOLLAR, r.length);
    out.latin1(r);
    out.bytes(CRLF);
    return;
  }
  if (typeof r === 'number') {
    if (Number.isSafeInteger(r)) out.header(COLON, r);
    else out.latin1(`:${r}\r\n`);
    return;
  }
  if (r === null) {
    out.bytes(proto === 2 ? NULL2 : NULL3);
    return;
  }
  if (r instanceof StatusReply) {
    if (r.text === 'OK') out.bytes(OK_BYTES);
    else out.latin1(`+${r.text}\r\n`);
    return;
  }
  if (Array.isArray(r)) {
    writeAggregate(out, STAR, r, proto);
    return;
  }
  if (r instanceof Buffer) {
    out.header(DOLLAR, r.length);
    out.bytes(r);
    out.bytes(CRLF);
    return;
  }
  if (r instanceof ErrorReply) {
    out.latin1(`-${sanitizeLine(r.message)}\r\n`);
    return;
  }
  if (typeof r === 'bigint') {
    out.latin1(`:${r.toString()}\r\n`);
    return;
  }
  if (r instanceof MapReply) {
    if (proto === 2) {
      writeAggregate(out, STAR, r.items, proto);
    } else {
      out.header(37 /* % */, r.items.length >> 1);
      for (const item of r.items) writeReply(out, item, proto);
    }
    return;
  }
  if (r instanceof SetReply) {
    writeAggregate(out, proto === 2 ? STAR : 126 /* ~ */, r.items, proto);
    return;
  }
  if (r instanceof DoubleReply) {
    const text = formatDouble17(r.value);
    out.latin1(proto === 2 ? `$${text.length}\r\n${text}\r\n` : `,${text}\r\n`);
    return;
  }
  if (r instanceof NullArrayReply) {
    out.bytes(proto === 2 ? NULL_ARRAY2 : NULL3);
    return;
  }
  if (r instanceof VerbatimReply) {
    if (proto === 2) {
      out.header(DOLLAR, r.text.length);
    } else {
      out.header(61 /* = */, r.text.length + 4);
      out.latin1(`${r.format}:`);
    }
    out.latin1(r.text);
    out.bytes(CRLF);
    return;
  }
  if (r instanceof BooleanReply) {
    if (proto === 2) out.latin1(r.value ? ':1\r\n' : ':0\r\n');
    else out.latin1(r.value ? '#t\r\n' : '#f\r\n');
    return;
  }
  if (r instanceof PushReply) {
    writeAggregate(out, proto === 2 ? STAR : 62 /* > */, r.items, proto);
    return;
  }
  if (r instanceof RawReply) {
    out.latin1(r.resp);
    return;
  }
  if (r instanceof NoReply) return;
  throw new TypeError('unknown reply value');
}

function writeAggregate(out: OutputBuffer, prefix: number, items: Reply[], proto: Protocol): void {
  out.header(prefix, items.length);
  for (let i = 0; i < items.length; i++) writeReply(out, items[i] as Reply, proto);
}

/** Encode a reply as a latin1 string of RESP bytes (MONITOR lines, tests, tools). */
export function encodeReply(r: Reply, proto: Protocol): string {
  const out = new OutputBuffer(256);
  writeReply(out, r, proto);
  return out.buf.latin1Slice(0, out.pos);
}

/** Redis replaces CR and LF in status and error lines with spaces. */
export function sanitizeLine(s: string): string {
  if (s.indexOf('\r') === -1 && s.indexOf('\n') === -1) return s;
  return s.replace(/[\r\n]/g, ' ');
}

/** A command as a RESP array of bulk strings (latin1 byte strings), as the AOF records it. */
export function writeCommand(out: OutputBuffer, argv: readonly string[]): void {
  out.header(STAR, argv.length);
  for (const a of argv) {
    out.header(DOLLAR, a.length);
    out.latin1(a);
    out.crlf();
  }
}

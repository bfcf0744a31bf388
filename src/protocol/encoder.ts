import { formatDouble17 } from '../util/number.js';
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

/**
 * Encode a reply as RESP. The result is a latin1 "binary" string: every char code
 * is one byte, so `socket.write(out, 'latin1')` sends the exact bytes.
 */
export function encodeReply(r: Reply, proto: Protocol): string {
  if (typeof r === 'string') return '$' + r.length + '\r\n' + r + '\r\n';
  if (typeof r === 'number') return ':' + r + '\r\n';
  if (r === null) return proto === 2 ? '$-1\r\n' : '_\r\n';
  if (r instanceof StatusReply) return '+' + r.text + '\r\n';
  if (Array.isArray(r)) return encodeAggregate('*', r, proto);
  if (r instanceof ErrorReply) return '-' + sanitizeLine(r.message) + '\r\n';
  if (typeof r === 'bigint') return ':' + r.toString() + '\r\n';
  if (r instanceof MapReply) {
    if (proto === 2) return encodeAggregate('*', r.items, proto);
    let out = '%' + (r.items.length >> 1) + '\r\n';
    for (const item of r.items) out += encodeReply(item, proto);
    return out;
  }
  if (r instanceof SetReply) return encodeAggregate(proto === 2 ? '*' : '~', r.items, proto);
  if (r instanceof DoubleReply) {
    const text = formatDouble17(r.value);
    return proto === 2 ? '$' + text.length + '\r\n' + text + '\r\n' : ',' + text + '\r\n';
  }
  if (r instanceof NullArrayReply) return proto === 2 ? '*-1\r\n' : '_\r\n';
  if (r instanceof VerbatimReply) {
    if (proto === 2) return '$' + r.text.length + '\r\n' + r.text + '\r\n';
    return '=' + (r.text.length + 4) + '\r\n' + r.format + ':' + r.text + '\r\n';
  }
  if (r instanceof BooleanReply) {
    if (proto === 2) return r.value ? ':1\r\n' : ':0\r\n';
    return r.value ? '#t\r\n' : '#f\r\n';
  }
  if (r instanceof PushReply) return encodeAggregate(proto === 2 ? '*' : '>', r.items, proto);
  if (r instanceof RawReply) return r.resp;
  if (r instanceof NoReply) return '';
  throw new TypeError('unknown reply value');
}

function encodeAggregate(prefix: string, items: Reply[], proto: Protocol): string {
  let out = prefix + items.length + '\r\n';
  for (let i = 0; i < items.length; i++) out += encodeReply(items[i] as Reply, proto);
  return out;
}

/** Redis replaces CR and LF in status and error lines with spaces. */
export function sanitizeLine(s: string): string {
  if (s.indexOf('\r') === -1 && s.indexOf('\n') === -1) return s;
  return s.replace(/[\r\n]/g, ' ');
}

/** Encode a command as a RESP array of bulk strings (used by MONITOR, tests, tools). */
export function encodeCommand(argv: readonly string[]): string {
  let out = '*' + argv.length + '\r\n';
  for (const a of argv) out += '$' + a.length + '\r\n' + a + '\r\n';
  return out;
}

/**
 * Raw wire helpers for protocol tests: send exact bytes (optionally as several
 * writes), collect every byte the server sends until it closes, and check that a
 * byte stream is a sequence of well-formed RESP2/RESP3 frames. Loopback only.
 */
import { connect } from 'node:net';

export { prng } from './random.js';

export interface Exchange {
  /** Every byte received. */
  bytes: Buffer;
  /** The server closed the connection (FIN or reset) before the time limit. */
  closed: boolean;
  /** How many 'data' events delivered the bytes. */
  chunks: number;
}

export interface ExchangeOptions {
  /** Milliseconds between writes (0: only yield to the event loop). */
  gapMs?: number;
  /**
   * Half-close after the last write (default), so the server sees EOF and closes
   * once it has answered what it could: the exchange ends without a timing guess.
   */
  halfClose?: boolean;
  /** Stop early once the received bytes satisfy this. */
  until?: (bytes: Buffer) => boolean;
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Send `parts` as separate writes to 127.0.0.1:port and collect the answer. */
export function exchange(
  port: number,
  parts: readonly (Buffer | string)[],
  opts: ExchangeOptions = {},
): Promise<Exchange> {
  const { gapMs = 0, halfClose = true, until, timeoutMs = 10000 } = opts;
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let size = 0;
    let closed = false;
    let done = false;
    const s = connect({ port, host: '127.0.0.1', noDelay: true });
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ bytes: Buffer.concat(received, size), closed, chunks: received.length });
    };
    const timer = setTimeout(finish, timeoutMs);
    s.on('data', (d: Buffer) => {
      received.push(d);
      size += d.length;
      if (until?.(Buffer.concat(received, size))) finish();
    });
    s.on('close', () => {
      closed = true;
      finish();
    });
    s.on('error', () => {
      // A reset after the server closed (unread input) counts as closed.
    });
    s.once('connect', async () => {
      try {
        for (let i = 0; i < parts.length; i++) {
          if (done) return;
          const p = parts[i] as Buffer | string;
          s.write(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
          if (i < parts.length - 1) await (gapMs > 0 ? sleep(gapMs) : new Promise((r) => setImmediate(r)));
        }
        if (halfClose && !done) s.end();
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Read a RESP line at `pos`: returns [text, index after CRLF] or undefined when incomplete. */
function line(buf: Buffer, pos: number): [string, number] | undefined {
  const cr = buf.indexOf(13, pos);
  if (cr === -1 || cr + 1 >= buf.length) return undefined;
  if (buf[cr + 1] !== 10) throw new Error(`CR without LF at ${cr}`);
  const text = buf.toString('latin1', pos, cr);
  if (text.includes('\n')) throw new Error(`bare LF in a line at ${pos}`);
  return [text, cr + 2];
}

const INT_RE = /^-?(0|[1-9][0-9]*)$/;

function intOf(text: string, what: string): number {
  if (!INT_RE.test(text)) throw new Error(`bad ${what} ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * Strictly check one frame at `pos` (every RESP2 and RESP3 type Redis sends).
 * Returns the index after it, or -1 when the frame is incomplete; throws on
 * anything malformed.
 */
export function checkFrame(buf: Buffer, pos = 0): number {
  if (pos >= buf.length) return -1;
  const type = String.fromCharCode(buf[pos] as number);
  const l = line(buf, pos + 1);
  if (l === undefined) return -1;
  const [text, after] = l;
  switch (type) {
    case '+':
    case '-':
      if (type === '-' && text.length === 0) throw new Error('empty error line');
      return after;
    case ':':
      intOf(text, 'integer');
      return after;
    case '(':
      if (!/^-?[0-9]+$/.test(text)) throw new Error(`bad big number ${text}`);
      return after;
    case '_':
      if (text !== '') throw new Error('null with a payload');
      return after;
    case '#':
      if (text !== 't' && text !== 'f') throw new Error(`bad boolean ${text}`);
      return after;
    case ',':
      if (!/^(-?inf|nan|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$/.test(text))
        throw new Error(`bad double ${text}`);
      return after;
    case '$':
    case '=':
    case '!': {
      const n = intOf(text, 'bulk length');
      if (n === -1 && type === '$') return after;
      if (n < 0) throw new Error(`bad bulk length ${n}`);
      if (buf.length < after + n + 2) return -1;
      if (buf[after + n] !== 13 || buf[after + n + 1] !== 10)
        throw new Error('bulk payload not followed by CRLF');
      if (type === '=' && (n < 4 || buf[after + 3] !== 58))
        throw new Error('verbatim string without a format');
      return after + n + 2;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = intOf(text, 'aggregate length');
      if (n === -1 && type === '*') return after;
      if (n < 0) throw new Error(`bad aggregate length ${n}`);
      const count = type === '%' || type === '|' ? n * 2 : n;
      let p = after;
      for (let i = 0; i < count; i++) {
        p = checkFrame(buf, p);
        if (p === -1) return -1;
      }
      // An attribute (`|`) is followed by the reply it describes.
      return type === '|' ? checkFrame(buf, p) : p;
    }
    default:
      throw new Error(`bad RESP type byte 0x${(buf[pos] as number).toString(16)} at ${pos}`);
  }
}

/** Split a whole stream into frames; throws if malformed or if it ends mid-frame. */
export function splitFrames(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const next = checkFrame(buf, pos);
    if (next === -1) throw new Error(`stream ends inside a frame at ${pos}`);
    out.push(buf.subarray(pos, next));
    pos = next;
  }
  return out;
}

/** Bytes of `s` as latin1 (one byte per char). */
export const bin = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Printable form of bytes for assertion messages. */
export const show = (b: Buffer | string, max = 300): string => {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}...(${s.length} bytes)` : s);
};

/**
 * A small RESP2 client for the live audit: one connection (TCP or TLS), commands
 * sent in order and their replies read in order, a timeout on every wait. It
 * only needs what audit commands return (simple strings, errors, integers, bulk
 * strings, arrays), so it stays small instead of pulling in a client library.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';

export type RespValue = string | number | null | RespError | RespValue[];

export class RespError {
  constructor(readonly message: string) {}
}

/** Parse one reply at `pos`: the value and the position after it, or undefined when incomplete. */
export function parseReply(buf: Buffer, pos: number): { value: RespValue; next: number } | undefined {
  const cr = buf.indexOf('\r\n', pos);
  if (cr === -1) return undefined;
  const line = buf.toString('latin1', pos + 1, cr);
  const after = cr + 2;
  switch (String.fromCharCode(buf[pos] as number)) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new RespError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      if (buf.length < after + n + 2) return undefined;
      return { value: buf.toString('latin1', after, after + n), next: after + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (r === undefined) return undefined;
        items.push(r.value);
        p = r.next;
      }
      return { value: items, next: p };
    }
    default:
      throw new Error(`unexpected reply type byte ${buf[pos]}`);
  }
}

export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return Buffer.from(out, 'latin1');
}

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** TLS options (rediss://); undefined for plain TCP. */
  readonly tls?: ConnectionOptions;
  readonly timeoutMs: number;
}

export class RespClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  private constructor(
    readonly socket: Socket | TLSSocket,
    timeoutMs: number,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
    socket.setTimeout(timeoutMs, () => {
      this.fail(new Error(`no reply within ${timeoutMs} ms`));
      socket.destroy();
    });
  }

  /** Connect (and finish the TLS handshake); rejects on refusal, handshake failure or timeout. */
  static connect(opts: ConnectOptions): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket =
        opts.tls === undefined
          ? netConnect({ host: opts.host, port: opts.port })
          : tlsConnect({ host: opts.host, port: opts.port, ...opts.tls });
      const ready = opts.tls === undefined ? 'connect' : 'secureConnect';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once(ready, () => {
        clearTimeout(timer);
        resolve(new RespClient(socket, opts.timeoutMs));
      });
    });
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
    let pos = 0;
    for (;;) {
      if (pos >= this.buffer.length || this.waiting.length === 0) break;
      const r = parseReply(this.buffer, pos);
      if (r === undefined) break;
      pos = r.next;
      this.waiting.shift()?.resolve(r.value);
    }
    this.buffer = this.buffer.subarray(pos);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  /** Send one command; resolves with its reply (an error reply is a RespError value, not a rejection). */
  call(...args: string[]): Promise<RespValue> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(encodeCommand(args));
    });
  }

  /** Several commands written at once, replies in order. */
  pipeline(commands: readonly (readonly string[])[]): Promise<RespValue[]> {
    return Promise.all(commands.map((c) => this.call(...c)));
  }

  close(): void {
    this.socket.destroy();
  }
}

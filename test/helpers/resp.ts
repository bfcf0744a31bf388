/**
 * A raw RESP test client: sends commands and returns each reply's exact bytes, so
 * differential tests can compare two servers byte for byte. Also parses replies
 * into JS values for readable assertions.
 */
import { connect, type Socket } from 'node:net';

export type Arg = string | Buffer | number;

export function encode(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Length of the complete reply frame at `pos`, or -1 when incomplete. */
export function frameLength(buf: Buffer, pos = 0): number {
  if (pos >= buf.length) return -1;
  const cr = buf.indexOf('\r\n', pos);
  if (cr === -1) return -1;
  const type = String.fromCharCode(buf[pos] as number);
  const line = buf.toString('latin1', pos + 1, cr);
  const after = cr + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return after - pos;
    case '$':
    case '=':
    case '!': {
      const n = Number(line);
      if (n < 0) return after - pos;
      if (buf.length < after + n + 2) return -1;
      return after + n + 2 - pos;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(line);
      if (n < 0) return after - pos;
      if (type === '%' || type === '|') n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        const len = frameLength(buf, p);
        if (len === -1) return -1;
        p += len;
      }
      return p - pos;
    }
    default:
      throw new Error(
        `bad RESP type byte ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`,
      );
  }
}

export type Value =
  | string
  | number
  | bigint
  | null
  | boolean
  | Value[]
  | { error: string }
  | { status: string }
  | Map<string, Value>;

/** Parse one reply frame into a JS value (statuses as {status}, errors as {error}). */
export function parse(buf: Buffer, pos = 0): [Value, number] {
  const cr = buf.indexOf('\r\n', pos);
  const type = String.fromCharCode(buf[pos] as number);
  const line = buf.toString('latin1', pos + 1, cr);
  const after = cr + 2;
  switch (type) {
    case '+':
      return [{ status: line }, after];
    case '-':
      return [{ error: line }, after];
    case ':':
      return [Number.isSafeInteger(Number(line)) ? Number(line) : BigInt(line), after];
    case '_':
      return [null, after];
    case ',':
      return [line, after];
    case '#':
      return [line === 't', after];
    case '(':
      return [BigInt(line), after];
    case '$':
    case '=':
    case '!': {
      const n = Number(line);
      if (n < 0) return [null, after];
      return [buf.toString('latin1', after, after + n), after + n + 2];
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (n < 0) return [null, after];
      const count = type === '%' ? n * 2 : n;
      const items: Value[] = [];
      let p = after;
      for (let i = 0; i < count; i++) {
        const [v, next] = parse(buf, p);
        items.push(v);
        p = next;
      }
      return [items, p];
    }
    default:
      throw new Error(`bad RESP type ${type}`);
  }
}

export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** `localAddress`: the source address (127.0.0.2 to be "another address" on loopback). */
  static open(port: number, host = '127.0.0.1', localAddress?: string): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const opts = localAddress === undefined ? { port, host } : { port, host, localAddress };
      const s = connect(opts, () => resolve(new RespConnection(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitData(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  writeRaw(data: Buffer | string): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The next complete reply's raw bytes; throws on timeout or close. */
  async readFrame(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const len = frameLength(this.buf);
      if (len !== -1) {
        const frame = this.buf.subarray(0, len);
        this.buf = this.buf.subarray(len);
        return Buffer.from(frame);
      }
      if (this.closed)
        throw new Error(`connection closed (pending ${JSON.stringify(this.buf.toString('latin1'))})`);
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitData(left)))
        throw new Error(
          `timeout waiting for a reply (pending ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))})`,
        );
    }
  }

  /** Send one command and return its raw reply bytes. */
  async raw(...args: Arg[]): Promise<Buffer> {
    this.writeRaw(encode(args));
    return this.readFrame();
  }

  /** Send one command and return its parsed reply. */
  async call(...args: Arg[]): Promise<Value> {
    return parse(await this.raw(...args))[0];
  }

  /** Resolves true if the server closes the connection within the time limit. */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.waitData(left);
    }
    return true;
  }

  /** Whatever bytes arrived and are not consumed yet. */
  pending(): Buffer {
    return this.buf;
  }

  close(): void {
    this.socket.destroy();
  }
}

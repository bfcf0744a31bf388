/**
 * A raw RESP client over TLS (node:tls) for TLS tests: connect with a CA and an
 * optional client certificate, send commands, read exact reply bytes. Also a
 * bare handshake probe that reports how a connection attempt ended.
 */
import { readFileSync } from 'node:fs';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { encode, frameLength, parse, type Value } from './resp.js';

export interface TlsClientOptions {
  ca: string;
  cert?: string;
  key?: string;
  host?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  session?: Buffer;
  localAddress?: string;
}

function connectOptions(port: number, o: TlsClientOptions): ConnectionOptions {
  const opts: ConnectionOptions = {
    host: o.host ?? '127.0.0.1',
    port,
    ca: readFileSync(o.ca),
    servername: 'localhost',
  };
  if (o.cert !== undefined) opts.cert = readFileSync(o.cert);
  if (o.key !== undefined) opts.key = readFileSync(o.key);
  if (o.minVersion !== undefined) opts.minVersion = o.minVersion;
  if (o.maxVersion !== undefined) opts.maxVersion = o.maxVersion;
  if (o.ciphers !== undefined) opts.ciphers = o.ciphers;
  if (o.session !== undefined) opts.session = o.session;
  // net.connect's option, passed through by tls.connect.
  if (o.localAddress !== undefined) (opts as { localAddress?: string }).localAddress = o.localAddress;
  return opts;
}

export class TlsResp {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  /** The last TLS session the server sent (for resumption tests). */
  session: Buffer | undefined;

  private constructor(readonly socket: TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('session', (s: Buffer) => {
      this.session = s;
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

  static open(port: number, o: TlsClientOptions): Promise<TlsResp> {
    return new Promise((resolve, reject) => {
      const s = tls.connect(connectOptions(port, o), () => resolve(new TlsResp(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async raw(...args: (string | Buffer)[]): Promise<Buffer> {
    this.socket.write(encode(args));
    const deadline = Date.now() + 5000;
    for (;;) {
      const len = frameLength(this.buf);
      if (len !== -1) {
        const frame = Buffer.from(this.buf.subarray(0, len));
        this.buf = this.buf.subarray(len);
        return frame;
      }
      if (this.closed)
        throw new Error(`connection closed (pending ${JSON.stringify(this.buf.toString('latin1'))})`);
      if (Date.now() > deadline) throw new Error('timeout waiting for a reply');
      await this.wait(deadline - Date.now());
    }
  }

  async call(...args: (string | Buffer)[]): Promise<Value> {
    return parse(await this.raw(...args))[0];
  }

  /** Wait until a session ticket arrived (TLS 1.3 sends it after the handshake). */
  async waitSession(ms = 5000): Promise<Buffer | undefined> {
    const deadline = Date.now() + ms;
    while (this.session === undefined && !this.closed && Date.now() < deadline)
      await this.wait(deadline - Date.now());
    return this.session;
  }

  /** Everything received until the server closes (or `ms`). */
  async readUntilClosed(ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.wait(deadline - Date.now());
    return this.buf.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface HandshakeResult {
  /** The handshake completed on the client side. */
  ok: boolean;
  /** The client-side error code when it did not (or when the connection died right after). */
  error?: string;
  /** Reply to PING when the connection was usable. */
  reply?: string;
  protocol?: string | null;
  cipher?: string;
  peerCN?: string;
  reused?: boolean;
}

/**
 * Connect, send PING, and report how it went: handshake result, the reply, or the
 * error (a refused client certificate surfaces after the handshake in TLS 1.3).
 */
export function tryTls(port: number, o: TlsClientOptions): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    let done = false;
    const result: HandshakeResult = { ok: false };
    let data = '';
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      if (data !== '') result.reply = data;
      resolve(result);
    };
    const s = tls.connect(connectOptions(port, o), () => {
      result.ok = true;
      result.protocol = s.getProtocol();
      result.cipher = s.getCipher().name;
      const cn = s.getPeerCertificate().subject?.CN;
      if (typeof cn === 'string') result.peerCN = cn;
      result.reused = s.isSessionReused();
      s.write('*1\r\n$4\r\nPING\r\n');
    });
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.endsWith('\r\n')) finish();
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      result.error = e.code ?? e.message;
      finish();
    });
    s.on('close', finish);
    const timer = setTimeout(() => {
      result.error = result.error ?? 'timeout';
      finish();
    }, 8000);
  });
}

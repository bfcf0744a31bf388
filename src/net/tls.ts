/**
 * TLS with node:tls, configured by Redis's `tls-*` directives. A `tls.Server` that
 * never listens itself does the handshakes: the TLS listeners (plain TCP servers)
 * pass it the connections the accept-time gates let through. Reconfiguring
 * (CONFIG SET of a tls-* directive, or `tls-auto-reload-interval` noticing new
 * certificate files) builds a complete new `tls.Server` first and swaps it in only
 * when everything loaded, so a bad certificate never replaces a good one and a
 * certificate and its key change together; connections already established keep
 * their session. Error texts are Redis's (tls.c), logged at warning level.
 */
import { constants as SSL, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import tls, { type TLSSocket, type TlsOptions } from 'node:tls';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logger.js';

/** Raised with the lines Redis would log; the caller adds its own conclusion. */
export class TlsConfigError extends Error {}

/** A handshake that has not completed by then is abandoned (counted and logged as a failure). */
export const HANDSHAKE_TIMEOUT_MS = 30_000;

export type AuthClients = 'no' | 'yes' | 'optional';

function fail(message: string): never {
  throw new TlsConfigError(message);
}

const errText = (err: unknown): string =>
  err instanceof Error ? err.message.replace(/\s+/g, ' ').trim() : String(err);

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};
const strerror = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code !== undefined ? STRERROR[code] : undefined) ?? code ?? errText(err);
};

/** `tls-protocols`: Redis's words, any case; TLSv1 and TLSv1.1 are refused in Redoubt. */
export function parseProtocols(value: string): { min: tls.SecureVersion; max: tls.SecureVersion } {
  if (value === '') return { min: 'TLSv1.2', max: 'TLSv1.3' };
  let v12 = false;
  let v13 = false;
  for (const word of value.split(' ')) {
    const w = word.toLowerCase();
    if (w === 'tlsv1.2') v12 = true;
    else if (w === 'tlsv1.3') v13 = true;
    else if (w === 'tlsv1' || w === 'tlsv1.1')
      fail(
        `Invalid tls-protocols specified: ${word} is not supported (TLSv1 and TLSv1.1 are insecure). Use 'TLSv1.2' and/or 'TLSv1.3'.`,
      );
    else
      fail(
        "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.",
      );
  }
  return { min: v12 ? 'TLSv1.2' : 'TLSv1.3', max: v13 ? 'TLSv1.3' : 'TLSv1.2' };
}

function readOrFail(path: string, what: (reason: string) => string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    return fail(what(strerror(err)));
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM text, each checked (Node silently skips a bad CA). */
function certificatesOf(text: string, where: string): string[] {
  const found = text.match(PEM_CERT) ?? [];
  for (const pem of found) {
    try {
      new X509Certificate(pem);
    } catch (err) {
      fail(`Failed to configure CA certificate(s) file/directory: ${where}: ${errText(err)}`);
    }
  }
  return found;
}

/** The CA certificates of tls-ca-cert-file and every file of tls-ca-cert-dir. */
function loadCa(file: string, dir: string): string[] {
  const out: string[] = [];
  if (file !== '') {
    const text = readOrFail(
      file,
      (r) => `Failed to configure CA certificate(s) file/directory: ${file}: ${r}`,
    );
    const certs = certificatesOf(text.toString('latin1'), file);
    if (certs.length === 0)
      fail(`Failed to configure CA certificate(s) file/directory: ${file}: no certificate found`);
    out.push(...certs);
  }
  if (dir !== '') {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      return fail(`Failed to configure CA certificate(s) file/directory: ${dir}: ${strerror(err)}`);
    }
    for (const name of names) {
      const path = join(dir, name);
      let text: string;
      try {
        if (!statSync(path).isFile()) continue;
        text = readFileSync(path, 'latin1');
      } catch {
        continue;
      }
      out.push(...certificatesOf(text, path));
    }
  }
  return out;
}

/** Size in bits of the prime of PEM DH parameters (PKCS#3 or X9.42), or undefined. */
export function dhPrimeBits(pem: string): number | undefined {
  const m = /-----BEGIN (?:X9\.42 )?DH PARAMETERS-----([\s\S]+?)-----END (?:X9\.42 )?DH PARAMETERS-----/.exec(
    pem,
  );
  if (m === null) return undefined;
  const der = Buffer.from((m[1] as string).replace(/\s+/g, ''), 'base64');
  let p = 0;
  const len = (): number | undefined => {
    const first = der[p++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) return undefined;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const b = der[p++];
      if (b === undefined) return undefined;
      v = v * 256 + b;
    }
    return v;
  };
  if (der[p++] !== 0x30 || len() === undefined) return undefined;
  if (der[p++] !== 0x02) return undefined;
  let n = len();
  if (n === undefined || n === 0 || p + n > der.length) return undefined;
  while (n > 0 && der[p] === 0) {
    p++;
    n--;
  }
  if (n === 0) return undefined;
  return (n - 1) * 8 + (32 - Math.clz32(der[p] as number));
}

const DEFAULT_SUITES = tls.DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'));
const DEFAULT_LIST = tls.DEFAULT_CIPHERS.split(':').filter((c) => c !== '' && !c.startsWith('TLS_'));

/** `ciphers` for node:tls from tls-ciphers (TLS 1.2) and tls-ciphersuites (TLS 1.3). */
function cipherString(ciphers: string, suites: string): string | undefined {
  if (ciphers === '' && suites === '') return undefined;
  if (suites !== '') {
    const words = suites.split(':').filter((w) => w !== '');
    if (words.length === 0 || words.some((w) => !w.startsWith('TLS_')))
      fail(`Failed to configure ciphersuites: ${suites}`);
    try {
      tls.createSecureContext({ ciphers: words.join(':') });
    } catch {
      fail(`Failed to configure ciphersuites: ${suites}`);
    }
  }
  if (ciphers !== '') {
    try {
      tls.createSecureContext({ ciphers, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    } catch {
      fail(`Failed to configure ciphers: ${ciphers}`);
    }
  }
  const s = suites !== '' ? suites : DEFAULT_SUITES.join(':');
  const c = ciphers !== '' ? ciphers : DEFAULT_LIST.join(':');
  return `${s}:${c}`;
}

/** The files a TLS configuration reads (auto-reload watches them). */
export function tlsFiles(config: Config): string[] {
  return [
    config.get<string>('tls-cert-file'),
    config.get<string>('tls-key-file'),
    config.get<string>('tls-ca-cert-file'),
    config.get<string>('tls-ca-cert-dir'),
    config.get<string>('tls-dh-params-file'),
  ].filter((f) => f !== '');
}

/**
 * Server options for node:tls from the configuration, every file read and checked
 * now. Throws TlsConfigError with Redis's log line.
 */
export function buildTlsOptions(config: Config): TlsOptions {
  const certFile = config.get<string>('tls-cert-file');
  const keyFile = config.get<string>('tls-key-file');
  // Config values are byte strings (latin1); node:tls takes the passphrase as text it
  // encodes in UTF-8, so the bytes are handed over as the text they encode.
  const keyPass = Buffer.from(config.get<string>('tls-key-file-pass'), 'latin1').toString('utf8');
  const caFile = config.get<string>('tls-ca-cert-file');
  const caDir = config.get<string>('tls-ca-cert-dir');
  const dhFile = config.get<string>('tls-dh-params-file');
  const auth = config.get<AuthClients>('tls-auth-clients');
  if (certFile === '') fail('No tls-cert-file configured!');
  if (keyFile === '') fail('No tls-key-file configured!');
  if (auth !== 'no' && caFile === '' && caDir === '')
    fail(
      'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!',
    );
  const { min, max } = parseProtocols(config.get<string>('tls-protocols'));

  const cert = readOrFail(certFile, (r) => `Failed to load certificate: ${certFile}: ${r}`);
  try {
    tls.createSecureContext({ cert });
  } catch (err) {
    fail(`Failed to load certificate: ${certFile}: ${errText(err)}`);
  }
  const key = readOrFail(keyFile, (r) => `Failed to load private key: ${keyFile}: ${r}`);
  try {
    tls.createSecureContext({ cert, key, ...(keyPass !== '' ? { passphrase: keyPass } : {}) });
  } catch (err) {
    fail(`Failed to load private key: ${keyFile}: ${errText(err)}`);
  }
  const ca = loadCa(caFile, caDir);
  const ciphers = cipherString(config.get<string>('tls-ciphers'), config.get<string>('tls-ciphersuites'));

  let dhparam: Buffer | undefined;
  if (dhFile !== '') {
    dhparam = readOrFail(dhFile, (r) => `Failed to load ${dhFile}: ${r}`);
    const bits = dhPrimeBits(dhparam.toString('latin1'));
    if (bits === undefined) fail(`${dhFile}: failed to read DH params.`);
    if ((bits as number) < 2048)
      fail(
        `Failed to load DH params file: ${dhFile}: ${bits}-bit parameters are too weak (2048 bits at least)`,
      );
  }

  const caching = config.get<boolean>('tls-session-caching');
  // Redis's SSL_OP_NO_CLIENT_RENEGOTIATION; without session caching, no tickets either.
  let secureOptions = SSL.SSL_OP_NO_RENEGOTIATION;
  if (!caching) secureOptions |= SSL.SSL_OP_NO_TICKET;

  const options: TlsOptions = {
    cert,
    key,
    minVersion: min,
    maxVersion: max,
    requestCert: auth !== 'no',
    rejectUnauthorized: auth === 'yes',
    honorCipherOrder: config.get<boolean>('tls-prefer-server-ciphers'),
    sessionTimeout: config.num('tls-session-cache-timeout'),
    sessionIdContext: 'redoubt',
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    secureOptions,
  };
  if (keyPass !== '') options.passphrase = keyPass;
  if (ca.length > 0) options.ca = ca;
  if (ciphers !== undefined) options.ciphers = ciphers;
  if (dhparam !== undefined) options.dhparam = dhparam;
  return options;
}

/**
 * The server-side session cache of tls-session-caching (session ids of TLS 1.2
 * clients; tickets need no cache): at most tls-session-cache-size sessions (0: no
 * limit but a safety cap), each kept tls-session-cache-timeout seconds.
 */
class SessionCache {
  private readonly map = new Map<string, { readonly data: Buffer; readonly expires: number }>();

  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
  ) {}

  set(id: Buffer, data: Buffer): void {
    const now = Date.now();
    // Insertion order is expiry order: one timeout per cache.
    for (const [k, v] of this.map) {
      if (v.expires > now) break;
      this.map.delete(k);
    }
    const max = this.size > 0 ? this.size : 1_000_000;
    while (this.map.size >= max) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
    }
    this.map.set(id.toString('hex'), { data, expires: now + this.timeoutMs });
  }

  get(id: Buffer): Buffer | null {
    const k = id.toString('hex');
    const e = this.map.get(k);
    if (e === undefined) return null;
    if (e.expires <= Date.now()) {
      this.map.delete(k);
      return null;
    }
    return e.data;
  }
}

/** Identity of the files (inode, size, times), to notice a renewed certificate. */
function fileSignature(paths: readonly string[]): string {
  const one = (p: string, st: Stats | undefined): string =>
    st === undefined ? `${p}:-` : `${p}:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const parts: string[] = [];
  for (const p of paths) {
    let st: Stats | undefined;
    try {
      st = statSync(p);
    } catch {
      st = undefined;
    }
    parts.push(one(p, st));
    if (st?.isDirectory() === true) {
      try {
        for (const name of readdirSync(p).sort()) {
          const q = join(p, name);
          let s: Stats | undefined;
          try {
            s = statSync(q);
          } catch {
            s = undefined;
          }
          parts.push(one(q, s));
        }
      } catch {
        // Unreadable: the directory's own stat is all we have.
      }
    }
  }
  return parts.join('|');
}

/** The reason of an OpenSSL error message, without its code, function and source location. */
export function handshakeReason(err: Error, socket: TLSSocket | undefined): string {
  const verify = socket?.authorizationError;
  if (verify !== undefined && verify !== null) return `certificate verification failed: ${String(verify)}`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'handshake timeout';
  const m = /error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(err.message);
  if (m !== null) return (m[1] as string).trim();
  return code === 'ECONNRESET' ? 'connection closed during the handshake' : errText(err);
}

export interface HandshakeHandlers {
  /** The handshake completed (the client certificate, if any, is verified by node:tls for `yes`). */
  secure(socket: TLSSocket, raw: unknown): void;
  failed(raw: unknown, reason: string): void;
}

/** The TLS side of the listeners: current configuration, handshakes, reloads. */
export class TlsEndpoint {
  private server: tls.Server | null = null;
  private signature = '';
  private failedSignature = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: Config,
    private readonly logger: () => Logger,
    private readonly handlers: HandshakeHandlers,
  ) {}

  get configured(): boolean {
    return this.server !== null;
  }

  /**
   * Load the configuration and swap it in, or throw TlsConfigError and keep the
   * current one. The files' identity is taken first, so a change made while they
   * are read is seen by the next auto-reload check.
   */
  configure(): void {
    const signature = fileSignature(tlsFiles(this.config));
    const options = buildTlsOptions(this.config);
    let next: tls.Server;
    try {
      next = tls.createServer(options);
    } catch (err) {
      fail(`Failed to configure TLS: ${errText(err)}`);
    }
    if (this.config.get<boolean>('tls-session-caching')) {
      const cache = new SessionCache(
        this.config.num('tls-session-cache-size'),
        this.config.num('tls-session-cache-timeout') * 1000,
      );
      next.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
        cache.set(id, data);
        done();
      });
      next.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
        done(null, cache.get(id));
      });
    }
    next.on('secureConnection', (s: TLSSocket) => this.handlers.secure(s, parentOf(s)));
    next.on('tlsClientError', (err: Error, s: TLSSocket) =>
      this.handlers.failed(parentOf(s), handshakeReason(err, s)),
    );
    this.server = next;
    this.signature = signature;
    this.failedSignature = '';
  }

  /** Start the handshake of a connection the gates let through. */
  handshake(raw: unknown): void {
    const server = this.server;
    if (server === null) {
      (raw as { destroy(): void }).destroy();
      return;
    }
    server.emit('connection', raw);
  }

  /** (Re)start the tls-auto-reload-interval check (0: off). */
  setAutoReload(seconds: number): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (seconds <= 0 || this.server === null) return;
    this.timer = setInterval(() => this.reloadIfChanged(), seconds * 1000);
    this.timer.unref();
  }

  /** Reload when a file changed since the last load; a failed load is retried only after another change. */
  reloadIfChanged(): boolean {
    if (this.server === null) return false;
    const now = fileSignature(tlsFiles(this.config));
    if (now === this.signature || now === this.failedSignature) return false;
    try {
      this.configure();
    } catch (err) {
      this.failedSignature = now;
      const log = this.logger();
      log.warning(errText(err));
      log.warning('TLS files changed but could not be loaded: keeping the previous certificates.');
      return false;
    }
    this.logger().notice('TLS certificates reloaded: their files changed.');
    return true;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.server = null;
  }
}

/**
 * The TCP socket a TLSSocket wraps. node:tls keeps it as `_parent` (since its
 * first versions) and offers no public accessor; the accept-time state of the
 * connection (peer address, gates) is attached to it.
 */
function parentOf(s: TLSSocket): unknown {
  return (s as unknown as { _parent?: unknown })._parent;
}

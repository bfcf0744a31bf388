/**
 * The server's network exposure: its TCP, TLS and unix-socket listeners and the
 * accept-time gates every connection passes, in this order, before a client
 * exists and before a byte of its input is read:
 *
 *   1. allow-from (TCP and TLS): a source not on the list is closed at once,
 *      nothing read or written; counted (rejected_connections) and logged.
 *   2. maxclients: `-ERR max number of clients reached` (TLS: closed), counted.
 *   3. TLS only: the handshake (a client certificate as tls-auth-clients says);
 *      failures are counted and logged with the peer address.
 *   4. protected mode (TCP and TLS; unix sockets are local): when on and the
 *      default user has no password, only 127.0.0.1 and ::1 are served, as in
 *      Redis 7; others get Redis's `-DENIED` text and are disconnected, counted
 *      and logged.
 *   5. TLS with `tls-auth-clients-user CN`: the certificate's CN authenticates the
 *      client as that ACL user (if its user-allow-from networks allow the peer).
 *
 * Refusals by allow-from and protected mode are also audit-log events
 * (src/security, `connectionRefused`).
 *
 * Nothing here runs per command: the request path is untouched.
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { maxClientsReached, protectedModeDenied } from '../commands/errors.js';
import { ConfigValueError } from '../config/kinds.js';
import type { Client } from '../core/client.js';
import type { Server } from '../core/server.js';
import { AllowList } from './allow.js';
import {
  formatPeer,
  type ListenerKind,
  normalizeIp,
  type OpenedListener,
  openTcpListeners,
  openUnixListener,
  parseBind,
} from './listeners.js';
import { LogLimiter } from './log-limit.js';
import { TlsConfigError, TlsEndpoint } from './tls.js';

/** How long a refused client (DENIED, maxclients) may take to read the reply before it is cut off. */
const REFUSE_GRACE_MS = 2000;

interface Bound {
  readonly port: number;
  readonly bind: readonly string[];
}

/** The one error CONFIG SET gives for any TLS problem (the details are logged), as Redis. */
const TLS_UPDATE_FAILED = 'Unable to update TLS configuration. Check server logs.';

export class Network {
  private listeners: OpenedListener[] = [];
  /** False until listen() is done (privileges dropped): connections wait, unread. */
  private accepting = false;
  private queued: [Socket, OpenedListener][] = [];
  private tcpBound: Bound | undefined;
  private tlsBound: Bound | undefined;
  private generation = 0;
  private closing = false;
  private allow: AllowList | null = null;
  /** TCP sockets of TLS connections still in their handshake (they count towards maxclients). */
  private readonly handshakes = new Set<Socket>();
  /** Peer and local address of each TLS connection, taken at accept (node:tls forgets them on failure). */
  private readonly peers = new WeakMap<object, { peer: string; laddr: string }>();
  readonly tls: TlsEndpoint;
  private readonly refusals: LogLimiter;
  private readonly handshakeFailures: LogLimiter;
  private readonly certAuthFailures: LogLimiter;

  constructor(
    private readonly server: Server,
    /** Embedding: `port 0` means any free port (unless a tls-port makes it TLS only). */
    private readonly ephemeralPort: boolean,
  ) {
    const logger = () => server.logger;
    this.refusals = new LogLimiter(logger);
    this.handshakeFailures = new LogLimiter(logger);
    this.certAuthFailures = new LogLimiter(logger);
    this.tls = new TlsEndpoint(server.config, logger, {
      secure: (s, raw) => this.onTlsSecure(s, raw),
      failed: (raw, reason) => this.onTlsFailed(raw, reason),
    });
  }

  // ---- listeners ----

  private ephemeral(): boolean {
    return this.ephemeralPort && this.server.config.num('tls-port') === 0;
  }

  private openKind(kind: 'tcp' | 'tls', bind: readonly string[], port: number): Promise<OpenedListener[]> {
    if (bind.length === 0 || (bind.length === 1 && bind[0] === '')) return Promise.resolve([]);
    if (port === 0 && !(kind === 'tcp' && this.ephemeral())) return Promise.resolve([]);
    return openTcpListeners(
      parseBind(bind),
      port,
      this.server.config.num('tcp-backlog'),
      this.onConnection,
      this.server.logger,
      kind,
    );
  }

  /** Open every listener (TLS configured first); nothing is accepted until `startAccepting`. */
  async open(): Promise<void> {
    const config = this.server.config;
    const bind = [...config.get<readonly string[]>('bind')];
    const tlsPort = config.num('tls-port');
    if (tlsPort !== 0) {
      try {
        this.tls.configure();
      } catch (err) {
        if (!(err instanceof TlsConfigError)) throw err;
        this.server.logger.warning(err.message);
        throw new Error('Failed to configure TLS. Check logs for more info.');
      }
    }
    const opened: OpenedListener[] = [];
    try {
      opened.push(...(await this.openKind('tcp', bind, config.num('port'))));
      const first = opened[0];
      if (config.num('port') === 0 && first !== undefined) config.setParsed('port', first.port);
      opened.push(...(await this.openKind('tls', bind, tlsPort)));
      const unixsocket = config.get<string>('unixsocket');
      if (unixsocket !== '') {
        opened.push(
          await openUnixListener(
            unixsocket,
            config.num('unixsocketperm'),
            config.num('tcp-backlog'),
            this.onConnection,
          ),
        );
      }
    } catch (err) {
      for (const l of opened) l.server.close();
      this.tls.stop();
      throw err;
    }
    this.listeners = opened;
    this.tcpBound = { port: config.num('port'), bind };
    this.tlsBound = { port: tlsPort, bind };
    this.tls.setAutoReload(config.num('tls-auto-reload-interval'));
  }

  /** Serve the connections that arrived while starting, then every new one. */
  startAccepting(): void {
    if (this.closing) return;
    this.accepting = true;
    const waiting = this.queued;
    this.queued = [];
    for (const [raw, l] of waiting) if (!raw.destroyed) this.accept(raw, l);
  }

  addresses(): { host: string; port: number; path?: string; kind: ListenerKind }[] {
    return this.listeners.map((l) =>
      l.path !== undefined
        ? { host: l.host, port: l.port, path: l.path, kind: l.kind }
        : { host: l.host, port: l.port, kind: l.kind },
    );
  }

  unixPath(): string | undefined {
    return this.listeners.find((l) => l.kind === 'unix')?.path;
  }

  /**
   * CONFIG SET bind / port / tls-port (their apply hook): close the listeners
   * whose address changed and open the new ones, as Redis's changeBindAddr and
   * changeListenPort. Node binds asynchronously, so only a malformed address (or
   * a TLS configuration that does not load, when TLS gets enabled) fails the
   * CONFIG SET; a bind failure is logged and the previous bind, ports and
   * listeners are restored.
   */
  rebind(): void {
    const prevTcp = this.tcpBound;
    const prevTls = this.tlsBound;
    if (prevTcp === undefined || prevTls === undefined || this.closing) return;
    const config = this.server.config;
    const bind = [...config.get<readonly string[]>('bind')];
    const port = config.num('port');
    const tlsPort = config.num('tls-port');
    for (const b of bind) {
      const host = b.startsWith('-') ? b.slice(1) : b;
      if (host !== '*' && host !== '::*' && host !== 'localhost' && isIP(host) === 0)
        throw new ConfigValueError('Failed to bind to specified addresses.');
    }
    const sameBind = bind.join(' ') === prevTcp.bind.join(' ');
    const tcpChanged = !sameBind || port !== prevTcp.port;
    const tlsChanged = !sameBind || tlsPort !== prevTls.port;
    if (!tcpChanged && !tlsChanged) return;
    if (tlsChanged && tlsPort !== 0 && !this.tls.configured) this.configureTlsOrThrow();
    // No certificate checks while TLS is off.
    if (tlsChanged) this.tls.setAutoReload(tlsPort === 0 ? 0 : config.num('tls-auto-reload-interval'));
    const generation = ++this.generation;
    this.tcpBound = { port, bind };
    this.tlsBound = { port: tlsPort, bind };
    const changed = (k: ListenerKind): boolean => (k === 'tcp' && tcpChanged) || (k === 'tls' && tlsChanged);
    for (const l of this.listeners) if (changed(l.kind)) l.server.close();
    this.listeners = this.listeners.filter((l) => !changed(l.kind));
    const openBoth = async (b: readonly string[], p: number, tp: number, into: OpenedListener[]) => {
      if (tcpChanged) into.push(...(await this.openKind('tcp', b, p)));
      if (tlsChanged) into.push(...(await this.openKind('tls', b, tp)));
    };
    void (async () => {
      await new Promise((r) => setImmediate(r));
      let opened: OpenedListener[] = [];
      try {
        await openBoth(bind, port, tlsPort, opened);
      } catch (err) {
        for (const l of opened) l.server.close();
        this.server.logger.warning(
          `Failed to bind to ${bind.join(' ')} port ${port} tls-port ${tlsPort} (${err instanceof Error ? err.message : String(err)}); restoring bind ${prevTcp.bind.join(' ')}, port ${prevTcp.port} and tls-port ${prevTls.port}`,
        );
        if (generation !== this.generation) return;
        config.setParsed('bind', prevTcp.bind);
        config.setParsed('port', prevTcp.port);
        config.setParsed('tls-port', prevTls.port);
        this.tcpBound = prevTcp;
        this.tlsBound = prevTls;
        opened = [];
        await openBoth(prevTcp.bind, prevTcp.port, prevTls.port, opened).catch(() => undefined);
      }
      if (this.closing || generation !== this.generation) {
        for (const l of opened) l.server.close();
        return;
      }
      this.listeners.push(...opened);
    })();
  }

  private configureTlsOrThrow(): void {
    try {
      this.tls.configure();
    } catch (err) {
      if (!(err instanceof TlsConfigError)) throw err;
      this.server.logger.warning(err.message);
      throw new ConfigValueError(TLS_UPDATE_FAILED);
    }
    this.tls.setAutoReload(this.server.config.num('tls-auto-reload-interval'));
  }

  /** CONFIG SET of a TLS directive: reload now when TLS is on (Redis's applyTlsCfg). */
  reloadTls(): void {
    if (this.tlsBound === undefined || this.closing) return;
    if (this.server.config.num('tls-port') === 0) return;
    this.configureTlsOrThrow();
  }

  /** tls-auto-reload-interval changed. */
  setAutoReload(seconds: number): void {
    if (this.tlsBound !== undefined && this.tlsBound.port !== 0 && !this.closing)
      this.tls.setAutoReload(seconds);
  }

  /** allow-from changed (new connections only). */
  setAllowFrom(entries: readonly string[]): void {
    this.allow = entries.length === 0 ? null : new AllowList(entries);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.accepting = false;
    this.tls.stop();
    for (const [raw] of this.queued) raw.destroy();
    this.queued = [];
    for (const raw of this.handshakes) raw.destroy();
    this.handshakes.clear();
    const closes = this.listeners.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve())));
    await Promise.all(closes);
  }

  // ---- the gates ----

  private readonly onConnection = (raw: Socket, l: OpenedListener): void => {
    if (this.accepting) this.accept(raw, l);
    else if (this.closing) raw.destroy();
    else this.queued.push([raw, l]);
  };

  private accept(raw: Socket, l: OpenedListener): void {
    const server = this.server;
    const stats = server.stats;
    raw.on('error', () => {
      // A reset while refused or in the handshake; the client's own handler takes over later.
    });
    if (l.kind !== 'unix') {
      const ip = raw.remoteAddress ?? '';
      if (this.allow !== null && !this.allow.allows(ip)) {
        raw.destroy();
        stats.rejectedConnections++;
        stats.allowFromRejections++;
        server.security.connectionRefused(
          ip,
          raw.remotePort,
          formatPeer(raw.localAddress, raw.localPort),
          'allow-from',
        );
        this.refusals.warning(
          `Connection from ${formatPeer(ip, raw.remotePort)} refused: its address is not in allow-from`,
        );
        return;
      }
    }
    if (server.clients.size + this.handshakes.size >= server.config.num('maxclients')) {
      stats.rejectedConnections++;
      if (l.kind === 'tls') raw.destroy();
      else refuse(raw, `-${maxClientsReached.message}\r\n`);
      return;
    }
    if (l.kind === 'unix') {
      server.acceptClient(raw, 'unix');
      raw.resume();
      return;
    }
    const keepalive = server.config.num('tcp-keepalive');
    if (keepalive > 0) raw.setKeepAlive(true, keepalive * 1000);
    if (l.kind === 'tls') {
      this.peers.set(raw, {
        peer: formatPeer(raw.remoteAddress, raw.remotePort),
        laddr: formatPeer(raw.localAddress, raw.localPort),
      });
      this.handshakes.add(raw);
      raw.once('close', () => this.handshakes.delete(raw));
      this.tls.handshake(raw);
      return;
    }
    if (this.protectedModeRefuses(raw.remoteAddress)) {
      this.deny(
        raw,
        formatPeer(raw.remoteAddress, raw.remotePort),
        formatPeer(raw.localAddress, raw.localPort),
      );
      return;
    }
    server.acceptClient(raw, 'tcp');
    raw.resume();
  }

  /** Redis 7's rule: protected mode on, the default user without password, a peer other than 127.0.0.1 / ::1. */
  private protectedModeRefuses(address: string | undefined): boolean {
    if (!this.server.config.get<boolean>('protected-mode') || !this.server.defaultUserIsOpen()) return false;
    const ip = normalizeIp(address ?? '');
    return ip !== '127.0.0.1' && ip !== '::1';
  }

  private deny(socket: Socket, peer: string, laddr: string): void {
    this.server.stats.rejectedConnections++;
    this.server.security.connectionRefused(socket.remoteAddress, socket.remotePort, laddr, 'protected-mode');
    this.refusals.warning(
      `Connection from ${peer} refused by protected mode: no password is set for the default user (only loopback clients are served)`,
    );
    refuse(socket, `-${protectedModeDenied.message}\r\n`);
  }

  private onTlsSecure(s: TLSSocket, raw: unknown): void {
    this.handshakes.delete(raw as Socket);
    if (this.closing) {
      s.destroy();
      return;
    }
    const server = this.server;
    const where = this.peers.get(raw as object);
    const peer = where?.peer ?? formatPeer(s.remoteAddress, s.remotePort);
    // `optional`: node:tls lets a certificate that does not verify through; Redis refuses it.
    if (!s.authorized && hasCertificate(s)) {
      s.destroy();
      this.onTlsFailed(raw, `certificate verification failed: ${String(s.authorizationError)}`);
      return;
    }
    if (this.protectedModeRefuses(s.remoteAddress)) {
      this.deny(s, peer, where?.laddr ?? formatPeer(s.localAddress, s.localPort));
      return;
    }
    const c = server.acceptClient(s, 'tls');
    if (server.config.get<string>('tls-auth-clients-user') === 'CN' && s.authorized)
      this.mapCertificate(c, s, peer);
  }

  /** tls-auth-clients-user CN: the certificate's CN authenticates as that ACL user, if it exists and is enabled. */
  private mapCertificate(c: Client, s: TLSSocket, peer: string): void {
    const cn = s.getPeerCertificate().subject?.CN;
    const name = typeof cn === 'string' ? cn : undefined;
    const outcome = name !== undefined && name !== '' ? this.server.authenticateAs(c, name) : 'no-user';
    if (outcome === true) {
      this.server.logger.verbose(`Client ${peer} authenticated as user '${name}' by its TLS certificate`);
      return;
    }
    this.server.stats.tlsCertAuthFailures++;
    this.certAuthFailures.warning(
      `TLS client certificate of ${peer} (CN ${name === undefined ? 'missing or repeated' : JSON.stringify(name.slice(0, 128))}) ${outcome === 'network' ? 'names a user that may not authenticate from this address (user-allow-from)' : 'does not name an enabled ACL user'}: the connection stays with the default user`,
    );
  }

  private onTlsFailed(raw: unknown, reason: string): void {
    if (raw !== undefined && raw !== null) this.handshakes.delete(raw as Socket);
    if (this.closing) return;
    const where = raw !== undefined && raw !== null ? this.peers.get(raw as object) : undefined;
    this.server.stats.tlsHandshakeFailures++;
    this.handshakeFailures.warning(
      `Error accepting a client connection: TLS handshake failed: ${reason} (addr=${where?.peer ?? '?'} laddr=${where?.laddr ?? '?'})`,
    );
  }
}

function hasCertificate(s: TLSSocket): boolean {
  const cert = s.getPeerCertificate();
  return cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
}

/**
 * Send a refusal and close. What the client sends meanwhile is read and dropped,
 * so the close does not reset the connection before the client reads the reply;
 * after a short grace the connection is cut regardless.
 */
function refuse(socket: Socket, message: string): void {
  socket.on('data', () => {});
  const timer = setTimeout(() => socket.destroy(), REFUSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
  socket.end(message);
}

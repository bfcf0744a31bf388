/**
 * TCP, TLS and unix-socket listeners. `bind` addresses may be IPv4 or IPv6, `*`
 * (all IPv4) or `::*` (all IPv6), and a leading `-` makes one optional: skipped
 * when the address is not available, while any other failure stops start-up. IPv6
 * listeners are IPv6-only; IPv4-mapped peers are reported as plain IPv4. Every
 * listener is opened with `pauseOnConnect`: nothing is read from a connection
 * before the accept-time gates (network.ts) have let it through.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Logger } from '../core/logger.js';

export interface BindAddress {
  readonly host: string;
  readonly optional: boolean;
}

export function parseBind(words: readonly string[]): BindAddress[] {
  return words.map((w) => {
    const optional = w.startsWith('-');
    let host = optional ? w.slice(1) : w;
    if (host === '*') host = '0.0.0.0';
    else if (host === '::*') host = '::';
    return { host, optional };
  });
}

/** Errors meaning "this address does not exist here", which `-addr` tolerates. */
const UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'ENOTFOUND']);

export class ListenError extends Error {}

export type ListenerKind = 'tcp' | 'tls' | 'unix';

export interface OpenedListener {
  readonly server: NetServer;
  readonly kind: ListenerKind;
  readonly host: string;
  readonly port: number;
  readonly path?: string;
}

function listenOnce(
  srv: NetServer,
  opts: { host?: string; port?: number; path?: string; ipv6Only?: boolean; backlog: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      srv.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      srv.off('error', onError);
      resolve();
    };
    srv.once('error', onError);
    srv.once('listening', onListening);
    srv.listen(opts);
  });
}

export async function openTcpListeners(
  binds: readonly BindAddress[],
  port: number,
  backlog: number,
  onSocket: (socket: Socket, listener: OpenedListener) => void,
  logger: Logger,
  kind: 'tcp' | 'tls' = 'tcp',
): Promise<OpenedListener[]> {
  const opened: OpenedListener[] = [];
  const label = kind === 'tls' ? 'TLS' : 'TCP';
  let chosenPort = port;
  try {
    for (const b of binds) {
      let self: OpenedListener | undefined;
      const srv = createServer({ noDelay: true, pauseOnConnect: true }, (s) => {
        if (self !== undefined) onSocket(s, self);
        else s.destroy();
      });
      const ipv6 = b.host.includes(':');
      try {
        await listenOnce(srv, { host: b.host, port: chosenPort, ipv6Only: ipv6, backlog });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (b.optional && UNAVAILABLE.has(code)) {
          logger.warning(
            `Warning: Could not create server ${label} listening socket ${b.host}:${chosenPort}: ${code} (optional address skipped)`,
          );
          continue;
        }
        throw new ListenError(
          `Could not create server ${label} listening socket ${ipv6 ? `[${b.host}]` : b.host}:${chosenPort}: ${code || String(err)}`,
        );
      }
      const addr = srv.address();
      const actual = typeof addr === 'object' && addr !== null ? addr.port : chosenPort;
      // With port 0 (embedding), every address shares the first ephemeral port.
      chosenPort = actual;
      self = { server: srv, kind, host: b.host, port: actual };
      opened.push(self);
    }
  } catch (err) {
    for (const l of opened) l.server.close();
    throw err;
  }
  return opened;
}

/**
 * The unix socket, never connectable with wider permissions than `perm`, not even
 * for an instant (Redis's CVE-2023-45145): the umask is set to `~perm` around the
 * bind(), so the socket file is created with its final mode, then chmod'ed to it
 * again in case the file system ignored the umask. A stale socket at the path is
 * removed; anything else there (a regular file...) stops start-up instead.
 */
export async function openUnixListener(
  path: string,
  perm: number,
  backlog: number,
  onSocket: (socket: Socket, listener: OpenedListener) => void,
): Promise<OpenedListener> {
  const mode = (perm === 0 ? 0o700 : perm) & 0o777;
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
    else throw new ListenError(`Failed opening Unix socket: ${path} exists and is not a socket`);
  } catch (err) {
    if (err instanceof ListenError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let self: OpenedListener | undefined;
  const srv = createServer({ pauseOnConnect: true }, (s) => {
    if (self !== undefined) onSocket(s, self);
    else s.destroy();
  });
  // listen() binds synchronously in the main process; its errors arrive later.
  const listening = new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      srv.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      srv.off('error', onError);
      resolve();
    };
    srv.once('error', onError);
    srv.once('listening', onListening);
  });
  const umask = process.umask(0o777 & ~mode);
  try {
    srv.listen({ path, backlog });
  } finally {
    process.umask(umask);
  }
  try {
    await listening;
  } catch (err) {
    throw new ListenError(
      `Failed opening Unix socket: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  chmodSync(path, mode);
  self = { server: srv, kind: 'unix', host: '', port: 0, path };
  return self;
}

/** Redis's peer formatting: `ip:port`, `[ip6]:port`; IPv4-mapped IPv6 becomes IPv4. */
export function formatPeer(ip: string | undefined, port: number | undefined): string {
  const host = normalizeIp(ip ?? '?');
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}

export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

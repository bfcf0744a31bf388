/**
 * TCP and unix-socket listeners. `bind` addresses may be IPv4 or IPv6, `*` (all
 * IPv4) or `::*` (all IPv6), and a leading `-` makes one optional: skipped when the
 * address is not available, while any other failure stops start-up. IPv6
 * listeners are IPv6-only; IPv4-mapped peers are reported as plain IPv4.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
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

export interface OpenedListener {
  readonly server: NetServer;
  readonly kind: 'tcp' | 'unix';
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
  onSocket: (socket: Socket) => void,
  logger: Logger,
): Promise<OpenedListener[]> {
  const opened: OpenedListener[] = [];
  let chosenPort = port;
  try {
    for (const b of binds) {
      const srv = createServer({ noDelay: true, pauseOnConnect: false }, onSocket);
      const ipv6 = b.host.includes(':');
      try {
        await listenOnce(srv, { host: b.host, port: chosenPort, ipv6Only: ipv6, backlog });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (b.optional && UNAVAILABLE.has(code)) {
          logger.warning(
            `Warning: Could not create server TCP listening socket ${b.host}:${chosenPort}: ${code} (optional address skipped)`,
          );
          continue;
        }
        throw new ListenError(
          `Could not create server TCP listening socket ${ipv6 ? `[${b.host}]` : b.host}:${chosenPort}: ${code || String(err)}`,
        );
      }
      const addr = srv.address();
      const actual = typeof addr === 'object' && addr !== null ? addr.port : chosenPort;
      // With port 0 (embedding), every address shares the first ephemeral port.
      chosenPort = actual;
      opened.push({ server: srv, kind: 'tcp', host: b.host, port: actual });
    }
  } catch (err) {
    for (const l of opened) l.server.close();
    throw err;
  }
  return opened;
}

export async function openUnixListener(
  path: string,
  perm: number,
  backlog: number,
  onSocket: (socket: Socket) => void,
): Promise<OpenedListener> {
  if (existsSync(path)) unlinkSync(path);
  const srv = createServer(onSocket);
  try {
    await listenOnce(srv, { path, backlog });
  } catch (err) {
    throw new ListenError(
      `Failed opening Unix socket: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  // Redis leaves the mode to the umask unless unixsocketperm is set; we default to 0700-equivalent access.
  chmodSync(path, perm === 0 ? 0o700 : perm);
  return { server: srv, kind: 'unix', host: '', port: 0, path };
}

/** Redis's peer formatting: `ip:port`, `[ip6]:port`; IPv4-mapped IPv6 becomes IPv4. */
export function formatPeer(ip: string | undefined, port: number | undefined): string {
  const host = normalizeIp(ip ?? '?');
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}

export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

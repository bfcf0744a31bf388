/**
 * `auth-max-failures <n>` (beyond Redis): brute-force throttling of AUTH and
 * HELLO AUTH. Each client address gets a fixed one-minute window starting at
 * its first failed authentication; once `n` attempts have failed in that
 * window, every AUTH / HELLO AUTH from the address is refused (the password is
 * not even checked) until the window ends. Other addresses are not affected.
 *
 * An address is the peer's IP (IPv4-mapped IPv6 as IPv4); an IPv6 peer counts
 * by its /64 network, since one host usually holds a whole /64 and could
 * otherwise rotate addresses. Unix-socket clients share one bucket.
 *
 * Memory is bounded: at most MAX_TRACKED addresses are tracked; the oldest
 * window is dropped first (that address merely gets a fresh budget early), and
 * expired windows are pruned as new failures arrive. The clock is a field so
 * tests can move time without waiting a minute.
 */
import { isIP } from 'node:net';
import type { Client } from '../core/client.js';
import { CLIENT_UNIX_SOCKET } from '../core/client.js';
import { normalizeIp } from '../net/listeners.js';

export const WINDOW_MS = 60_000;
/** Most addresses tracked at once (about 100 bytes each). */
export const MAX_TRACKED = 16_384;

interface Window {
  readonly start: number;
  failures: number;
  /** Attempts refused in this window. */
  refused: number;
}

/** The throttle's key for a client: its IP, its IPv6 /64, or "unix". */
export function throttleKey(c: Client): string {
  if ((c.flags & CLIENT_UNIX_SOCKET) !== 0) return 'unix';
  return addressKey(c.socket?.remoteAddress ?? '');
}

/** `ip` as a throttle key: IPv4 as is, IPv6 as its first 64 bits. */
export function addressKey(ip: string): string {
  const plain = normalizeIp(ip);
  if (isIP(plain) !== 6) return plain === '' ? 'unknown' : plain;
  return `${ipv6Groups(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const zone = ip.indexOf('%');
  const bare = zone === -1 ? ip : ip.slice(0, zone);
  const [head = '', tail] = bare.split('::');
  const parse = (part: string): string[] =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16).toString(16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right];
}

export class AuthThrottle {
  /** Failures allowed per address per window; 0 disables the throttle. */
  private limit: number;
  /** Windows in start order (oldest first): re-inserted when a new window starts. */
  private readonly windows = new Map<string, Window>();
  /** Milliseconds, monotonic. Replaced by tests. */
  clock: () => number = () => performance.now();

  constructor(limit = 10) {
    this.limit = limit;
  }

  setLimit(n: number): void {
    this.limit = n;
    if (n === 0) this.windows.clear();
  }

  get tracked(): number {
    return this.windows.size;
  }

  /**
   * Before checking credentials: the seconds left in the window when `key` is
   * throttled (the attempt must be refused), or 0.
   */
  refusal(key: string): number {
    if (this.limit === 0) return 0;
    const w = this.windows.get(key);
    if (w === undefined) return 0;
    const now = this.clock();
    if (now - w.start >= WINDOW_MS) {
      this.windows.delete(key);
      return 0;
    }
    if (w.failures < this.limit) return 0;
    w.refused++;
    return Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
  }

  /** A failed authentication from `key`: true when it reaches the limit (the throttle starts). */
  failed(key: string): boolean {
    if (this.limit === 0) return false;
    const now = this.clock();
    this.prune(now);
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= WINDOW_MS) {
      this.windows.delete(key);
      w = { start: now, failures: 0, refused: 0 };
      this.windows.set(key, w);
      if (this.windows.size > MAX_TRACKED) {
        const oldest = this.windows.keys().next().value as string;
        this.windows.delete(oldest);
      }
    }
    w.failures++;
    return w.failures === this.limit;
  }

  /** Drop a few expired windows from the old end (amortised O(1) per failure). */
  private prune(now: number): void {
    let n = 0;
    for (const [k, w] of this.windows) {
      if (n++ === 8 || now - w.start < WINDOW_MS) return;
      this.windows.delete(k);
    }
  }
}

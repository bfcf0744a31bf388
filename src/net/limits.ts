/**
 * Output limits, checked when a client's output is handed to its socket (once per
 * event-loop turn, in Client.flush) and only when output is actually pending, so
 * the request path pays one comparison:
 *
 * - a client that never authenticated may leave at most 1 KB unread
 *   (CVE-2025-21605): one pipelining commands without reading the NOAUTH replies
 *   is closed instead of growing its output without bound;
 * - `client-output-buffer-limit` per class (normal, pubsub, replica): a client
 *   whose pending output (our output buffer plus what the socket still holds)
 *   reaches the hard limit, or stays at or over the soft limit for more than the
 *   soft seconds, is closed and logged as Redis does
 *   (checkClientOutputBufferLimits), and counted in INFO stats
 *   `client_output_buffer_limit_disconnections` (a field of later Redis versions, not 7.0).
 */
import { clientInfoLine } from '../commands/connection.js';
import type { BufferLimit, BufferLimits } from '../config/kinds.js';
import { CLIENT_PUBSUB, type Client } from '../core/client.js';
import type { Server } from '../core/server.js';

/** Unread output allowed to a client that has not authenticated. */
export const UNAUTH_MAX_OUTPUT = 1024;

interface Limit {
  readonly hard: number;
  readonly soft: number;
  readonly seconds: number;
}

const toLimit = (l: BufferLimit): Limit => ({
  hard: Number(l.hard),
  soft: Number(l.soft),
  seconds: l.seconds,
});

export class OutputLimits {
  private normal: Limit = { hard: 0, soft: 0, seconds: 0 };
  private pubsub: Limit = { hard: 0, soft: 0, seconds: 0 };
  /** Below this many pending bytes no limit can be reached: Client.flush skips `check`. */
  checkFrom = UNAUTH_MAX_OUTPUT;

  /** client-output-buffer-limit changed. Replicas do not exist in Redoubt; MONITOR clients are "normal", as in Redis. */
  set(limits: BufferLimits): void {
    this.normal = toLimit(limits.normal);
    this.pubsub = toLimit(limits.pubsub);
    let from = UNAUTH_MAX_OUTPUT;
    for (const l of [this.normal, this.pubsub]) {
      if (l.hard > 0) from = Math.min(from, l.hard - 1);
      if (l.soft > 0) from = Math.min(from, l.soft - 1);
    }
    this.checkFrom = Math.max(0, from);
  }

  /**
   * Called by Client.flush with the bytes still pending after the write (or when a
   * soft-limit timer runs). Returns true when the client was closed.
   */
  check(server: Server, c: Client, pending: number): boolean {
    if (pending > UNAUTH_MAX_OUTPUT && c.restricted) {
      server.logger.warning(`Closing unauthenticated client that does not read its replies: ${c.describe()}`);
      server.stats.outputBufferCloses++;
      c.destroy();
      return true;
    }
    const l = (c.flags & CLIENT_PUBSUB) !== 0 ? this.pubsub : this.normal;
    const hard = l.hard > 0 && pending >= l.hard;
    let soft = l.soft > 0 && pending >= l.soft;
    if (soft) {
      const now = Math.floor(Date.now() / 1000);
      if (c.obufSoftLimitSince === 0) {
        c.obufSoftLimitSince = now;
        soft = false;
      } else if (now - c.obufSoftLimitSince <= l.seconds) {
        soft = false;
      }
    } else {
      c.obufSoftLimitSince = 0;
    }
    if (!hard && !soft) return false;
    // Redis 7.0's words and its CLIENT LIST line (it frees the client asynchronously, as here at once).
    server.logger.warning(
      `Client ${clientInfoLine(c)} scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    server.stats.outputBufferCloses++;
    c.destroy();
    return true;
  }
}

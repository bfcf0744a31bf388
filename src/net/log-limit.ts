/**
 * Log lines any remote peer can trigger (refused connections, failed TLS
 * handshakes) are rate limited, so a flood of them cannot flood the log: each kind
 * logs a burst, then at most one line a second, and the next line logged says how
 * many were suppressed in between.
 */
import type { Logger } from '../core/logger.js';

const BURST = 10;
const REFILL_MS = 1000;

export class LogLimiter {
  private tokens = BURST;
  private last = Date.now();
  private suppressed = 0;

  constructor(private readonly logger: () => Logger) {}

  warning(message: string): void {
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + (now - this.last) / REFILL_MS);
    this.last = now;
    if (this.tokens < 1) {
      this.suppressed++;
      return;
    }
    this.tokens--;
    const n = this.suppressed;
    this.suppressed = 0;
    this.logger().warning(n > 0 ? `${message} (${n} similar messages suppressed)` : message);
  }
}

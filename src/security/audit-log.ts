/**
 * The audit log (`audit-log-file`, beyond Redis): one JSON object per line per
 * security event, appended to a 0600 file (security/files.ts), for a SIEM or
 * `jq`. Every line has `time` (ISO 8601, UTC) and `event`, then, when a client
 * is involved, `user`, `addr`, `laddr`, `name` and `id` (as CLIENT LIST shows
 * them), then the event's own fields. Lines never hold a password, a value or
 * a key: only names (users, commands, directives) and outcomes. The output is
 * pure ASCII: every other character is escaped, so no byte a client sends can
 * break a line or forge one.
 *
 * Events any peer can cause without credentials (refused connections, failed
 * authentication, cross-protocol attempts) are rate limited per event: a burst,
 * then RATE_PER_SECOND lines a second; the next line written for that event
 * carries `suppressed`, the number of lines dropped since the last one.
 *
 * As the log file, the file is kept open (so it stays writable after privileges
 * are dropped) and reopened when moved or removed (logrotate). A failed write
 * never stops the server: it is counted and reported in the server log at most
 * once a minute.
 */
import { closeSync, fstatSync, statSync, writeSync } from 'node:fs';
import type { Client } from '../core/client.js';
import type { Logger } from '../core/logger.js';
import { openPrivateAppend } from './files.js';

export type AuditValue = string | number | boolean | readonly string[] | undefined;
export type AuditFields = Readonly<Record<string, AuditValue>>;

const BURST = 200;
const RATE_PER_SECOND = 50;
/** Longest string field kept (user names, client names...); longer ones are cut with "...". */
const MAX_FIELD = 256;
const FAILURE_REPORT_MS = 60_000;

interface Bucket {
  tokens: number;
  last: number;
  suppressed: number;
}

export class AuditLog {
  private fd: number | null = null;
  private path = '';
  private ino = 0;
  private dev = 0;
  private readonly buckets = new Map<string, Bucket>();
  private failures = 0;
  private lastFailureReport = -Infinity;
  /** Lines written (tests, INFO-like introspection). */
  written = 0;

  constructor(private readonly logger: () => Logger) {}

  get enabled(): boolean {
    return this.fd !== null;
  }

  get file(): string {
    return this.path;
  }

  /**
   * Open (create 0600) `path` for appending; throws when it cannot, or when it is
   * not a regular file (a FIFO without reader would block start-up, a device
   * would be chmodded). Returns a note for the log, if any.
   */
  open(path: string): string | undefined {
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing !== undefined && !existing.isFile()) throw new Error('not a regular file');
    const { fd, note } = openPrivateAppend(path);
    this.close();
    this.fd = fd;
    this.path = path;
    const st = fstatSync(fd);
    this.ino = st.ino;
    this.dev = st.dev;
    return note;
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    this.fd = null;
  }

  /**
   * Append one event. `c` adds the client's fields; `fields` come after them
   * (a `user` field replaces the client's user: the name an authentication
   * attempt gave). `limited`: an event any peer can cause (rate limited).
   */
  record(event: string, c: Client | undefined, fields: AuditFields = {}, limited = false): void {
    if (this.fd === null) return;
    let suppressed = 0;
    if (limited) {
      const admitted = this.admit(event);
      if (admitted < 0) return;
      suppressed = admitted;
    }
    const entry: Record<string, AuditValue> = { time: new Date().toISOString(), event };
    if (c !== undefined) {
      entry.user = c.user;
      entry.addr = c.addr;
      entry.laddr = c.laddr;
      entry.name = c.name;
      entry.id = c.id;
    }
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) entry[k] = v;
    if (suppressed > 0) entry.suppressed = suppressed;
    this.append(`${toAsciiJson(entry)}\n`);
  }

  /** -1: drop the line; otherwise how many lines of this event were dropped before it. */
  private admit(event: string): number {
    const now = performance.now();
    let b = this.buckets.get(event);
    if (b === undefined) {
      b = { tokens: BURST, last: now, suppressed: 0 };
      this.buckets.set(event, b);
    }
    b.tokens = Math.min(BURST, b.tokens + ((now - b.last) / 1000) * RATE_PER_SECOND);
    b.last = now;
    if (b.tokens < 1) {
      b.suppressed++;
      return -1;
    }
    b.tokens--;
    const n = b.suppressed;
    b.suppressed = 0;
    return n;
  }

  private append(line: string): void {
    this.reopenIfRotated();
    try {
      writeSync(this.fd as number, line);
      this.written++;
    } catch (err) {
      this.failures++;
      const now = performance.now();
      if (now - this.lastFailureReport >= FAILURE_REPORT_MS) {
        this.lastFailureReport = now;
        this.logger().warning(
          `Audit log ${this.path}: write failed (${(err as NodeJS.ErrnoException).code ?? String(err)}); ${this.failures} line(s) lost so far`,
        );
      }
    }
  }

  /** Moved or removed (logrotate): open a new file at the path; keep the old one if that fails. */
  private reopenIfRotated(): void {
    try {
      const st = statSync(this.path, { throwIfNoEntry: false });
      if (st !== undefined && st.ino === this.ino && st.dev === this.dev) return;
      const next = openPrivateAppend(this.path).fd;
      closeSync(this.fd as number);
      this.fd = next;
      const now = fstatSync(next);
      this.ino = now.ino;
      this.dev = now.dev;
    } catch {
      // Keep writing where we were.
    }
  }
}

/** JSON with every string cut to MAX_FIELD characters and every non-ASCII character escaped. */
function toAsciiJson(entry: Record<string, AuditValue>): string {
  const json = JSON.stringify(entry, (_k, v: unknown) =>
    typeof v === 'string' && v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD)}...` : v,
  );
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

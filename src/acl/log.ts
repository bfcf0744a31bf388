/**
 * ACL LOG: recent denials (command, key, channel) and failed authentications,
 * newest first, with Redis's merging: an event like one of the 10 newest entries
 * (same reason, context, object and user, within 60 s) updates that entry and
 * moves it to the front instead of adding one. Entries carry Redis 7.2's
 * entry-id and creation / last-update timestamps.
 */
import type { DenialReason } from './check.js';
import { DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from './check.js';

export type LogContext = 'toplevel' | 'multi' | 'lua' | 'module';

export interface AclLogEntry {
  count: number;
  readonly reason: DenialReason;
  readonly context: LogContext;
  readonly object: string;
  readonly username: string;
  /** Unix ms of the last update. */
  ctime: number;
  /** CLIENT INFO line of the last client. */
  clientInfo: string;
  readonly entryId: number;
  readonly created: number;
}

const GROUPING_MAX_DELTA_MS = 60_000;
const MATCH_SCAN = 10;

export function reasonName(r: DenialReason): string {
  switch (r) {
    case DENIED_CMD:
      return 'command';
    case DENIED_KEY:
      return 'key';
    case DENIED_CHANNEL:
      return 'channel';
    case DENIED_AUTH:
      return 'auth';
  }
}

export class AclLog {
  /** Newest first. */
  readonly entries: AclLogEntry[] = [];
  private nextId = 0;

  add(
    e: {
      reason: DenialReason;
      context: LogContext;
      object: string;
      username: string;
      clientInfo: string;
    },
    maxLen: number,
    now = Date.now(),
  ): void {
    // Redis 7.2: with acllog-max-len 0 nothing is kept (and no id is used).
    if (maxLen === 0) {
      this.entries.length = 0;
      return;
    }
    const n = Math.min(MATCH_SCAN, this.entries.length);
    for (let i = 0; i < n; i++) {
      const cur = this.entries[i] as AclLogEntry;
      if (
        cur.reason === e.reason &&
        cur.context === e.context &&
        Math.abs(cur.ctime - now) <= GROUPING_MAX_DELTA_MS &&
        cur.object === e.object &&
        cur.username === e.username
      ) {
        this.entries.splice(i, 1);
        this.entries.unshift(cur);
        cur.clientInfo = e.clientInfo;
        cur.ctime = now;
        cur.count++;
        return;
      }
    }
    this.entries.unshift({ ...e, count: 1, ctime: now, entryId: this.nextId++, created: now });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  reset(): void {
    this.entries.length = 0;
  }
}

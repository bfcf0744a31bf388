/**
 * MULTI/EXEC state and WATCH, as Redis 7.0's multi.c.
 *
 * A client in MULTI has a `MultiState` (`c.multi`) holding the commands the
 * dispatcher queued (gate 6); EXEC (src/commands/transactions.ts) runs them.
 * A refusal by any gate while in MULTI flags the transaction (CLIENT_DIRTY_EXEC,
 * `flagTransaction`, called by the dispatcher's `reject`): EXEC then answers
 * EXECABORT.
 *
 * WATCH: per database, key -> the watchers of that key in WATCH order; per
 * client, its watched keys (`c.watched`). Every write reaches `touch` through
 * the keyspace observer (src/store/database.ts `modified`: writes, deletions,
 * expiry, FLUSHDB/FLUSHALL key by key); SWAPDB reaches `swapping`. A touched
 * watcher gets CLIENT_DIRTY_CAS and stops watching (nothing more to learn), and
 * its EXEC replies a null array. The observer tests `watching` first, so with
 * no watched key a write pays one integer test.
 *
 * Keys that were already logically expired when watched (Redis 7.0's
 * `watchedKey.expired`): their deletion by expiry is no change; any other write
 * is. A key alive when watched that is expired when EXEC runs aborts it.
 */
import type { Command } from '../commands/registry.js';
import type { Database } from '../store/database.js';
import { CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI, type Client } from './client.js';

/** The commands queued by one client between MULTI and EXEC. */
export class MultiState {
  readonly commands: Command[] = [];
  readonly argvs: string[][] = [];
  /** Union of the queued commands' flags (Redis's `mstate.cmd_flags`: EXEC's OOM check, issue 8). */
  flags = 0;
  /** The first queued command that may replicate (write): CLIENT PAUSE WRITE holds EXEC when set. */
  mayReplicate: Command | undefined;
  /** Queued argument bytes plus 8 per argument: CLIENT LIST `multi-mem` (Redis 7.0's `argv_len_sums`). */
  memory = 0;

  get count(): number {
    return this.commands.length;
  }
}

/** One key watched by one client in one database. */
export interface WatchedKey {
  readonly key: string;
  readonly db: Database;
  readonly client: Client;
  /** The key was logically expired (present, TTL passed) when watched. */
  expired: boolean;
  /** Unwatched: skipped by loops that iterate over a snapshot. */
  removed: boolean;
}

/** MULTI: the client starts queueing. */
export function beginTransaction(c: Client): void {
  c.flags |= CLIENT_MULTI;
  c.multi = new MultiState();
}

/**
 * Queue a command (Redis's queueMultiCommand). Nothing is kept once the
 * transaction is known to fail (a touched watched key, a refused command):
 * CLIENT LIST `multi=` stops counting, as in Redis.
 */
export function queueCommand(c: Client, cmd: Command, argv: string[], mayReplicate: boolean): void {
  const ms = c.multi;
  if (ms === null || (c.flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)) !== 0) return;
  ms.commands.push(cmd);
  ms.argvs.push(argv);
  ms.flags |= cmd.flags;
  if (mayReplicate && ms.mayReplicate === undefined) ms.mayReplicate = cmd;
  let bytes = argv.length * 8;
  for (const a of argv) bytes += a.length;
  ms.memory += bytes;
}

/** A gate refused a command while in MULTI: EXEC will answer EXECABORT. */
export function flagTransaction(c: Client): void {
  if ((c.flags & CLIENT_MULTI) !== 0) c.flags |= CLIENT_DIRTY_EXEC;
}

/** Leave MULTI, forget the queue and every watched key (DISCARD, EXEC, RESET). */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
  c.server.transactions.unwatchAll(c);
}

/** The server-wide WATCH registry. */
export class Transactions {
  /** Per database id: key -> its watchers, in WATCH order. */
  private readonly byDb: (Map<string, WatchedKey[]> | undefined)[] = [];
  /** Keys watched, over all clients and databases: the keyspace hooks test this first. */
  watching = 0;

  private mapOf(db: Database): Map<string, WatchedKey[]> {
    let m = this.byDb[db.id];
    if (m === undefined) {
      m = new Map();
      this.byDb[db.id] = m;
    }
    return m;
  }

  /** WATCH one key in the client's current database (once per key and database). */
  watch(c: Client, key: string): void {
    const db = c.db;
    const mine = (c.watched ??= []);
    for (const wk of mine) if (wk.db === db && wk.key === key) return;
    const wk: WatchedKey = { key, db, client: c, expired: db.keyIsExpired(key), removed: false };
    mine.push(wk);
    const m = this.mapOf(db);
    const list = m.get(key);
    if (list === undefined) m.set(key, [wk]);
    else list.push(wk);
    this.watching++;
  }

  /** UNWATCH (and EXEC, DISCARD, RESET, disconnection): forget the client's watched keys. */
  unwatchAll(c: Client): void {
    const mine = c.watched;
    if (mine === null) return;
    c.watched = null;
    for (const wk of mine) {
      wk.removed = true;
      const m = this.byDb[wk.db.id] as Map<string, WatchedKey[]>;
      const list = m.get(wk.key) as WatchedKey[];
      if (list.length === 1) m.delete(wk.key);
      else list.splice(list.indexOf(wk), 1);
      this.watching--;
    }
  }

  /** Redis's isWatchedKeyExpired: a key alive when watched has expired since (EXEC aborts). */
  watchedKeyExpired(c: Client): boolean {
    const mine = c.watched;
    if (mine === null) return false;
    for (const wk of mine) if (!wk.expired && wk.db.keyIsExpired(wk.key)) return true;
    return false;
  }

  /** Redis's touchWatchedKey: `key` of `db` was written, deleted or expired. */
  touch(db: Database, key: string): void {
    const m = this.byDb[db.id];
    if (m === undefined || m.size === 0) return;
    const list = m.get(key);
    if (list === undefined) return;
    for (const wk of list.slice()) {
      if (wk.removed) continue;
      if (wk.expired) {
        // Watched while logically expired: its deletion is no logical change.
        if (!db.contains(key)) {
          wk.expired = false;
          continue;
        }
        // Touched while still expired: Redis stops here (a `break` in touchWatchedKey).
        if (db.keyIsExpired(key)) break;
        // Overwritten without being looked up first: Redis would have deleted
        // the expired key (clearing the flag) and then written it: a change.
      }
      this.dirty(wk.client);
    }
  }

  /**
   * SWAPDB, before the contents move: Redis's touchAllWatchedKeysInDb(a, b) and
   * (b, a). A watched key changes when it exists in either database, except
   * that an expired key staying expired, or an absent key becoming an expired
   * one, is no change.
   */
  swapping(a: Database, b: Database): void {
    this.replaced(a, b);
    this.replaced(b, a);
  }

  private replaced(emptied: Database, replacedWith: Database): void {
    const m = this.byDb[emptied.id];
    if (m === undefined || m.size === 0) return;
    for (const [key, list] of [...m]) {
      const inEmptied = emptied.contains(key);
      const inReplacement = replacedWith.contains(key);
      if (!inEmptied && !inReplacement) continue;
      for (const wk of list.slice()) {
        if (wk.removed) continue;
        if (wk.expired) {
          if (!inReplacement) {
            wk.expired = false;
            continue;
          }
          if (replacedWith.keyIsExpired(key)) continue;
        } else if (!inEmptied && replacedWith.keyIsExpired(key)) {
          wk.expired = true;
          continue;
        }
        this.dirty(wk.client);
      }
    }
  }

  /** The transaction will fail; no point in watching more (Redis unwatches at once). */
  private dirty(c: Client): void {
    c.flags |= CLIENT_DIRTY_CAS;
    this.unwatchAll(c);
  }
}

/**
 * used_memory, maxmemory, key eviction and client eviction (Redis's evict.c and
 * the maxmemory part of processCommand).
 *
 * used_memory = used_memory_startup (the heap after a full collection when the
 * server was created) + every database's accounted bytes (src/store/memory.ts:
 * exact for keys and strings, shape-estimated for collections, updated on each
 * write) + client memory (buffers and a per-connection cost, re-measured for
 * the client running a command and for all of them in the cron). It is
 * deterministic: it does not move with the garbage collector, so eviction
 * evicts because of data, not because a young-generation collection is due.
 *
 * Eviction is Redis's: before each command, while used_memory is over
 * maxmemory, sample `maxmemory-samples` keys per database into a pool of the 16
 * best candidates (idlest by LRU stamp, least frequently used by LFU counter,
 * soonest to expire) and delete the best; random policies pick a random key
 * from the databases in turn. A pass stops after the tenacity's time limit and
 * goes on in the next event-loop turn. When nothing can be evicted, write
 * commands flagged denyoom are refused with -OOM.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Database } from '../store/database.js';
import { type LfuSettings, lfuDecrAndReturn } from '../store/lfu.js';
import { ListObject } from '../store/types/list.js';
import { StreamObject } from '../store/types/stream.js';
import type { DataObject } from '../store/value.js';
import { CLIENT_CLOSE_ASAP, CLIENT_NO_EVICT, type Client } from './client.js';
import { NOTIFY } from './notify.js';
import type { Server } from './server.js';

/** What a connection costs besides its buffers: Client object, socket, parser state (measured). */
export const CLIENT_BYTES = 8 * 1024;

export const EVICT_OK = 0;
/** Over the limit, but an eviction pass is still going (commands are not refused). */
export const EVICT_RUNNING = 1;
/** Over the limit and nothing left to evict: denyoom commands get -OOM. */
export const EVICT_FAIL = 2;

const POLICY_LRU = 1;
const POLICY_LFU = 2;
const POLICY_TTL = 4;
const POLICY_RANDOM = 8;
const POLICY_ALLKEYS = 16;
const POLICY_NOEVICTION = 32;

const POLICIES: Record<string, number> = {
  'volatile-lru': POLICY_LRU,
  'volatile-lfu': POLICY_LFU,
  'volatile-ttl': POLICY_TTL,
  'volatile-random': POLICY_RANDOM,
  'allkeys-lru': POLICY_LRU | POLICY_ALLKEYS,
  'allkeys-lfu': POLICY_LFU | POLICY_ALLKEYS,
  'allkeys-random': POLICY_RANDOM | POLICY_ALLKEYS,
  noeviction: POLICY_NOEVICTION,
};

/** The smallest effective maxmemory-clients. */
const MIN_CLIENTS_LIMIT = 128 * 1024;

/** Size of the eviction pool (EVPOOL_SIZE). */
const POOL_SIZE = 16;

interface Candidate {
  idle: number;
  db: number;
  slot: number;
  key: string;
}

function inPool(pool: readonly (Candidate | null)[], db: number, slot: number, key: string): boolean {
  for (const p of pool) if (p !== null && p.slot === slot && p.db === db && p.key === key) return true;
  return false;
}

/** A value whose free effort exceeds this is "freed lazily" by UNLINK-style deletion (LAZYFREE_THRESHOLD). */
const LAZYFREE_THRESHOLD = 64;

/**
 * Redis's lazyfreeGetFreeEffort: how many allocations freeing the value takes.
 * A listpack or intset is one; a hashtable or skiplist one per element; a
 * quicklist one per node (about 8 KB of elements each); a stream one per
 * radix-tree node plus its groups' pending entries.
 */
function freeEffort(v: DataObject): number {
  const enc = v.encoding();
  if (enc === 'listpack' || enc === 'intset') return 1;
  if (v instanceof ListObject) return Math.max(1, Math.ceil(v.memoryUsage(5) / 8192));
  if (v instanceof StreamObject) {
    let effort = v.radixTreeNodes();
    for (const g of v.groups.values()) effort += 1 + g.pel.size;
    return effort;
  }
  return v.elements();
}

let gcFunction: (() => void) | null | undefined;

/**
 * A full garbage collection, when V8 lets us have one: `gc` is exposed in a
 * fresh context after setting --expose-gc (it does not change the running
 * context). Used to measure used_memory_startup and by MEMORY PURGE.
 */
export function fullGc(): boolean {
  if (gcFunction === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    } catch {
      gcFunction = null;
    }
  }
  if (gcFunction === null) return false;
  gcFunction();
  return true;
}

let startupBytes = 0;

/**
 * The heap after a full collection, measured once per process (servers
 * embedded side by side share one heap and one baseline).
 */
function startupHeap(): number {
  if (startupBytes === 0) {
    fullGc();
    const mu = process.memoryUsage();
    startupBytes = mu.heapUsed + mu.external;
  }
  return startupBytes;
}

/** A client's memory (Redis's getClientMemoryUsage): buffers, MULTI queue and the connection's own cost. */
export function clientMemory(c: Client): number {
  return (
    CLIENT_BYTES +
    c.decoder.bufferedBytes +
    c.pendingOutput +
    (c.socket?.writableLength ?? 0) +
    (c.multi?.memory ?? 0)
  );
}

export class ServerMemory {
  /** used_memory_startup. */
  readonly startup: number;
  /** Sum of clientMemory over connected clients, as last measured. */
  clientsBytes = 0;
  /** Each client's share of clientsBytes as last measured. */
  private readonly clientShare = new WeakMap<Client, number>();
  evictedKeys = 0;
  evictedClients = 0;
  lazyfreedObjects = 0;
  /** When used_memory went over maxmemory (0: it is not), for INFO *_eviction_exceeded_time. */
  evictionExceededSince = 0;
  totalEvictionExceededMs = 0;

  maxmemory = 0;
  private policy = POLICY_NOEVICTION;
  samples = 5;
  tenacity = 10;
  /** lfu-log-factor and lfu-decay-time, shared with the databases while an LFU policy is set. */
  readonly lfu: LfuSettings = { logFactor: 10, decayTime: 1 };
  /** maxmemory-clients as configured: bytes, or a negative percentage of maxmemory. */
  private clientsLimitSetting = 0;
  /** Random policies start from the database after the last one used (next_db). */
  private nextDb = 0;
  private readonly pool: (Candidate | null)[] = new Array(POOL_SIZE).fill(null);
  private readonly sample: number[] = [];
  /** The slot pick() chose. */
  private picked = 0;
  private continuation = false;

  constructor(private readonly server: Server) {
    this.startup = startupHeap();
  }

  setPolicy(name: string): void {
    this.policy = POLICIES[name] ?? POLICY_NOEVICTION;
    const lfu = (this.policy & POLICY_LFU) !== 0 ? this.lfu : null;
    for (const db of this.server.dbs) db.lfu = lfu;
    this.pool.fill(null);
  }

  get policyIsLfu(): boolean {
    return (this.policy & POLICY_LFU) !== 0;
  }

  setClientsLimit(v: number): void {
    this.clientsLimitSetting = v;
  }

  /**
   * maxmemory-clients in bytes (a percentage of maxmemory when given as one,
   * none while maxmemory is 0), 0 for none; never below 128 KiB, so a tiny
   * setting cannot cut everyone off (getClientEvictionLimit).
   */
  get clientsLimit(): number {
    const v = this.clientsLimitSetting;
    let bytes: number;
    if (v > 0) bytes = v;
    else if (v < 0 && this.maxmemory > 0) bytes = Math.floor((this.maxmemory * -v) / 100);
    else return 0;
    return Math.max(bytes, MIN_CLIENTS_LIMIT);
  }

  /** Work to do before each command: a limit on keys or on clients is set. */
  get active(): boolean {
    return this.maxmemory !== 0 || this.clientsLimitSetting !== 0;
  }

  /** Accounted bytes of every database. */
  dataset(): number {
    let sum = 0;
    for (const db of this.server.dbs) if (db.size !== 0) sum += db.memoryBytes;
    return sum;
  }

  /** used_memory. */
  used(): number {
    return this.startup + this.dataset() + this.clientsBytes;
  }

  /** Re-measure one client (the one about to run a command). */
  measureClient(c: Client): void {
    const now = clientMemory(c);
    const before = this.clientShare.get(c) ?? 0;
    if (now !== before) {
      this.clientShare.set(c, now);
      this.clientsBytes += now - before;
    }
  }

  /** Re-measure every client (cron; closed and closing clients drop out here). */
  measureClients(): void {
    let sum = 0;
    for (const c of this.server.clients.values()) {
      const m = (c.flags & CLIENT_CLOSE_ASAP) !== 0 ? 0 : clientMemory(c);
      this.clientShare.set(c, m);
      sum += m;
    }
    this.clientsBytes = sum;
  }

  /**
   * The gate before a command (processCommand): client eviction, then key
   * eviction; returns EVICT_FAIL when the command must be refused if denyoom.
   */
  beforeCommand(c: Client): number {
    this.measureClient(c);
    if (this.clientsLimitSetting !== 0) this.evictClients();
    if (this.maxmemory === 0) return EVICT_OK;
    return this.performEvictions();
  }

  /**
   * Close the clients using the most memory until clients together use less
   * than maxmemory-clients (Redis's evictClients). CLIENT NO-EVICT clients are
   * never chosen.
   */
  evictClients(): void {
    const limit = this.clientsLimit;
    if (limit === 0 || this.clientsBytes <= limit) return;
    this.measureClients();
    if (this.clientsBytes <= limit) return;
    const candidates: [Client, number][] = [];
    for (const c of this.server.clients.values()) {
      if ((c.flags & (CLIENT_NO_EVICT | CLIENT_CLOSE_ASAP)) !== 0) continue;
      candidates.push([c, this.clientShare.get(c) ?? 0]);
    }
    candidates.sort((a, b) => b[1] - a[1]);
    for (const [c, bytes] of candidates) {
      if (this.clientsBytes <= limit) break;
      this.server.logger.verbose(`Evicting client: ${c.describe()}`);
      this.evictedClients++;
      this.clientsBytes -= bytes;
      this.clientShare.set(c, 0);
      c.flags |= CLIENT_CLOSE_ASAP;
      c.discardOutput();
      c.flush();
    }
  }

  /** Microseconds one eviction pass may take (evictionTimeLimitUs). */
  private timeLimitUs(): number {
    const t = this.tenacity;
    if (t <= 10) return 50 * t;
    if (t < 100) return Math.floor(500 * 1.15 ** (t - 10));
    return Number.POSITIVE_INFINITY;
  }

  /** Redis's performEvictions. */
  performEvictions(): number {
    let used = this.used();
    if (used <= this.maxmemory) {
      if (this.evictionExceededSince !== 0) this.exceeded(false);
      return EVICT_OK;
    }
    const server = this.server;
    // isSafeToPerformEvictions: not while loading, nor while clients are paused (the dataset must stay still).
    if (Database.loading || server.pauses.active) return EVICT_OK;
    this.exceeded(true);
    if ((this.policy & POLICY_NOEVICTION) !== 0) return EVICT_FAIL;
    const start = performance.now();
    const limitMs = this.timeLimitUs() / 1000;
    const lazy = server.config.get<boolean>('lazyfree-lazy-eviction');
    let freedKeys = 0;
    while (used > this.maxmemory) {
      const db = this.pick();
      if (db === null) return EVICT_FAIL;
      this.evict(db, this.picked, lazy);
      freedKeys++;
      used = this.used();
      if (freedKeys % 16 === 0 && used > this.maxmemory && performance.now() - start > limitMs) {
        this.continueLater();
        return EVICT_RUNNING;
      }
    }
    return EVICT_OK;
  }

  /** Time spent over maxmemory (INFO total_eviction_exceeded_time, current_eviction_exceeded_time). */
  private exceeded(over: boolean): void {
    if (over) {
      if (this.evictionExceededSince === 0) this.evictionExceededSince = performance.now();
    } else if (this.evictionExceededSince !== 0) {
      this.totalEvictionExceededMs += performance.now() - this.evictionExceededSince;
      this.evictionExceededSince = 0;
    }
  }

  /** An eviction pass ran out of time: go on in the next turn of the event loop (evictionTimeProc). */
  private continueLater(): void {
    if (this.continuation) return;
    this.continuation = true;
    setImmediate(() => {
      this.continuation = false;
      if (this.maxmemory !== 0) this.performEvictions();
    });
  }

  /** The next key to evict: its database (null when there is none), its slot in `picked`. */
  private pick(): Database | null {
    const dbs = this.server.dbs;
    const allkeys = (this.policy & POLICY_ALLKEYS) !== 0;
    const sample = this.sample;
    if ((this.policy & POLICY_RANDOM) !== 0) {
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[++this.nextDb % dbs.length] as Database;
        if ((allkeys ? db.size : db.volatileCount) === 0) continue;
        db.sampleSlots(1, !allkeys, sample);
        if (sample.length !== 0) {
          this.picked = sample[0] as number;
          return db;
        }
      }
      return null;
    }
    // Refill the pool and take its best live candidate; retry while what it held was stale.
    const pool = this.pool;
    for (let rounds = 0; rounds < 64; rounds++) {
      let total = 0;
      for (const db of dbs) {
        const n = allkeys ? db.size : db.volatileCount;
        if (n === 0) continue;
        total += n;
        this.populate(db, allkeys);
      }
      if (total === 0) return null;
      for (let k = POOL_SIZE - 1; k >= 0; k--) {
        const cand = pool[k];
        if (cand === null || cand === undefined) continue;
        // Keep the pool packed to the left, as Redis does after taking an entry.
        for (let j = k; j < POOL_SIZE - 1; j++) pool[j] = pool[j + 1] as Candidate | null;
        pool[POOL_SIZE - 1] = null;
        const db = dbs[cand.db] as Database;
        // The slot still holds the key (slots never move while a key lives).
        if (db.keyOf(cand.slot) === cand.key && (allkeys || db.hasExpireAt(cand.slot))) {
          this.picked = cand.slot;
          return db;
        }
      }
    }
    return null;
  }

  /** evictionPoolPopulate: sample slots of `db` and insert the keys better than the pool's worst. */
  private populate(db: Database, allkeys: boolean): void {
    const sample = this.sample;
    db.sampleSlots(this.samples, !allkeys, sample);
    const pool = this.pool;
    const policy = this.policy;
    for (const slot of sample) {
      const key = db.keyOf(slot) as string;
      let idle: number;
      if ((policy & POLICY_LRU) !== 0) idle = db.idleMsAt(slot);
      else if ((policy & POLICY_LFU) !== 0)
        idle = 255 - lfuDecrAndReturn(db.clockAt(slot), this.lfu.decayTime);
      else {
        const when = db.getExpireExact(key);
        idle = Number.MAX_SAFE_INTEGER - (typeof when === 'bigint' ? Number.MAX_SAFE_INTEGER : when);
      }
      let k = 0;
      while (k < POOL_SIZE && pool[k] !== null && (pool[k] as Candidate).idle < idle) k++;
      if (k === 0 && pool[POOL_SIZE - 1] !== null) continue;
      if (inPool(pool, db.id, slot, key)) continue;
      if (k < POOL_SIZE && pool[k] === null) {
        // An empty place: insert here.
      } else if (pool[POOL_SIZE - 1] === null) {
        for (let j = POOL_SIZE - 1; j > k; j--) pool[j] = pool[j - 1] as Candidate | null;
      } else {
        k--;
        for (let j = 0; j < k; j++) pool[j] = pool[j + 1] as Candidate | null;
      }
      pool[k] = { idle, db: db.id, slot, key };
    }
  }

  /**
   * Delete one key for memory, as performEvictions: the deletion is recorded
   * (DEL, or UNLINK under lazyfree-lazy-eviction), a snapshot in progress keeps
   * the old value, WATCH and blocked clients see the key go, subscribers get
   * the "evicted" event. Not a change a save point counts.
   */
  private evict(db: Database, slot: number, lazy: boolean): void {
    const server = this.server;
    const key = db.keyOf(slot) as string;
    if (server.snapshot !== null) server.snapshot.preserve(db, key);
    if (server.propagation.sink !== null) server.propagation.also(db.id, [lazy ? 'UNLINK' : 'DEL', key]);
    if (lazy) this.countLazyFree(db, slot);
    const dirty = server.stats.dirty;
    db.evictSlot(slot);
    server.stats.dirty = dirty;
    this.evictedKeys++;
    server.notifyKeyspaceEvent(NOTIFY.EVICTED, 'evicted', key, db.id);
  }

  /**
   * A value deleted "lazily" (UNLINK, lazyfree-lazy-*): Redis's dbAsyncDelete
   * hands values whose free effort exceeds LAZYFREE_THRESHOLD to its free
   * thread and counts them (INFO lazyfreed_objects). Redoubt drops every value
   * in O(1) and leaves it to the garbage collector, so only the count is kept.
   */
  countLazyFree(db: Database, slot: number): void {
    const v = db.valueObjectAt(slot);
    if (v !== undefined && freeEffort(v) > LAZYFREE_THRESHOLD) this.lazyfreedObjects++;
  }

  /** CONFIG RESETSTAT: eviction counters and times (a stretch over the limit in progress restarts now). */
  resetStats(): void {
    this.evictedKeys = 0;
    this.evictedClients = 0;
    this.lazyfreedObjects = 0;
    this.totalEvictionExceededMs = 0;
    if (this.evictionExceededSince !== 0) this.evictionExceededSince = performance.now();
  }

  /** CONFIG SET maxmemory below what is used: Redis's warning. */
  warnIfBelowUsage(): void {
    if (this.maxmemory === 0) return;
    const used = this.used();
    if (this.maxmemory < used)
      this.server.logger.warning(
        `WARNING: the new maxmemory value set via CONFIG SET (${this.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
      );
  }
}

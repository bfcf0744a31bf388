import { ERR } from '../commands/errors.js';
import { lru, now } from '../util/clock.js';
import { type Linked, randomTag, ScanIndex } from './scan-index.js';
import { DataObject, type Value } from './value.js';

/** Entry.meta layout: bits 0-23 LRU clock (or LFU data), bits 24+ flags. */
const LRU_MASK = 0xffffff;
export const F_EXPIRE = 1 << 24;
/** A string modified in place (APPEND, SETRANGE...): OBJECT ENCODING says "raw". */
export const F_RAW = 1 << 25;

export class Entry implements Linked {
  next: Entry | null = null;
  constructor(
    readonly key: string,
    public value: Value,
    public meta: number,
    public tag: number,
  ) {}

  get lru(): number {
    return this.meta & LRU_MASK;
  }
}

/** What the server does when the keyspace changes on its own (expiry) or by a write. */
export interface KeyspaceObserver {
  /** A key was removed because its TTL passed (lazily or by the active cycle). */
  expired(db: Database, key: string): void;
  /** A key was written, deleted or expired (WATCH, client-side caching). */
  modified(db: Database, key: string): void;
}

const NO_OBSERVER: KeyspaceObserver = { expired() {}, modified() {} };

/**
 * One logical database: a Map for lookups, a Map of expiry times (only volatile
 * keys) and a scan index for SCAN/RANDOMKEY/sampling. Typed accessors raise
 * WRONGTYPE so command handlers never switch on value types.
 */
export class Database {
  private map = new Map<string, Entry>();
  private expires = new Map<string, number>();
  private index = new ScanIndex<Entry>();
  observer: KeyspaceObserver = NO_OBSERVER;
  /** Set by the dispatcher for CLIENT NO-TOUCH clients. */
  static noTouch = false;
  /** Set by the dispatcher while a read-only command runs: lookups count hits and misses. */
  static countStats = false;
  hits = 0;
  misses = 0;
  /** Cursor state for the active expiry cycle. */
  private expireCursor: Iterator<[string, number]> | null = null;

  constructor(public id: number) {}

  get size(): number {
    return this.map.size;
  }

  get volatileCount(): number {
    return this.expires.size;
  }

  /** The live entry for a key (expired keys are deleted on the way), touching its LRU clock. */
  lookup(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined || ((e.meta & F_EXPIRE) !== 0 && this.expireIfNeeded(e))) {
      if (Database.countStats) this.misses++;
      return undefined;
    }
    if (Database.countStats) this.hits++;
    if (!Database.noTouch) e.meta = (e.meta & ~LRU_MASK) | lru();
    return e;
  }

  /** The live entry without touching the LRU clock (TYPE-like introspection, OBJECT). */
  peek(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if ((e.meta & F_EXPIRE) !== 0 && this.expireIfNeeded(e)) return undefined;
    return e;
  }

  exists(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  get(key: string): Value | undefined {
    return this.lookup(key)?.value;
  }

  /**
   * A string value as a latin1 string, null when missing; WRONGTYPE for other
   * types. A value held as bytes (after in-place writes) is converted back once.
   */
  getString(key: string): string | null {
    const e = this.lookup(key);
    if (e === undefined) return null;
    const v = e.value;
    if (typeof v === 'string') return v;
    if (v instanceof DataObject) throw ERR.wrongType;
    const s = v.latin1Slice(0, v.length);
    e.value = s;
    return s;
  }

  /** A string value in whichever representation it has (read-only bit commands). */
  getStringOrBytes(key: string): string | Buffer | null {
    const e = this.lookup(key);
    if (e === undefined) return null;
    const v = e.value;
    if (v instanceof DataObject) throw ERR.wrongType;
    return v;
  }

  /**
   * A string value as a mutable Buffer for in-place writes (converted once and
   * kept as bytes), null when missing; WRONGTYPE for other types. After writing,
   * call `touchWritten(key)`; to grow the value, store a new Buffer with `set`.
   */
  getBytes(key: string): Buffer | null {
    const e = this.lookup(key);
    if (e === undefined) return null;
    const v = e.value;
    if (v instanceof DataObject) throw ERR.wrongType;
    if (typeof v !== 'string') return v;
    const b = Buffer.from(v, 'latin1');
    e.value = b;
    e.meta |= F_RAW;
    return b;
  }

  /** Record an in-place modification of a key's value (WATCH, dirty counters). */
  touchWritten(key: string): void {
    const e = this.map.get(key);
    if (e !== undefined) e.meta |= F_RAW;
    this.observer.modified(this, key);
  }

  /** An object of class `cls`, null when missing; WRONGTYPE for other types. */
  getObject<T extends DataObject>(key: string, cls: abstract new (...args: never[]) => T): T | null {
    const e = this.lookup(key);
    if (e === undefined) return null;
    const v = e.value;
    if (!(v instanceof cls)) throw ERR.wrongType;
    return v;
  }

  /**
   * Store a value. Without `keepTtl` any TTL is removed (SET semantics).
   * `raw` marks a string modified in place.
   */
  set(key: string, value: Value, keepTtl = false, raw = false): void {
    const e = this.map.get(key);
    const flag = raw ? F_RAW : 0;
    if (e === undefined) {
      this.insert(key, value, flag);
    } else {
      e.value = value;
      let meta = (e.meta & ~(LRU_MASK | F_RAW)) | lru() | flag;
      if (!keepTtl && (meta & F_EXPIRE) !== 0) {
        this.expires.delete(key);
        meta &= ~F_EXPIRE;
      }
      e.meta = meta;
    }
    this.observer.modified(this, key);
  }

  /** Add a key known to be absent (after a lookup returned undefined). */
  add(key: string, value: Value, raw = false): void {
    this.insert(key, value, raw ? F_RAW : 0);
    this.observer.modified(this, key);
  }

  private insert(key: string, value: Value, flags: number): Entry {
    const e = new Entry(key, value, lru() | flags, randomTag());
    this.map.set(key, e);
    this.index.add(e);
    return e;
  }

  /** Delete a key; true if it existed (expired keys count as absent). */
  delete(key: string): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    if ((e.meta & F_EXPIRE) !== 0 && this.expireIfNeeded(e)) return false;
    this.remove(e);
    this.observer.modified(this, key);
    return true;
  }

  private remove(e: Entry): void {
    this.map.delete(e.key);
    this.index.remove(e);
    if ((e.meta & F_EXPIRE) !== 0) this.expires.delete(e.key);
  }

  /** Absolute expiry in ms, or -1 for a persistent key. The key must exist. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  /** Set an absolute expiry (ms) on an existing key. */
  setExpire(key: string, when: number): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    e.meta |= F_EXPIRE;
    this.expires.set(key, when);
  }

  /** Remove a TTL; true if there was one. */
  persist(key: string): boolean {
    const e = this.map.get(key);
    if (e === undefined || (e.meta & F_EXPIRE) === 0) return false;
    e.meta &= ~F_EXPIRE;
    this.expires.delete(key);
    return true;
  }

  /** Rename `from` to `to` (which is overwritten), keeping the TTL. `from` must exist. */
  rename(from: string, to: string): void {
    const e = this.map.get(from) as Entry;
    const when = this.expires.get(from);
    if (to !== from) {
      const target = this.map.get(to);
      if (target !== undefined) this.remove(target);
    }
    this.remove(e);
    const moved = this.insert(to, e.value, e.meta & F_RAW);
    moved.meta = (moved.meta & ~LRU_MASK) | (e.meta & LRU_MASK);
    if (when !== undefined) this.setExpire(to, when);
    this.observer.modified(this, from);
    this.observer.modified(this, to);
  }

  /** True when the entry was expired (and is now deleted). */
  private expireIfNeeded(e: Entry): boolean {
    const when = this.expires.get(e.key);
    if (when === undefined || when > now()) return false;
    this.remove(e);
    this.observer.expired(this, e.key);
    this.observer.modified(this, e.key);
    return true;
  }

  /** A random live key, or null when the database is empty. */
  randomKey(): string | null {
    // Bounded like Redis: when every sampled key is expired, give up on deleting more.
    for (let tries = 0; tries < 100; tries++) {
      const e = this.index.random();
      if (e === null) return null;
      if ((e.meta & F_EXPIRE) === 0 || !this.expireIfNeeded(e)) return e.key;
    }
    const e = this.index.random();
    return e === null ? null : e.key;
  }

  /**
   * One SCAN step: push the entries of the bucket at `cursor` and return the next
   * cursor (0 when done). Expired keys are skipped (and deleted).
   */
  scan(cursor: number, out: Entry[]): number {
    const found: Entry[] = [];
    const next = this.index.scanStep(cursor, found);
    for (const e of found) {
      if ((e.meta & F_EXPIRE) !== 0 && this.expireIfNeeded(e)) continue;
      out.push(e);
    }
    return next;
  }

  /** Iterate over all live keys (KEYS, FLUSH, SWAPDB...). Expired keys are skipped, not deleted. */
  *keys(): IterableIterator<string> {
    const t = now();
    for (const [key, e] of this.map) {
      if ((e.meta & F_EXPIRE) !== 0 && (this.expires.get(key) as number) <= t) continue;
      yield key;
    }
  }

  /** Every entry, including expired ones not yet reclaimed (persistence, DEBUG). */
  entries(): IterableIterator<Entry> {
    return this.map.values();
  }

  /** Delete everything; returns the number of keys removed. */
  clear(): number {
    const n = this.map.size;
    for (const key of this.map.keys()) this.observer.modified(this, key);
    this.map = new Map();
    this.expires = new Map();
    this.index = new ScanIndex();
    this.expireCursor = null;
    return n;
  }

  /** SWAPDB: exchange contents with another database (clients keep their db index). */
  swapWith(other: Database): void {
    const { map, expires, index } = this;
    this.map = other.map;
    this.expires = other.expires;
    this.index = other.index;
    other.map = map;
    other.expires = expires;
    other.index = index;
    this.expireCursor = null;
    other.expireCursor = null;
  }

  /**
   * Active expiry: look at up to `budget` volatile keys from where the previous
   * cycle stopped and delete the expired ones, so memory is reclaimed without
   * access. Returns [checked, expired].
   */
  activeExpire(budget: number): [number, number] {
    if (this.expires.size === 0) return [0, 0];
    const t = now();
    let checked = 0;
    let expired = 0;
    let it = this.expireCursor ?? this.expires.entries();
    const due: string[] = [];
    while (checked < budget) {
      const r = it.next();
      if (r.done) {
        it = this.expires.entries();
        if (checked >= this.expires.size) break;
        continue;
      }
      checked++;
      if (r.value[1] <= t) due.push(r.value[0]);
    }
    this.expireCursor = it;
    for (const key of due) {
      const e = this.map.get(key);
      if (e !== undefined && this.expireIfNeeded(e)) expired++;
    }
    return [checked, expired];
  }
}

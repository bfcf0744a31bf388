import { ERR } from '../commands/errors.js';
import { lru, now } from '../util/clock.js';
import { randomInt } from '../util/random.js';
import { DataObject, type Value } from './value.js';

/** meta layout per slot: bits 0-23 LRU clock (or LFU data), bits 24+ flags. */
const LRU_MASK = 0xffffff;
export const F_EXPIRE = 1 << 24;
/** A string modified in place (APPEND, SETRANGE...): OBJECT ENCODING says "raw". */
export const F_RAW = 1 << 25;

/** A slot index into the keyspace arrays; NONE when a key is absent. */
export type Slot = number;
export const NONE: Slot = -1;

/** What the server does when the keyspace changes on its own (expiry) or by a write. */
export interface KeyspaceObserver {
  /** A key was removed because its TTL passed (lazily or by the active cycle). */
  expired(db: Database, key: string): void;
  /** A key was written, deleted or expired (WATCH, client-side caching). */
  modified(db: Database, key: string): void;
}

const NO_OBSERVER: KeyspaceObserver = { expired() {}, modified() {} };

/**
 * One logical database, stored as parallel arrays indexed by slot: keys, values
 * and a meta word (LRU clock + flags), with a Map from key to slot. No object per
 * key: a key costs its Map entry, three array cells and its strings. Freed slots
 * are reused. Expiry times live in a second Map holding only volatile keys.
 *
 * Slots never move while a key lives, which gives SCAN its guarantee (a key
 * present for the whole scan is returned at least once, however the keyspace
 * grows) with a cursor that is simply the next slot to visit, and gives O(1)
 * random sampling (RANDOMKEY, eviction).
 *
 * Typed accessors raise WRONGTYPE so command handlers never switch on value types.
 */
export class Database {
  private index = new Map<string, Slot>();
  private keyAt: (string | undefined)[] = [];
  private valueAt: (Value | undefined)[] = [];
  private metaAt = new Int32Array(16);
  private free: Slot[] = [];
  private expires = new Map<string, number>();
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
    return this.index.size;
  }

  get volatileCount(): number {
    return this.expires.size;
  }

  // ---- lookups ----

  /** The slot of a live key (expired keys are deleted on the way), touching its LRU clock; NONE when absent. */
  lookup(key: string): Slot {
    const slot = this.index.get(key);
    if (
      slot === undefined ||
      (((this.metaAt[slot] as number) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot))
    ) {
      if (Database.countStats) this.misses++;
      return NONE;
    }
    if (Database.countStats) this.hits++;
    if (!Database.noTouch) this.metaAt[slot] = ((this.metaAt[slot] as number) & ~LRU_MASK) | lru();
    return slot;
  }

  /** The slot of a live key without touching its LRU clock or statistics (OBJECT, TYPE-like introspection). */
  peek(key: string): Slot {
    const slot = this.index.get(key);
    if (slot === undefined) return NONE;
    if (((this.metaAt[slot] as number) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot)) return NONE;
    return slot;
  }

  value(slot: Slot): Value {
    return this.valueAt[slot] as Value;
  }

  /** The LRU clock stamp (seconds, 24 bits) of a slot. */
  lruOf(slot: Slot): number {
    return (this.metaAt[slot] as number) & LRU_MASK;
  }

  /** True when the string at `slot` was modified in place (OBJECT ENCODING "raw"). */
  isRaw(slot: Slot): boolean {
    return ((this.metaAt[slot] as number) & F_RAW) !== 0;
  }

  exists(key: string): boolean {
    return this.lookup(key) !== NONE;
  }

  get(key: string): Value | undefined {
    const slot = this.lookup(key);
    return slot === NONE ? undefined : (this.valueAt[slot] as Value);
  }

  /**
   * A string value as a latin1 string, null when missing; WRONGTYPE for other
   * types. A value held as bytes (after in-place writes) is converted back once.
   */
  getString(key: string): string | null {
    const slot = this.lookup(key);
    if (slot === NONE) return null;
    const v = this.valueAt[slot] as Value;
    if (typeof v === 'string') return v;
    if (v instanceof DataObject) throw ERR.wrongType;
    const s = v.latin1Slice(0, v.length);
    this.valueAt[slot] = s;
    return s;
  }

  /** A string value in whichever representation it has (read-only bit commands). */
  getStringOrBytes(key: string): string | Buffer | null {
    const slot = this.lookup(key);
    if (slot === NONE) return null;
    const v = this.valueAt[slot] as Value;
    if (v instanceof DataObject) throw ERR.wrongType;
    return v;
  }

  /**
   * A string value as a mutable Buffer for in-place writes (converted once and
   * kept as bytes), null when missing; WRONGTYPE for other types. After writing,
   * call `touchWritten(key)`; to grow the value, store a new Buffer with `set`.
   */
  getBytes(key: string): Buffer | null {
    const slot = this.lookup(key);
    if (slot === NONE) return null;
    const v = this.valueAt[slot] as Value;
    if (v instanceof DataObject) throw ERR.wrongType;
    if (typeof v !== 'string') return v;
    const b = Buffer.from(v, 'latin1');
    this.valueAt[slot] = b;
    this.metaAt[slot] = (this.metaAt[slot] as number) | F_RAW;
    return b;
  }

  /** An object of class `cls`, null when missing; WRONGTYPE for other types. */
  getObject<T extends DataObject>(key: string, cls: abstract new (...args: never[]) => T): T | null {
    const slot = this.lookup(key);
    if (slot === NONE) return null;
    const v = this.valueAt[slot];
    if (!(v instanceof cls)) throw ERR.wrongType;
    return v;
  }

  // ---- writes ----

  /**
   * Store a value. Without `keepTtl` any TTL is removed (SET semantics).
   * `raw` marks a string modified in place.
   */
  set(key: string, value: Value, keepTtl = false, raw = false): void {
    const slot = this.index.get(key);
    const flag = raw ? F_RAW : 0;
    if (slot === undefined) {
      this.insert(key, value, flag);
    } else {
      this.valueAt[slot] = value;
      let meta = ((this.metaAt[slot] as number) & ~(LRU_MASK | F_RAW)) | lru() | flag;
      if (!keepTtl && (meta & F_EXPIRE) !== 0) {
        this.expires.delete(key);
        meta &= ~F_EXPIRE;
      }
      this.metaAt[slot] = meta;
    }
    this.observer.modified(this, key);
  }

  /** Add a key known to be absent (after a lookup returned NONE). */
  add(key: string, value: Value, raw = false): void {
    this.insert(key, value, raw ? F_RAW : 0);
    this.observer.modified(this, key);
  }

  /** Record an in-place modification of a key's value (WATCH, dirty counters). */
  touchWritten(key: string): void {
    const slot = this.index.get(key);
    if (slot !== undefined) this.metaAt[slot] = (this.metaAt[slot] as number) | F_RAW;
    this.observer.modified(this, key);
  }

  private insert(key: string, value: Value, flags: number): Slot {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.keyAt.length;
      this.keyAt.push(key);
      this.valueAt.push(value);
      if (slot >= this.metaAt.length) {
        const grown = new Int32Array(this.metaAt.length * 2);
        grown.set(this.metaAt);
        this.metaAt = grown;
      }
    } else {
      this.keyAt[slot] = key;
      this.valueAt[slot] = value;
    }
    this.metaAt[slot] = lru() | flags;
    this.index.set(key, slot);
    return slot;
  }

  /** Delete a key; true if it existed (expired keys count as absent). */
  delete(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    if (((this.metaAt[slot] as number) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot)) return false;
    this.remove(key, slot);
    this.observer.modified(this, key);
    return true;
  }

  private remove(key: string, slot: Slot): void {
    this.index.delete(key);
    if (((this.metaAt[slot] as number) & F_EXPIRE) !== 0) this.expires.delete(key);
    this.keyAt[slot] = undefined;
    this.valueAt[slot] = undefined;
    this.metaAt[slot] = 0;
    if (this.index.size === 0) this.reset();
    else this.free.push(slot);
  }

  private reset(): void {
    this.index = new Map();
    this.keyAt = [];
    this.valueAt = [];
    this.metaAt = new Int32Array(16);
    this.free = [];
    this.expires = new Map();
    this.expireCursor = null;
  }

  // ---- expiry ----

  /** Absolute expiry in ms, or -1 for a persistent key. The key must exist. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  /** Set an absolute expiry (ms) on an existing key. */
  setExpire(key: string, when: number): void {
    const slot = this.index.get(key);
    if (slot === undefined) return;
    this.metaAt[slot] = (this.metaAt[slot] as number) | F_EXPIRE;
    this.expires.set(key, when);
  }

  /** Remove a TTL; true if there was one. */
  persist(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined || ((this.metaAt[slot] as number) & F_EXPIRE) === 0) return false;
    this.metaAt[slot] = (this.metaAt[slot] as number) & ~F_EXPIRE;
    this.expires.delete(key);
    return true;
  }

  /** Rename `from` to `to` (which is overwritten), keeping the TTL and LRU. `from` must exist. */
  rename(from: string, to: string): void {
    const slot = this.index.get(from) as Slot;
    const value = this.valueAt[slot] as Value;
    const meta = this.metaAt[slot] as number;
    const when = this.expires.get(from);
    if (to !== from) {
      const target = this.index.get(to);
      if (target !== undefined) this.remove(to, target);
    }
    this.remove(from, slot);
    const moved = this.insert(to, value, meta & F_RAW);
    this.metaAt[moved] = ((this.metaAt[moved] as number) & ~LRU_MASK) | (meta & LRU_MASK);
    if (when !== undefined) this.setExpire(to, when);
    this.observer.modified(this, from);
    this.observer.modified(this, to);
  }

  /** True when the key was expired (and is now deleted). */
  private expireIfNeeded(key: string, slot: Slot): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > now()) return false;
    this.remove(key, slot);
    this.observer.expired(this, key);
    this.observer.modified(this, key);
    return true;
  }

  // ---- iteration and sampling ----

  /** A random live key, or null when the database is empty. */
  randomKey(): string | null {
    // Bounded like Redis: if every sampled key is expired, give up deleting them.
    for (let tries = 0; tries < 100; tries++) {
      const slot = this.randomSlot();
      if (slot === NONE) return null;
      const key = this.keyAt[slot] as string;
      if (((this.metaAt[slot] as number) & F_EXPIRE) === 0 || !this.expireIfNeeded(key, slot)) return key;
    }
    const slot = this.randomSlot();
    return slot === NONE ? null : (this.keyAt[slot] as string);
  }

  /** A uniformly random occupied slot, or NONE when empty. */
  randomSlot(): Slot {
    const n = this.keyAt.length;
    if (this.index.size === 0) return NONE;
    for (let tries = 0; tries < 64; tries++) {
      const slot = randomInt(n);
      if (this.keyAt[slot] !== undefined) return slot;
    }
    // Sparse after mass deletion: walk from a random start.
    const start = randomInt(n);
    for (let k = 0; k < n; k++) {
      const slot = (start + k) % n;
      if (this.keyAt[slot] !== undefined) return slot;
    }
    return NONE;
  }

  /** The key stored at a slot (sampling, persistence). */
  keyOf(slot: Slot): string | undefined {
    return this.keyAt[slot];
  }

  /**
   * One SCAN step from `cursor` (0 = start): push up to `count` live keys and
   * return the next cursor (0 when done). At most 10*count slots are examined,
   * as Redis bounds one step. Expired keys are skipped (and deleted).
   */
  scan(cursor: number, count: number, out: string[]): number {
    const n = this.keyAt.length;
    let slot = cursor;
    const maxSlots = Math.max(1, count) * 10;
    let examined = 0;
    let found = 0;
    while (slot < n && found < count && examined < maxSlots) {
      const key = this.keyAt[slot];
      if (key !== undefined) {
        const expired = ((this.metaAt[slot] as number) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot);
        if (!expired) {
          out.push(key);
          found++;
        }
      }
      slot++;
      examined++;
    }
    return slot >= this.keyAt.length ? 0 : slot;
  }

  /** Iterate over all live keys (KEYS, FLUSH...). Expired keys are skipped, not deleted. */
  *keys(): IterableIterator<string> {
    const t = now();
    for (const [key, slot] of this.index) {
      if (((this.metaAt[slot] as number) & F_EXPIRE) !== 0 && (this.expires.get(key) as number) <= t)
        continue;
      yield key;
    }
  }

  /** Every [key, value] pair, including expired ones not yet reclaimed (persistence, DEBUG). */
  *entries(): IterableIterator<[string, Value]> {
    for (const [key, slot] of this.index) yield [key, this.valueAt[slot] as Value];
  }

  /** Delete everything; returns the number of keys removed. */
  clear(): number {
    const n = this.index.size;
    for (const key of this.index.keys()) this.observer.modified(this, key);
    this.reset();
    return n;
  }

  /** SWAPDB: exchange contents with another database (clients keep their db index). */
  swapWith(other: Database): void {
    const { index, keyAt, valueAt, metaAt, free, expires } = this;
    this.index = other.index;
    this.keyAt = other.keyAt;
    this.valueAt = other.valueAt;
    this.metaAt = other.metaAt;
    this.free = other.free;
    this.expires = other.expires;
    other.index = index;
    other.keyAt = keyAt;
    other.valueAt = valueAt;
    other.metaAt = metaAt;
    other.free = free;
    other.expires = expires;
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
    let expired = 0;
    for (const key of due) {
      const slot = this.index.get(key);
      if (slot !== undefined && this.expireIfNeeded(key, slot)) expired++;
    }
    return [checked, expired];
  }
}

import { constants } from 'node:buffer';
import { ERR } from '../commands/errors.js';
import { idleSeconds, lru, now } from '../util/clock.js';
import { randomInt } from '../util/random.js';
import { ARENA_MAX, ByteArena, chunkSize } from './arena.js';
import { KeyIndex } from './key-index.js';
import { type LfuSettings, lfuInit, lfuTouch } from './lfu.js';
import {
  accountedBytes,
  HEAP_NUMBER,
  MAP_ENTRY,
  MEMCACHE_BYTES,
  PUSHED_SLOT,
  stringBytes,
} from './memory.js';
import { DataObject, type Value } from './value.js';

/** meta layout per slot: bits 0-23 LRU clock (or LFU data), bits 24+ flags. */
const LRU_MASK = 0xffffff;
export const F_EXPIRE = 1 << 24;
/** A string modified in place (APPEND, SETRANGE...): OBJECT ENCODING says "raw". */
export const F_RAW = 1 << 25;
/**
 * A small integer string held as a private object where Redis would share one
 * (COPY duplicates the value): OBJECT REFCOUNT says 1 rather than INT_MAX.
 */
export const F_UNSHARED = 1 << 26;
/**
 * A string Redis creates without tryObjectEncoding (INCRBYFLOAT's result):
 * OBJECT ENCODING says "embstr" (or "raw" past 44 bytes), never "int".
 */
export const F_EMBSTR = 1 << 28;

/** An absolute expiry in ms: a bigint only beyond 2^53, so PEXPIREAT up to LLONG_MAX is kept exactly. */
export type ExpireTime = number | bigint;

/** A slot index into the keyspace arrays; NONE when a key is absent. */
export type Slot = number;
export const NONE: Slot = -1;

/** What the server does when the keyspace changes on its own (expiry) or by a write. */
export interface KeyspaceObserver {
  /** A key was removed because its TTL passed (lazily or by the active cycle). */
  expired(db: Database, key: string): void;
  /** A key was written, deleted or expired (WATCH, blocked clients, client-side caching). */
  modified(db: Database, key: string): void;
  /**
   * SWAPDB is about to exchange the contents of `db` and `other` (called once,
   * before the swap): WATCH's whole-database rules, and blocked clients whose
   * keys appear.
   */
  swapping?(db: Database, other: Database): void;
  /**
   * `clear` is about to drop every key of `db` (FLUSHDB, FLUSHALL): a snapshot
   * in progress takes the contents over with `detachContents` first.
   */
  clearing?(db: Database): void;
  /** A key was added (Redis's dbAdd: keyspace event "new"). */
  created?(db: Database, key: string): void;
  /** A lookup counted as a keyspace miss (keyspace event "keymiss"). */
  missed?(db: Database, key: string): void;
}

const NO_OBSERVER: KeyspaceObserver = { expired() {}, modified() {} };

/** The string's bytes are in the arena (record fields LEN and H8). */
const F_ARENA = 1 << 27;
/** Per-slot record in one Int32Array, 16 bytes (one cache line holds four): */
const STRIDE = 4;
/** meta word: LRU clock + flags. */
const META = 0;
/** string length in bytes. */
const LEN = 1;
/** arena handle / 8, as an unsigned 32-bit value. */
const H8 = 2;
/** An object value's accounted bytes / 8, unsigned (see accountObject). */
const OBJ8 = 3;
/** Slot cell contents when not in the arena: a standalone Buffer (big string) or an object. */
type Cell = Buffer | DataObject;

/**
 * One logical database: a Map from key to slot, and per slot a 16-byte record
 * (meta word, length, arena handle) in one Int32Array, so a lookup touches the
 * Map, one record and the value's bytes; no JS object per key. String values
 * live off the V8 heap: up to 64 KiB in the database's byte arena (see
 * arena.ts), bigger ones in a standalone Buffer with room to grow (APPEND stays
 * amortised O(1)). Writing a string therefore creates no long-lived garbage and
 * the garbage collector only sees keys and non-string values. Freed slots are
 * reused. Expiry times live in a second Map holding only volatile keys.
 *
 * Slots never move while a key lives, which gives SCAN its guarantee (a key
 * present for the whole scan is returned at least once, however the keyspace
 * grows) with a cursor that is simply the next slot to visit, and gives O(1)
 * random sampling (RANDOMKEY, eviction).
 *
 * Typed accessors raise WRONGTYPE so command handlers never switch on value types.
 */
export class Database {
  private keyAt: (string | undefined)[] = [];
  private index = new KeyIndex(this.keyAt);
  /** Values not in the arena: big strings (Buffer with spare capacity) and objects. */
  private cellAt: (Cell | undefined)[] = [];
  private rec = new Int32Array(16 * STRIDE);
  private free: Slot[] = [];
  private expires = new Map<string, ExpireTime>();
  private arena = new ByteArena();
  private bigBytes = 0;
  /** Accounted bytes of the object values (the sum of their OBJ8 fields * 8). */
  private objectBytes = 0;
  /** Heap bytes of the key strings. */
  private keyBytes = 0;
  observer: KeyspaceObserver = NO_OBSERVER;
  /** Set by the dispatcher for CLIENT NO-TOUCH clients. */
  static noTouch = false;
  /**
   * The server's LFU settings while an LFU maxmemory-policy is set (the clock
   * bits then hold LFU data, see lfu.ts); null under any other policy.
   */
  lfu: LfuSettings | null = null;
  /** Set by the dispatcher while a read-only command runs: lookups count hits and misses. */
  static countStats = false;
  /** Loading the AOF: nothing expires (as Redis's keyIsExpired while loading), so commands replay as they ran. */
  static loading = false;
  hits = 0;
  misses = 0;
  /** The slot the last lookup found or the last insert used (accountObject's shortcut; checked by key). */
  private lastSlot: Slot = 0;
  /** Cursor of volatile-key sampling when TTLs are sparse (sampleSlots). */
  private sampleCursor: Iterator<string> | null = null;
  /** Cursor state for the active expiry cycle. */
  private expireCursor: Iterator<[string, ExpireTime]> | null = null;

  constructor(public id: number) {}

  get size(): number {
    return this.index.size;
  }

  get volatileCount(): number {
    return this.expires.size;
  }

  /** Bytes held by string values (arena chunks and big-string buffers). */
  get stringBytes(): number {
    return this.arena.used + this.bigBytes;
  }

  /**
   * What the database costs (used_memory_dataset and the per-db overhead of
   * MEMORY STATS): keys, slot records, the index, TTLs, string bytes and the
   * accounted object values. Kept up to date by every write, read in O(1).
   */
  get memoryBytes(): number {
    return this.overheadBytes + this.keyBytes + this.stringBytes + this.objectBytes;
  }

  /**
   * The keyspace's own structures (Redis's dict overhead): per-slot records and
   * arrays, the index, the TTL map. Key strings count in the dataset, as Redis's sds keys.
   */
  get overheadBytes(): number {
    return (
      this.rec.byteLength +
      this.index.byteLength +
      (this.keyAt.length * 2 + this.free.length) * PUSHED_SLOT +
      this.expiresOverheadBytes
    );
  }

  /** The TTL map's share of overheadBytes (MEMORY STATS overhead.hashtable.expires). */
  get expiresOverheadBytes(): number {
    return this.expires.size * (MAP_ENTRY + HEAP_NUMBER);
  }

  /** Accounted bytes of the value at a slot (MEMORY USAGE, eviction): exact for strings. */
  valueBytesAt(slot: Slot, samples: number): number {
    const cell = this.cellAt[slot];
    if (cell instanceof DataObject) return cell.memoryUsage(samples) + MEMCACHE_BYTES;
    if ((this.meta(slot) & F_ARENA) !== 0) return chunkSize(this.len(slot));
    return cell instanceof Buffer ? cell.length : 0;
  }

  /**
   * What the write path accounted for the object values, next to a fresh full
   * estimate of each (every element read): tests check the two agree, i.e. that
   * no write left a collection's size stale (a handler that forgot `touched()`).
   */
  objectAccounting(): { tracked: number; fresh: number } {
    let fresh = 0;
    for (const cell of this.cellAt)
      if (cell instanceof DataObject) fresh += cell.memoryUsage(0) + MEMCACHE_BYTES;
    return { tracked: this.objectBytes, fresh };
  }

  /**
   * A collection value changed in place: bring its accounted size up to date
   * (amortised O(1), see accountedBytes). Strings are accounted as they are stored.
   */
  accountObject(key: string): void {
    // Usually the key the command just looked up or added: no second index lookup.
    let slot = this.lastSlot;
    if (this.keyAt[slot] !== key) {
      const found = this.index.get(key);
      if (found === undefined) return;
      slot = found;
    }
    const cell = this.cellAt[slot];
    if (!(cell instanceof DataObject)) return;
    const i = slot * STRIDE + OBJ8;
    const units = Math.ceil(accountedBytes(cell) / 8);
    this.objectBytes += (units - ((this.rec[i] as number) >>> 0)) * 8;
    this.rec[i] = units;
  }

  private meta(slot: Slot): number {
    return this.rec[slot * STRIDE + META] as number;
  }

  private setMeta(slot: Slot, v: number): void {
    this.rec[slot * STRIDE + META] = v;
  }

  private len(slot: Slot): number {
    return this.rec[slot * STRIDE + LEN] as number;
  }

  private handle(slot: Slot): number {
    return ((this.rec[slot * STRIDE + H8] as number) >>> 0) * 8;
  }

  // ---- lookups ----

  /** The slot of a live key (expired keys are deleted on the way), touching its LRU clock; NONE when absent. */
  lookup(key: string): Slot {
    const slot = this.index.get(key);
    if (slot === undefined) {
      if (Database.countStats) this.miss(key);
      return NONE;
    }
    const i = slot * STRIDE;
    const meta = this.rec[i] as number;
    if ((meta & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot)) {
      if (Database.countStats) this.miss(key);
      return NONE;
    }
    if (Database.countStats) this.hits++;
    this.lastSlot = slot;
    if (!Database.noTouch)
      this.rec[i] = (meta & ~LRU_MASK) | (this.lfu !== null ? lfuTouch(meta & LRU_MASK, this.lfu) : lru());
    return slot;
  }

  private miss(key: string): void {
    this.misses++;
    this.observer.missed?.(this, key);
  }

  /** The slot of a live key without touching its LRU clock or statistics (OBJECT, TYPE-like introspection). */
  peek(key: string): Slot {
    const slot = this.index.get(key);
    if (slot === undefined) return NONE;
    if ((this.meta(slot) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot)) return NONE;
    return slot;
  }

  /** The value at a slot; strings come back as a fresh copy (see readValue). */
  value(slot: Slot): Value {
    const cell = this.cellAt[slot];
    if (cell instanceof DataObject) return cell;
    return this.readValue(slot);
  }

  /**
   * The value at a slot for serializing (RDB, DUMP): objects as they are,
   * strings as a view of their stored bytes, not a copy. The view is valid only
   * until the next write to the keyspace.
   */
  valueView(slot: Slot): Value {
    const cell = this.cellAt[slot];
    if (cell instanceof DataObject) return cell;
    return this.viewOf(slot);
  }

  /** True when the value at `slot` is a string. */
  isStringAt(slot: Slot): boolean {
    return !(this.cellAt[slot] instanceof DataObject);
  }

  /** Length in bytes of the string at `slot` (STRLEN without copying). */
  stringLengthAt(slot: Slot): number {
    return this.len(slot);
  }

  /** The LRU clock stamp (seconds, 24 bits) of a slot. */
  lruOf(slot: Slot): number {
    return this.meta(slot) & LRU_MASK;
  }

  /** Set the LRU stamp (or LFU data) of a slot: RESTORE IDLETIME/FREQ, RDB loading. */
  setLruOf(slot: Slot, stamp: number): void {
    this.setMeta(slot, (this.meta(slot) & ~LRU_MASK) | (stamp & LRU_MASK));
  }

  /** True when the string at `slot` was modified in place (OBJECT ENCODING "raw"). */
  isRaw(slot: Slot): boolean {
    return (this.meta(slot) & F_RAW) !== 0;
  }

  /** True when the value at `slot` is a private copy that Redis would not share (OBJECT REFCOUNT). */
  isUnshared(slot: Slot): boolean {
    return (this.meta(slot) & F_UNSHARED) !== 0;
  }

  /** Mark the value at `slot` as a private copy (COPY, MOVE of a copy). */
  markUnshared(slot: Slot): void {
    this.setMeta(slot, this.meta(slot) | F_UNSHARED);
  }

  /** True when the string at `slot` is never integer-encoded (see F_EMBSTR). */
  isEmbstr(slot: Slot): boolean {
    return (this.meta(slot) & F_EMBSTR) !== 0;
  }

  /** Mark the string at `slot` as stored without tryObjectEncoding (INCRBYFLOAT, copies of it). */
  markEmbstr(slot: Slot): void {
    this.setMeta(slot, this.meta(slot) | F_EMBSTR);
  }

  exists(key: string): boolean {
    return this.lookup(key) !== NONE;
  }

  /** The key is stored, even if its TTL passed (Redis's dictFind on the main dict); no expiry, no stats. */
  contains(key: string): boolean {
    return this.index.get(key) !== undefined;
  }

  /** The key is stored but its TTL passed (Redis's keyIsExpired); nothing is deleted. */
  keyIsExpired(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined || (this.meta(slot) & F_EXPIRE) === 0) return false;
    return !Database.loading && (this.expires.get(key) as ExpireTime) < now();
  }

  get(key: string): Value | undefined {
    const slot = this.lookup(key);
    return slot === NONE ? undefined : this.value(slot);
  }

  /**
   * `lookup` that counts a keyspace hit or miss even inside a write command, as
   * Redis's lookupKeyRead does for the read half of GETDEL, GETEX, GETSET,
   * SET ... GET and a BITFIELD that only reads.
   */
  lookupRead(key: string): Slot {
    const counting = Database.countStats;
    Database.countStats = true;
    const slot = this.lookup(key);
    Database.countStats = counting;
    return slot;
  }

  /**
   * A string value as a fresh copy (see readValue), null when missing; WRONGTYPE
   * for other types. `read` counts the lookup as a keyspace hit/miss (see lookupRead).
   */
  getString(key: string, read = false): string | Buffer | null {
    const slot = read ? this.lookupRead(key) : this.lookup(key);
    if (slot === NONE) return null;
    if ((this.meta(slot) & F_ARENA) === 0 && this.cellAt[slot] instanceof DataObject) throw ERR.wrongType;
    return this.readValue(slot);
  }

  /**
   * The string at a slot as a latin1 string, or as a Buffer copy when it is
   * longer than V8's longest string: a value may reach proto-max-bulk-len (512 MB).
   */
  private readValue(slot: Slot): string | Buffer {
    if (this.len(slot) > constants.MAX_STRING_LENGTH) return Buffer.from(this.viewOf(slot));
    return this.readString(slot);
  }

  /** The string at a slot as a latin1 string. */
  private readString(slot: Slot): string {
    const len = this.len(slot);
    if ((this.meta(slot) & F_ARENA) !== 0) return len === 0 ? '' : this.arena.read(this.handle(slot), len);
    return (this.cellAt[slot] as Buffer).latin1Slice(0, len);
  }

  /** A view of the string bytes at a slot. */
  private viewOf(slot: Slot): Buffer {
    const len = this.len(slot);
    if ((this.meta(slot) & F_ARENA) !== 0)
      return len === 0 ? Buffer.alloc(0) : this.arena.view(this.handle(slot), len);
    return (this.cellAt[slot] as Buffer).subarray(0, len);
  }

  private checkString(slot: Slot): void {
    if ((this.meta(slot) & F_ARENA) === 0 && this.cellAt[slot] instanceof DataObject) throw ERR.wrongType;
  }

  /**
   * A string value's bytes as a Buffer view, null when missing; WRONGTYPE for
   * other types. The view is valid only until the next write to the keyspace:
   * a lookup may delete an expired key, but that frees only that key's own
   * storage, so several views of live keys may be held at once (BITOP), and
   * within one command time is frozen so a live key cannot expire between reads.
   */
  getStringOrBytes(key: string, read = false): string | Buffer | null {
    const slot = read ? this.lookupRead(key) : this.lookup(key);
    if (slot === NONE) return null;
    this.checkString(slot);
    return this.viewOf(slot);
  }

  /**
   * A string value as a mutable Buffer view for in-place writes (SETBIT,
   * SETRANGE, BITFIELD), null when missing; WRONGTYPE for other types. Call
   * `touchWritten(key)` after writing. To change the length, `set` a new value
   * or use `writableBytes`. The view is valid only until the next write to the
   * keyspace.
   */
  getBytes(key: string): Buffer | null {
    const slot = this.lookup(key);
    if (slot === NONE) return null;
    this.checkString(slot);
    this.setMeta(slot, this.meta(slot) | F_RAW);
    return this.viewOf(slot);
  }

  /**
   * A mutable view of a string value at least `minLength` bytes long: the key is
   * created zero-filled when missing and zero-padded when shorter (Redis's
   * lookupStringForBitCommand, SETRANGE). Returns [view, created or grown].
   * WRONGTYPE for other types. Call `touchWritten(key)` after writing; the view
   * is valid only until the next write to the keyspace.
   */
  writableBytes(key: string, minLength: number): [Buffer, boolean] {
    let slot = this.lookup(key);
    if (slot === NONE) {
      slot = this.insert(key, Buffer.alloc(minLength), F_RAW);
      this.observer.modified(this, key);
      return [this.viewOf(slot), true];
    }
    this.checkString(slot);
    this.setMeta(slot, this.meta(slot) | F_RAW);
    if (this.len(slot) >= minLength) return [this.viewOf(slot), false];
    const grown = Buffer.alloc(minLength);
    this.viewOf(slot).copy(grown, 0);
    this.store(slot, grown);
    return [this.viewOf(slot), true];
  }

  /** An object of class `cls`, null when missing; WRONGTYPE for other types. */
  getObject<T extends DataObject>(key: string, cls: abstract new (...args: never[]) => T): T | null {
    const slot = this.lookup(key);
    if (slot === NONE) return null;
    const v = this.cellAt[slot];
    if (!(v instanceof cls)) throw ERR.wrongType;
    return v;
  }

  // ---- writes ----

  /**
   * Store a value. Without `keepTtl` any TTL is removed (SET semantics).
   * `raw` marks a string modified in place. String bytes are copied.
   */
  set(key: string, value: Value, keepTtl = false, raw = false): void {
    const slot = this.index.get(key);
    // A key whose TTL passed is gone first (expired, then added anew), as Redis's setKey looks it up.
    if (slot === undefined || ((this.meta(slot) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot))) {
      this.insert(key, value, raw ? F_RAW : 0);
      this.observer.modified(this, key);
    } else {
      // Redis's setKey looks the key up for writing first: under LFU that is an access.
      if (this.lfu !== null && !Database.noTouch) {
        const meta = this.meta(slot);
        this.setMeta(slot, (meta & ~LRU_MASK) | lfuTouch(meta & LRU_MASK, this.lfu));
      }
      this.setAt(slot, value, keepTtl, raw);
    }
  }

  /**
   * Replace the value of the live key at `slot`, found by a lookup in this same
   * command (saves a second index lookup in read-modify-write commands).
   */
  setAt(slot: Slot, value: Value, keepTtl = false, raw = false): void {
    const key = this.keyAt[slot] as string;
    let meta = this.store(slot, value);
    // A new value: a fresh LRU stamp; under LFU the key keeps its counter (Redis's dbSetValue).
    meta = (meta & ~(LRU_MASK | F_RAW | F_UNSHARED | F_EMBSTR)) | this.freshClock(meta) | (raw ? F_RAW : 0);
    if (!keepTtl && (meta & F_EXPIRE) !== 0) {
      this.expires.delete(key);
      meta &= ~F_EXPIRE;
    }
    this.setMeta(slot, meta);
    this.observer.modified(this, key);
  }

  /** The string at a live slot as a fresh copy (see readValue); WRONGTYPE for other types. */
  stringAt(slot: Slot): string | Buffer {
    this.checkString(slot);
    return this.readValue(slot);
  }

  /** Add a key known to be absent (after a lookup returned NONE). */
  add(key: string, value: Value, raw = false): void {
    this.insert(key, value, raw ? F_RAW : 0);
    this.observer.modified(this, key);
  }

  /**
   * APPEND to an existing string value: in place when its storage has room,
   * growing geometrically otherwise (amortised O(1)). Returns the new length.
   */
  append(key: string, suffix: string): number {
    const slot = this.index.get(key) as Slot;
    const len = this.len(slot);
    const total = len + suffix.length;
    const inArena = (this.meta(slot) & F_ARENA) !== 0;
    const cell = this.cellAt[slot];
    if (inArena && len > 0 && this.arena.fits(len, total)) {
      this.arena.writeStringAt(this.handle(slot), len, suffix);
      this.rec[slot * STRIDE + LEN] = total;
    } else if (!inArena && cell instanceof Buffer && cell.length >= total) {
      cell.latin1Write(suffix, len, suffix.length);
      this.rec[slot * STRIDE + LEN] = total;
    } else if (total > ARENA_MAX) {
      const grown = Buffer.allocUnsafeSlow(Math.max(total, Math.min(total * 2, total + 1024 * 1024)));
      this.viewOf(slot).copy(grown, 0);
      grown.latin1Write(suffix, len, suffix.length);
      const meta = this.releaseString(slot);
      this.cellAt[slot] = grown;
      this.bigBytes += grown.length;
      this.rec[slot * STRIDE + LEN] = total;
      this.setMeta(slot, meta);
    } else {
      this.store(slot, this.readString(slot) + suffix);
    }
    const m = this.meta(slot);
    this.setMeta(slot, (m & ~(LRU_MASK | F_UNSHARED)) | this.freshClock(m) | F_RAW);
    this.observer.modified(this, key);
    return total;
  }

  /** The clock bits of a key given a new value: now under LRU, unchanged under LFU. */
  private freshClock(meta: number): number {
    return this.lfu !== null ? meta & LRU_MASK : lru();
  }

  /** Record an in-place modification of a key's value (WATCH, dirty counters). */
  touchWritten(key: string): void {
    const slot = this.index.get(key);
    if (slot !== undefined) this.setMeta(slot, this.meta(slot) | F_RAW);
    this.observer.modified(this, key);
  }

  /**
   * Put a value into an existing slot, releasing what it held; returns the meta
   * word (with F_ARENA updated). New storage is written before the old is
   * released, so `value` may be a view of the old bytes.
   */
  private store(slot: Slot, value: Value): number {
    const i = slot * STRIDE;
    if (value instanceof DataObject) {
      const meta = this.releaseString(slot);
      this.cellAt[slot] = value;
      this.rec[i] = meta;
      const units = Math.ceil(accountedBytes(value) / 8);
      this.rec[i + OBJ8] = units;
      this.objectBytes += units * 8;
      return meta;
    }
    const len = value.length;
    let meta = this.rec[i] as number;
    if (len <= ARENA_MAX) {
      const oldLen = this.rec[i + LEN] as number;
      if ((meta & F_ARENA) !== 0 && this.arena.fits(oldLen, len)) {
        const handle = this.handle(slot);
        if (typeof value === 'string') this.arena.writeString(handle, value);
        else this.arena.writeBytes(handle, value);
      } else {
        const handle = len === 0 ? 0 : this.arena.alloc(len);
        if (len > 0) {
          if (typeof value === 'string') this.arena.writeString(handle, value);
          else this.arena.writeBytes(handle, value);
        }
        meta = this.releaseString(slot) | F_ARENA;
        this.rec[i + H8] = handle / 8;
      }
    } else {
      const big = Buffer.allocUnsafeSlow(len);
      if (typeof value === 'string') big.latin1Write(value, 0, len);
      else value.copy(big, 0, 0, len);
      meta = this.releaseString(slot);
      this.cellAt[slot] = big;
      this.bigBytes += len;
    }
    this.rec[i + LEN] = len;
    this.rec[i] = meta;
    return meta;
  }

  /** Free the value storage of a slot; returns its meta word without F_ARENA. */
  private releaseString(slot: Slot): number {
    const i = slot * STRIDE;
    const meta = this.rec[i] as number;
    if ((meta & F_ARENA) !== 0) {
      const len = this.rec[i + LEN] as number;
      if (len > 0) this.arena.free(this.handle(slot), len);
    } else {
      const cell = this.cellAt[slot];
      if (cell instanceof Buffer) this.bigBytes -= cell.length;
      else if (cell !== undefined) {
        this.objectBytes -= ((this.rec[i + OBJ8] as number) >>> 0) * 8;
        this.rec[i + OBJ8] = 0;
      }
      this.cellAt[slot] = undefined;
    }
    this.rec[i + LEN] = 0;
    return meta & ~F_ARENA;
  }

  private insert(key: string, value: Value, flags: number): Slot {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.keyAt.length;
      this.keyAt.push(key);
      this.cellAt.push(undefined);
      if ((slot + 1) * STRIDE > this.rec.length) {
        const grown = new Int32Array(this.rec.length * 2);
        grown.set(this.rec);
        this.rec = grown;
      }
    } else {
      this.keyAt[slot] = key;
    }
    const i = slot * STRIDE;
    this.rec[i] = 0;
    this.rec[i + LEN] = 0;
    this.rec[i + OBJ8] = 0;
    this.keyBytes += stringBytes(key.length);
    const meta = this.store(slot, value);
    this.rec[i] = meta | (this.lfu !== null ? lfuInit() : lru()) | flags;
    this.index.add(key, slot);
    this.lastSlot = slot;
    this.observer.created?.(this, key);
    return slot;
  }

  /** Delete the key at an occupied slot for eviction, expired or not (Redis's dbSyncDelete). */
  evictSlot(slot: Slot): void {
    const key = this.keyAt[slot] as string;
    this.remove(key, slot);
    this.observer.modified(this, key);
  }

  /** The object value at a slot, undefined for a string. */
  valueObjectAt(slot: Slot): DataObject | undefined {
    const cell = this.cellAt[slot];
    return cell instanceof DataObject ? cell : undefined;
  }

  /** Delete a key; true if it existed (expired keys count as absent). */
  delete(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    if ((this.meta(slot) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot)) return false;
    this.remove(key, slot);
    this.observer.modified(this, key);
    return true;
  }

  private remove(key: string, slot: Slot): void {
    this.index.delete(key);
    this.keyBytes -= stringBytes(key.length);
    if ((this.meta(slot) & F_EXPIRE) !== 0) this.expires.delete(key);
    this.releaseString(slot);
    this.keyAt[slot] = undefined;
    this.setMeta(slot, 0);
    if (this.index.size === 0) this.reset();
    else this.free.push(slot);
  }

  private reset(): void {
    this.keyAt = [];
    this.index = new KeyIndex(this.keyAt);
    this.cellAt = [];
    this.rec = new Int32Array(16 * STRIDE);
    this.free = [];
    this.expires = new Map();
    this.arena = new ByteArena();
    this.bigBytes = 0;
    this.objectBytes = 0;
    this.keyBytes = 0;
    this.expireCursor = null;
    this.sampleCursor = null;
  }

  // ---- expiry ----

  /** Absolute expiry in ms, or -1 for a persistent key. The key must exist. */
  getExpire(key: string): number {
    return Number(this.expires.get(key) ?? -1);
  }

  /** `getExpire`, exact beyond 2^53 (PEXPIRETIME, TTL of far-future keys, COPY/MOVE). */
  getExpireExact(key: string): ExpireTime {
    return this.expires.get(key) ?? -1;
  }

  /** Set an absolute expiry (ms) on an existing key. */
  setExpire(key: string, when: ExpireTime): void {
    const slot = this.index.get(key);
    if (slot === undefined) return;
    this.setMeta(slot, this.meta(slot) | F_EXPIRE);
    const exact =
      typeof when === 'bigint' && when >= -9007199254740991n && when <= 9007199254740991n
        ? Number(when)
        : when;
    this.expires.set(key, exact);
    this.observer.modified(this, key);
  }

  /** Remove a TTL; true if there was one. */
  persist(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined || (this.meta(slot) & F_EXPIRE) === 0) return false;
    this.setMeta(slot, this.meta(slot) & ~F_EXPIRE);
    this.expires.delete(key);
    this.observer.modified(this, key);
    return true;
  }

  /** Rename `from` to `to` (which is overwritten), keeping the value's storage, TTL and LRU. `from` must exist. */
  rename(from: string, to: string): void {
    const slot = this.index.get(from) as Slot;
    const when = this.expires.get(from);
    if (to !== from) {
      const target = this.index.get(to);
      if (target !== undefined) this.remove(to, target);
    }
    // The slot keeps its storage; only the key that names it changes.
    this.index.delete(from);
    if ((this.meta(slot) & F_EXPIRE) !== 0) this.expires.delete(from);
    this.keyBytes += stringBytes(to.length) - stringBytes(from.length);
    this.keyAt[slot] = to;
    this.index.add(to, slot);
    this.observer.created?.(this, to);
    this.setMeta(slot, this.meta(slot) & ~F_EXPIRE);
    if (when !== undefined) this.setExpire(to, when);
    this.observer.modified(this, from);
    this.observer.modified(this, to);
  }

  /** True when the key was expired (and is now deleted). */
  private expireIfNeeded(key: string, slot: Slot): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when >= now() || Database.loading) return false;
    this.remove(key, slot);
    this.observer.expired(this, key);
    this.observer.modified(this, key);
    return true;
  }

  // ---- iteration and sampling ----

  /** A random live key, or null when the database is empty. */
  randomKey(): string | null {
    // As Redis on a primary: never return an expired key. Each miss deletes one
    // key, so this ends (Redis bounds the tries only on replicas, which cannot delete).
    for (;;) {
      const slot = this.randomSlot();
      if (slot === NONE) return null;
      const key = this.keyAt[slot] as string;
      if ((this.meta(slot) & F_EXPIRE) === 0 || !this.expireIfNeeded(key, slot)) return key;
    }
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

  /**
   * Up to `count` distinct random occupied slots (holding a key with a TTL when
   * `volatile`), as eviction samples them (Redis's dictGetSomeKeys: expired
   * keys included, no side effect). Volatile keys are probed among all slots
   * while they are at least an eighth of the keyspace, and otherwise read from
   * a cursor that walks the TTL map round and round.
   */
  sampleSlots(count: number, volatile: boolean, out: Slot[]): void {
    out.length = 0;
    const total = volatile ? this.expires.size : this.index.size;
    if (total === 0) return;
    const keyAt = this.keyAt;
    const n = keyAt.length;
    if (!volatile || total * 8 >= this.index.size) {
      const want = Math.min(count, total);
      for (let tries = 0; out.length < want && tries < count * 32; tries++) {
        const slot = randomInt(n);
        if (keyAt[slot] === undefined) continue;
        if (volatile && ((this.rec[slot * STRIDE] as number) & F_EXPIRE) === 0) continue;
        if (!out.includes(slot)) out.push(slot);
      }
      if (out.length !== 0) return;
    }
    let it = this.sampleCursor ?? this.expires.keys();
    for (let k = 0; out.length < count && k < count * 2; k++) {
      let r = it.next();
      if (r.done) {
        it = this.expires.keys();
        r = it.next();
        if (r.done) break;
      }
      const slot = this.index.get(r.value);
      if (slot !== undefined && !out.includes(slot)) out.push(slot);
    }
    this.sampleCursor = it;
  }

  /** Idle milliseconds of the key at a slot by its LRU stamp (eviction). */
  idleMsAt(slot: Slot): number {
    return idleSeconds((this.rec[slot * STRIDE] as number) & LRU_MASK) * 1000;
  }

  /** The 24 clock bits (LRU stamp or LFU data) at a slot. */
  clockAt(slot: Slot): number {
    return (this.rec[slot * STRIDE] as number) & LRU_MASK;
  }

  /** True when the key at a live slot has a TTL. */
  hasExpireAt(slot: Slot): boolean {
    return ((this.rec[slot * STRIDE] as number) & F_EXPIRE) !== 0;
  }

  /** The slot of a stored key, expired or not, with no side effect (persistence); NONE when absent. */
  slotOf(key: string): Slot {
    return this.index.get(key) ?? NONE;
  }

  /** The key stored at a slot (sampling, persistence). */
  keyOf(slot: Slot): string | undefined {
    return this.keyAt[slot];
  }

  /** One past the highest slot in use: persistence walks slots 0..slotLimit-1 with `keyOf`. */
  get slotLimit(): number {
    return this.keyAt.length;
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
        const expired = (this.meta(slot) & F_EXPIRE) !== 0 && this.expireIfNeeded(key, slot);
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
    const keys = this.keyAt;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key === undefined) continue;
      if ((this.meta(slot) & F_EXPIRE) !== 0 && (this.expires.get(key) as ExpireTime) < t) continue;
      yield key;
    }
  }

  /** Every [key, value] pair, including expired ones not yet reclaimed (persistence, DEBUG). */
  *entries(): IterableIterator<[string, Value]> {
    const keys = this.keyAt;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key !== undefined) yield [key, this.value(slot)];
    }
  }

  /** Delete everything; returns the number of keys removed. */
  clear(): number {
    const n = this.index.size;
    const keys = this.keyAt;
    this.observer.clearing?.(this);
    this.reset();
    // After the reset: the observer sees the keys gone, as Redis's touchAllWatchedKeysInDb does.
    for (const key of keys) if (key !== undefined) this.observer.modified(this, key);
    return n;
  }

  /** SWAPDB: exchange contents with another database (clients keep their db index). */
  swapWith(other: Database): void {
    this.observer.swapping?.(this, other);
    const mine = this.contents();
    this.adopt(other.contents());
    other.adopt(mine);
  }

  /**
   * A database (same id, no observer) that holds the current contents, for a
   * snapshot to keep reading after `clear`: `reset` gives this database new
   * storage and never touches the old, so the two share nothing from then on.
   * Only valid when this database is cleared before its next write.
   */
  detachContents(): Database {
    const d = new Database(this.id);
    d.adopt(this.contents());
    return d;
  }

  private contents() {
    const { index, keyAt, cellAt, rec, free, expires, arena, bigBytes, objectBytes, keyBytes } = this;
    return { index, keyAt, cellAt, rec, free, expires, arena, bigBytes, objectBytes, keyBytes };
  }

  private adopt(c: ReturnType<Database['contents']>): void {
    this.index = c.index;
    this.keyAt = c.keyAt;
    this.cellAt = c.cellAt;
    this.rec = c.rec;
    this.free = c.free;
    this.expires = c.expires;
    this.arena = c.arena;
    this.bigBytes = c.bigBytes;
    this.objectBytes = c.objectBytes;
    this.keyBytes = c.keyBytes;
    this.expireCursor = null;
    this.sampleCursor = null;
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
      if (r.value[1] < t) due.push(r.value[0]);
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

/**
 * Loading a whole RDB stream (rdbLoadRio) into fresh databases: the caller
 * swaps them in only when everything loaded, so a corrupt or truncated file
 * never leaves half a dataset. Versions 1 to 11 are read; expired keys are
 * dropped as a primary does; the checksum is verified at the end.
 */
import { Database, type ExpireTime } from '../../store/database.js';
import type { EncodingLimits } from '../../store/types/limits.js';
import type { Value } from '../../store/value.js';
import { LRU_CLOCK_MAX, lru } from '../../util/clock.js';
import { EmptyKeyError, isValueType, readValue } from './decode-value.js';
import { OP, RDB_MAX_LOAD_VERSION, TYPE, TYPE_NAMES } from './format.js';
import type { ByteSource } from './reader.js';
import { RdbReader } from './reader.js';

export interface LoadOptions {
  readonly databases: number;
  readonly limits: EncodingLimits;
  /** Verify the checksum (rdbchecksum); a stored 0 means "not computed" and is accepted. */
  readonly verifyChecksum: boolean;
  /** maxmemory-policy family: how IDLE and FREQ are applied to loaded keys. */
  readonly evictionInfo: 'lru' | 'lfu' | 'none';
  /** Drop keys whose expiry passed (a primary does; an AOF preamble does not). */
  readonly dropExpired: boolean;
  /** Called about every `progressBytes` bytes (loading progress in the log). */
  readonly onProgress?: (offset: number, keys: number) => void;
  readonly progressBytes?: number;
  /** A FUNCTION2 library was skipped (Redoubt has no functions). */
  readonly onSkippedFunction?: () => void;
  /** Told of each item as it is read (check-rdb's report survives a failure half way). */
  readonly observer?: LoadObserver;
  /** Validate values without keeping them (check-rdb: bounded memory; duplicates go unnoticed). */
  readonly discardValues?: boolean;
}

export interface LoadObserver {
  /** An aux field was read; `offset` is where it ends (as redis-check-rdb reports it). */
  aux?(offset: number, name: string, value: string): void;
  /** SELECTDB was read; `offset` is where it ends. */
  selectDb?(offset: number, id: number): void;
  /** A key is about to be read: its type byte and expiry (-1: none). */
  keyStart?(offset: number, type: number, expire: ExpireTime): void;
  /** The key's name was read; its value comes next. */
  keyName?(key: string): void;
  /** The key's value was read and is valid. */
  keyDone?(): void;
}

export interface LoadResult {
  /** The databases the file filled (absent: empty). */
  readonly dbs: Map<number, Database>;
  readonly version: number;
  readonly aux: Map<string, string>;
  readonly keysLoaded: number;
  readonly keysExpired: number;
  readonly emptyKeysSkipped: number;
  /** Keys loaded per RDB type name (check-rdb). */
  readonly keysByType: Map<string, number>;
  readonly checksum: 'ok' | 'not-computed' | 'skipped' | 'absent';
}

/** Read the 9-byte header: "REDIS" and a 4-digit version. */
export function readHeader(r: RdbReader): number {
  const magic = r.bytes(9).latin1Slice(0, 9);
  if (!magic.startsWith('REDIS')) r.fail('Wrong signature trying to load DB from file', 0);
  const digits = magic.slice(5);
  const version = /^[0-9]{4}$/.test(digits) ? Number(digits) : Number.NaN;
  if (!(version >= 1 && version <= RDB_MAX_LOAD_VERSION))
    r.fail(`Can't handle RDB format version ${digits}`, 5);
  return version;
}

/** Read a whole RDB stream from `src`. Throws RdbError (offset, reason) on any fault. */
export function loadRdb(src: ByteSource, opts: LoadOptions): LoadResult {
  return new RdbLoad(new RdbReader(src), opts).run();
}

/** One load: the stream, where it is (database, pending expiry/IDLE/FREQ) and what it found. */
class RdbLoad {
  private readonly version: number;
  private readonly dbs = new Map<number, Database>();
  private dbId = 0;
  private readonly aux = new Map<string, string>();
  private readonly keysByType = new Map<string, number>();
  private keysLoaded = 0;
  private keysExpired = 0;
  private emptyKeysSkipped = 0;
  /** Set by EXPIRETIME(_MS), IDLE and FREQ for the key that follows. */
  private expire: ExpireTime = -1;
  private idle = -1;
  private freq = -1;
  private readonly now = Date.now();

  constructor(
    private readonly r: RdbReader,
    private readonly opts: LoadOptions,
  ) {
    this.version = readHeader(r);
  }

  run(): LoadResult {
    const { r, opts } = this;
    const step = opts.progressBytes ?? 2 * 1024 * 1024;
    let nextProgress = step;
    for (;;) {
      const at = r.offset;
      if (opts.onProgress !== undefined && at >= nextProgress) {
        opts.onProgress(at, this.keysLoaded);
        nextProgress = at + step;
      }
      const type = r.u8();
      if (type === OP.EOF) break;
      if (!this.opcode(type, at)) this.key(type, at);
    }
    const checksum = verifyChecksum(r, this.version, opts.verifyChecksum);
    const { dbs, version, aux, keysLoaded, keysExpired, emptyKeysSkipped, keysByType } = this;
    return { dbs, version, aux, keysLoaded, keysExpired, emptyKeysSkipped, keysByType, checksum };
  }

  /** An opcode other than EOF: handled (true), or not an opcode (a value type follows). */
  private opcode(type: number, at: number): boolean {
    const { r, opts } = this;
    switch (type) {
      case OP.EXPIRETIME:
        this.expire = r.i32le() * 1000;
        return true;
      case OP.EXPIRETIME_MS: {
        const v = r.i64le();
        this.expire = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
        return true;
      }
      case OP.FREQ:
        this.freq = r.u8();
        return true;
      case OP.IDLE:
        this.idle = r.len();
        return true;
      case OP.SELECTDB: {
        const id = r.len();
        if (id >= opts.databases)
          r.fail(
            `Data file was created with a Redis server configured to handle more than ${opts.databases} databases`,
            at,
          );
        this.dbId = id;
        opts.observer?.selectDb?.(r.offset, id);
        return true;
      }
      case OP.RESIZEDB:
        r.len();
        r.len();
        return true;
      case OP.AUX: {
        const name = r.string();
        const value = r.string();
        this.aux.set(name, value);
        opts.observer?.aux?.(r.offset, name, value);
        return true;
      }
      case OP.MODULE_AUX:
        return r.fail("The RDB file contains AUX module data I can't load: no modules are loaded", at);
      case OP.FUNCTION2:
        // A function library: Redoubt has no functions; the keyspace is unaffected.
        r.string();
        opts.onSkippedFunction?.();
        return true;
      case OP.FUNCTION_PRE_GA:
        return r.fail('Pre-release function format not supported', at);
      default:
        return false;
    }
  }

  /** A key and its value, then the pending expiry/IDLE/FREQ are spent. */
  private key(type: number, at: number): void {
    const { r, opts } = this;
    if (!isValueType(type, this.version) && type !== TYPE.MODULE_2 && type !== TYPE.MODULE_PRE_GA)
      r.fail(`Unknown RDB encoding type ${type}`, at);
    opts.observer?.keyStart?.(at, type, this.expire);
    const key = r.string();
    opts.observer?.keyName?.(key);
    let value: Value | undefined;
    try {
      value = readValue(r, type, this.version, opts.limits);
    } catch (err) {
      if (!(err instanceof EmptyKeyError)) throw err;
      this.emptyKeysSkipped++;
    }
    opts.observer?.keyDone?.();
    if (value !== undefined) this.place(key, value, type, at);
    this.expire = -1;
    this.idle = -1;
    this.freq = -1;
  }

  /** Keep a loaded key (unless it expired already, or values are only checked). */
  private place(key: string, value: Value, type: number, at: number): void {
    const { opts, expire } = this;
    if (opts.dropExpired && expire !== -1 && expire < this.now) {
      this.keysExpired++;
      return;
    }
    if (opts.discardValues !== true) {
      let db = this.dbs.get(this.dbId);
      if (db === undefined) {
        db = new Database(this.dbId);
        this.dbs.set(this.dbId, db);
      }
      if (db.contains(key)) this.r.fail(`RDB has duplicated key '${key}' in DB ${db.id}`, at);
      db.add(key, value);
      // Before the expiry: a lookup of an already expired key (an AOF preamble keeps them) would delete it.
      applyEvictionInfo(db, key, opts.evictionInfo, this.idle, this.freq);
      if (expire !== -1) db.setExpire(key, expire);
    }
    this.keysLoaded++;
    const name = TYPE_NAMES[type] ?? String(type);
    this.keysByType.set(name, (this.keysByType.get(name) ?? 0) + 1);
  }
}

/** After EOF (version 5 and later): the CRC-64 of everything before it, 0 when the writer did not compute it. */
function verifyChecksum(r: RdbReader, version: number, verify: boolean): LoadResult['checksum'] {
  if (version < 5) return 'absent';
  const expected = r.digest();
  const at = r.offset;
  const stored = r.bytes(8);
  if (stored.every((b) => b === 0)) return 'not-computed';
  if (!verify) return 'skipped';
  if (!stored.equals(expected))
    r.fail(`Wrong RDB checksum expected: (${hex(stored)}) got (${hex(expected)})`, at);
  return 'ok';
}

const hex = (le: Buffer): string => le.readBigUInt64LE(0).toString(16);

/** Minutes clock of LFU data (16 bits), as LFUGetTimeInMinutes. */
export function lfuMinutes(): number {
  return Math.floor(Date.now() / 60000) & 65535;
}

/**
 * objectSetLRUOrLFU: under an LFU policy a FREQ counter (with the current
 * minute), otherwise an IDLE time in seconds turned into an LRU stamp that
 * far in the past (or half the clock ahead when that would underflow).
 */
export function applyEvictionInfo(
  db: Database,
  key: string,
  policy: 'lru' | 'lfu' | 'none',
  idle: number,
  freq: number,
): void {
  let stamp: number | undefined;
  if (policy === 'lfu') {
    if (freq >= 0) stamp = (lfuMinutes() << 8) | freq;
  } else if (idle >= 0) {
    const clock = lru();
    const abs = clock - idle;
    stamp = abs >= 0 ? abs : (clock + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX;
  }
  if (stamp === undefined) return;
  const slot = db.peek(key);
  if (slot !== -1) db.setLruOf(slot, stamp);
}

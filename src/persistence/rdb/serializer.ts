/**
 * An RDB snapshot written one piece at a time: `begin` (magic and aux fields),
 * `beginDb` (SELECTDB, RESIZEDB), `key` for each key, `end` (EOF and CRC-64).
 * Nothing here walks the keyspace on its own, so a caller may write a whole
 * database at once (SAVE, `writeDatabase`) or a few keys per event-loop turn
 * (BGSAVE), handing each chunk to its sink as it fills.
 */

import { REDIS_COMPAT_VERSION } from '../../core/version.js';
import type { Database, ExpireTime } from '../../store/database.js';
import { lfuDecrAndReturn } from '../../store/lfu.js';
import type { Value } from '../../store/value.js';
import { idleSeconds } from '../../util/clock.js';
import { type EncodeOptions, rdbTypeOf, writeObject } from './encode-value.js';
import { OP, RDB_VERSION } from './format.js';
import { type RdbSink, RdbWriter } from './writer.js';

export interface SnapshotOptions extends EncodeOptions {
  /** rdbcompression. */
  readonly compression: boolean;
  /** rdbchecksum: write the CRC-64 (else 8 zero bytes). */
  readonly checksum: boolean;
  /** maxmemory-policy family: LRU policies save IDLE, LFU policies save FREQ. */
  readonly evictionInfo: 'lru' | 'lfu' | 'none';
  readonly lfuDecayTime: number;
  /** used-mem aux field. */
  readonly usedMemory: number;
  /** aof-base aux field: 1 when the snapshot is an AOF preamble. */
  readonly aofBase?: boolean;
}

export class RdbSerializer {
  private readonly w: RdbWriter;
  /** Keys written so far. */
  keys = 0;

  constructor(
    sink: RdbSink,
    private readonly opts: SnapshotOptions,
    /** Write frames for an encoder thread (RdbWriter's framed mode). */
    framed = false,
  ) {
    this.w = new RdbWriter(sink, opts.compression, framed);
  }

  /** Bytes produced so far. */
  get offset(): number {
    return this.w.offset;
  }

  /** The magic and rdbSaveInfoAuxFields' fields, in Redis's order. */
  begin(): void {
    this.w.bytes(Buffer.from(`REDIS${String(RDB_VERSION).padStart(4, '0')}`, 'latin1'));
    this.aux('redis-ver', REDIS_COMPAT_VERSION);
    this.aux('redis-bits', '64');
    this.aux('ctime', String(Math.floor(Date.now() / 1000)));
    this.aux('used-mem', String(this.opts.usedMemory));
    this.aux('aof-base', this.opts.aofBase === true ? '1' : '0');
  }

  private aux(name: string, value: string): void {
    this.w.byte(OP.AUX);
    this.w.string(name);
    this.w.string(value);
  }

  /** SELECTDB and RESIZEDB for a non-empty database (Redis skips empty ones). */
  beginDb(id: number, size: number, expires: number): void {
    this.w.byte(OP.SELECTDB);
    this.w.len(id);
    this.w.byte(OP.RESIZEDB);
    this.w.len(size);
    this.w.len(expires);
  }

  /** rdbSaveKeyValuePair: expiry, IDLE or FREQ per the policy, type, key, value. */
  key(key: string, value: Value, expire: ExpireTime, lruStamp: number): void {
    const w = this.w;
    if (expire !== -1) {
      w.byte(OP.EXPIRETIME_MS);
      w.u64le(BigInt(expire));
    }
    if (this.opts.evictionInfo === 'lru') {
      w.byte(OP.IDLE);
      w.len(idleSeconds(lruStamp));
    } else if (this.opts.evictionInfo === 'lfu') {
      w.byte(OP.FREQ);
      w.byte(lfuDecrAndReturn(lruStamp, this.opts.lfuDecayTime));
    }
    w.byte(rdbTypeOf(value));
    w.string(key);
    writeObject(w, value, this.opts);
    this.keys++;
  }

  /** Key records serialized by another RdbSerializer (a snapshot's keys written ahead of their database). */
  raw(records: Uint8Array): void {
    this.w.bytes(records);
  }

  /** EOF and the checksum; everything is handed to the sink. */
  end(): void {
    this.w.byte(OP.EOF);
    this.w.checksum(this.opts.checksum);
  }

  /** Push buffered bytes to the sink now (between event-loop turns). */
  flush(): void {
    this.w.flush();
  }
}

/** Write every key of `db` (expired ones not yet reclaimed included, as Redis does). */
export function writeDatabase(ser: RdbSerializer, db: Database): void {
  if (db.size === 0) return;
  ser.beginDb(db.id, db.size, db.volatileCount);
  const limit = db.slotLimit;
  for (let slot = 0; slot < limit; slot++) {
    const key = db.keyOf(slot);
    if (key === undefined) continue;
    ser.key(key, db.valueView(slot), db.getExpireExact(key), db.lruOf(slot));
  }
}

/**
 * Point-in-time snapshots without fork (ARCHITECTURE.md, "Persistence without
 * fork"): the keyspace as it was when the snapshot started, serialized in RDB
 * format a time slice per event-loop turn while clients keep being served.
 *
 * Consistency is copy-before-write. Each database is walked in slot order; a
 * key the walk has not reached yet is serialized *before* anything may change
 * it, and its slot remembered so the walk skips it:
 * - commands: the dispatcher's `call()` (so EXEC's queued commands too) and
 *   blocked clients being served call `beforeCommand`: the keys its key specs
 *   do not flag read-only (movable keys included, extracted as for ACL);
 * - `created`: a key added after the start is marked, never written;
 * - `clearing` (FLUSHDB, FLUSHALL): the database's contents are detached and
 *   walked as they are, since `clear` gives the database new storage;
 * - `swapping` (SWAPDB): the walk follows the contents to their new database;
 * - expiry removes keys whose TTL passed: leaving them out is what loading
 *   such a key does anyway (it is dropped as expired).
 * Extra memory is therefore bounded by what is written during the snapshot:
 * only those keys are serialized ahead (straight into the output for the
 * database being walked, into a side buffer for databases not begun yet).
 */
import { getKeys } from '../commands/keyspecs.js';
import { CMD_WRITE, type Command } from '../commands/registry.js';
import type { Server } from '../core/server.js';
import { type Database, NONE } from '../store/database.js';
import { offloadEncoding } from './encode-offload.js';
import { AsyncAtomicFile } from './file-sink.js';
import { RdbSerializer, type SnapshotOptions as RdbSnapshotOptions } from './rdb/serializer.js';
import { MemorySink, type RdbSink } from './rdb/writer.js';
import { snapshotOptions } from './snapshot.js';

/** Where a snapshot's bytes go: a file (AsyncAtomicFile) or an AOF base. */
export interface SnapshotSink extends RdbSink {
  /** Bytes accepted by `write` but not yet written out. */
  readonly backlog: number;
  /** Resolves once the backlog is at most `limit` bytes; rejects when the sink failed. */
  drain(limit: number): Promise<void>;
  /** Everything written and durable (for a file: fsync, rename, directory fsync). */
  close(): Promise<void>;
  /** Give up: nothing of this snapshot takes the place of anything. */
  abort(): void;
}

export interface SnapshotOptions {
  /** What the snapshot is for: one runs at a time, and FLUSHALL cancels only an RDB one. */
  readonly purpose: 'rdb' | 'aof';
  /** The aof-base aux field (an AOF's RDB preamble). */
  readonly aofBase?: boolean;
  /** Called once when the sink has closed (null) or the snapshot failed; never after `cancel`. */
  readonly done: (err: Error | null) => void;
}

/**
 * Serialize for about this long per event-loop turn: what a client's request
 * may wait behind the snapshot (clients are served between slices).
 */
const SLICE_MS = 1;
/** Look at the clock every this many slots. */
const CLOCK_EVERY = 64;
/** Pause while the sink holds more than this, until it is down to half. */
const HIGH_WATER = 16 * 1024 * 1024;

/** One database's part of the snapshot. */
class DbPart {
  /** Slots at or past the cursor already written, or holding keys created after the start. */
  readonly early = new Set<number>();
  /** The next slot to walk. */
  cursor = 0;
  begun = false;
  /** Keys written ahead while another database is being walked (appended at `beginDb`). */
  side: { ser: RdbSerializer; sink: MemorySink } | null = null;

  constructor(
    /** Its database number in the file. */
    readonly index: number,
    /** Where its contents live now: moves with SWAPDB, a detached copy after FLUSHDB. */
    public source: Database,
    /** Slots from here on were created after the start. */
    readonly limit: number,
    readonly size: number,
    readonly volatile: number,
  ) {}
}

export class PointInTimeSnapshot {
  readonly purpose: 'rdb' | 'aof';
  /** Unix time (ms) of the start. */
  readonly startedAt = Date.now();
  /** Keys in the keyspace at the start (INFO current_save_keys_total). */
  readonly keysTotal: number;
  /** Bytes serialized ahead of the walk because a write was coming (INFO *_cow_size). */
  copiedBytes = 0;
  /** Keys serialized ahead of the walk. */
  copiedKeys = 0;
  private readonly options: RdbSnapshotOptions;
  private readonly ser: RdbSerializer;
  /** The file's sink, behind the encoder thread when one runs. */
  private readonly sink: SnapshotSink;
  private readonly parts: DbPart[] = [];
  /** Parts whose contents live in a server database, by that database. */
  private readonly live = new Map<Database, DbPart>();
  private current = 0;
  /** Side-buffer keys already moved into the output (still counted as processed). */
  private sideKeys = 0;
  /** The walk is over (written, failed or canceled). */
  private ended = false;
  private canceled = false;

  /** Use `startSnapshot`. */
  constructor(
    private readonly server: Server,
    sink: SnapshotSink,
    private readonly opts: SnapshotOptions,
  ) {
    this.purpose = opts.purpose;
    this.options = { ...snapshotOptions(server), aofBase: opts.aofBase === true };
    // LZF, the CRC-64 and the file's writes on another core when a thread can run (encode-offload.ts).
    const offload = sink instanceof AsyncAtomicFile ? offloadEncoding(sink, this.options.compression) : null;
    this.sink = offload ?? sink;
    this.ser = new RdbSerializer(this.sink, this.options, offload !== null);
    let total = 0;
    for (const db of server.dbs) {
      if (db.size === 0) continue;
      const part = new DbPart(db.id, db, db.slotLimit, db.size, db.volatileCount);
      this.parts.push(part);
      this.live.set(db, part);
      total += db.size;
    }
    this.keysTotal = total;
    this.ser.begin();
  }

  /** Keys written so far (INFO current_save_keys_processed). */
  get keysProcessed(): number {
    let n = this.ser.keys + this.sideKeys;
    for (const p of this.parts) n += p.side?.ser.keys ?? 0;
    return n;
  }

  /** Stop now: the sink is aborted and `done` is not called. */
  cancel(): void {
    if (this.server.snapshot !== this) return;
    this.canceled = true;
    this.end();
    this.release();
    this.sink.abort();
  }

  // ---- copy-before-write hooks (called by the server while the snapshot runs) ----

  /** A command (or a blocked client being served) is about to run: keep what it may write. */
  beforeCommand(db: Database, cmd: Command, argv: readonly string[]): void {
    const writes = keyWrites(cmd);
    if (writes === 'none') return;
    const keys = getKeys(cmd, argv);
    if (keys === undefined || keys.length === 0) return;
    const trustRo = writes === 'flagged';
    const crossDb = CROSS_DB.has(cmd.fullName);
    for (const k of keys) {
      if (trustRo && k.flags.includes('RO')) continue;
      const key = argv[k.pos] as string;
      if (crossDb) for (const target of this.live.keys()) this.preserve(target, key);
      else this.preserve(db, key);
    }
  }

  /** Serialize `key` of `db` now if the walk has not reached it (eviction and other deletions use this too). */
  preserve(db: Database, key: string): void {
    const part = this.live.get(db);
    if (part === undefined) return;
    const slot = db.slotOf(key);
    if (slot === NONE || slot < part.cursor || slot >= part.limit || part.early.has(slot)) return;
    part.early.add(slot);
    const ser = part.begun ? this.ser : this.sideOf(part);
    const before = ser.offset;
    ser.key(key, db.valueView(slot), db.getExpireExact(key), db.lruOf(slot));
    this.copiedBytes += ser.offset - before;
    this.copiedKeys++;
  }

  /** A key was added: not part of the snapshot. */
  created(db: Database, key: string): void {
    const part = this.live.get(db);
    if (part === undefined) return;
    const slot = db.slotOf(key);
    if (slot >= part.cursor && slot < part.limit) part.early.add(slot);
  }

  /** `db` is about to be emptied: keep walking its contents, detached. */
  clearing(db: Database): void {
    const part = this.live.get(db);
    if (part === undefined) return;
    part.source = db.detachContents();
    this.live.delete(db);
  }

  /** SWAPDB: each part follows its contents. */
  swapping(a: Database, b: Database): void {
    const pa = this.live.get(a);
    const pb = this.live.get(b);
    this.live.delete(a);
    this.live.delete(b);
    if (pa !== undefined) {
      pa.source = b;
      this.live.set(b, pa);
    }
    if (pb !== undefined) {
      pb.source = a;
      this.live.set(a, pb);
    }
  }

  // ---- the walk ----

  /** Start walking on the next turn. */
  run(): void {
    setImmediate(() => this.step());
  }

  private step(): void {
    if (this.ended) return;
    try {
      if (this.walk()) {
        this.finish();
        return;
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    this.ser.flush();
    if (this.sink.backlog > HIGH_WATER) {
      this.sink.drain(HIGH_WATER / 2).then(
        () => this.run(),
        (err: unknown) => this.fail(err),
      );
    } else {
      this.run();
    }
  }

  /** One time slice of the walk; true when every part is written. */
  private walk(): boolean {
    const deadline = performance.now() + SLICE_MS;
    const ser = this.ser;
    while (this.current < this.parts.length) {
      const part = this.parts[this.current] as DbPart;
      if (!part.begun) this.begin(part);
      const src = part.source;
      const early = part.early;
      const limit = part.limit;
      let slot = part.cursor;
      while (slot < limit) {
        if (slot % CLOCK_EVERY === 0 && performance.now() > deadline) {
          part.cursor = slot;
          return false;
        }
        const key = src.keyOf(slot);
        if (key !== undefined && !(early.size !== 0 && early.delete(slot))) {
          ser.key(key, src.valueView(slot), src.getExpireExact(key), src.lruOf(slot));
        }
        slot++;
      }
      part.cursor = limit;
      this.live.delete(src);
      this.current++;
    }
    return true;
  }

  /** SELECTDB and RESIZEDB (sizes at the start), then the keys written ahead. */
  private begin(part: DbPart): void {
    part.begun = true;
    this.ser.beginDb(part.index, part.size, part.volatile);
    const side = part.side;
    if (side !== null) {
      side.ser.flush();
      this.ser.raw(side.sink.bytes());
      part.side = null;
      this.sideKeys += side.ser.keys;
    }
  }

  private sideOf(part: DbPart): RdbSerializer {
    if (part.side === null) {
      const sink = new MemorySink();
      // Its bytes go in the middle of the output: aux fields are never written through it.
      part.side = { ser: new RdbSerializer(sink, this.options), sink };
    }
    return part.side.ser;
  }

  private finish(): void {
    this.ser.end();
    this.end();
    // Still the running snapshot (INFO, one at a time) until the file is in place.
    this.sink.close().then(
      () => this.complete(null),
      (err: unknown) => this.complete(asError(err)),
    );
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    this.end();
    this.sink.abort();
    this.complete(asError(err));
  }

  private complete(err: Error | null): void {
    if (this.canceled) return;
    this.release();
    this.opts.done(err);
  }

  /** The walk is over: no more hooks, nothing held. */
  private end(): void {
    this.ended = true;
    this.live.clear();
  }

  /** The server forgets this snapshot: another may start. */
  private release(): void {
    if (this.server.snapshot === this) this.server.snapshot = null;
  }
}

/**
 * Commands whose keys may also be written in another database (MOVE, COPY ...
 * DB): their keys are kept in every database.
 */
const CROSS_DB: ReadonlySet<string> = new Set(['move', 'copy']);

const writesCache = new WeakMap<Command, 'none' | 'flagged' | 'all'>();

/**
 * Which keys a command may write, from its flags and key specs: 'none' (no
 * key spec but RO: GET), 'flagged' (those not flagged RO; a read-only command
 * may have one, as PFCOUNT caches its count in the value), or 'all' for a
 * write command whose specs flag every key RO (XREADGROUP moves its group's
 * cursor and PEL anyway).
 */
function keyWrites(cmd: Command): 'none' | 'flagged' | 'all' {
  let w = writesCache.get(cmd);
  if (w === undefined) {
    const flagged = cmd.keySpecs.some((k) => !k.flags.includes('RO') && !k.flags.includes('not_key'));
    if (flagged) w = 'flagged';
    else w = (cmd.flags & CMD_WRITE) !== 0 && cmd.keySpecs.length > 0 ? 'all' : 'none';
    writesCache.set(cmd, w);
  }
  return w;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Start a point-in-time snapshot of the whole keyspace into `sink` (RDB
 * format; with `aofBase`, an AOF's RDB preamble). It runs across event-loop
 * turns and calls `opts.done` at the end; `cancel()` stops it. Only one runs
 * at a time (as Redis allows one child): throws when one is running.
 */
export function startSnapshot(
  server: Server,
  sink: SnapshotSink,
  opts: SnapshotOptions,
): PointInTimeSnapshot {
  if (server.snapshot !== null) throw new Error(`a ${server.snapshot.purpose} snapshot is already running`);
  const snap = new PointInTimeSnapshot(server, sink, opts);
  server.snapshot = snap;
  snap.run();
  return snap;
}

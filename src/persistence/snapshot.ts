/**
 * The server's RDB snapshot: SAVE (synchronous, into `dir`/`dbfilename` via a
 * temporary file), loading it at start-up, and the state INFO persistence and
 * LASTSAVE report. The codec lives in ./rdb/; this file ties it to the
 * server's configuration, databases and log.
 */
import { resolve } from 'node:path';
import type { SavePoint } from '../config/kinds.js';
import type { Server } from '../core/server.js';
import { Database } from '../store/database.js';
import { limitsOf } from '../store/types/limits.js';
import { AtomicFileWriter } from './atomic-file.js';
import { auxFieldLogger, logLoadDone } from './load-log.js';
import type { EncodeOptions } from './rdb/encode-value.js';
import { RdbError } from './rdb/format.js';
import { type LoadResult, loadRdb } from './rdb/loader.js';
import { FileSource } from './rdb/reader.js';
import { RdbSerializer, type SnapshotOptions, writeDatabase } from './rdb/serializer.js';

export interface PersistenceState {
  /** rdb_last_bgsave_status: the last save (SAVE or BGSAVE) succeeded. */
  lastBgsaveOk: boolean;
  /** rdb_saves: SAVE and BGSAVE commands and save points attempted since start-up (not FLUSHALL's or SHUTDOWN's save). */
  saves: number;
  /** rdb_last_load_keys_loaded / _expired. */
  lastLoadKeysLoaded: number;
  lastLoadKeysExpired: number;
  /** Unix time (s) of the last background save attempt (retry delay after a failure). */
  lastSaveTry: number;
  /** rdb_last_bgsave_time_sec: length of the last background save, -1 before the first. */
  lastBgsaveSeconds: number;
  /** rdb_last_cow_size: bytes the last background save copied aside. */
  lastCowSize: number;
  /** BGSAVE SCHEDULE (or BGSAVE inside EXEC) while another snapshot ran: start one when it ends. */
  bgsaveScheduled: boolean;
  /** stats.dirty when the running BGSAVE started: writes since then stay counted after it. */
  dirtyBeforeBgsave: number;
}

export function newPersistenceState(): PersistenceState {
  return {
    lastBgsaveOk: true,
    saves: 0,
    lastLoadKeysLoaded: 0,
    lastLoadKeysExpired: 0,
    lastSaveTry: 0,
    lastBgsaveSeconds: -1,
    lastCowSize: 0,
    bgsaveScheduled: false,
    dirtyBeforeBgsave: 0,
  };
}

/** The persistence state of a server. */
export function persistenceOf(server: Server): PersistenceState {
  return server.persistence;
}

/** Which eviction data a snapshot carries: IDLE under LRU policies, FREQ under LFU ones (rdbSaveKeyValuePair). */
export function evictionInfo(server: Server): 'lru' | 'lfu' | 'none' {
  const policy = server.config.get<string>('maxmemory-policy');
  if (policy.endsWith('-lru')) return 'lru';
  if (policy.endsWith('-lfu')) return 'lfu';
  return 'none';
}

/** list-max-listpack-size as quicklistSetFill clamps it. */
function listFill(server: Server): number {
  return Math.max(-5, Math.min(32767, server.config.num('list-max-listpack-size')));
}

export function encodeOptions(server: Server): EncodeOptions {
  return { listFill: listFill(server), listCompressDepth: server.config.num('list-compress-depth') };
}

export function snapshotOptions(server: Server): SnapshotOptions {
  return {
    ...encodeOptions(server),
    compression: server.config.get<boolean>('rdbcompression'),
    checksum: server.config.get<boolean>('rdbchecksum'),
    evictionInfo: evictionInfo(server),
    lfuDecayTime: server.config.num('lfu-decay-time'),
    usedMemory: server.memory.used(),
  };
}

/** `dir`/`dbfilename`. */
export function rdbPath(server: Server): string {
  return resolve(server.config.get<string>('dir'), server.config.get<string>('dbfilename'));
}

/** Write every database through `ser` (SAVE's whole snapshot in one go). */
export function writeSnapshot(ser: RdbSerializer, dbs: readonly Database[]): void {
  ser.begin();
  for (const db of dbs) writeDatabase(ser, db);
  ser.end();
}

/**
 * rdbSave: the whole dataset into `dir`/`dbfilename`, atomically. Returns
 * true on success (dirty counter reset, LASTSAVE updated); on failure logs
 * why, as Redis does, and returns false with the old file untouched.
 */
export function saveSync(server: Server): boolean {
  const log = server.logger;
  const state = persistenceOf(server);
  const path = rdbPath(server);
  let file: AtomicFileWriter;
  try {
    file = new AtomicFileWriter(path);
  } catch (err) {
    log.warning(
      `Failed opening the temp RDB file for ${path} (in server root dir ${server.config.get<string>('dir')}) for saving: ${errText(err)}`,
    );
    return false;
  }
  try {
    writeSnapshot(new RdbSerializer(file, snapshotOptions(server)), server.dbs);
    file.commit();
  } catch (err) {
    file.abort();
    log.warning(`Write error saving DB on disk: ${errText(err)}`);
    return false;
  }
  log.notice('DB saved on disk');
  server.stats.dirty = 0;
  server.lastSave = Math.floor(Date.now() / 1000);
  state.lastBgsaveOk = true;
  return true;
}

/** The configured `save <seconds> <changes>` points. */
export function savePoints(server: Server): readonly SavePoint[] {
  return server.config.get<readonly SavePoint[]>('save');
}

/**
 * prepareForShutdown's save: with SAVE, or without NOSAVE when save points are
 * configured (synchronous, as in Redis). A BGSAVE in progress is canceled
 * first, so it cannot overwrite the final file. False when the save failed
 * without FORCE: the shutdown is refused.
 */
export function shutdownSave(
  server: Server,
  flags: { save: boolean; nosave: boolean; force: boolean },
): boolean {
  if (server.snapshot?.purpose === 'rdb') {
    server.logger.warning('There is a child saving an .rdb. Killing it!');
    server.snapshot.cancel();
  }
  if (flags.nosave || (!flags.save && savePoints(server).length === 0)) return true;
  const log = server.logger;
  log.notice('Saving the final RDB snapshot before exiting.');
  if (saveSync(server)) return true;
  if (flags.force) {
    log.warning('Error trying to save the DB. Exit anyway.');
    return true;
  }
  log.warning("Error trying to save the DB, can't exit.");
  return false;
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Why start-up loading failed: the file, the offset and the reason. */
export class RdbLoadError extends Error {}

/**
 * rdbLoad: the RDB file at `path` into fresh databases (the caller swaps or
 * merges them in), logging what Redis logs meanwhile (its aux fields,
 * progress for large files, the key counts). Undefined when the file does
 * not exist; otherwise what the loader throws (RdbError: corrupt or
 * truncated; an Error with a code: the file could not be read).
 */
export function loadRdbFile(server: Server, path: string): LoadResult | undefined {
  let src: FileSource;
  try {
    src = new FileSource(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const log = server.logger;
  const size = src.size;
  const step = Math.max(1024, server.config.num('loading-process-events-interval-bytes'));
  let lastKeys = 0;
  let lastTime = performance.now();
  let result: LoadResult;
  try {
    result = loadRdb(src, {
      databases: server.dbs.length,
      limits: limitsOf(server),
      verifyChecksum: server.config.get<boolean>('rdbchecksum'),
      evictionInfo: evictionInfo(server),
      dropExpired: true,
      observer: auxFieldLogger(log),
      progressBytes: size >= 16 * step ? Math.max(step, Math.floor(size / 20)) : Number.MAX_SAFE_INTEGER,
      onProgress: (offset, keys) => {
        const t = performance.now();
        const rate = Math.round(((keys - lastKeys) * 1000) / Math.max(1, t - lastTime));
        lastKeys = keys;
        lastTime = t;
        log.notice(`Loading RDB: ${((offset * 100) / size).toFixed(1)}% (${keys} keys, ${rate} keys/sec)`);
      },
      onSkippedFunction: () =>
        log.once(
          'rdb-functions',
          'warning',
          'The RDB file holds function libraries: skipped (Redoubt has no functions).',
        ),
    });
  } finally {
    src.close();
  }
  const state = persistenceOf(server);
  state.lastLoadKeysLoaded = result.keysLoaded;
  state.lastLoadKeysExpired = result.keysExpired;
  logLoadDone(log, result);
  return result;
}

/**
 * Load `dir`/`dbfilename` at start-up when it exists, swapped in only when
 * the whole file loaded. A corrupt or truncated file throws RdbLoadError (the
 * server refuses to start) naming the offset and reason.
 */
export function loadAtStartup(server: Server): LoadResult | undefined {
  const path = rdbPath(server);
  const started = performance.now();
  let result: LoadResult | undefined;
  try {
    result = loadRdbFile(server, path);
  } catch (err) {
    if (err instanceof RdbError)
      throw new RdbLoadError(
        `Bad RDB file ${path}: ${err.reason} at offset ${err.offset}. Refusing to start.`,
      );
    throw new RdbLoadError(`Fatal error loading the DB (${path}): ${errText(err)}. Exiting.`);
  }
  if (result === undefined) return undefined;
  for (const db of server.dbs) db.swapWith(result.dbs.get(db.id) ?? new Database(db.id));
  server.logger.notice(`DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
  return result;
}

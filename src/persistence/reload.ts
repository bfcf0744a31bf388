/**
 * DEBUG RELOAD (debug.c): save the RDB file, empty the dataset, load the file
 * back, as Redis 7.0 does, with its options: NOSAVE loads the file as it is,
 * NOFLUSH keeps the current keys, MERGE lets the file's keys replace current
 * ones of the same name.
 */
import { strerror } from '../config/kinds.js';
import type { Server } from '../core/server.js';
import { type Database, NONE } from '../store/database.js';
import { RdbError } from './rdb/format.js';
import type { LoadResult } from './rdb/loader.js';
import { loadRdbFile, rdbPath, saveSync } from './snapshot.js';

export interface ReloadOptions {
  readonly save: boolean;
  readonly flush: boolean;
  readonly merge: boolean;
}

/**
 * 'save' when the save failed (nothing else was done), 'load' when the file
 * could not be loaded (the dataset was emptied first unless NOFLUSH, as in
 * Redis), undefined on success. Everything is logged.
 *
 * Unlike Redis, a broken file or (NOFLUSH without MERGE) a key that already
 * exists is not fatal: Redis exits or panics, Redoubt answers the load error.
 * The file is read whole into fresh databases before anything is merged, so
 * then nothing of it is loaded.
 */
export function debugReload(server: Server, opts: ReloadOptions): 'save' | 'load' | undefined {
  if (opts.save && !saveSync(server)) return 'save';
  // emptyData: FLUSHALL's effect on the keyspace (WATCH, a snapshot in progress), without its save.
  if (opts.flush) for (const db of server.dbs) db.clear();
  const log = server.logger;
  const path = rdbPath(server);
  let result: LoadResult | undefined;
  try {
    result = loadRdbFile(server, path);
  } catch (err) {
    log.warning(
      err instanceof RdbError
        ? `Bad RDB file ${path}: ${err.reason} at offset ${err.offset}`
        : `Error loading the RDB file ${path}: ${strerror(err)}`,
    );
    return 'load';
  }
  if (result === undefined) {
    log.warning(`Error loading the RDB file ${path}: ${strerror({ code: 'ENOENT' })}`);
    return 'load';
  }
  if (!opts.merge && !noDuplicates(server, result)) return 'load';
  for (const db of server.dbs) {
    const loaded = result.dbs.get(db.id);
    if (loaded === undefined) continue;
    if (db.size === 0) db.swapWith(loaded);
    else mergeInto(server, db, loaded);
  }
  log.warning('DB reloaded by DEBUG RELOAD');
  return undefined;
}

/** NOFLUSH without MERGE: a key both in memory and in the file is refused (Redis panics). */
function noDuplicates(server: Server, result: LoadResult): boolean {
  for (const db of server.dbs) {
    const loaded = result.dbs.get(db.id);
    if (loaded === undefined || db.size === 0) continue;
    for (const [key] of loaded.entries()) {
      if (db.slotOf(key) !== NONE) {
        server.logger.warning(`RDB has duplicated key '${key}' in DB ${db.id}`);
        return false;
      }
    }
  }
  return true;
}

/** MERGE: the file's keys replace those of the same name (RDBFLAGS_ALLOW_DUP). */
function mergeInto(server: Server, db: Database, loaded: Database): void {
  for (const [key, value] of loaded.entries()) {
    // A snapshot in progress keeps the value it would have written.
    server.snapshot?.preserve(db, key);
    db.delete(key);
    db.add(key, value);
    const when = loaded.getExpireExact(key);
    if (when !== -1) db.setExpire(key, when);
  }
}

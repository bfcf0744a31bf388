/**
 * BGSAVE without fork: Redis's rdbSaveBackground and its done handler, on a
 * point-in-time snapshot (./point-in-time.ts) streamed into `dir`/`dbfilename`
 * through an asynchronous temp file (./file-sink.ts). Also the cron's save
 * points and scheduled BGSAVE, and the MISCONF refusal of writes while the
 * last background save failed (stop-writes-on-bgsave-error).
 */
import { PERSIST_ERR } from '../commands/errors.js';
import type { Server } from '../core/server.js';
import type { ErrorReply } from '../protocol/reply.js';
import { AsyncAtomicFile } from './file-sink.js';
import { startSnapshot } from './point-in-time.js';
import { persistenceOf, rdbPath, savePoints } from './snapshot.js';

const unixNow = (): number => Math.floor(Date.now() / 1000);
const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * rdbSaveBackground: start a BGSAVE. False when another snapshot (an AOF
 * rewrite) is running. A file that cannot even be created fails the save at
 * once, as Redis's child would just after the fork: logged, reported in INFO.
 */
export function startBgsave(server: Server): boolean {
  if (server.snapshot !== null) return false;
  const state = persistenceOf(server);
  state.saves++;
  state.dirtyBeforeBgsave = server.stats.dirty;
  state.lastSaveTry = unixNow();
  const log = server.logger;
  const path = rdbPath(server);
  const started = Date.now();
  let file: AsyncAtomicFile;
  try {
    file = new AsyncAtomicFile(path);
  } catch (err) {
    log.notice(`Background saving started (in process ${process.pid}, no fork)`);
    log.warning(
      `Failed opening the temp RDB file for ${path} (in server root dir ${server.config.get<string>('dir')}) for saving: ${errText(err)}`,
    );
    bgsaveDone(server, started, 0, false);
    return true;
  }
  const snap = startSnapshot(server, file, {
    purpose: 'rdb',
    done: (err) => {
      if (err === null) log.notice('DB saved on disk');
      else log.warning(`Write error saving DB on disk (${path}): ${errText(err)}`);
      bgsaveDone(server, started, snap.copiedBytes, err === null);
    },
  });
  log.notice(`Background saving started (in process ${process.pid}, no fork)`);
  return true;
}

/** backgroundSaveDoneHandlerDisk: the outcome in INFO, LASTSAVE and the dirty counter. */
function bgsaveDone(server: Server, started: number, copied: number, ok: boolean): void {
  const state = persistenceOf(server);
  state.lastBgsaveSeconds = Math.floor((Date.now() - started) / 1000);
  state.lastCowSize = copied;
  if (ok) {
    server.logger.notice('Background saving terminated with success');
    // Writes made while the snapshot ran are not in it: they stay counted.
    server.stats.dirty -= state.dirtyBeforeBgsave;
    server.lastSave = unixNow();
    state.lastBgsaveOk = true;
  } else {
    server.logger.warning('Background saving error');
    state.lastBgsaveOk = false;
  }
}

/** killRDBChild: stop a running BGSAVE (FLUSHALL); its temp file is removed, the status kept. */
export function killBgsave(server: Server): void {
  const snap = server.snapshot;
  if (snap?.purpose !== 'rdb') return;
  snap.cancel();
  const state = persistenceOf(server);
  state.lastBgsaveSeconds = Math.floor((Date.now() - snap.startedAt) / 1000);
  state.lastCowSize = snap.copiedBytes;
  server.logger.warning('Background saving terminated (canceled)');
}

/** After a failed background save, wait this long before the cron tries again (CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_DELAY_S = 5;

/**
 * serverCron's persistence part, when no snapshot runs: a scheduled BGSAVE,
 * else the first save point that has seen `changes` writes in more than
 * `seconds` since the last save (not too soon after a failure).
 */
export function persistenceCron(server: Server): void {
  if (server.snapshot !== null) return;
  const state = persistenceOf(server);
  const now = unixNow();
  const retryOk = state.lastBgsaveOk || now - state.lastSaveTry > BGSAVE_RETRY_DELAY_S;
  if (state.bgsaveScheduled && retryOk) {
    if (startBgsave(server)) state.bgsaveScheduled = false;
    return;
  }
  const dirty = server.stats.dirty;
  for (const [seconds, changes] of savePoints(server)) {
    if (dirty >= changes && now - server.lastSave > Number(seconds) && retryOk) {
      server.logger.notice(`${changes} changes in ${seconds} seconds. Saving...`);
      startBgsave(server);
      return;
    }
  }
}

/**
 * writeCommandsDeniedByDiskError: the RDB MISCONF error while the last
 * background save failed, save points are set and stop-writes-on-bgsave-error
 * is on; else the AOF one while the AOF is on and its last write or fsync
 * failed (./aof/aof.ts); undefined when writes may go on. The dispatcher asks
 * only when one of them failed.
 */
export function diskErrorRefusal(server: Server): ErrorReply | undefined {
  if (
    !persistenceOf(server).lastBgsaveOk &&
    server.config.get<boolean>('stop-writes-on-bgsave-error') &&
    savePoints(server).length !== 0
  )
    return PERSIST_ERR.misconf;
  return server.aof.writeRefusal();
}

/** rdb_bgsave_in_progress and the current_* fields of INFO persistence. */
export function bgsaveProgress(server: Server): {
  inProgress: boolean;
  seconds: number;
  keysProcessed: number;
  keysTotal: number;
  copied: number;
} {
  const snap = server.snapshot;
  if (snap === null) return { inProgress: false, seconds: -1, keysProcessed: 0, keysTotal: 0, copied: 0 };
  return {
    inProgress: snap.purpose === 'rdb',
    seconds: Math.floor((Date.now() - snap.startedAt) / 1000),
    keysProcessed: snap.keysProcessed,
    keysTotal: snap.keysTotal,
    copied: snap.copiedBytes,
  };
}

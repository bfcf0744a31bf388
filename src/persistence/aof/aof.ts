/**
 * The append-only file, as Redis 7.0's multi-part AOF (aof.c): a directory
 * `appenddirname` inside `dir` holding a base file (an RDB preamble or
 * commands), incremental files of commands, and a manifest naming them.
 *
 * - Recording: `feed` (the Propagation sink) appends each command's RESP to a
 *   buffer, with SELECT when the database changes and `#TS:` annotations when
 *   enabled. The buffer is written before any client's replies are (the
 *   client's flush calls `flushBeforeReplies`, as Redis writes the AOF in
 *   beforeSleep before handling writes): with `appendfsync always` the write
 *   and its fdatasync complete before the replies of that turn leave, so a
 *   reply means the command is on disk. `everysec` fdatasyncs in the
 *   background at most once a second; `no` leaves it to the kernel.
 * - Rewrite (BGREWRITEAOF, the automatic one, CONFIG SET appendonly yes): a
 *   new incremental file is opened first (and put in the manifest, so a crash
 *   loses nothing), the base is written, then a new manifest is installed
 *   atomically and the files it no longer names are deleted.
 * - Start-up: the manifest's files are loaded (./load.ts); an old
 *   single-file appendonly.aof in `dir` is upgraded as Redis 7 does.
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { AOF_ERR } from '../../commands/errors.js';
import { strerror } from '../../config/kinds.js';
import type { Client } from '../../core/client.js';
import type { Server } from '../../core/server.js';
import { writeCommand } from '../../protocol/encoder.js';
import { OutputBuffer } from '../../protocol/output.js';
import type { ErrorReply } from '../../protocol/reply.js';
import { ensurePrivateDir, fsyncDir, openPrivateAppend, writeFileAtomic } from '../../security/files.js';
import { AtomicFileWriter } from '../atomic-file.js';
import { AsyncAtomicFile } from '../file-sink.js';
import { startSnapshot } from '../point-in-time.js';
import { RdbSerializer } from '../rdb/serializer.js';
import { snapshotOptions, writeSnapshot } from '../snapshot.js';
import { type AofFile, Manifest } from './manifest.js';
import type { PropagationSink } from './propagation.js';
import { writeCommandsBase } from './rewrite.js';

type AofState = 'off' | 'on';

/** A rewrite in progress: the manifest to install and the incremental file opened when it began. */
interface RewriteJob {
  readonly m: Manifest;
  readonly incr: AofFile;
  readonly started: number;
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** AOF_WRITE_LOG_ERROR_RATE: a failing write is logged at most once in this long. */
const WRITE_ERROR_LOG_RATE_MS = 30_000;

export class Aof implements PropagationSink {
  state: AofState = 'off';
  manifest: Manifest | undefined;
  private fd: number | null = null;
  /** Recorded commands not written yet, as RESP bytes (encoded once, written as they are). */
  private readonly buf = new OutputBuffer(64 * 1024, 8 * 1024 * 1024);
  /** The database the last written command ran in (-1: the next one gets a SELECT). */
  private selectedDb = -1;
  /** Unix second of the last `#TS:` annotation. */
  private curTimestamp = 0;
  /** Bytes written but not yet fdatasynced (everysec, no). */
  private unsynced = false;
  private fsyncInFlight = false;
  private lastFsync = 0;
  /** A file switched away from while its fdatasync ran: closed when it completes. */
  private closeAfterFsync: number | null = null;
  /** aof_current_size / aof_base_size (after the last rewrite or load). */
  currentSize = 0;
  baseSize = 0;
  /**
   * aof_last_write_status: false while the last write or fsync failed (writes
   * are then refused with MISCONF). Kept by `updateStatus`; a plain field
   * because the dispatcher tests it on every command.
   */
  lastWriteOk = true;
  /** strerror of the failed write (aof_last_write_errno) and of the failed fsync (aof_bio_fsync_errno). */
  private writeError: string | undefined;
  private fsyncError: string | undefined;
  /** When a write error was last logged (Redis's rate limit). */
  private lastWriteErrorLog = 0;
  /** appendfsync always failed: the server is being stopped (see `fatal`). */
  private exiting = false;
  lastRewriteOk = true;
  rewrites = 0;
  rewriteFailures = 0;
  lastRewriteTimeSec = -1;
  /** A rewrite's base is being written. */
  rewriteInProgress = false;
  /** BGREWRITEAOF arrived while another snapshot ran: the cron starts it (aof_rewrite_scheduled). */
  rewriteScheduled = false;
  /** aof-timestamp-enabled (set by the directive's apply hook). */
  timestamps = false;
  /** Set once the server started (before, `appendonly` is only read at start-up). */
  live = false;

  constructor(private readonly server: Server) {}

  private get config() {
    return this.server.config;
  }

  get dirPath(): string {
    return resolve(this.config.get<string>('dir'), this.config.get<string>('appenddirname'));
  }

  get prefix(): string {
    return this.config.get<string>('appendfilename');
  }

  get manifestPath(): string {
    return join(this.dirPath, Manifest.fileName(this.prefix));
  }

  /** Bytes waiting in the buffer (INFO aof_buffer_length). */
  get pendingBytes(): number {
    return this.buf.length;
  }

  // ---- recording ----

  feed(db: number, argv: readonly string[]): void {
    if (this.timestamps) {
      const t = Math.floor(Date.now() / 1000);
      if (this.curTimestamp < t) {
        this.buf.latin1(`#TS:${t}\r\n`);
        this.curTimestamp = t;
      }
    }
    if (db !== this.selectedDb) {
      const id = String(db);
      this.buf.latin1(`*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`);
      this.selectedDb = db;
    }
    writeCommand(this.buf, argv);
  }

  /**
   * Client.flush: while commands recorded in this event-loop turn are not
   * written, the client's replies wait. At the end of the turn (setImmediate:
   * after every ready socket was read) the AOF is written once, fdatasynced
   * under `always`, and then the waiting replies go out, as Redis's beforeSleep
   * writes the AOF before handling clients with pending writes.
   */
  holdReplies(c: Client): boolean {
    if (this.buf.length === 0 || this.releasing) return false;
    this.waiting.push(c);
    if (!this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.endOfTurn);
    }
    return true;
  }

  private waiting: Client[] = [];
  private turnScheduled = false;
  /** Set while the held replies go out: a failed write does not hold them forever (it is logged, in INFO). */
  private releasing = false;

  private readonly endOfTurn = (): void => {
    this.turnScheduled = false;
    this.flush();
    const waiting = this.waiting;
    this.waiting = [];
    // Under `always` a reply must mean "on disk": when the write or fsync failed,
    // the connections are closed unanswered instead, and the server exits (`fatal`).
    const unsafe = !this.lastWriteOk && this.config.get<string>('appendfsync') === 'always';
    this.releasing = true;
    try {
      for (const c of waiting) {
        if (unsafe) c.destroy();
        else c.flush();
      }
    } finally {
      this.releasing = false;
    }
  };

  /** flushAppendOnlyFile. */
  flush(): void {
    const fd = this.fd;
    if (fd === null || this.buf.length === 0) return;
    const data = this.buf.view();
    let off = 0;
    try {
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    } catch (err) {
      // The buffer stays (less what could not be undone): the cron retries it.
      this.writeFailed(err, fd, off, data.length);
      return;
    }
    this.currentSize += data.length;
    // writeSync copied the bytes: the same memory takes the next turn's records.
    this.buf.reset(true);
    if (this.writeError !== undefined) {
      this.server.logger.warning('AOF write error looks solved, Redis can write again.');
      this.writeError = undefined;
      this.updateStatus();
    }
    this.unsynced = true;
    const policy = this.config.get<string>('appendfsync');
    if (policy === 'always') this.fsyncNow();
    else if (policy === 'everysec' && Date.now() - this.lastFsync >= 1000) this.fsyncInBackground();
  }

  /**
   * flushAppendOnlyFile's error path. A short write is cut off again, so the
   * file still ends on a whole command and the retry writes the buffer whole
   * (Redis reports a short write as ENOSPC); if the cut fails, the written
   * part leaves the buffer instead. Until a retry succeeds, writes are
   * refused (MISCONF, `writeRefusal`).
   */
  private writeFailed(err: unknown, fd: number, written: number, expected: number): void {
    const log = this.server.logger;
    const now = Date.now();
    const canLog = now - this.lastWriteErrorLog > WRITE_ERROR_LOG_RATE_MS;
    if (canLog) this.lastWriteErrorLog = now;
    if (written === 0) {
      this.writeError = strerror(err);
      if (canLog) log.warning(`Error writing to the AOF file: ${this.writeError}`);
    } else {
      this.writeError = strerror({ code: 'ENOSPC' });
      if (canLog)
        log.warning(`Short write while writing to the AOF file: (nwritten=${written}, expected=${expected})`);
      try {
        ftruncateSync(fd, fstatSync(fd).size - written);
      } catch (e) {
        if (canLog)
          log.warning(
            `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${strerror(e)}`,
          );
        this.buf.consume(written);
        this.currentSize += written;
      }
    }
    this.updateStatus();
    if (this.config.get<string>('appendfsync') === 'always')
      this.fatal("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
  }

  /** A failed fdatasync (aof_bio_fsync_status): writes are refused until one succeeds. */
  private fsyncFailed(err: unknown): void {
    if (this.fsyncError === undefined)
      this.server.logger.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
    this.fsyncError = strerror(err);
    this.unsynced = true;
    this.updateStatus();
  }

  private fsyncSucceeded(): void {
    if (this.fsyncError === undefined) return;
    this.fsyncError = undefined;
    this.updateStatus();
  }

  private updateStatus(): void {
    this.lastWriteOk = this.writeError === undefined && this.fsyncError === undefined;
  }

  /**
   * writeCommandsDeniedByDiskError's AOF part: the MISCONF refusal while the
   * AOF is on and its last write (else its last fsync) failed.
   */
  writeRefusal(): ErrorReply | undefined {
    if (this.lastWriteOk || this.state === 'off') return undefined;
    return AOF_ERR.writeError(this.writeError ?? this.fsyncError ?? '');
  }

  /**
   * appendfsync always after a failed write or fsync: the dataset already
   * holds commands that are not on disk, and nothing can take them back, so
   * any later reply (a read's included) could show data a crash would lose.
   * Redis exits(1) here; so does Redoubt: the server stops at once, the
   * replies held for this turn unsent (the CLI exits with status 1; an
   * embedding application sees its server closed).
   */
  private fatal(message: string): void {
    if (this.exiting) return;
    this.exiting = true;
    this.server.logger.warning(message);
    void this.server.close().then(() => this.server.onShutdown?.(1));
  }

  private fsyncNow(): void {
    if (this.fd === null) return;
    try {
      fdatasyncSync(this.fd);
      this.unsynced = false;
      this.lastFsync = Date.now();
      this.fsyncSucceeded();
    } catch (err) {
      this.fsyncError = strerror(err);
      this.updateStatus();
      this.fatal(
        `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${this.fsyncError}. Exiting...`,
      );
    }
  }

  /** everysec: one fdatasync on the thread pool at a time; writes go on meanwhile. */
  private fsyncInBackground(): void {
    const fd = this.fd;
    if (fd === null || this.fsyncInFlight || !this.unsynced) return;
    this.fsyncInFlight = true;
    this.unsynced = false;
    this.lastFsync = Date.now();
    fdatasync(fd, (err) => {
      this.fsyncInFlight = false;
      if (err !== null) this.fsyncFailed(err);
      else this.fsyncSucceeded();
      if (this.closeAfterFsync === fd) {
        this.closeAfterFsync = null;
        closeQuietly(fd);
      }
    });
  }

  /** serverCron's part: write what expiry recorded, the everysec fsync, the automatic rewrite. */
  cron(): void {
    if (this.rewriteScheduled && this.server.snapshot === null) {
      this.rewriteScheduled = false;
      this.rewrite();
    }
    if (this.state !== 'on') return;
    this.flush();
    // A failed fsync is retried whatever the policy: it is what makes the AOF writable again.
    if (
      this.fsyncError !== undefined ||
      (this.config.get<string>('appendfsync') === 'everysec' && Date.now() - this.lastFsync >= 1000)
    )
      this.fsyncInBackground();
    const perc = this.config.num('auto-aof-rewrite-percentage');
    const minSize = this.config.num('auto-aof-rewrite-min-size');
    if (perc > 0 && !this.rewriteInProgress && !this.rewriteScheduled && this.currentSize > minSize) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor(((this.currentSize - base) * 100) / base);
      if (growth >= perc) {
        this.server.logger.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewrite();
      }
    }
  }

  // ---- files ----

  private persistManifest(m: Manifest): void {
    writeFileAtomic(join(this.dirPath, Manifest.fileName(this.prefix)), m.toString());
  }

  /** Open (creating 0600) an incremental file for appending; the next command gets a SELECT. */
  private openIncr(f: AofFile): void {
    const { fd, note } = openPrivateAppend(join(this.dirPath, f.name));
    if (note !== undefined) this.server.logger.notice(note);
    this.switchFd(fd);
    this.selectedDb = -1;
    this.curTimestamp = 0;
  }

  /** Make `fd` the file written to; the old one is synced and closed. */
  private switchFd(fd: number | null): void {
    this.flush();
    const old = this.fd;
    this.fd = fd;
    if (old === null) return;
    let synced = true;
    try {
      fdatasyncSync(old);
    } catch (err) {
      synced = false;
      this.fsyncFailed(err);
    }
    if (this.fsyncInFlight) this.closeAfterFsync = old;
    else closeQuietly(old);
    // After a failure the next fsync (of the new file) is what clears the error.
    if (synced) this.unsynced = false;
  }

  /**
   * Write a base file of the whole dataset (RDB preamble, or commands with
   * aof-use-rdb-preamble no) into the AOF directory, atomically. Synchronous:
   * the server waits for the length of the write.
   */
  private writeBase(f: AofFile): number {
    const file = new AtomicFileWriter(join(this.dirPath, f.name));
    try {
      if (f.name.endsWith('.rdb'))
        writeSnapshot(
          new RdbSerializer(file, { ...snapshotOptions(this.server), aofBase: true }),
          this.server.dbs,
        );
      else writeCommandsBase(this.server, file);
      file.commit();
    } catch (err) {
      file.abort();
      throw err;
    }
    return file.bytes;
  }

  private useRdbPreamble(): boolean {
    return this.config.get<boolean>('aof-use-rdb-preamble');
  }

  /**
   * aofOpenIfNeededOnServerStart (after loading): with no file at all, a base
   * of the (empty) dataset is written first; then the last incremental file
   * is opened, or a new one created, and the manifest persisted.
   */
  openOnStart(m: Manifest): void {
    ensurePrivateDir(this.dirPath);
    const log = this.server.logger;
    if (m.base === undefined && m.incr.length === 0) {
      const base = m.newBase(this.useRdbPreamble());
      this.baseSize = this.writeBase(base);
      log.notice(`Creating AOF base file ${base.name} on server start`);
    }
    let incr = m.incr[m.incr.length - 1];
    if (incr === undefined) {
      incr = m.newIncr();
      log.notice(`Creating AOF incr file ${incr.name} on server start`);
    } else log.notice(`Opening AOF incr file ${incr.name} on server start`);
    this.openIncr(incr);
    this.persistManifest(m);
    this.manifest = m;
    this.deleteHistory();
    this.currentSize = this.filesSize(m);
    if (this.baseSize === 0) this.baseSize = this.currentSize;
    this.enableRecording();
  }

  private filesSize(m: Manifest): number {
    let total = 0;
    for (const f of m.loadOrder) {
      try {
        total += statSync(join(this.dirPath, f.name)).size;
      } catch {
        // A missing file was reported by the loader already.
      }
    }
    return total;
  }

  private enableRecording(): void {
    this.state = 'on';
    this.server.propagation.sink = this;
  }

  /** aofDelHistoryFiles (unless aof-disable-auto-gc): history files are deleted and forgotten. */
  private deleteHistory(): void {
    const m = this.manifest;
    if (m === undefined || m.history.length === 0 || this.config.get<boolean>('aof-disable-auto-gc')) return;
    for (const f of m.history) {
      this.server.logger.notice(`Removing the history file ${f.name} in the background`);
      try {
        unlinkSync(join(this.dirPath, f.name));
      } catch {
        // Already gone.
      }
    }
    m.history = [];
    this.persistManifest(m);
  }

  /**
   * BGREWRITEAOF (rewriteAppendOnlyFileBackground): writes go to a new
   * incremental file from now on, listed in the manifest at once (a crash
   * meanwhile replays the old files and it), and the base is a point-in-time
   * snapshot of this instant, written across event-loop turns by the
   * snapshot engine (src/persistence/point-in-time.ts). When it is in place,
   * a manifest naming the new base and the new incremental file replaces the
   * old one and the files it no longer names are deleted. With
   * aof-use-rdb-preamble no the base (commands) is written synchronously.
   * False when it could not start (logged, and in INFO).
   */
  rewrite(): boolean {
    if (this.rewriteInProgress) return false;
    // One snapshot at a time (Redis: one child): the cron starts it when the other ends.
    // Nothing is lost meanwhile: the base will be taken then.
    if (this.server.snapshot !== null) {
      this.rewriteScheduled = true;
      return true;
    }
    const log = this.server.logger;
    const wasOn = this.state === 'on';
    try {
      ensurePrivateDir(this.dirPath);
      const m = this.manifest?.clone() ?? new Manifest(this.prefix);
      const incr = m.newIncr();
      this.openIncr(incr);
      if (wasOn) {
        this.persistManifest(m);
        this.manifest = m;
        log.notice(`Creating AOF incr file ${incr.name} on background rewrite`);
      } else {
        // CONFIG SET appendonly yes: recording starts now; the manifest waits for the base (Redis's AOF_WAIT_REWRITE).
        this.enableRecording();
      }
      // The base and the new incremental file share a sequence number, as in Redis.
      m.baseSeq = Math.max(m.baseSeq, incr.seq - 1);
      const base = m.newBase(this.useRdbPreamble());
      const job: RewriteJob = { m, incr, started: Date.now() };
      this.rewriteInProgress = true;
      if (base.name.endsWith('.rdb')) {
        const file = new AsyncAtomicFile(join(this.dirPath, base.name));
        startSnapshot(this.server, file, {
          purpose: 'aof',
          aofBase: true,
          done: (err) => this.rewriteDone(job, err),
        });
        log.notice('Background append only file rewriting started');
      } else {
        log.notice('Background append only file rewriting started');
        this.writeBase(base);
        this.rewriteDone(job, null);
      }
      return true;
    } catch (err) {
      this.rewriteInProgress = false;
      this.rewriteFailed(err);
      return false;
    }
  }

  /** backgroundRewriteDoneHandler: install the new manifest, drop the old files. */
  private rewriteDone(job: RewriteJob, err: Error | null): void {
    this.rewriteInProgress = false;
    if (err !== null) {
      this.rewriteFailed(err);
      return;
    }
    const log = this.server.logger;
    try {
      const { m, incr } = job;
      m.retireIncrBefore(incr);
      this.persistManifest(m);
      this.manifest = m;
      fsyncDir(this.dirPath);
      this.deleteHistory();
      // As Redis: the growth that triggers the next rewrite counts from the new
      // base plus what was recorded while it was written (aof_rewrite_base_size).
      this.currentSize = this.filesSize(m);
      this.baseSize = this.currentSize;
    } catch (e) {
      this.rewriteFailed(e);
      return;
    }
    this.lastRewriteOk = true;
    this.rewriteFailures = 0;
    this.rewrites++;
    this.lastRewriteTimeSec = Math.floor((Date.now() - job.started) / 1000);
    log.notice('Background AOF rewrite finished successfully');
  }

  private rewriteFailed(err: unknown): void {
    this.lastRewriteOk = false;
    this.rewriteFailures++;
    this.server.logger.warning(`Background AOF rewrite failed: ${errText(err)}`);
  }

  /** A rewrite in progress is abandoned (CONFIG SET appendonly no, shutdown), as Redis kills its child. */
  private cancelRewrite(): void {
    const snap = this.server.snapshot;
    if (snap?.purpose === 'aof') snap.cancel();
    this.rewriteInProgress = false;
  }

  /** CONFIG SET appendonly: only once the server runs (start-up opens the AOF after loading it). */
  configChanged(on: boolean): void {
    if (!this.live) return;
    if (on) this.start();
    else this.stop();
  }

  /** CONFIG SET appendonly yes (startAppendOnly): a rewrite creates the base, then recording starts. */
  start(): void {
    if (this.state === 'on') return;
    // The new AOF starts from a base of the dataset: an old error no longer matters.
    const log = this.server.logger;
    if (this.fsyncError !== undefined) log.warning('AOF reopen, just ignore the AOF fsync error in bio job');
    if (this.writeError !== undefined) log.warning('AOF reopen, just ignore the last error.');
    this.fsyncError = undefined;
    this.writeError = undefined;
    this.updateStatus();
    if (!this.rewrite()) throw new Error('Unable to turn on AOF. Check server logs.');
  }

  /** CONFIG SET appendonly no (stopAppendOnly): flush, fsync, close; the files stay. */
  stop(): void {
    if (this.state === 'off') return;
    this.cancelRewrite();
    this.server.propagation.sink = null;
    this.flush();
    this.switchFd(null);
    // What could not be written is dropped, as Redis frees aof_buf: a later
    // CONFIG SET appendonly yes writes a base that already holds it.
    this.buf.reset(true);
    this.state = 'off';
    this.server.logger.notice('Calling fsync() on the AOF file.');
  }

  /** Shutdown: everything recorded is written and fsynced. */
  close(): void {
    if (this.state === 'off') return;
    this.stop();
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

/**
 * aofUpgradePrepare: an old single-file AOF (`dir`/appendfilename) becomes the
 * base of a new manifest, moved into the AOF directory under its own name.
 */
export function upgradeOldAof(server: Server, dirPath: string, prefix: string): Manifest | undefined {
  const old = resolve(server.config.get<string>('dir'), prefix);
  if (!existsSync(old)) return undefined;
  ensurePrivateDir(dirPath);
  const m = new Manifest(prefix);
  m.base = { name: prefix, seq: 1, type: 'b' };
  m.baseSeq = 1;
  renameSync(old, join(dirPath, prefix));
  writeFileAtomic(join(dirPath, Manifest.fileName(prefix)), m.toString());
  fsyncDir(resolve(server.config.get<string>('dir')));
  server.logger.notice(`Successfully migrated an old-style AOF into the AOF directory ${dirPath}`);
  return m;
}

/**
 * The file a background snapshot streams into. Chunks are queued and written
 * by asynchronous writes (libuv's thread pool), so the event loop never waits
 * for the disk; `backlog` tells the snapshot how much is still queued, so it
 * pauses (`drain`) rather than holding the whole dataset in memory when the
 * disk is slower than serialization. `close` fsyncs, renames over the target
 * and fsyncs the directory, off the event loop too; until it resolves the
 * target is untouched, and any failure removes the temporary file: never a
 * half-written file in place of a good one. Same file policy as
 * AtomicFileWriter (0600, created beside the target with O_EXCL).
 */
import { close, closeSync, fsync, rename, unlinkSync, writev } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { fsyncDir } from '../security/files.js';
import { createTempBeside } from './atomic-file.js';
import type { SnapshotSink } from './point-in-time.js';

const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);
const renameAsync = promisify(rename);

/** At most this many bytes per writev call (bounded buffers per request). */
const MAX_WRITE = 4 * 1024 * 1024;
/** Chunks are copied into reused slabs of this size (the RDB writer's chunk size). */
const SLAB = 64 * 1024;
/** Slabs kept for reuse (4 MB). */
const MAX_SLABS = 64;

export class AsyncAtomicFile implements SnapshotSink {
  readonly tempPath: string;
  private readonly fd: number;
  private queue: Buffer[] = [];
  private readonly slabs: Buffer[] = [];
  private queued = 0;
  private writing = false;
  private failure: Error | null = null;
  private closing = false;
  private aborted = false;
  /** holdDescriptor() calls not yet released. */
  private holds = 0;
  /** Waiting for the backlog to fall to `limit` bytes. */
  private waiters: { limit: number; resolve: () => void; reject: (err: Error) => void }[] = [];

  /** Creates the temporary file now: throws (ENOENT, EACCES...) when it cannot. */
  constructor(readonly path: string) {
    const temp = createTempBeside(path);
    this.tempPath = temp.tempPath;
    this.fd = temp.fd;
  }

  get backlog(): number {
    return this.queued;
  }

  /** The temporary file's descriptor, for a writer that writes it directly (the encoder thread). */
  get descriptor(): number {
    return this.fd;
  }

  /**
   * Someone else writes through `descriptor`: until `releaseDescriptor`, an
   * abort removes the file but leaves the descriptor open (closing it under a
   * write could let a new file reuse its number and receive the bytes).
   */
  holdDescriptor(): void {
    this.holds++;
  }

  releaseDescriptor(): void {
    if (this.holds === 0) return;
    if (--this.holds === 0 && this.aborted && !this.closing && !this.writing) closeSync(this.fd);
  }

  write(chunk: Buffer): void {
    if (this.failure !== null || this.closing) return;
    // The writer reuses its buffer once write returns: keep a copy.
    this.queue.push(this.copy(chunk));
    this.queued += chunk.length;
    this.pump();
  }

  drain(limit = 0): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.queued <= limit) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ limit, resolve, reject }));
  }

  /** Write everything, fsync, rename over the target, fsync the directory. */
  async close(): Promise<void> {
    try {
      await this.drain(0);
    } catch (err) {
      // A write failed: nothing of this file may stay behind.
      this.abort();
      throw err;
    }
    this.closing = true;
    try {
      await fsyncAsync(this.fd);
      await closeAsync(this.fd);
      // abort() during the fsync: the file must not take the target's place.
      if (this.aborted) throw new Error('aborted');
      await renameAsync(this.tempPath, this.path);
    } catch (err) {
      this.removeTemp();
      throw err;
    }
    fsyncDir(dirname(this.path));
  }

  /**
   * Stop writing and remove the temporary file now; the target is untouched.
   * The descriptor is closed once no write is in flight (closing it under a
   * write could let a new file reuse its number and receive the bytes).
   */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.fail(new Error('aborted'));
    // Once closing, close() cleans up itself.
    if (this.closing) return;
    this.removeTemp();
    if (!this.writing && this.holds === 0) closeSync(this.fd);
  }

  private removeTemp(): void {
    try {
      unlinkSync(this.tempPath);
    } catch {
      // Already gone.
    }
  }

  private pump(): void {
    if (this.writing || this.queue.length === 0 || this.failure !== null) return;
    const batch: Buffer[] = [];
    let size = 0;
    while (this.queue.length !== 0 && size < MAX_WRITE) {
      const b = this.queue.shift() as Buffer;
      batch.push(b);
      size += b.length;
    }
    this.writing = true;
    writev(this.fd, batch, (err, written) => {
      this.writing = false;
      if (this.aborted) {
        closeSync(this.fd);
        return;
      }
      if (err !== null) {
        this.fail(err);
        return;
      }
      this.queued -= written;
      // A short write: put back what was not written, in order.
      if (written < size) this.queue.unshift(...unwritten(batch, written));
      else this.recycle(batch);
      this.wake();
      this.pump();
    });
  }

  /**
   * A copy of `chunk` in a reused slab when it fits: a snapshot passes its
   * whole size through here, and fresh buffers each time would make the
   * garbage collector run full collections (external memory) during the save.
   */
  private copy(chunk: Buffer): Buffer {
    if (chunk.length > SLAB) return Buffer.from(chunk);
    const slab = this.slabs.pop() ?? Buffer.allocUnsafeSlow(SLAB);
    chunk.copy(slab);
    return slab.subarray(0, chunk.length);
  }

  /** Keep the slabs of written chunks for the next copies. */
  private recycle(batch: readonly Buffer[]): void {
    for (const b of batch) {
      if (this.slabs.length >= MAX_SLABS) return;
      if (b.byteOffset === 0 && b.buffer.byteLength === SLAB) this.slabs.push(Buffer.from(b.buffer));
    }
  }

  private wake(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.queued <= w.limit) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
  }
}

/** The buffers of `batch` past its first `written` bytes. */
function unwritten(batch: readonly Buffer[], written: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = written;
  for (const b of batch) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

/**
 * A file written in pieces and then put in place atomically: the bytes go to a
 * temporary file beside the target (created 0600 with O_EXCL, so nothing
 * already there is followed or reused), which on `commit` is fsynced, renamed
 * over the target, and the directory fsynced. `abort` removes the temporary
 * file. Until `commit` returns, the old file stays in place untouched: a
 * failure (disk full, permissions) never leaves half a file under the real
 * name. It is also an RdbSink, so a snapshot streams straight into it.
 *
 * The same policy as writeFileAtomic (src/security/files.ts), for content too
 * large to build in memory first.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir, PRIVATE_FILE_MODE } from '../security/files.js';
import type { RdbSink } from './rdb/writer.js';

/**
 * A new temporary file beside `path` (same directory, so the final rename is
 * atomic), created 0600 with O_EXCL: nothing already there is followed or reused.
 */
export function createTempBeside(path: string): { tempPath: string; fd: number } {
  const tempPath = join(
    dirname(path),
    `temp-${process.pid}-${randomBytes(4).toString('hex')}-${basename(path)}`,
  );
  const fd = openSync(tempPath, 'wx', PRIVATE_FILE_MODE);
  try {
    // The umask may have removed bits from the creation mode: set exactly 0600.
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tempPath);
    throw err;
  }
  return { tempPath, fd };
}

export class AtomicFileWriter implements RdbSink {
  readonly tempPath: string;
  private fd: number | null;
  bytes = 0;

  constructor(readonly path: string) {
    const temp = createTempBeside(path);
    this.tempPath = temp.tempPath;
    this.fd = temp.fd;
  }

  write(chunk: Buffer): void {
    const fd = this.openFd();
    let off = 0;
    while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    this.bytes += chunk.length;
  }

  /** fsync, rename over the target, fsync the directory. */
  commit(): void {
    const fd = this.openFd();
    try {
      fsyncSync(fd);
      closeSync(fd);
      this.fd = null;
      renameSync(this.tempPath, this.path);
    } catch (err) {
      this.abort();
      throw err;
    }
    fsyncDir(dirname(this.path));
  }

  /** Drop the temporary file (after a failure); the target is untouched. */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed.
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // Already gone.
    }
  }

  private openFd(): number {
    if (this.fd === null) throw new Error('file already committed or aborted');
    return this.fd;
  }
}

/**
 * A background snapshot's LZF compression, CRC-64 and file writes on another
 * core, as Redis's forked child does them beside the main process. The main
 * thread still walks the keyspace (one thread owns the data) but writes frames
 * (writer.ts: everything except compression and the checksum, a memcpy per
 * value); the encoder thread (rdb/encode-worker.ts) turns them into the
 * file's bytes and writes them to the temporary file. The file is byte for
 * byte what an in-thread writer produces; fsync, rename and clean-up stay
 * with the file (AsyncAtomicFile).
 *
 * One encoder thread per process, started on first use and shared by every
 * server in it (one stream per snapshot, told apart by id); it keeps the
 * process alive only while a stream is open. When no thread can be started,
 * `offloadEncoding` returns null and the snapshot encodes in-thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AsyncAtomicFile } from './file-sink.js';
import type { SnapshotSink } from './point-in-time.js';
import type { FromEncoder, ToEncoder } from './rdb/encode-worker.js';
import { recycleFramedChunk } from './rdb/writer.js';

let thread: EncoderThread | null = null;
let nextId = 1;

class EncoderThread {
  private readonly worker: Worker;
  private readonly streams = new Map<number, EncodeOffload>();

  constructor(script: URL) {
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on('message', (m: FromEncoder) => this.streams.get(m.id)?.received(m));
    this.worker.on('error', (err) => this.died(err));
    this.worker.on('exit', (code) => this.died(new Error(`the RDB encoder thread exited (${code})`)));
  }

  attach(id: number, stream: EncodeOffload): void {
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(id, stream);
  }

  detach(id: number): void {
    if (this.streams.delete(id) && this.streams.size === 0) this.worker.unref();
  }

  post(m: ToEncoder): void {
    if (m.kind === 'chunk') this.worker.postMessage(m, [m.buf]);
    else this.worker.postMessage(m);
  }

  /** Every open stream fails (nothing writes their files any more); the next snapshot starts a new thread. */
  private died(err: Error): void {
    if (thread === this) thread = null;
    const open = [...this.streams.values()];
    this.streams.clear();
    for (const s of open) s.threadDied(err);
  }
}

/** `file` behind the encoder thread, for a framed RdbWriter; null when no thread can run. */
export function offloadEncoding(file: AsyncAtomicFile, compression: boolean): EncodeOffload | null {
  try {
    // A bundled copy may have left the worker's file behind: encode in-thread then.
    const script = new URL('./rdb/encode-worker.js', import.meta.url);
    if (thread === null && !existsSync(fileURLToPath(script))) return null;
    thread ??= new EncoderThread(script);
  } catch {
    return null;
  }
  return new EncodeOffload(file, compression, thread);
}

export class EncodeOffload implements SnapshotSink {
  private readonly id = nextId++;
  /** Frame bytes sent to the thread and not written yet. */
  private inFlight = 0;
  private failure: Error | null = null;
  /** abort() ran: the file is gone, the thread told to stop (its answer releases the descriptor). */
  private aborting = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly file: AsyncAtomicFile,
    private readonly compression: boolean,
    private readonly thread: EncoderThread,
  ) {
    thread.attach(this.id, this);
    file.holdDescriptor();
  }

  get backlog(): number {
    return this.inFlight;
  }

  /** A framed writer's chunk: ours from now on (its memory moves to the thread). */
  write(chunk: Buffer): void {
    if (this.failure !== null) return;
    this.inFlight += chunk.length;
    this.thread.post({
      kind: 'chunk',
      id: this.id,
      fd: this.file.descriptor,
      compression: this.compression,
      buf: chunk.buffer as ArrayBuffer,
      len: chunk.length,
    });
  }

  async drain(limit: number): Promise<void> {
    while (this.failure === null && this.inFlight > limit) await this.progress();
    if (this.failure !== null) throw this.failure;
  }

  /** Everything encoded and written, then the file made durable and put in place. */
  async close(): Promise<void> {
    try {
      await this.drain(0);
    } catch (err) {
      this.abort();
      throw err;
    }
    this.thread.detach(this.id);
    this.file.releaseDescriptor();
    await this.file.close();
  }

  /**
   * Give up: the file is removed now; its descriptor is closed once the
   * thread has answered that it stopped writing to it.
   */
  abort(): void {
    if (this.aborting) return;
    this.aborting = true;
    this.fail(new Error('aborted'));
    this.file.abort();
    this.thread.post({ kind: 'abort', id: this.id });
  }

  received(m: FromEncoder): void {
    if (m.kind === 'done') {
      recycleFramedChunk(m.buf);
      this.inFlight -= m.consumed;
      this.wake();
    } else if (m.kind === 'failed') {
      this.fail(Object.assign(new Error(m.message), { code: m.code }));
    } else {
      this.thread.detach(this.id);
      this.file.releaseDescriptor();
    }
  }

  /** The thread is gone: nothing writes the file any more. */
  threadDied(err: Error): void {
    this.fail(err);
    this.file.releaseDescriptor();
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    this.wake();
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}

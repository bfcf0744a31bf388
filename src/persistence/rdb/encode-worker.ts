/**
 * The encoder thread (see encode-offload.ts): turns a background snapshot's
 * frames into RDB bytes (LZF and the CRC-64, most of a snapshot's CPU) and
 * writes them to the snapshot's temporary file, while the main thread keeps
 * serving clients. It sees bytes and a file descriptor, never the data.
 *
 * In, in order per stream: a `chunk` per framed chunk (an unknown `id` starts
 * a stream; streams of several servers in one process interleave, each with
 * its own encoder and checksum; the end frame closes one), or `abort` (stop
 * writing that stream). Out: `done` per chunk (encoded and written; its memory handed back),
 * `failed` (encoding or writing failed: nothing more is written for the
 * stream), `aborted` (no write for the stream will follow).
 */
import { writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { FrameEncoder } from './writer.js';

export type ToEncoder =
  | {
      readonly kind: 'chunk';
      readonly id: number;
      readonly fd: number;
      readonly compression: boolean;
      /** The chunk: the first `len` bytes of `buf`. */
      readonly buf: ArrayBuffer;
      readonly len: number;
    }
  | { readonly kind: 'abort'; readonly id: number };

export type FromEncoder =
  | {
      readonly kind: 'done';
      readonly id: number;
      readonly consumed: number;
      readonly buf: ArrayBuffer;
    }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly message: string;
      readonly code?: string | undefined;
    }
  | { readonly kind: 'aborted'; readonly id: number };

/** One snapshot's encoding: streams of several servers in one process interleave. */
class Stream {
  readonly encoder: FrameEncoder;

  constructor(
    private readonly fd: number,
    compression: boolean,
  ) {
    this.encoder = new FrameEncoder(this, compression);
  }

  /** The encoder's output: straight to the file. */
  write(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
  }
}

const port = parentPort;
if (port !== null) {
  /** Open streams by id; null once one failed (chunks still in flight are dropped until its abort). */
  const streams = new Map<number, Stream | null>();
  port.on('message', (m: ToEncoder) => {
    if (m.kind === 'abort') {
      streams.delete(m.id);
      port.postMessage({ kind: 'aborted', id: m.id } satisfies FromEncoder);
      return;
    }
    let stream = streams.get(m.id);
    if (stream === undefined) {
      stream = new Stream(m.fd, m.compression);
      streams.set(m.id, stream);
    }
    if (stream === null) return;
    try {
      stream.encoder.feed(Buffer.from(m.buf, 0, m.len));
    } catch (err) {
      streams.set(m.id, null);
      const e = err as NodeJS.ErrnoException;
      port.postMessage({
        kind: 'failed',
        id: m.id,
        message: e?.message ?? String(err),
        code: e?.code,
      } satisfies FromEncoder);
      return;
    }
    // The end frame (checksum) closes the stream: nothing follows it.
    if (stream.encoder.ended) streams.delete(m.id);
    port.postMessage({ kind: 'done', id: m.id, consumed: m.len, buf: m.buf } satisfies FromEncoder, [m.buf]);
  });
}

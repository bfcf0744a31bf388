/**
 * The encoder thread (see encode-offload.ts): turns a background snapshot's
 * frames into RDB bytes (LZF and the CRC-64, most of a snapshot's CPU) and
 * writes them to the snapshot's temporary file, while the main thread keeps
 * serving clients. It sees bytes and a file descriptor, never the data.
 *
 * In, in order: a `chunk` per framed chunk (a new `id` starts a new stream;
 * the previous one was finished or abandoned), or `abort` (stop writing that
 * stream). Out: `done` per chunk (its memory handed back, bytes written),
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
      readonly written: number;
      readonly buf: ArrayBuffer;
    }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly message: string;
      readonly code?: string | undefined;
    }
  | { readonly kind: 'aborted'; readonly id: number };

const port = parentPort;
if (port !== null) {
  let id = -1;
  let encoder: FrameEncoder | null = null;
  let fd = -1;
  let written = 0;
  const sink = {
    write(chunk: Buffer): void {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      written += chunk.length;
    },
  };
  port.on('message', (m: ToEncoder) => {
    if (m.kind === 'abort') {
      if (m.id === id) encoder = null;
      port.postMessage({ kind: 'aborted', id: m.id } satisfies FromEncoder);
      return;
    }
    if (m.id !== id) {
      id = m.id;
      fd = m.fd;
      encoder = new FrameEncoder(sink, m.compression);
    }
    if (encoder === null) return; // this stream failed or was abandoned
    written = 0;
    try {
      encoder.feed(Buffer.from(m.buf, 0, m.len));
    } catch (err) {
      encoder = null;
      const e = err as NodeJS.ErrnoException;
      port.postMessage({
        kind: 'failed',
        id,
        message: e?.message ?? String(err),
        code: e?.code,
      } satisfies FromEncoder);
      return;
    }
    port.postMessage({ kind: 'done', id, consumed: m.len, written, buf: m.buf } satisfies FromEncoder, [
      m.buf,
    ]);
  });
}

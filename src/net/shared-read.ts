/**
 * Reads from plain TCP and Unix sockets into one buffer shared by every
 * connection, instead of a fresh 64 KB buffer per read.
 *
 * By default Node allocates a 64 KB backing store for every read, shrinks it to
 * the bytes read with `realloc`, wraps it in an ArrayBuffer and a Buffer (to be
 * swept by the GC later) and hands it through the Readable stream machinery to
 * 'data' listeners. At one small request per read (redis-benchmark at pipeline
 * 1) that costs about 2 us of CPU per request, 15 % of the whole request.
 *
 * Node has an allocation-free mode for exactly this: a socket given `onread:
 * { buffer, callback }` reads into `buffer` and calls `callback(nread, buffer)`
 * with no stream machinery (`net.connect` documents it). Node offers it for
 * sockets it connects, not for sockets a server accepts, so the same fields are
 * set here on an accepted socket before it starts reading: the socket's own
 * `kBuffer` / `kBufferCb` slots (found by their symbols' descriptions) and the
 * handle's `useUserBuffer`, which is what the `onread` option does. When Node
 * does not have them (another version, a TLS socket, a socket already
 * reading), `readShared` returns false and the caller listens to 'data' as usual.
 *
 * The bytes are valid only during the callback: the next read anywhere in the
 * process overwrites them. The RESP decoder therefore copies any unparsed tail
 * it holds before the callback returns (RespDecoder.retain); arguments are
 * strings, copied out when parsed. pause() and resume() keep working (Node
 * stops and starts the handle's reading for such sockets), and EOF still
 * arrives as 'end'.
 */
import type { Socket } from 'node:net';

/** One read's worth: what libuv suggests per read (64 KB). */
const SHARED = Buffer.allocUnsafeSlow(64 * 1024);

interface StreamHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
  reading?: boolean;
}

/** The socket's slots for the `onread` option, when this Node has them. */
function onreadSlots(socket: Socket): { buffer: symbol; callback: symbol; generator: symbol } | null {
  let buffer: symbol | undefined;
  let callback: symbol | undefined;
  let generator: symbol | undefined;
  for (const s of Object.getOwnPropertySymbols(socket)) {
    if (s.description === 'kBuffer') buffer = s;
    else if (s.description === 'kBufferCb') callback = s;
    else if (s.description === 'kBufferGen') generator = s;
  }
  if (buffer === undefined || callback === undefined || generator === undefined) return null;
  return { buffer, callback, generator };
}

/**
 * Deliver `socket`'s reads to `onRead` through the shared buffer. Call before
 * the socket starts reading (an accepted socket paused on connect). Returns
 * false, changing nothing, when the socket cannot read that way.
 */
export function readShared(socket: Socket, onRead: (chunk: Buffer) => void): boolean {
  if ((socket as { encrypted?: boolean }).encrypted === true) return false;
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (handle == null || typeof handle.useUserBuffer !== 'function' || handle.reading === true) return false;
  const slots = onreadSlots(socket);
  if (slots === null) return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  // Someone else's onread (or a future Node that sets these): leave it alone.
  if (fields[slots.buffer] != null || fields[slots.callback] != null || fields[slots.generator] != null)
    return false;
  fields[slots.buffer] = SHARED;
  fields[slots.callback] = (nread: number): void => {
    onRead(SHARED.subarray(0, nread));
  };
  handle.useUserBuffer(SHARED);
  return true;
}

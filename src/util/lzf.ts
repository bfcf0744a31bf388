/**
 * LZF, the compression of RDB strings. The compressor follows liblzf 3.6's
 * algorithm (HLOG 16, VERY_FAST, the shift-and-subtract hash), choice for
 * choice, so a DUMP payload or RDB file is byte-identical to the reference
 * redis-server's: which hash slot a position lands in, when a back reference
 * is taken, and when it gives up (output would not fit `outLen`) all decide
 * the bytes. That is the liblzf Debian's Redis links; Redis's bundled copy
 * also refuses a match in the last four input bytes, so an upstream build
 * occasionally ends a compressed string with literals where we (and Debian's)
 * use a back reference. Both decode to the same bytes everywhere.
 *
 * Format: 000LLLLL + L+1 literal bytes; LLLooooo oooooooo a back reference of
 * L+2 bytes at distance o+1; 111ooooo LLLLLLLL oooooooo one of L+9 bytes.
 *
 * One deliberate difference: Redis leaves its hash table uninitialised (a stale
 * slot can occasionally yield another valid match); ours starts empty, the
 * behaviour liblzf documents as INIT_HTAB.
 */

import { lzfWasm, WASM_IN } from './lzf-wasm.js';

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Positions of the last occurrence of each hash, reused between calls without
 * clearing: a call owns the values above `base` (its position + 1 + base), so
 * anything a previous call left reads as "none", exactly as a cleared table.
 * Clearing 256 KB for every string was most of the cost of compressing short
 * values (an AOF rewrite of 1 KB values spent a quarter of its CPU in it).
 */
const htab = new Int32Array(HSIZE);
let base = 0;

/** liblzf's IDX for VERY_FAST over the last three bytes hashed into `h`. */
function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/** Inputs up to this size go through the WebAssembly compressor (bounded module memory). */
const WASM_MAX_INPUT = 4 * 1024 * 1024;
let wasmView = new Uint8Array(0);

/** The generation for a call of `inLen` bytes (see htab), clearing both tables when it would overflow. */
function generation(inLen: number): number {
  if (base > 0x7fffffff - inLen - 2) {
    htab.fill(0);
    const w = lzfWasm();
    if (w !== null) new Int32Array(w.memory.buffer, 0, HSIZE).fill(0);
    base = 0;
  }
  const b = base;
  base += inLen + 1;
  return b;
}

/**
 * Compress `input` into at most `outLen` bytes; the compressed bytes, or null
 * when they would not fit (Redis then stores the string uncompressed). The
 * WebAssembly compressor (lzf-wasm.ts) when it runs, else `lzfCompressJs`:
 * the same bytes either way.
 */
export function lzfCompress(input: Uint8Array, outLen: number): Buffer | null {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return null;
  const w = inLen <= WASM_MAX_INPUT ? lzfWasm() : null;
  if (w === null) return lzfCompressJs(input, outLen);
  const b = generation(inLen);
  // The output goes after the input, 8-aligned, with slack for the last literal run's byte.
  const outPtr = (WASM_IN + inLen + 7) & ~7;
  const need = outPtr + outLen + 64;
  const mem = w.memory;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  // A view of the module's memory, made again only after the memory grew.
  if (wasmView.buffer !== mem.buffer) wasmView = new Uint8Array(mem.buffer);
  const bytes = wasmView;
  bytes.set(input, WASM_IN);
  const n = w.compress(inLen, outLen, b, outPtr);
  return n === 0 ? null : Buffer.from(bytes.subarray(outPtr, outPtr + n));
}

/** The same compressor in JavaScript (where WebAssembly cannot run, and inputs over 4 MB). */
export function lzfCompressJs(input: Uint8Array, outLen: number): Buffer | null {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return null;
  const b = generation(inLen);
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 1; // room for the first literal run's length byte
  let lit = 0;
  let hval = ((input[0] as number) << 8) | (input[1] as number);
  while (ip < inLen - 2) {
    hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
    const slot = idx(hval);
    // Negative for an empty slot or one left by a previous call.
    const ref = (htab[slot] as number) - b - 1;
    htab[slot] = b + ip + 1;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      ref < ip &&
      off < MAX_OFF &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 2;
      const maxlen = Math.min(inLen - ip - len, MAX_REF);
      // The reference (up to 3 bytes) and the next run's length byte must fit.
      if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outLen) return null;
      out[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--; // no literal run after all
      // liblzf first compares 16 bytes unrolled, without the maxlen bound, when
      // maxlen > 16: a match can then run up to the input's last byte.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16 && !mismatch; k++) {
          len++;
          mismatch = input[ref + len] !== input[ip + len];
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // now the number of bytes - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a literal run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      // VERY_FAST: hash the two positions before the new one.
      ip -= 2;
      hval = ((input[ip] as number) << 8) | (input[ip + 1] as number);
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      htab[idx(hval)] = b + ip + 1;
      ip++;
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      htab[idx(hval)] = b + ip + 1;
      ip++;
    } else {
      if (op >= outLen) return null;
      lit++;
      out[op++] = input[ip++] as number;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++] as number;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/**
 * Decompress exactly `outLen` bytes from `input`; null when the input is not
 * valid LZF or does not produce exactly `outLen` bytes (Redis's "Invalid LZF
 * compressed string").
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const inLen = input.length;
  while (ip < inLen) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > inLen) return null;
      for (let k = 0; k < n; k++) out[op++] = input[ip++] as number;
    } else {
      let len = ctrl >>> 5;
      if (len === 7) {
        if (ip >= inLen) return null;
        len += input[ip++] as number;
      }
      if (ip >= inLen) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - 1 - (input[ip++] as number);
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      // Byte by byte: a reference may overlap the bytes it produces (runs).
      for (let k = 0; k < len; k++) out[op++] = out[ref + k] as number;
    }
  }
  return op === outLen ? out : null;
}

/**
 * HyperLogLog values in Redis's exact string format (hyperloglog.c), so that
 * `GET` of an HLL key returns the bytes Redis would hold after the same
 * commands, and values move between servers unchanged (DUMP/RESTORE, RDB):
 *
 *   +------+---+-----+----------+--------------------------------------+
 *   | HYLL | E | N/U | Cardin.  | registers (dense) or opcodes (sparse) |
 *   +------+---+-----+----------+--------------------------------------+
 *     4      1   3     8 bytes, little endian; bit 63 set = cache invalid
 *
 * - dense (E = 0): 16384 registers of 6 bits, LSB first, 12288 bytes.
 * - sparse (E = 1): run-length opcodes ZERO (00xxxxxx, 1-64 zero registers),
 *   XZERO (01xxxxxx yyyyyyyy, 1-16384 zero registers) and VAL (1vvvvvxx, 1-4
 *   registers of value 1-32), promoted to dense when a register exceeds 32
 *   or the string would grow past hll-sparse-max-bytes.
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits
 * pick the register, the run of zeros above them (plus one) is its candidate
 * value. The estimate is Otmar Ertl's improved estimator over the register
 * histogram, as Redis 7 computes it, so counts are identical too.
 *
 * Functions work on byte arrays: a dense value is updated in place in the
 * store's bytes; a sparse one, whose length changes, in an `HllWork` copy that
 * the caller stores back.
 */
import { HLL_SEED, murmurHash64A } from '../util/murmur.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
/** Offset of the cached cardinality's most significant byte (its top bit marks the cache invalid). */
const CARD_MSB = 15;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const HLL_ALPHA_INF = 0.7213475204444817;

// ---- opcodes ----

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXzero = (op: number): boolean => (op & 0xc0) === 0x40;
const isVal = (op: number): boolean => (op & 0x80) !== 0;
const zeroLen = (op: number): number => (op & 0x3f) + 1;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 0x3) + 1;
const valOp = (value: number, len: number): number => (((value - 1) << 2) | (len - 1) | 0x80) & 0xff;

/** A string value being modified, with room to grow (an sds: bytes past `len` read as zero). */
export class HllWork {
  constructor(
    public buf: Buffer,
    public len: number,
  ) {}

  /** A growable copy of stored bytes. */
  static copyOf(bytes: Uint8Array): HllWork {
    const buf = Buffer.alloc(bytes.length + 64);
    buf.set(bytes);
    return new HllWork(buf, bytes.length);
  }

  /** The byte at `i`, zero at and past the end (the sds terminator). */
  at(i: number): number {
    return i < this.len ? (this.buf[i] as number) : 0;
  }

  /** Make room for `extra` more bytes (sdsMakeRoomFor). */
  reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.len + extra, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  get encoding(): number {
    return this.buf[4] as number;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** `createHLLObject`: an empty sparse HLL (one XZERO opcode covering every register). */
export function createHll(): HllWork {
  const sparselen =
    HLL_HDR_SIZE + Math.floor((HLL_REGISTERS + (SPARSE_XZERO_MAX_LEN - 1)) / SPARSE_XZERO_MAX_LEN) * 2;
  const w = new HllWork(Buffer.alloc(sparselen + 64), sparselen);
  const b = w.buf;
  b[0] = 0x48; // H
  b[1] = 0x59; // Y
  b[2] = 0x4c; // L
  b[3] = 0x4c; // L
  b[4] = HLL_SPARSE;
  let p = HLL_HDR_SIZE;
  for (let aux = HLL_REGISTERS; aux > 0; ) {
    const xzero = Math.min(SPARSE_XZERO_MAX_LEN, aux);
    b[p] = ((xzero - 1) >> 8) | 0x40;
    b[p + 1] = (xzero - 1) & 0xff;
    p += 2;
    aux -= xzero;
  }
  return w;
}

/** `isHLLObjectOrReply` for a string value: header magic, known encoding, exact dense size. */
export function isValidHll(b: Uint8Array): boolean {
  if (b.length < HLL_HDR_SIZE) return false;
  if (b[0] !== 0x48 || b[1] !== 0x59 || b[2] !== 0x4c || b[3] !== 0x4c) return false;
  const enc = b[4] as number;
  if (enc > HLL_MAX_ENCODING) return false;
  if (enc === HLL_DENSE && b.length !== HLL_DENSE_SIZE) return false;
  return true;
}

export function isCacheValid(b: Uint8Array): boolean {
  return ((b[CARD_MSB] as number) & 0x80) === 0;
}

export function invalidateCache(b: Uint8Array): void {
  b[CARD_MSB] = (b[CARD_MSB] as number) | 0x80;
}

/** The cached cardinality (the cache must be valid). */
export function cachedCard(b: Uint8Array): number | bigint {
  const lo =
    ((b[8] as number) | ((b[9] as number) << 8) | ((b[10] as number) << 16) | ((b[11] as number) << 24)) >>>
    0;
  const hi =
    ((b[12] as number) | ((b[13] as number) << 8) | ((b[14] as number) << 16) | ((b[15] as number) << 24)) >>>
    0;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function setCachedCard(b: Uint8Array, card: number): void {
  let v = card;
  for (let i = 8; i < 16; i++) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

// ---- hashing ----

const hashOut = new Uint32Array(2);
let scratch = Buffer.allocUnsafe(256);
/** Set by `patLen`: the register an element maps to. */
let patIndex = 0;

/** `hllPatLen`: the register index (in `patIndex`) and the 000..1 run length of a latin1 element. */
function patLen(ele: string): number {
  const len = ele.length;
  if (len > scratch.length) scratch = Buffer.allocUnsafe(Math.max(len, scratch.length * 2));
  scratch.latin1Write(ele, 0, len);
  return patLenBytes(scratch, 0, len);
}

function patLenBytes(data: Uint8Array, start: number, len: number): number {
  murmurHash64A(data, start, len, HLL_SEED, hashOut);
  const lo = hashOut[0] as number;
  const hi = hashOut[1] as number;
  patIndex = lo & HLL_P_MASK;
  // hash >>= P, then bit Q set so the run ends: trailing zeros of the 50 bits above the index, plus one.
  const low = lo >>> HLL_P; // 18 bits
  if (low !== 0) return 31 - Math.clz32(low & -low) + 1;
  const high = (hi & 0xffffffff) >>> 0; // bits 18..49 of the shifted hash are hi's 32 bits
  if (high !== 0) return 18 + (31 - Math.clz32(high & -high)) + 1;
  return HLL_Q + 1;
}

// ---- dense ----

function denseGet(b: Uint8Array, regnum: number): number {
  const byte = HLL_HDR_SIZE + ((regnum * HLL_BITS) >> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const b0 = b[byte] as number;
  const b1 = byte + 1 < b.length ? (b[byte + 1] as number) : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRegister(b: Uint8Array, regnum: number, val: number): void {
  const byte = HLL_HDR_SIZE + ((regnum * HLL_BITS) >> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  b[byte] = ((b[byte] as number) & ~(HLL_REGISTER_MAX << fb)) | ((val << fb) & 0xff);
  // The last register's second byte is the string's terminator, which a 6-bit value never changes.
  if (byte + 1 < b.length)
    b[byte + 1] = ((b[byte + 1] as number) & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8);
}

/** `hllDenseSet`: raise register `index` to `count`; 1 when it changed. */
function denseSet(b: Uint8Array, index: number, count: number): number {
  if (count > denseGet(b, index)) {
    denseSetRegister(b, index, count);
    return 1;
  }
  return 0;
}

function denseHisto(b: Uint8Array, histo: Int32Array): void {
  let p = HLL_HDR_SIZE;
  for (let j = 0; j < HLL_REGISTERS / 4; j++) {
    const r0 = b[p] as number;
    const r1 = b[p + 1] as number;
    const r2 = b[p + 2] as number;
    (histo[r0 & 63] as number)++;
    (histo[((r0 >> 6) | (r1 << 2)) & 63] as number)++;
    (histo[((r1 >> 4) | (r2 << 4)) & 63] as number)++;
    (histo[(r2 >> 2) & 63] as number)++;
    p += 3;
  }
}

// ---- sparse ----

/**
 * `hllSparseToDense`: rewrite `w` as a dense HLL (header copied, cache
 * included). False, leaving `w` untouched, when the opcodes do not cover
 * exactly the 16384 registers.
 */
export function sparseToDense(w: HllWork): boolean {
  if (w.encoding === HLL_DENSE) return true;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  dense.set(w.buf.subarray(0, HLL_HDR_SIZE));
  dense[4] = HLL_DENSE;
  const end = w.len;
  let p = HLL_HDR_SIZE;
  let idx = 0;
  while (p < end) {
    const op = w.buf[p] as number;
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      idx += (((op & 0x3f) << 8) | w.at(p + 1)) + 1;
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + idx > HLL_REGISTERS) break;
      while (runlen-- > 0) denseSetRegister(dense, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  w.buf = dense;
  w.len = HLL_DENSE_SIZE;
  return true;
}

/**
 * `hllSparseSet`: raise register `index` to `count` in a sparse HLL, splitting
 * and merging opcodes in place as Redis does, promoting to dense when needed.
 * 1 when changed, 0 when not, -1 when the representation is invalid.
 */
function sparseSet(w: HllWork, index: number, count: number, sparseMaxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(w, index, count);
  w.reserve(3);
  const b = w.buf;
  const sparse = HLL_HDR_SIZE;
  let end = w.len;
  // Step 1: find the opcode covering `index`.
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p] as number;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = (((op & 0x3f) << 8) | w.at(p + 1)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p] as number;
  let next = isXzero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const opIsZero = isZero(op);
  const opIsXzero = isXzero(op);
  const opIsVal = !opIsZero && !opIsXzero;
  const runlen = opIsZero ? zeroLen(op) : opIsXzero ? (((op & 0x3f) << 8) | w.at(p + 1)) + 1 : valLen(op);

  let updated = false;
  // Step 2: the trivial cases A, B and C.
  if (opIsVal) {
    if (valValue(op) >= count) return 0;
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      updated = true;
    }
  }
  if (!updated && opIsZero && runlen === 1) {
    b[p] = valOp(count, 1);
    updated = true;
  }
  if (!updated) {
    // Case D: split the opcode into up to three (XZERO-VAL-XZERO at worst).
    const seq: number[] = [];
    const last = first + span - 1;
    const zeros = (len: number): void => {
      if (len > SPARSE_ZERO_MAX_LEN) seq.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff);
      else seq.push(len - 1);
    };
    if (opIsZero || opIsXzero) {
      if (index !== first) zeros(index - first);
      seq.push(valOp(count, 1));
      if (index !== last) zeros(last - index);
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valOp(curval, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(curval, last - index));
    }
    // Step 3: substitute the new sequence for the old opcode.
    const seqlen = seq.length;
    const oldlen = opIsXzero ? 2 : 1;
    const deltalen = seqlen - oldlen;
    if (deltalen > 0 && w.len + deltalen > sparseMaxBytes) return promote(w, index, count);
    if (deltalen !== 0 && next !== -1) b.copyWithin(next + deltalen, next, end);
    w.len += deltalen;
    for (let i = 0; i < seqlen; i++) b[p + i] = seq[i] as number;
    end += deltalen;
  }
  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev !== -1 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen-- > 0) {
    const o = b[p] as number;
    if (isXzero(o)) {
      p += 2;
      continue;
    }
    if (isZero(o)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(b[p + 1] as number)) {
      const v1 = valValue(o);
      const v2 = valValue(b[p + 1] as number);
      if (v1 === v2) {
        const len = valLen(o) + valLen(b[p + 1] as number);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          // memmove(p, p + 1, end - p): the byte after the end is the terminator.
          b.copyWithin(p, p + 1, end);
          b[end - 1] = 0;
          w.len--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(b);
  return 1;
}

function promote(w: HllWork, index: number, count: number): number {
  if (!sparseToDense(w)) return -1;
  // A promotion happens only for a register that needs raising: this always changes it.
  return denseSet(w.buf, index, count);
}

function sparseHisto(b: Uint8Array, start: number, end: number, histo: Int32Array): boolean {
  let idx = 0;
  let p = start;
  while (p < end) {
    const op = b[p] as number;
    if (isZero(op)) {
      const runlen = zeroLen(op);
      idx += runlen;
      (histo[0] as number) += runlen;
      p++;
    } else if (isXzero(op)) {
      const runlen = (((op & 0x3f) << 8) | (p + 1 < end ? (b[p + 1] as number) : 0)) + 1;
      idx += runlen;
      (histo[0] as number) += runlen;
      p += 2;
    } else {
      const runlen = valLen(op);
      idx += runlen;
      (histo[valValue(op)] as number) += runlen;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

// ---- add, count, merge ----

/**
 * `hllAdd` of one latin1 element. `w` is a dense value (possibly the store's
 * own bytes) or a sparse copy; a promotion replaces `w.buf`. 1 when a register
 * changed, 0 when not, -1 for an invalid representation.
 */
export function hllAdd(w: HllWork, ele: string, sparseMaxBytes: number): number {
  const count = patLen(ele);
  return addRegister(w, patIndex, count, sparseMaxBytes);
}

function addRegister(w: HllWork, index: number, count: number, sparseMaxBytes: number): number {
  switch (w.encoding) {
    case HLL_DENSE:
      return denseSet(w.buf, index, count);
    case HLL_SPARSE:
      return sparseSet(w, index, count, sparseMaxBytes);
    default:
      return -1;
  }
}

/** `hllSigma` (Ertl, arXiv:1702.01284). */
function sigma(x0: number): number {
  if (x0 === 1) return Number.POSITIVE_INFINITY;
  let x = x0;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** `hllTau` (Ertl, arXiv:1702.01284). */
function tau(x0: number): number {
  if (x0 === 0 || x0 === 1) return 0;
  let x = x0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The estimate from a register histogram (`hllCount` after the histogram). */
function estimate(histo: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - (histo[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j] as number;
    z *= 0.5;
  }
  z += m * sigma((histo[0] as number) / m);
  // llroundl: half away from zero (the value is never negative).
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

/** `hllCount` of a stored HLL (valid header); undefined when a sparse one is corrupt. */
export function hllCount(b: Uint8Array): number | undefined {
  const histo = new Int32Array(64);
  if (b[4] === HLL_DENSE) denseHisto(b, histo);
  else if (!sparseHisto(b, HLL_HDR_SIZE, b.length, histo)) return undefined;
  return estimate(histo);
}

/** `hllCount` of raw registers, one byte each (PFCOUNT of several keys). */
export function hllCountRaw(max: Uint8Array): number {
  const histo = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) (histo[max[i] as number] as number)++;
  return estimate(histo);
}

/** `hllMerge`: max[i] = MAX(max[i], register i). False when a sparse value is corrupt. */
export function hllMerge(max: Uint8Array, b: Uint8Array): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(b, i);
      if (val > (max[i] as number)) max[i] = val;
    }
    return true;
  }
  const end = b.length;
  let p = HLL_HDR_SIZE;
  let i = 0;
  while (p < end) {
    const op = b[p] as number;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      i += (((op & 0x3f) << 8) | (p + 1 < end ? (b[p + 1] as number) : 0)) + 1;
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + i > HLL_REGISTERS) break;
      while (runlen-- > 0) {
        if (regval > (max[i] as number)) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** PFMERGE's write-back: raise every register of `w` to `max` (promotion as PFADD would). */
export function hllSetRegisters(w: HllWork, max: Uint8Array, sparseMaxBytes: number): void {
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j] as number;
    if (v === 0) continue;
    if (w.encoding === HLL_DENSE) denseSet(w.buf, j, v);
    else if (w.encoding === HLL_SPARSE) sparseSet(w, j, v, sparseMaxBytes);
  }
}

// ---- PFDEBUG ----

/** Every register of a dense HLL. */
export function denseRegisters(b: Uint8Array): number[] {
  const out: number[] = new Array(HLL_REGISTERS);
  for (let j = 0; j < HLL_REGISTERS; j++) out[j] = denseGet(b, j);
  return out;
}

/** PFDEBUG DECODE: the opcodes of a sparse HLL ("z:1 Z:2 v:3,4"). */
export function decodeSparse(b: Uint8Array): string {
  const parts: string[] = [];
  const end = b.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p] as number;
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXzero(op)) {
      parts.push(`Z:${(((op & 0x3f) << 8) | (p + 1 < end ? (b[p + 1] as number) : 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}

// ---- PFSELFTEST ----

/**
 * PFSELFTEST: the register accessors keep values and neighbours, and dense and
 * sparse HLLs fed the same 10 million elements agree and stay within Redis's
 * error bounds. Returns undefined on success, else the failure text (after
 * "TESTFAILED ").
 */
export function selfTest(sparseMaxBytes: number, rand: () => number): string | undefined {
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1).subarray(0, HLL_DENSE_SIZE);
  dense[4] = HLL_DENSE;
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < 1000; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = rand() & HLL_REGISTER_MAX;
      bytecounters[i] = r;
      denseSetRegister(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, i);
      if (val !== bytecounters[i]) return `Register ${i} should be ${bytecounters[i]} but is ${val}`;
    }
  }
  dense.fill(0, HLL_HDR_SIZE);
  const w = createHll();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = rand() >>> 0;
  const seedHi = rand() >>> 0;
  const ele = new Uint8Array(8);
  const view = new DataView(ele.buffer);
  for (let j = 1; j <= 10000000; j++) {
    view.setUint32(0, (j ^ seedLo) >>> 0, true);
    view.setUint32(4, seedHi, true);
    const count = patLenBytes(ele, 0, 8);
    const index = patIndex;
    denseSet(dense, index, count);
    addRegister(w, index, count, sparseMaxBytes);
    if (j === checkpoint) {
      if (j < sparseMaxBytes / 2 && w.encoding !== HLL_SPARSE) return 'sparse encoding not used';
      const d = hllCount(dense);
      if (d !== hllCount(w.bytes())) return 'dense/sparse disagree';
      const abserr = Math.abs(checkpoint - (d as number));
      let maxerr = Math.ceil(relerr * 6 * checkpoint);
      if (j === 10) maxerr = 1;
      if (abserr > maxerr) return `Too big error. card:${checkpoint} abserr:${abserr}`;
      checkpoint *= 10;
    }
  }
  return undefined;
}

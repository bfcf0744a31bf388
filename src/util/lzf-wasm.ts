/**
 * liblzf's compressor as a WebAssembly function, choice for choice the same
 * as `lzfCompressJs` in lzf.ts (same hash, same table, same give-up point),
 * about twice as fast on the byte loop that dominates a snapshot's CPU. The
 * module's bytes are assembled here from the listing below (no toolchain, no
 * binary file); `lzfWasm()` returns null where WebAssembly cannot run, and
 * lzf.ts then uses the JavaScript version.
 *
 * Memory: the 64 Ki-entry hash table (i32) at 0, the input at IN, the output
 * right after it. `compress(inLen, outLen, base, outPtr)` returns the
 * compressed length, or 0 when it would not fit in `outLen` bytes.
 */

/** Where the input goes in the module's memory (after the hash table). */
export const WASM_IN = 1 << 18;

// ---- a minimal assembler ----

const I32 = 0x7f;
const VOID = 0x40;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

type Code = number[];
const cat = (...parts: (Code | number)[]): Code => parts.flatMap((p) => (typeof p === 'number' ? [p] : p));

// Locals: the four parameters, then the working variables.
const IN_LEN = 0;
const OUT_LEN = 1;
const BASE = 2;
const OUT_PTR = 3;
const IP = 4;
const OP = 5;
const LIT = 6;
const HVAL = 7;
const SLOT = 8;
const REF = 9;
const OFF = 10;
const LEN = 11;
const MAXLEN = 12;
const K = 13;
const MISMATCH = 14;
/** Working variables after the parameters. */
const LOCALS = MISMATCH - OUT_PTR;

const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number, ...value: (Code | number)[]): Code => cat(...value, 0x21, ...uleb(i));
const c = (n: number): Code => [0x41, ...sleb(n)];
const add = 0x6a;
const sub = 0x6b;
const mul = 0x6c;
const and = 0x71;
const or = 0x72;
const shl = 0x74;
const shrU = 0x76;
const shrS = 0x75;
const eq = 0x46;
const ne = 0x47;
const ltS = 0x48;
const gtS = 0x4a;
const leS = 0x4c;
const geS = 0x4e;
const eqz = 0x45;
const select = 0x1b;
const block = (...body: Code[]): Code => cat(0x02, VOID, ...body, 0x0b);
const loop = (...body: Code[]): Code => cat(0x03, VOID, ...body, 0x0b);
const ifThen = (cond: Code, ...body: Code[]): Code => cat(cond, 0x04, VOID, ...body, 0x0b);
const ifElse = (cond: Code, then: Code[], otherwise: Code[]): Code =>
  cat(cond, 0x04, VOID, ...then, 0x05, ...otherwise, 0x0b);
const br = (depth: number): Code => [0x0c, ...uleb(depth)];
const brIf = (cond: Code, depth: number): Code => cat(cond, 0x0d, ...uleb(depth));
const ret = (value: Code): Code => cat(value, 0x0f);

/** in[i]: a byte of the input. */
const inAt = (i: Code): Code => cat(i, 0x2d, 0x00, ...uleb(WASM_IN));
/** out[i] = v. */
const outSet = (i: Code, v: Code): Code => cat(get(OUT_PTR), i, add, v, 0x3a, 0x00, 0x00);
/** htab[slot] (slot is an entry number). */
const htabGet = (slot: Code): Code => cat(slot, c(2), shl, 0x28, 0x02, 0x00);
const htabSet = (slot: Code, v: Code): Code => cat(slot, c(2), shl, v, 0x36, 0x02, 0x00);
/** liblzf's IDX (VERY_FAST, HLOG 16) of hval. */
const idx = (h: Code): Code => cat(h, c(8), shrU, h, c(5), mul, sub, c(0xffff), and);
const inc = (i: number, by = 1): Code => set(i, get(i), c(by), add);
/** hval = (hval << 8) | in[ip + 2]. */
const nextHval = (): Code => set(HVAL, get(HVAL), c(8), shl, inAt(cat(get(IP), c(2), add)), or);
/** One literal byte, closing the run at 32 (MAX_LIT). */
const literal = (): Code =>
  cat(
    inc(LIT),
    outSet(get(OP), inAt(get(IP))),
    inc(OP),
    inc(IP),
    ifThen(cat(get(LIT), c(32), eq), outSet(cat(get(OP), c(33), sub), c(31)), set(LIT, c(0)), inc(OP)),
  );

function body(): Code {
  const byteAt = (base: number, plus: Code): Code => inAt(cat(get(base), plus, add));
  const match = cat(
    set(LEN, c(2)),
    // maxlen = min(inLen - ip - 2, MAX_REF 264)
    set(MAXLEN, get(IN_LEN), get(IP), sub, c(2), sub),
    set(MAXLEN, get(MAXLEN), c(264), get(MAXLEN), c(264), ltS, select),
    // The reference (up to 3 bytes) and the next run's length byte must fit.
    ifThen(cat(get(OP), get(LIT), eqz, sub, c(4), add, get(OUT_LEN), geS), ret(c(0))),
    outSet(cat(get(OP), get(LIT), sub, c(1), sub), cat(get(LIT), c(1), sub)),
    ifThen(cat(get(LIT), eqz), set(OP, get(OP), c(1), sub)),
    set(MISMATCH, c(0)),
    // liblzf compares 16 bytes unrolled, without the maxlen bound, when maxlen > 16.
    ifThen(
      cat(get(MAXLEN), c(16), gtS),
      set(K, c(0)),
      block(
        loop(
          brIf(cat(get(K), c(16), geS), 1),
          inc(LEN),
          ifThen(cat(byteAt(REF, get(LEN)), byteAt(IP, get(LEN)), ne), set(MISMATCH, c(1)), br(2)),
          inc(K),
          br(0),
        ),
      ),
    ),
    ifThen(
      cat(get(MISMATCH), eqz),
      block(
        loop(
          inc(LEN),
          brIf(cat(get(LEN), get(MAXLEN), geS), 1),
          brIf(cat(byteAt(REF, get(LEN)), byteAt(IP, get(LEN)), ne), 1),
          br(0),
        ),
      ),
    ),
    set(LEN, get(LEN), c(2), sub),
    inc(IP),
    ifElse(
      cat(get(LEN), c(7), ltS),
      [outSet(get(OP), cat(get(OFF), c(8), shrS, get(LEN), c(5), shl, add)), inc(OP)],
      [
        outSet(get(OP), cat(get(OFF), c(8), shrS, c(7 << 5), add)),
        inc(OP),
        outSet(get(OP), cat(get(LEN), c(7), sub)),
        inc(OP),
      ],
    ),
    outSet(get(OP), cat(get(OFF), c(0xff), and)),
    inc(OP),
    set(LIT, c(0)),
    inc(OP),
    set(IP, get(IP), get(LEN), add, c(1), add),
    // Past the end of the main loop: br 2 leaves $nomatch, $main, to $exit.
    brIf(cat(get(IP), get(IN_LEN), c(2), sub, geS), 2),
    // VERY_FAST: hash the two positions before the new one.
    set(IP, get(IP), c(2), sub),
    set(HVAL, inAt(get(IP)), c(8), shl, byteAt(IP, c(1)), or),
    nextHval(),
    htabSet(idx(get(HVAL)), cat(get(BASE), get(IP), add, c(1), add)),
    inc(IP),
    nextHval(),
    htabSet(idx(get(HVAL)), cat(get(BASE), get(IP), add, c(1), add)),
    inc(IP),
    br(1), // next round of $main
  );
  return cat(
    set(OP, c(1)),
    set(HVAL, inAt(c(0)), c(8), shl, inAt(c(1)), or),
    block(
      // $exit
      loop(
        // $main
        brIf(cat(get(IP), get(IN_LEN), c(2), sub, geS), 1),
        nextHval(),
        set(SLOT, idx(get(HVAL))),
        // Negative for an empty slot or one left by a previous call.
        set(REF, htabGet(get(SLOT)), get(BASE), sub, c(1), sub),
        htabSet(get(SLOT), cat(get(BASE), get(IP), add, c(1), add)),
        block(
          // $nomatch
          brIf(cat(get(REF), c(0), leS), 0),
          brIf(cat(get(REF), get(IP), geS), 0),
          set(OFF, get(IP), get(REF), sub, c(1), sub),
          brIf(cat(get(OFF), c(8192), geS), 0),
          brIf(cat(inAt(get(REF)), inAt(get(IP)), ne), 0),
          brIf(cat(byteAt(REF, c(1)), byteAt(IP, c(1)), ne), 0),
          brIf(cat(byteAt(REF, c(2)), byteAt(IP, c(2)), ne), 0),
          match,
        ),
        ifThen(cat(get(OP), get(OUT_LEN), geS), ret(c(0))),
        literal(),
        br(0),
      ),
    ),
    ifThen(cat(get(OP), c(3), add, get(OUT_LEN), gtS), ret(c(0))),
    block(loop(brIf(cat(get(IP), get(IN_LEN), geS), 1), literal(), br(0))),
    outSet(cat(get(OP), get(LIT), sub, c(1), sub), cat(get(LIT), c(1), sub)),
    ifThen(cat(get(LIT), eqz), set(OP, get(OP), c(1), sub)),
    get(OP),
  );
}

function section(id: number, content: Code): Code {
  return cat(id, uleb(content.length), content);
}

function vec(items: Code[]): Code {
  return cat(uleb(items.length), ...items);
}

function name(s: string): Code {
  return cat(
    uleb(s.length),
    [...s].map((ch) => ch.charCodeAt(0)),
  );
}

function moduleBytes(): Uint8Array {
  const fn = cat(vec([cat(uleb(LOCALS), I32)]), body(), 0x0b);
  return new Uint8Array(
    cat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, vec([cat(0x60, vec([[I32], [I32], [I32], [I32]]), vec([[I32]]))])),
      section(3, vec([uleb(0)])),
      section(5, vec([cat(0x00, uleb(8))])), // memory: at least 8 pages (512 KiB)
      section(7, vec([cat(name('mem'), 0x02, uleb(0)), cat(name('compress'), 0x00, uleb(0))])),
      section(10, vec([cat(uleb(fn.length), fn)])),
    ),
  );
}

/** The parts of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

export interface LzfWasm {
  readonly memory: WasmMemory;
  readonly compress: (inLen: number, outLen: number, base: number, outPtr: number) => number;
}

let instance: LzfWasm | null | undefined;

/** The compiled compressor (one per thread), or null when WebAssembly is unavailable. */
export function lzfWasm(): LzfWasm | null {
  if (instance !== undefined) return instance;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  try {
    if (wasm === undefined) throw new Error('no WebAssembly');
    const inst = new wasm.Instance(new wasm.Module(moduleBytes()));
    const exp = inst.exports as { mem: WasmMemory; compress: LzfWasm['compress'] };
    instance = { memory: exp.mem, compress: exp.compress };
  } catch {
    instance = null;
  }
  return instance;
}

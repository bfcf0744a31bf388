/**
 * Exact emulation of the C `long double` that Redis's INCRBYFLOAT computes with on
 * x86-64: the 80-bit x87 extended format (64-bit mantissa with explicit leading
 * bit, exponent range -16382..16383, subnormals down to 2^-16445), round to
 * nearest even. JS doubles give different answers (`10.5 + 0.1` prints as
 * "10.6" in Redis but as "10.59999999999999964" with a double), so values are
 * held as BigInt mantissas and every step rounds exactly as the hardware does:
 *
 *   parse  : glibc `strtold` under Redis's `string2ld` rules (correctly rounded)
 *   add    : one correctly rounded addition
 *   format : `%.17Lf` (exact decimal expansion, round half to even), then
 *            Redis's `ld2string(LD_STR_HUMAN)` trimming of trailing zeros.
 */

/** A finite value `(neg ? -1 : 1) * mant * 2^exp`; `mant` has at most 64 bits. */
export interface LongDouble {
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

/** Marker for +-infinity results of parsing (strtold accepts "inf"). */
export interface LongDoubleInf {
  readonly neg: boolean;
  readonly inf: true;
}

const MANT_BITS = 64;
/** Exponent of the least significant mantissa bit of the smallest subnormal. */
const MIN_LSB_EXP = -16445;
/** Largest exponent of the leading bit (values must stay below 2^16384). */
const MAX_TOP_EXP = 16383;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
const MAX_CHARS = 5 * 1024;

const ZERO: LongDouble = { neg: false, mant: 0n, exp: 0 };
const NEG_ZERO: LongDouble = { neg: true, mant: 0n, exp: 0 };

function bitLength(v: bigint): number {
  // v > 0. toString(2) is linear in the size, fine for our operand sizes.
  return v.toString(2).length;
}

/**
 * Round `m * 2^e` (plus, when `sticky`, some amount strictly between 0 and one unit
 * of m's last place) to the extended format. Callers that pass `sticky` give `m`
 * at least 66 significant bits, so the sticky part lies below the rounding bit.
 * Returns null on overflow (the result would be infinite).
 */
function round(neg: boolean, m: bigint, e: number, sticky: boolean): LongDouble | null {
  if (m === 0n) return neg ? NEG_ZERO : ZERO;
  const len = bitLength(m);
  const lsb = Math.max(e + len - MANT_BITS, MIN_LSB_EXP);
  const shift = lsb - e;
  let q: bigint;
  if (shift <= 0) {
    q = m << BigInt(-shift);
  } else if (shift > len + 1) {
    // Everything is below half of the smallest unit: rounds to zero.
    q = 0n;
  } else {
    const s = BigInt(shift);
    q = m >> s;
    const r = m - (q << s);
    const half = 1n << (s - 1n);
    if (r > half || (r === half && (sticky || (q & 1n) === 1n))) q += 1n;
  }
  let exp = lsb;
  if (q >> BigInt(MANT_BITS) !== 0n) {
    q >>= 1n;
    exp++;
  }
  if (q === 0n) return neg ? NEG_ZERO : ZERO;
  if (exp + bitLength(q) - 1 > MAX_TOP_EXP) return null;
  return { neg, mant: q, exp };
}

const POW10: bigint[] = [];
function pow10(n: number): bigint {
  if (n < 64) {
    let p = POW10[n];
    if (p === undefined) {
      p = 10n ** BigInt(n);
      POW10[n] = p;
    }
    return p;
  }
  return 10n ** BigInt(n);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const hexValue = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
};

/** An exponent suffix (digits after e/p), clamped: anything this large only over/underflows. */
function readExponent(s: string, i: number): [value: number, end: number] | undefined {
  let neg = false;
  let j = i;
  const c = s.charCodeAt(j);
  if (c === 43 || c === 45) {
    neg = c === 45;
    j++;
  }
  if (!isDigit(s.charCodeAt(j))) return undefined;
  let v = 0;
  while (isDigit(s.charCodeAt(j))) {
    if (v < 1e9) v = v * 10 + (s.charCodeAt(j) - 48);
    j++;
  }
  return [neg ? -v : v, j];
}

/**
 * Redis `string2ld` on top of glibc `strtold`: the whole string must be one number
 * (decimal, hex float, "inf"/"infinity"; NaN refused), no leading space, under
 * 5120 bytes, no NUL byte, and not out of range (overflow, or underflow to
 * zero). Returns undefined when not a valid float.
 */
export function parseLongDouble(s: string): LongDouble | LongDoubleInf | undefined {
  // strtold stops at a NUL byte, and Redis requires it to consume every byte.
  if (s.length === 0 || s.length >= MAX_CHARS || s.indexOf('\0') !== -1) return undefined;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 32 || (c >= 9 && c <= 13)) return undefined;
  let neg = false;
  if (c === 43 || c === 45) {
    neg = c === 45;
    i = 1;
    c = s.charCodeAt(1);
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return { neg, inf: true };
  if (c === 48 && (s.charCodeAt(i + 1) | 0x20) === 120) {
    const hex = parseHex(s, i + 2, neg);
    if (hex !== null) return hex;
    // "0x" without hex digits: strtold reads "0" and stops at 'x'.
    return undefined;
  }
  return parseDecimal(s, i, neg);
}

function parseDecimal(s: string, start: number, neg: boolean): LongDouble | undefined {
  let i = start;
  let digits = '';
  let sawDigit = false;
  let fracLen = 0;
  while (isDigit(s.charCodeAt(i))) {
    digits += s[i];
    sawDigit = true;
    i++;
  }
  if (s.charCodeAt(i) === 46) {
    i++;
    while (isDigit(s.charCodeAt(i))) {
      digits += s[i];
      fracLen++;
      sawDigit = true;
      i++;
    }
  }
  if (!sawDigit) return undefined;
  let exp10 = 0;
  if ((s.charCodeAt(i) | 0x20) === 101) {
    const ex = readExponent(s, i + 1);
    if (ex !== undefined) [exp10, i] = ex;
  }
  if (i !== s.length) return undefined;
  let z = 0;
  while (z < digits.length && digits.charCodeAt(z) === 48) z++;
  digits = digits.slice(z);
  if (digits.length === 0) return neg ? NEG_ZERO : ZERO;
  const e10 = exp10 - fracLen;
  const magnitude = digits.length + e10; // value < 10^magnitude, >= 10^(magnitude-1)
  if (magnitude - 1 > 4932) return undefined; // >= 1e4933: overflow (ERANGE, HUGE_VALL)
  if (magnitude < -4952) return undefined; // < 1e-4952: underflows to zero (ERANGE)
  const d = BigInt(digits);
  let r: LongDouble | null;
  if (e10 >= 0) {
    r = round(neg, d * pow10(e10), 0, false);
  } else {
    const den = pow10(-e10);
    const shift = Math.max(0, MANT_BITS + 2 + bitLength(den) - bitLength(d));
    const num = d << BigInt(shift);
    const q = num / den;
    r = round(neg, q, -shift, num - q * den !== 0n);
  }
  if (r === null || r.mant === 0n) return undefined;
  return r;
}

/** Hex float after "0x": null when no hex digit follows (the caller refuses it). */
function parseHex(s: string, start: number, neg: boolean): LongDouble | undefined | null {
  let i = start;
  let m = 0n;
  let sawDigit = false;
  let fracDigits = 0;
  let h = hexValue(s.charCodeAt(i));
  while (h >= 0) {
    m = (m << 4n) | BigInt(h);
    sawDigit = true;
    h = hexValue(s.charCodeAt(++i));
  }
  if (s.charCodeAt(i) === 46) {
    h = hexValue(s.charCodeAt(++i));
    while (h >= 0) {
      m = (m << 4n) | BigInt(h);
      fracDigits++;
      sawDigit = true;
      h = hexValue(s.charCodeAt(++i));
    }
  }
  if (!sawDigit) return null;
  let exp2 = 0;
  if ((s.charCodeAt(i) | 0x20) === 112) {
    const ex = readExponent(s, i + 1);
    if (ex !== undefined) [exp2, i] = ex;
  }
  if (i !== s.length) return undefined;
  if (m === 0n) return neg ? NEG_ZERO : ZERO;
  const e = exp2 - 4 * fracDigits;
  if (e + bitLength(m) - 1 > MAX_TOP_EXP + 1) return undefined;
  if (e + bitLength(m) < MIN_LSB_EXP - 2) return undefined;
  const r = round(neg, m, e, false);
  if (r === null || r.mant === 0n) return undefined;
  return r;
}

export function isInf(v: LongDouble | LongDoubleInf): v is LongDoubleInf {
  return 'inf' in v;
}

/**
 * `a + b` rounded to the extended format; undefined when the result is NaN or
 * infinite (Redis then replies "increment would produce NaN or Infinity").
 */
export function addLongDouble(
  a: LongDouble | LongDoubleInf,
  b: LongDouble | LongDoubleInf,
): LongDouble | undefined {
  if (isInf(a) || isInf(b)) return undefined;
  if (a.mant === 0n && b.mant === 0n) return a.neg && b.neg ? NEG_ZERO : ZERO;
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const ma = a.mant << BigInt(a.exp - e);
  const mb = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -ma : ma) + (b.neg ? -mb : mb);
  if (sum === 0n) return ZERO;
  const r = round(sum < 0n, sum < 0n ? -sum : sum, e, false);
  return r ?? undefined;
}

const TEN17 = 10n ** 17n;

/**
 * `snprintf("%.17Lf")` followed by Redis's LD_STR_HUMAN clean-up: trailing zeros
 * after the point removed, then the point itself, and "-0" written as "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  let intPart: string;
  let frac: string;
  if (v.exp >= 0) {
    intPart = (v.mant << BigInt(v.exp)).toString();
    frac = '';
  } else {
    const sh = BigInt(-v.exp);
    const num = v.mant * TEN17;
    let q = num >> sh;
    const r = num - (q << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
    intPart = (q / TEN17).toString();
    frac = (q % TEN17).toString().padStart(17, '0');
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
  }
  const out = frac === '' ? intPart : `${intPart}.${frac}`;
  if (v.neg && out !== '0') return `-${out}`;
  return out;
}

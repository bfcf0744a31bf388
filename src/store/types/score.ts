/**
 * Sorted-set scores as Redis reads them, which is glibc `strtod`, not JS
 * `Number`: hexadecimal floats ("0x1p3"), "inf"/"infinity"/"nan" in any case,
 * leading white space where the caller allows it, parsing that stops at the
 * first byte that does not fit (a NUL byte included), and ERANGE on overflow and
 * on underflow to zero.
 *
 * - `parseScore` is `getDoubleFromObject` (ZADD scores, ZINCRBY increments,
 *   WEIGHTS): the whole string, no leading space, no ERANGE to +-inf or 0, not NaN.
 * - `parseRangeScore` is `zslParseRange`'s item: an optional "(" (exclusive),
 *   then strtod, which must stop at the end of the C string and not give NaN.
 *   White space, an empty string (0) and overflow to +-inf are accepted.
 */

export interface StrtodResult {
  value: number;
  /** Index after the last character used; the start index when nothing was parsed. */
  end: number;
  /** errno == ERANGE: overflow, or underflow of a non-zero number. */
  erange: boolean;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function startsWithWord(s: string, i: number, word: string): boolean {
  return s.slice(i, i + word.length).toLowerCase() === word;
}

/** glibc `strtod(s + start, &end)`. */
export function strtod(s: string, start = 0): StrtodResult {
  const n = s.length;
  let i = start;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sc = s.charCodeAt(i);
  if (sc === 43 /* + */ || sc === 45 /* - */) {
    neg = sc === 45;
    i++;
  }
  const sign = neg ? -1 : 1;
  const lead = s.charCodeAt(i) | 32;
  if (lead === 105 /* i */ && startsWithWord(s, i, 'inf')) {
    const end = startsWithWord(s, i, 'infinity') ? i + 8 : i + 3;
    return { value: sign * Number.POSITIVE_INFINITY, end, erange: false };
  }
  if (lead === 110 /* n */ && startsWithWord(s, i, 'nan')) {
    let end = i + 3;
    if (s.charCodeAt(end) === 40 /* ( */) {
      let j = end + 1;
      while (j < n && /[0-9A-Za-z_]/.test(s[j] as string)) j++;
      if (s.charCodeAt(j) === 41 /* ) */) end = j + 1;
    }
    return { value: Number.NaN, end, erange: false };
  }
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120 /* x */) {
    const hex = parseHex(s, i + 2, neg);
    if (hex !== null) return hex;
    // "0x" without hex digits: strtod reads the "0".
    return { value: neg ? -0 : 0, end: i + 1, erange: false };
  }
  const digitsStart = i;
  let digits = 0;
  let nonZero = false;
  while (i < n && isDigit(s.charCodeAt(i))) {
    if (s.charCodeAt(i) !== 48) nonZero = true;
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) {
      if (s.charCodeAt(i) !== 48) nonZero = true;
      i++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start, erange: false };
  if ((s.charCodeAt(i) | 32) === 101 /* e */) {
    let j = i + 1;
    const ec = s.charCodeAt(j);
    if (ec === 43 || ec === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      i = j;
    }
  }
  const abs = Number(s.slice(digitsStart, i));
  const value = neg ? -abs : abs;
  const erange =
    !Number.isFinite(abs) || (abs === 0 && nonZero) || (abs !== 0 && abs < 2.2250738585072014e-308);
  return { value, end: i, erange };
}

/** A hexadecimal float after "0x": digits, optional point and digits, optional binary exponent. */
function parseHex(s: string, start: number, neg: boolean): StrtodResult | null {
  const n = s.length;
  let i = start;
  let mant = 0n;
  let digits = 0;
  let fracDigits = 0;
  while (i < n && hexValue(s.charCodeAt(i)) >= 0) {
    mant = mant * 16n + BigInt(hexValue(s.charCodeAt(i)));
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46) {
    let j = i + 1;
    while (j < n && hexValue(s.charCodeAt(j)) >= 0) {
      mant = mant * 16n + BigInt(hexValue(s.charCodeAt(j)));
      j++;
      digits++;
      fracDigits++;
    }
    if (digits > 0) i = j;
  }
  if (digits === 0) return null;
  let exp = 0;
  if ((s.charCodeAt(i) | 32) === 112 /* p */) {
    let j = i + 1;
    let eneg = false;
    const ec = s.charCodeAt(j);
    if (ec === 43 || ec === 45) {
      eneg = ec === 45;
      j++;
    }
    if (isDigit(s.charCodeAt(j))) {
      let e = 0;
      while (j < n && isDigit(s.charCodeAt(j))) {
        if (e < 1e7) e = e * 10 + (s.charCodeAt(j) - 48);
        j++;
      }
      exp = eneg ? -e : e;
      i = j;
    }
  }
  const [abs, erange] = scaleBinary(mant, exp - 4 * fracDigits);
  return { value: neg ? -abs : abs, end: i, erange };
}

/** `mant * 2^e` correctly rounded (half to even) to a double; [value, erange]. */
function scaleBinary(mant: bigint, e: number): [number, boolean] {
  if (mant === 0n) return [0, false];
  const bits = mant.toString(2).length;
  const top = bits - 1 + e;
  if (top > 1023) return [Number.POSITIVE_INFINITY, true];
  const lsb = Math.max(top - 52, -1074);
  const shift = lsb - e;
  let m = mant;
  let exp = e;
  if (shift > 0) {
    const big = BigInt(shift);
    let q = m >> big;
    const rem = m - (q << big);
    const half = 1n << (big - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    m = q;
    exp = lsb;
  }
  // m < 2^54 and the result is representable: the products below are exact.
  let v = Number(m);
  while (exp > 0) {
    const step = Math.min(exp, 1000);
    v *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = Math.min(-exp, 1000);
    v /= 2 ** step;
    exp += step;
  }
  const erange = !Number.isFinite(v) || v === 0 || v < 2.2250738585072014e-308;
  return [v, erange];
}

/** `getDoubleFromObject`: undefined when Redis replies "not a valid float". */
export function parseScore(s: string): number | undefined {
  const fast = plainInteger(s);
  if (fast !== undefined) return fast;
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return undefined;
  const r = strtod(s);
  if (r.end !== s.length || Number.isNaN(r.value)) return undefined;
  if (r.erange && (!Number.isFinite(r.value) || r.value === 0)) return undefined;
  return r.value;
}

/**
 * The common case, an optional "-" and 1 to 15 decimal digits: exact in a
 * double, so strtod's value is the integer itself ("-0" is -0, as strtod gives).
 */
function plainInteger(s: string): number | undefined {
  const n = s.length;
  const neg = n > 1 && s.charCodeAt(0) === 45; /* - */
  const from = neg ? 1 : 0;
  if (n === 0 || n - from > 15) return undefined;
  let v = 0;
  for (let i = from; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** One bound of `zslParseRange`: [value, exclusive], or undefined when invalid. */
export function parseRangeScore(s: string): [number, boolean] | undefined {
  const exclusive = s.charCodeAt(0) === 40; /* ( */
  const r = strtod(s, exclusive ? 1 : 0);
  // strtod must stop at the end of the C string: the end, or a NUL byte.
  if (r.end < s.length && s.charCodeAt(r.end) !== 0) return undefined;
  if (Number.isNaN(r.value)) return undefined;
  return [r.value, exclusive];
}

/**
 * Number parsing and formatting with Redis's exact rules (util.c: string2ll,
 * string2d, %.17g). Values are latin1 "binary" strings.
 */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Redis `string2ll`: a strict signed 64-bit integer. No spaces, no '+', no leading
 * zeros, at most 20 characters. Returns a number when the value is a safe integer,
 * a bigint when it is a valid int64 beyond 2^53, undefined when invalid.
 */
export function parseInt64(s: string): number | bigint | undefined {
  const len = s.length;
  if (len === 0 || len > 20) return undefined;
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (len === 1 && c === 48) return 0;
  if (c === 45) {
    neg = true;
    i = 1;
    if (len === 1) return undefined;
    c = s.charCodeAt(1);
  }
  // The first digit must be 1-9: "0" alone was handled above.
  if (c < 49 || c > 57) return undefined;
  if (len - i <= 15) {
    let v = 0;
    for (; i < len; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
  for (let j = i; j < len; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return undefined;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** `parseInt64` as a bigint (exact), or undefined. */
export function parseInt64Big(s: string): bigint | undefined {
  const v = parseInt64(s);
  return v === undefined ? undefined : BigInt(v);
}

/**
 * `parseInt64` collapsed to a JS number: exact for safe integers, rounded beyond
 * (callers compare against limits far below 2^53 or treat it as "huge").
 */
export function parseInt64Number(s: string): number | undefined {
  const v = parseInt64(s);
  return typeof v === 'bigint' ? Number(v) : v;
}

export function isInt64InRange(v: bigint): boolean {
  return v <= INT64_MAX && v >= INT64_MIN;
}

export const LLONG_MAX = INT64_MAX;
export const LLONG_MIN = INT64_MIN;

/**
 * Redis `string2d` (used by most float arguments): strtod of the whole string, no
 * leading space, not NaN. Accepts "inf"/"-inf"/"infinity" as strtod does, and hex
 * floats are rejected here as Redis's tests never rely on them.
 */
export function parseDouble(s: string): number | undefined {
  const len = s.length;
  if (len === 0 || len > 5120) return undefined;
  const c0 = s.charCodeAt(0);
  if (isCSpace(c0)) return undefined;
  const lower = s.toLowerCase();
  let sign = 1;
  let body = lower;
  if (body[0] === '-' || body[0] === '+') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  if (body === 'inf' || body === 'infinity') return sign * Number.POSITIVE_INFINITY;
  if (!DECIMAL_RE.test(body)) return undefined;
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}

const DECIMAL_RE = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/;

export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** C's `%.17g`, which Redis 7.0 uses for double replies. */
export function formatDouble17(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return formatG(x, 17);
}

/** C's `%.<precision>g`. */
export function formatG(x: number, precision: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = x.toExponential(precision - 1);
  const ePos = exp.indexOf('e');
  const e = Number(exp.slice(ePos + 1));
  if (e < -4 || e >= precision) {
    const mant = stripZeros(exp.slice(0, ePos));
    const ae = Math.abs(e);
    return `${mant}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  return stripZeros(x.toFixed(precision - 1 - e));
}

function stripZeros(s: string): string {
  if (s.indexOf('.') === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/**
 * glibc's fixed-point formatting of a double, which Redis uses for geo replies
 * and messages: `%.Nf` (the exact binary value rounded half to even, unlike
 * JS's `toFixed`, which rounds exact ties up and switches to exponent notation
 * past 1e21), and `%.17Lf` of the double widened to long double with Redis's
 * human clean-up (GEOPOS coordinates, `addReplyHumanLongDouble`).
 */
import { formatLongDoubleHuman, type LongDouble } from './longdouble.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The exact value of a finite double: (neg, mant, exp) with value = mant * 2^exp. */
function decompose(x: number): LongDouble {
  f64[0] = x;
  const lo = u32[0] as number;
  const hi = u32[1] as number;
  const neg = hi >>> 31 === 1;
  const e = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) return { neg, mant: frac, exp: -1074 };
  return { neg, mant: frac | (1n << 52n), exp: e - 1075 };
}

/** C's `%.<digits>f` of a double, as glibc prints it. */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  // toFixed is exact except on ties (which glibc rounds to even) and past 1e21;
  // a tie makes x * 2 * 10^digits an integer, which the product then is exactly.
  if (Math.abs(x) < 1e15 && !Number.isInteger(x * 2 * 10 ** digits)) {
    const s = x.toFixed(digits);
    return Object.is(x, -0) || (x < 0 && s[0] !== '-') ? `-${s}` : s;
  }
  const { neg, mant, exp } = decompose(x);
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const sh = BigInt(-exp);
    const num = mant * scale;
    q = num >> sh;
    const rem = num - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return neg ? `-${s}` : s;
}

/** `addReplyHumanLongDouble`'s text for a double: `%.17Lf`, trailing zeros and point dropped, "-0" as "0". */
export function formatHumanDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return formatLongDoubleHuman(decompose(x));
}

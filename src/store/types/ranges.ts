/**
 * Sorted-set ranges as Redis parses and tests them (t_zset.c `zrangespec` and
 * `zlexrangespec`): score intervals with exclusive ends, and lex intervals whose
 * `-` and `+` sort before and after every string.
 */

/** A score interval (`zrangespec`). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** The smallest and largest lex bounds, `-` and `+`. */
export const LEX_MIN: unique symbol = Symbol('-');
export const LEX_MAX: unique symbol = Symbol('+');
export type LexBound = string | typeof LEX_MIN | typeof LEX_MAX;

/** A lex interval (`zlexrangespec`); `-` and `+` are always exclusive. */
export interface LexRange {
  min: LexBound;
  max: LexBound;
  minex: boolean;
  maxex: boolean;
}

export function valueGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function valueLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** `zslLexValueCompare`. */
export function lexCompare(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  const c = lexCompare(v, r.min);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  const c = lexCompare(v, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

/** True when the range can hold no value at all. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

export function lexRangeEmpty(r: LexRange): boolean {
  const c = lexCompare(r.min, r.max);
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

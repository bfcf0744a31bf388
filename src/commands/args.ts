/**
 * Argument parsers shared by command handlers, with Redis's rules and errors
 * (getLongLongFromObjectOrReply, getIntFromObjectOrReply).
 */
import type { ErrorReply } from '../protocol/reply.js';
import { parseInt64Number } from '../util/number.js';
import { ERR, valueOutOfRange } from './errors.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** A C `long long` argument as a number (exact up to 2^53, rounded beyond). */
export function longLongArg(s: string): number {
  const v = parseInt64Number(s);
  if (v === undefined) throw ERR.notInteger;
  return v;
}

/** A C `int` argument; `msg` replaces both of Redis's errors where a command has its own. */
export function intArg(s: string, msg?: ErrorReply): number {
  const v = parseInt64Number(s);
  if (v === undefined) throw msg ?? ERR.notInteger;
  if (v < INT_MIN || v > INT_MAX) throw msg ?? valueOutOfRange(INT_MIN, INT_MAX);
  return v;
}

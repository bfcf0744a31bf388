/**
 * Helpers shared by the hash, list, set and sorted-set groups: typed lookups
 * with Redis's lookupKeyRead/lookupKeyWrite statistics, the *SCAN options
 * (scanGenericCommand), and Redis's ranged integer arguments.
 */
import type { Client } from '../core/client.js';
import type { ErrorReply, Reply } from '../protocol/reply.js';
import { type Database, NONE } from '../store/database.js';
import { type EncodingLimits, limitsOf } from '../store/types/limits.js';
import type { DataObject } from '../store/value.js';
import { globMatch } from '../util/glob.js';
import { parseInt64, parseInt64Number } from '../util/number.js';
import { optionWord } from '../util/words.js';
import { ERR, RANDOM_ERR, valueOutOfRange } from './errors.js';

type ObjectClass<T> = abstract new (...args: never[]) => T;

/**
 * `lookupKeyRead` from a write command (SINTERSTORE's sources...): counted in
 * keyspace hits and misses.
 */
export function readObj<T extends DataObject>(db: Database, key: string, cls: ObjectClass<T>): T | null {
  const slot = db.lookupRead(key);
  if (slot === NONE) return null;
  if (db.isStringAt(slot)) throw ERR.wrongType;
  const v = db.value(slot);
  if (!(v instanceof cls)) throw ERR.wrongType;
  return v as T;
}

/** A value changed in place: account its new size, tell the keyspace observer (WATCH, dirty counters). */
export function touched(db: Database, key: string): void {
  db.accountObject(key);
  db.observer.modified(db, key);
}

/** The encoding thresholds of the client's server. */
export function limits(c: Client): EncodingLimits {
  return limitsOf(c.server);
}

const LONG_MAX = 9223372036854775807n;

/**
 * `getRangeLongFromObjectOrReply`: a C long within [min, max]; `msg` replaces
 * both errors when given. Returned as a number (exact up to 2^53).
 */
export function rangeLong(s: string, min: bigint, max: bigint, msg?: ErrorReply): number {
  const v = parseInt64(s);
  if (v === undefined) throw msg ?? ERR.notInteger;
  const big = BigInt(v);
  if (big < min || big > max) throw msg ?? valueOutOfRange(min, max);
  return Number(v);
}

/** `getPositiveLongFromObjectOrReply`: without a message of its own, both errors say "must be positive". */
export function positiveLong(s: string, msg: ErrorReply = ERR.mustBePositive): number {
  const v = parseInt64Number(s);
  if (v === undefined || v < 0) throw msg;
  return v;
}

/** `getLongFromObjectOrReply`. */
export function longArg(s: string): number {
  const v = parseInt64Number(s);
  if (v === undefined) throw ERR.notInteger;
  return v;
}

export { LONG_MAX };

const LONG_MIN_HALF = -4611686018427387903n;
const LONG_MAX_HALF = 4611686018427387903n;

/**
 * The count form of HRANDFIELD / ZRANDMEMBER: `key count [<word>]`. The count is
 * a C long; with `word` (WITHVALUES / WITHSCORES) Redis also refuses counts
 * whose doubling would overflow (-LONG_MAX/2..LONG_MAX/2) with `outOfRange`.
 */
export function randomCountArgs(
  argv: readonly string[],
  word: string,
  outOfRange: ErrorReply,
): { count: number; withPairs: boolean } {
  const count = rangeLong(argv[2] as string, -LONG_MAX, LONG_MAX);
  if (argv.length > 4 || (argv.length === 4 && optionWord(argv[3] as string) !== word)) throw ERR.syntax;
  const withPairs = argv.length === 4;
  if (withPairs) {
    const big = BigInt(argv[2] as string);
    if (big < LONG_MIN_HALF || big > LONG_MAX_HALF) throw outOfRange;
  }
  return { count, withPairs };
}

/** The options of HSCAN/SSCAN/ZSCAN after the cursor: COUNT and MATCH (TYPE is for SCAN only). */
export interface ScanOptions {
  count: number;
  pattern: string | undefined;
}

export function parseScanOptions(argv: readonly string[], start: number): ScanOptions {
  let count = 10;
  let pattern: string | undefined;
  for (let i = start; i < argv.length; i += 2) {
    const opt = optionWord(argv[i] as string);
    const arg = argv[i + 1];
    if (opt === 'count' && arg !== undefined) {
      const v = longArg(arg);
      if (v < 1) throw ERR.syntax;
      count = v;
    } else if (opt === 'match' && arg !== undefined) {
      pattern = arg === '*' ? undefined : arg;
    } else {
      throw ERR.syntax;
    }
  }
  return { count, pattern };
}

/** The SCAN reply: the cursor as a bulk string, then the elements (pairs filtered by their first item). */
export function scanReply(
  cursor: number,
  items: string[],
  pattern: string | undefined,
  pairs: boolean,
): Reply {
  if (pattern === undefined) return [String(cursor), items];
  const out: string[] = [];
  const step = pairs ? 2 : 1;
  for (let i = 0; i < items.length; i += step) {
    const k = items[i] as string;
    if (!globMatch(pattern, k)) continue;
    out.push(k);
    if (pairs) out.push(items[i + 1] as string);
  }
  return [String(cursor), out];
}

/** HSCAN/SSCAN/ZSCAN on a missing key. */
export const EMPTY_SCAN: Reply = ['0', []];

/**
 * Replies of random elements with repetitions (HRANDFIELD, SRANDMEMBER and
 * ZRANDMEMBER with a negative count) are as long as the client asks. Redis
 * builds them however large and crashes on absurd counts (-2^62 kills
 * redis-server 7.0.15); we refuse a reply beyond this many elements instead.
 */
const MAX_RANDOM_REPLY = 1 << 25;

export function checkRandomCount(count: number): void {
  if (count > MAX_RANDOM_REPLY) throw RANDOM_ERR.outOfRange;
}

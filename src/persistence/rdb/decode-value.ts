/**
 * One value from RDB bytes (rdbLoadObject): every type Redis 7.0 writes and
 * the older encodings it still reads, into Redoubt's value types, with the
 * encoding Redis would pick on load (the limits of the server loading it).
 * Duplicates, NaN scores and malformed compact encodings are refused; empty
 * collections raise EmptyKeyError (a snapshot skips them, RESTORE refuses
 * them), except streams, which may be empty. Streams are read in ./stream.ts.
 */
import { HashObject } from '../../store/types/hash.js';
import type { EncodingLimits } from '../../store/types/limits.js';
import { ListObject } from '../../store/types/list.js';
import { strtod } from '../../store/types/score.js';
import { isIntMember, SetObject } from '../../store/types/set.js';
import { ZSetObject } from '../../store/types/zset.js';
import type { Value } from '../../store/value.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbError, TYPE } from './format.js';
import { readIntset } from './intset.js';
import { readZiplist, readZipmap } from './legacy.js';
import { ListpackError, readListpack } from './listpack.js';
import type { RdbReader } from './reader.js';
import { readStream } from './stream.js';

/** A collection with no elements: not a valid key. */
export class EmptyKeyError extends RdbError {}

/** Whether `type` is a value type byte of RDB version `version` that this loader reads. */
export function isValueType(type: number, version: number): boolean {
  return (
    (type >= TYPE.STRING && type <= TYPE.ZSET_2) ||
    (type >= TYPE.HASH_ZIPMAP && type <= TYPE.STREAM_LISTPACKS_2) ||
    ((type === TYPE.SET_LISTPACK || type === TYPE.STREAM_LISTPACKS_3) && version >= 11)
  );
}

/** Read the value of type `type` (after its key) from a stream of RDB version `version`. */
export function readValue(r: RdbReader, type: number, version: number, limits: EncodingLimits): Value {
  const at = r.offset;
  if (!isValueType(type, version) && type !== TYPE.MODULE_2 && type !== TYPE.MODULE_PRE_GA)
    r.fail(`Unknown RDB encoding type ${type}`, at);
  switch (type) {
    case TYPE.STRING:
      return r.string();
    case TYPE.LIST:
      return listFrom(countedStrings(r), at);
    case TYPE.LIST_ZIPLIST:
      return listFrom(compact(r, readZiplist), at);
    case TYPE.LIST_QUICKLIST:
      return quicklist(r, false, at);
    case TYPE.LIST_QUICKLIST_2:
      return quicklist(r, true, at);
    case TYPE.SET:
      return setFrom(r, countedStrings(r), limits, at);
    case TYPE.SET_INTSET:
      return setFrom(r, compact(r, readIntset), limits, at);
    case TYPE.SET_LISTPACK:
      return setFrom(r, compact(r, readListpack), limits, at);
    case TYPE.ZSET:
    case TYPE.ZSET_2:
      return zsetFromRdb(r, type === TYPE.ZSET_2, limits, at);
    case TYPE.ZSET_ZIPLIST:
      return zsetFromPairs(r, compact(r, readZiplist), limits, at);
    case TYPE.ZSET_LISTPACK:
      return zsetFromPairs(r, compact(r, readListpack), limits, at);
    case TYPE.HASH:
      return hashFromRdb(r, limits, at);
    case TYPE.HASH_ZIPMAP:
      return hashFromPairs(r, compact(r, readZipmap), limits, true, at);
    case TYPE.HASH_ZIPLIST:
    case TYPE.HASH_LISTPACK:
      return hashFromPairs(
        r,
        compact(r, type === TYPE.HASH_ZIPLIST ? readZiplist : readListpack),
        limits,
        false,
        at,
      );
    case TYPE.STREAM_LISTPACKS:
    case TYPE.STREAM_LISTPACKS_2:
    case TYPE.STREAM_LISTPACKS_3:
      return readStream(r, type);
    case TYPE.MODULE_PRE_GA:
    case TYPE.MODULE_2:
      return r.fail('Module values are not supported (no modules are loaded)', at);
    default:
      return r.fail(`Unknown RDB encoding type ${type}`, at);
  }
}

/** A compact blob (string) decoded by `parse`; its faults are reported at the blob's offset. */
function compact(r: RdbReader, parse: (b: Buffer) => string[]): string[] {
  const at = r.offset;
  const blob = r.stringBytes();
  try {
    return parse(blob);
  } catch (err) {
    if (err instanceof ListpackError) return r.fail(err.message, at);
    throw err;
  }
}

/** A length, then that many strings. */
function countedStrings(r: RdbReader): string[] {
  const n = r.len();
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.string());
  return out;
}

function empty(at: number): never {
  throw new EmptyKeyError(at, 'Empty keys are not loaded');
}

function listFrom(items: string[], at: number): ListObject {
  if (items.length === 0) empty(at);
  const l = new ListObject();
  l.setAll(items);
  return l;
}

/** QUICKLIST (nodes are ziplists) or QUICKLIST_2 (each node a container kind, then a listpack or a plain element). */
function quicklist(r: RdbReader, v2: boolean, at: number): ListObject {
  const nodes = r.len();
  const items: string[] = [];
  for (let i = 0; i < nodes; i++) {
    let container = QUICKLIST_NODE_PACKED;
    if (v2) {
      const cat = r.offset;
      container = r.len();
      if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN)
        r.fail('Quicklist integrity check failed', cat);
    }
    if (container === QUICKLIST_NODE_PLAIN) {
      items.push(r.string());
      continue;
    }
    // An empty node adds nothing (Redis skips them: old versions could write them).
    for (const e of compact(r, v2 ? readListpack : readZiplist)) items.push(e);
  }
  return listFrom(items, at);
}

/**
 * A set in 7.0's encodings: an intset when every member is an integer and
 * there are at most set-max-intset-entries, else a hashtable.
 */
function setFrom(r: RdbReader, members: string[], limits: EncodingLimits, at: number): SetObject {
  if (members.length === 0) empty(at);
  const s = new SetObject();
  if (members.length > limits.setMaxIntsetEntries || !members.every(isIntMember)) s.toHashtable();
  for (const m of members) {
    if (!s.add(m, limits)) r.fail('Duplicate set members detected', at);
  }
  return s;
}

/** ZSET (text scores) or ZSET_2 (binary scores): loaded as a skiplist, then a listpack when small enough. */
function zsetFromRdb(r: RdbReader, binary: boolean, limits: EncodingLimits, at: number): ZSetObject {
  const n = r.len();
  if (n === 0) empty(at);
  const z = new ZSetObject();
  z.listpack = false;
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const member = r.string();
    const sat = r.offset;
    const score = binary ? r.binaryDouble() : r.stringDouble();
    if (Number.isNaN(score)) r.fail('Zset with NAN score detected', sat);
    if (z.score(member) !== undefined) r.fail('Duplicate zset fields detected', at);
    z.add(score, member);
    if (member.length > maxLen) maxLen = member.length;
  }
  z.convertToListpackIfNeeded(maxLen, limits);
  return z;
}

/** ZSET_ZIPLIST / ZSET_LISTPACK: member, score pairs; a skiplist when longer than zset-max-listpack-entries. */
function zsetFromPairs(r: RdbReader, items: string[], limits: EncodingLimits, at: number): ZSetObject {
  if (items.length === 0) empty(at);
  if (items.length % 2 !== 0) r.fail('Zset listpack integrity check failed', at);
  const z = new ZSetObject();
  for (let i = 0; i < items.length; i += 2) {
    const member = items[i] as string;
    const score = listpackScore(items[i + 1] as string);
    // Redis would take a NaN; it has no place in a sorted set.
    if (Number.isNaN(score)) r.fail('Zset with NAN score detected', at);
    if (z.score(member) !== undefined) r.fail('Duplicate zset fields detected', at);
    z.add(score === 0 ? 0 : score, member);
  }
  if (z.size > limits.zsetMaxListpackEntries) z.listpack = false;
  return z;
}

/**
 * zzlStrtod: a listpack score is read with strtod over its first 127 bytes,
 * stopping at a NUL, whatever follows the number (0 when there is none).
 */
function listpackScore(text: string): number {
  let s = text.length > 127 ? text.slice(0, 127) : text;
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  return strtod(s).value;
}

/** HASH: a hashtable from the start when too long, else a listpack until a field or value is too long. */
function hashFromRdb(r: RdbReader, limits: EncodingLimits, at: number): HashObject {
  const n = r.len();
  if (n === 0) empty(at);
  const h = new HashObject();
  if (n > limits.hashMaxListpackEntries) h.listpack = false;
  for (let i = 0; i < n; i++) {
    const field = r.string();
    const value = r.string();
    if (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)
      h.listpack = false;
    if (!h.dict.set(field, value)) r.fail('Duplicate hash fields detected', at);
  }
  return h;
}

/**
 * HASH_ZIPMAP / HASH_ZIPLIST / HASH_LISTPACK: field, value pairs, kept as a
 * listpack unless longer than hash-max-listpack-entries (a zipmap also
 * converts when a string is longer than hash-max-listpack-value).
 */
function hashFromPairs(
  r: RdbReader,
  items: string[],
  limits: EncodingLimits,
  checkLengths: boolean,
  at: number,
): HashObject {
  if (items.length === 0) empty(at);
  if (items.length % 2 !== 0) r.fail('Hash listpack integrity check failed', at);
  const h = new HashObject();
  for (let i = 0; i < items.length; i += 2) {
    const field = items[i] as string;
    const value = items[i + 1] as string;
    if (
      checkLengths &&
      (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)
    )
      h.listpack = false;
    if (!h.dict.set(field, value)) r.fail('Duplicate hash fields detected', at);
  }
  if (h.size > limits.hashMaxListpackEntries) h.listpack = false;
  return h;
}

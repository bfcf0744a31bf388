/**
 * One value as RDB bytes (rdbSaveObjectType + rdbSaveObject), in the encoding
 * Redis 7.0 would hold for the same contents and history, which the value
 * types record (`encoding()`): listpack hashes and sorted sets, intsets,
 * quicklists of listpacks, and the hashtable/skiplist forms otherwise.
 */
import { HashObject } from '../../store/types/hash.js';
import { ListObject } from '../../store/types/list.js';
import { SetObject } from '../../store/types/set.js';
import { StreamObject } from '../../store/types/stream.js';
import { ZSetObject } from '../../store/types/zset.js';
import type { Value } from '../../store/value.js';
import { lzfCompress } from '../../util/lzf.js';
import { formatDouble17 } from '../../util/number.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, TYPE } from './format.js';
import { buildIntset } from './intset.js';
import { ListpackBuilder } from './listpack.js';
import { writeStream } from './stream.js';
import type { RdbWriter } from './writer.js';

/** How lists are laid out: list-max-listpack-size (node fill) and list-compress-depth. */
export interface EncodeOptions {
  readonly listFill: number;
  readonly listCompressDepth: number;
}

/** The RDB type byte of a value. */
export function rdbTypeOf(v: Value): number {
  if (typeof v === 'string' || Buffer.isBuffer(v)) return TYPE.STRING;
  if (v instanceof ListObject) return TYPE.LIST_QUICKLIST_2;
  if (v instanceof SetObject) return v.isIntset ? TYPE.SET_INTSET : TYPE.SET;
  if (v instanceof ZSetObject) return v.listpack ? TYPE.ZSET_LISTPACK : TYPE.ZSET_2;
  if (v instanceof HashObject) return v.listpack ? TYPE.HASH_LISTPACK : TYPE.HASH;
  if (v instanceof StreamObject) return TYPE.STREAM_LISTPACKS_2;
  throw new Error(`RDB: no encoding for values of type ${v.type}`);
}

/** Type byte and value. */
export function writeValue(w: RdbWriter, v: Value, opts: EncodeOptions): void {
  w.byte(rdbTypeOf(v));
  writeObject(w, v, opts);
}

/** The value without its type byte (rdbSaveObject). */
export function writeObject(w: RdbWriter, v: Value, opts: EncodeOptions): void {
  if (typeof v === 'string' || Buffer.isBuffer(v)) w.string(v);
  else if (v instanceof ListObject) writeQuicklist(w, v, opts);
  else if (v instanceof SetObject) writeSet(w, v);
  else if (v instanceof ZSetObject) writeZset(w, v);
  else if (v instanceof HashObject) writeHash(w, v);
  else if (v instanceof StreamObject) writeStream(w, v);
  else throw new Error(`RDB: no encoding for values of type ${v.type}`);
}

// ---- lists ----

/** quicklist.c's limits: node sizes for negative fills, and the cap for count-limited nodes. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Elements this large get a node of their own, stored plain (packed_threshold). */
const PACKED_THRESHOLD = 1 << 30;

/** _quicklistNodeAllowInsert: may an element of `sz` bytes join a node of `bytes` bytes and `count` elements? */
function nodeAllows(bytes: number, count: number, fill: number, sz: number): boolean {
  const newSize = bytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const limit = OPTIMIZATION_LEVEL[-fill - 1];
    if (limit !== undefined && newSize <= limit) return true;
  }
  if (newSize > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

/**
 * Nodes as RPUSH builds them: each element goes to the tail node while it
 * allows it, else to a new node. (Redis's nodes also reflect the list's
 * history, such as LPUSH or LINSERT; ours are always packed front to back.)
 */
function writeQuicklist(w: RdbWriter, list: ListObject, opts: EncodeOptions): void {
  const fill = opts.listFill;
  const nodes: (ListpackBuilder | string)[] = [];
  let tail: ListpackBuilder | undefined;
  for (let i = 0; i < list.length; i++) {
    const e = list.at(i);
    if (e.length >= PACKED_THRESHOLD) {
      nodes.push(e);
      tail = undefined;
      continue;
    }
    if (tail === undefined || !nodeAllows(tail.size, tail.length, fill, e.length)) {
      tail = new ListpackBuilder();
      nodes.push(tail);
    }
    tail.add(e);
  }
  w.len(nodes.length);
  const depth = opts.listCompressDepth;
  nodes.forEach((n, i) => {
    const inner = depth > 0 && i >= depth && i < nodes.length - depth;
    const bytes = typeof n === 'string' ? Buffer.from(n, 'latin1') : n.build();
    w.len(typeof n === 'string' ? QUICKLIST_NODE_PLAIN : QUICKLIST_NODE_PACKED);
    const packed = inner ? compressNode(bytes) : null;
    if (packed !== null) w.lzfBlob(packed, bytes.length);
    else w.string(bytes);
  });
}

/** quicklist.c's node compression thresholds. */
const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;

/**
 * __quicklistCompressNode: an inner node (beyond list-compress-depth from
 * either end) is held LZF-compressed when that saves at least 8 bytes, and
 * written as such (rdbSaveLzfBlob); null when it stays raw.
 */
function compressNode(node: Buffer): Buffer | null {
  if (node.length < MIN_COMPRESS_BYTES) return null;
  const packed = lzfCompress(node, node.length);
  return packed === null || packed.length + MIN_COMPRESS_IMPROVE >= node.length ? null : packed;
}

// ---- sets ----

function writeSet(w: RdbWriter, set: SetObject): void {
  if (set.isIntset) {
    w.string(buildIntset(set.members()));
    return;
  }
  w.len(set.size);
  set.forEach((m) => {
    w.string(m);
  });
}

// ---- sorted sets ----

/**
 * d2string, as a listpack sorted set stores a score: integers within 2^52 in
 * decimal, others as %.17g (the listpack then stores integers as integers).
 */
export function scoreString(d: number): string {
  if (d === 0) return '0';
  if (Number.isInteger(d) && d > -4503599627370495 && d < 4503599627370496) return String(d);
  return formatDouble17(d);
}

function writeZset(w: RdbWriter, z: ZSetObject): void {
  if (z.listpack) {
    const lp = new ListpackBuilder();
    z.tree.forEach((score, member) => {
      lp.add(member);
      lp.add(scoreString(score));
    });
    w.string(lp.build());
    return;
  }
  // ZSET_2 from the greatest to the smallest, as Redis walks its skiplist
  // backwards (so loading inserts at the head).
  w.len(z.size);
  for (const c = z.tree.last(); c.valid; c.prev()) {
    w.string(c.ele);
    w.binaryDouble(c.score);
  }
}

// ---- hashes ----

function writeHash(w: RdbWriter, h: HashObject): void {
  if (h.listpack) {
    const lp = new ListpackBuilder();
    h.dict.forEach((field, value) => {
      lp.add(field);
      lp.add(value);
    });
    w.string(lp.build());
    return;
  }
  w.len(h.size);
  h.dict.forEach((field, value) => {
    w.string(field);
    w.string(value);
  });
}

/**
 * Stream values, shaped as Redis 7.0 shapes them (t_stream.c), because several
 * replies depend on that shape: approximate trimming (`MAXLEN ~`, `MINID ~`)
 * only drops whole nodes, and XINFO STREAM reports the node count.
 *
 * - An ID is one bigint, `ms << 64 | seq` (both unsigned 64-bit): ordering,
 *   increment and decrement are plain bigint arithmetic (streamIncrID's carry
 *   from seq into ms comes for free), and it is a Map key by value.
 * - Entries live in nodes, Redis's radix-tree listpacks: a node takes
 *   appended entries until it holds `stream-node-max-entries` (live plus
 *   deleted) or its listpack would reach `stream-node-max-bytes`; its byte size
 *   is tracked exactly (`lp*Bytes` below) so the split points are Redis's.
 *   Deleted entries stay in their node as tombstones (as Redis marks them in the
 *   listpack) until the node has no live entry left.
 * - Seeks are binary searches: over nodes by their first (master) ID, then
 *   inside the node. Appends touch only the tail node.
 * - Consumer groups keep their pending entries (PEL) twice, as Redis does: in
 *   the group (every pending ID) and in the owning consumer, sharing one
 *   `PendingEntry` (delivery time, delivery count, owner).
 *
 * Everything RDB (STREAM_LISTPACKS_2) needs is public: `nodes` (master ID,
 * master fields, entries with their deleted flag), `lastId`, `entriesAdded`,
 * `maxDeletedId`, `firstId`, and `groups` with `lastId`, `entriesRead`, `pel`
 * and consumers (`seenTime`, `pel`). A loader rebuilds a value with
 * `loadNode`, `createGroup`, `createConsumer` and `addPending`.
 */
import {
  ARRAY_HEADER,
  BIGINT_128,
  MAP_ENTRY,
  mapBytes,
  OBJECT_HEADER,
  PTR,
  pushedArrayBytes,
  sampledSum,
  stringBytes,
} from '../memory.js';
import { DataObject } from '../value.js';

/** `ms << 64 | seq`. */
export type StreamId = bigint;

const U64 = (1n << 64n) - 1n;
export const ID_MIN: StreamId = 0n;
export const ID_MAX: StreamId = (U64 << 64n) | U64;
/** Redis's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1;

export const makeId = (ms: bigint, seq: bigint): StreamId => (ms << 64n) | seq;
export const idMs = (id: StreamId): bigint => id >> 64n;
export const idSeq = (id: StreamId): bigint => id & U64;
export const formatId = (id: StreamId): string => `${id >> 64n}-${id & U64}`;

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value ... (never mutated: replies share it). */
  readonly fields: string[];
  deleted: boolean;
}

/** One radix-tree node (a listpack in Redis). */
export class StreamNode {
  readonly entries: StreamEntry[] = [];
  /** Live and deleted (tombstone) entries: the master entry's two counters. */
  live = 0;
  deleted = 0;
  /** Listpack bytes of the master fields and of every entry (the counters apart). */
  bytes: number;
  /**
   * Entries are in ID order. Not always so: XSETID may set the last ID below a
   * tombstone's (Redis 7.0 checks it against the last live entry only), and the
   * next XADD then appends a smaller ID after it, as in Redis's listpack.
   */
  sorted = true;
  /** The largest ID in the node. */
  private maxId: StreamId = 0n;

  constructor(
    /** The master entry's field names: the first entry's, the base of SAMEFIELDS compression. */
    readonly masterFields: readonly string[],
  ) {
    let b = lpIntBytes(masterFields.length) + lpIntBytes(0);
    for (const f of masterFields) b += lpStrBytes(f);
    this.bytes = b;
  }

  /** The node's key: its first entry's ID (which stays, as a tombstone, while the node lives). */
  get master(): StreamId {
    return (this.entries[0] as StreamEntry).id;
  }

  /** lpBytes: header, the two counters, master fields, entries, end byte. */
  get lpBytes(): number {
    return 7 + lpIntBytes(this.live) + lpIntBytes(this.deleted) + this.bytes;
  }

  /** Append an entry (Redis's lpAppend sequence in streamAppendItem). */
  push(id: StreamId, fields: string[]): void {
    const master = this.entries.length === 0 ? id : this.master;
    if (this.entries.length !== 0 && id < this.maxId) this.sorted = false;
    else this.maxId = id;
    this.entries.push({ id, fields, deleted: false });
    this.live++;
    this.bytes += entryBytes(id, master, fields, this.sameFields(fields));
  }

  private sameFields(fields: readonly string[]): boolean {
    const m = this.masterFields;
    if (fields.length !== m.length * 2) return false;
    for (let i = 0; i < m.length; i++) if (fields[i * 2] !== m[i]) return false;
    return true;
  }

  /**
   * Where an iteration for IDs >= id may start: the first entry with an ID >= id
   * (entries.length if none) in a sorted node, the first entry otherwise.
   */
  firstFrom(id: StreamId): number {
    return this.sorted ? this.lowerBound(id) : 0;
  }

  /** Where a reverse iteration for IDs <= id may start (-1 if none). */
  lastUpTo(id: StreamId): number {
    return this.sorted ? this.lowerBound(id + 1n) - 1 : this.entries.length - 1;
  }

  /** Index of the first entry with an ID >= id (entries.length if none), in a sorted node. */
  private lowerBound(id: StreamId): number {
    const e = this.entries;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((e[mid] as StreamEntry).id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---- listpack sizes (listpack.c), for Redis's node split points ----

/** An integer element: encoding plus one backlen byte. */
function lpIntBytes(v: number | bigint): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

const INT_LIKE = /^(0|-?[1-9][0-9]{0,19})$/;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** A string element; strings lpStringToInt64 accepts are stored as integers. */
function lpStrBytes(s: string): number {
  if (s.length <= 20 && INT_LIKE.test(s)) {
    const v = s.length <= 15 ? Number(s) : BigInt(s);
    if (typeof v === 'number' || (v >= I64_MIN && v <= I64_MAX)) return lpIntBytes(v);
  }
  const len = s.length;
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  const back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
  return enc + back;
}

/** flags, ms-diff, seq-diff, [num-fields, fields], values, lp-count. */
function entryBytes(id: StreamId, master: StreamId, fields: readonly string[], same: boolean): number {
  const nf = fields.length / 2;
  let n =
    2 +
    lpIntBytes(BigInt.asIntN(64, idMs(id) - idMs(master))) +
    lpIntBytes(BigInt.asIntN(64, idSeq(id) - idSeq(master)));
  if (!same) {
    n += lpIntBytes(nf);
    for (let i = 0; i < fields.length; i += 2) n += lpStrBytes(fields[i] as string);
  }
  for (let i = 1; i < fields.length; i += 2) n += lpStrBytes(fields[i] as string);
  return n + lpIntBytes(same ? nf + 3 : nf * 2 + 4);
}

// ---- consumer groups ----

export interface PendingEntry {
  /** Milliseconds (Unix time) of the last delivery. */
  deliveryTime: number;
  deliveryCount: number;
  /** Null only transiently (XCLAIM FORCE creates the entry, then assigns it). */
  consumer: Consumer | null;
}

/**
 * A sorted map of ID -> pending entry (Redis's PEL radix tree): O(1) lookup,
 * O(log n) seek, ordered scans. New deliveries append; an insert or delete
 * elsewhere moves the tail of the ID array (a memmove, cheap for the PEL sizes
 * consumer groups keep; a B-tree would be the next step if profiles say so).
 */
export class PendingList {
  private readonly map = new Map<StreamId, PendingEntry>();
  /** The IDs in ascending order. */
  private readonly ids: StreamId[] = [];

  get size(): number {
    return this.map.size;
  }

  get(id: StreamId): PendingEntry | undefined {
    return this.map.get(id);
  }

  /** Insert unless present; true if inserted. Appends are the common case (new deliveries). */
  add(id: StreamId, p: PendingEntry): boolean {
    if (this.map.has(id)) return false;
    this.map.set(id, p);
    const ids = this.ids;
    const last = ids[ids.length - 1];
    if (last === undefined || last < id) ids.push(id);
    else ids.splice(this.lowerBound(id), 0, id);
    return true;
  }

  delete(id: StreamId): boolean {
    if (!this.map.delete(id)) return false;
    this.ids.splice(this.lowerBound(id), 1);
    return true;
  }

  /** Index of the first ID >= id. */
  lowerBound(id: StreamId): number {
    const a = this.ids;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as StreamId) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The ID at a position of the ascending order. */
  at(i: number): StreamId | undefined {
    return this.ids[i];
  }

  first(): StreamId | undefined {
    return this.ids[0];
  }

  last(): StreamId | undefined {
    return this.ids[this.ids.length - 1];
  }

  /** Pending entries from `start` on, ascending, at most `max` (0: all). */
  range(start: StreamId, end: StreamId, max: number): [StreamId, PendingEntry][] {
    const out: [StreamId, PendingEntry][] = [];
    for (let i = this.lowerBound(start); i < this.ids.length; i++) {
      const id = this.ids[i] as StreamId;
      if (id > end || (max !== 0 && out.length >= max)) break;
      out.push([id, this.map.get(id) as PendingEntry]);
    }
    return out;
  }
}

export class Consumer {
  readonly pel = new PendingList();
  constructor(
    readonly name: string,
    /** Milliseconds (Unix time) of the last interaction. */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new PendingList();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    public lastId: StreamId,
    /** Logical read counter of lastId, or INVALID_ENTRIES_READ. */
    public entriesRead: number,
  ) {}

  /** Consumers in Redis's order (the radix tree's: bytewise by name). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Acknowledge: drop the entry from both PELs. */
  ack(id: StreamId): boolean {
    const p = this.pel.get(id);
    if (p === undefined) return false;
    this.pel.delete(id);
    p.consumer?.pel.delete(id);
    return true;
  }

  /** streamDelConsumer: its pending entries leave the group's PEL too. */
  deleteConsumer(c: Consumer): void {
    for (const [id] of c.pel.range(ID_MIN, ID_MAX, 0)) this.pel.delete(id);
    this.consumers.delete(c.name);
  }
}

// ---- the stream ----

export interface StreamLimits {
  /** stream-node-max-bytes (0: no limit but Redis's 1 GB). */
  readonly nodeMaxBytes: number;
  /** stream-node-max-entries (0: no limit). */
  readonly nodeMaxEntries: number;
}

/** STREAM_LISTPACK_MAX_SIZE. */
const LISTPACK_MAX_SIZE = 1 << 30;

export interface TrimArgs {
  readonly strategy: 'maxlen' | 'minid';
  readonly maxlen: number;
  readonly minid: StreamId;
  readonly approx: boolean;
  /** 0: no limit. */
  readonly limit: number;
}

/** The stream object with its fields and IDs (boxed 128-bit), measured. */
const STREAM_BASE = OBJECT_HEADER + 11 * PTR + 4 * BIGINT_128 + 48;
/** A consumer group with its Map, PEL and counters, empty. */
const GROUP_BYTES = 320;
/** A consumer with its empty PEL. */
const CONSUMER_BYTES = 200;
/** A pending entry in the group's PEL: Map entry, ID slot, entry object, boxed ID. */
const PENDING_BYTES = MAP_ENTRY + PTR + OBJECT_HEADER + 3 * PTR + BIGINT_128;
/** Per entry beyond its strings: the entry object, its boxed 128-bit ID, its fields array and slot. */
const ENTRY_BYTES = OBJECT_HEADER + 3 * PTR + BIGINT_128 + ARRAY_HEADER + PTR;

/**
 * A node's heap bytes: its entries (object, ID, fields array: ENTRY_BYTES) and
 * their strings; `bytes` (the listpack size) counts each string's bytes plus a
 * small header, so the strings' own heap headers are added per field.
 */
function nodeBytes(n: StreamNode): number {
  const fieldsPerEntry = n.masterFields.length * 2;
  const entries = n.entries.length;
  return (
    OBJECT_HEADER +
    5 * PTR +
    pushedArrayBytes(entries) +
    ARRAY_HEADER +
    n.masterFields.length * PTR +
    entries * (ENTRY_BYTES + fieldsPerEntry * (PTR + 20)) +
    n.bytes
  );
}

export class StreamObject extends DataObject {
  readonly type = 'stream' as const;
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  lastId: StreamId = ID_MIN;
  /** First live entry (0-0 when empty). */
  firstId: StreamId = ID_MIN;
  maxDeletedId: StreamId = ID_MIN;
  entriesAdded = 0;
  readonly groups = new Map<string, ConsumerGroup>();
  /**
   * Bumped when Redis would signal the key as ready for blocked XREAD /
   * XREADGROUP clients (XADD, XGROUP DESTROY), which is rarer than "written".
   */
  readyGeneration = 0;

  encoding(): string {
    return 'stream';
  }

  elements(): number {
    return this.length;
  }

  /**
   * Nodes (sampled, each estimated from its listpack size, which already counts
   * every field and value byte) plus consumer groups with their PELs.
   */
  memoryUsage(samples: number): number {
    const nodes = this.nodes;
    let bytes = STREAM_BASE + pushedArrayBytes(nodes.length) + mapBytes(this.groups.size);
    bytes += sampledSum(nodes.length, nodes.length, samples, (i) => nodeBytes(nodes[i] as StreamNode));
    for (const [name, g] of this.groups) {
      bytes += MAP_ENTRY + stringBytes(name.length) + GROUP_BYTES + g.pel.size * PENDING_BYTES;
      for (const c of g.consumers.values())
        bytes += MAP_ENTRY + stringBytes(c.name.length) + CONSUMER_BYTES + c.pel.size * (MAP_ENTRY + PTR);
    }
    return bytes;
  }

  clone(): StreamObject {
    const s = new StreamObject();
    for (const n of this.nodes) {
      const copy = new StreamNode(n.masterFields);
      for (const e of n.entries) copy.entries.push({ id: e.id, fields: e.fields, deleted: e.deleted });
      copy.live = n.live;
      copy.deleted = n.deleted;
      copy.bytes = n.bytes;
      s.nodes.push(copy);
    }
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    for (const [name, g] of this.groups) {
      const cg = s.createGroup(name, g.lastId, g.entriesRead) as ConsumerGroup;
      for (const c of g.consumers.values()) cg.consumers.set(c.name, new Consumer(c.name, c.seenTime));
      for (const [id, p] of g.pel.range(ID_MIN, ID_MAX, 0)) {
        const owner = p.consumer === null ? null : (cg.consumers.get(p.consumer.name) ?? null);
        s.addPending(cg, owner, id, p.deliveryTime, p.deliveryCount);
      }
    }
    return s;
  }

  // ---- entries ----

  /**
   * streamAppendItem after the ID checks: into the tail node, or a new one when
   * the tail is full by count or by bytes (`totelelen` is the field and value bytes).
   */
  append(id: StreamId, fields: string[], limits: StreamLimits): void {
    let tail = this.nodes[this.nodes.length - 1];
    if (tail !== undefined && this.tailFull(tail, fields, limits)) tail = undefined;
    if (tail === undefined) {
      const names: string[] = [];
      for (let i = 0; i < fields.length; i += 2) names.push(fields[i] as string);
      tail = new StreamNode(names);
      // Nodes stay in key (master ID) order, the radix tree's, by going last:
      // a node lives while it has a live entry, every live entry's ID is above
      // its node's master, and a new ID is above every live one (so above every key).
      this.nodes.push(tail);
    }
    tail.push(id, fields);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  private tailFull(tail: StreamNode, fields: readonly string[], limits: StreamLimits): boolean {
    let max = limits.nodeMaxBytes;
    if (max === 0 || max > LISTPACK_MAX_SIZE) max = LISTPACK_MAX_SIZE;
    let total = 0;
    for (const f of fields) total += f.length;
    if (tail.lpBytes + total >= max) return true;
    return limits.nodeMaxEntries !== 0 && tail.live + tail.deleted >= limits.nodeMaxEntries;
  }

  /** The last node whose master is <= id (0 if none): raxSeek "<=", else the first node. */
  private nodeIndex(id: StreamId): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((nodes[mid] as StreamNode).master <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : lo - 1;
  }

  /**
   * Live entries with start <= ID <= end, ascending (or descending from end
   * when `rev`), at most `count` of them (0: all). Redis's stream iterator:
   * from the node found by key, entries in node order; an entry is returned
   * when live and on the near side of the range, and the first one returned
   * past the far side ends the iteration (tombstones are passed over, as they
   * may be out of order: see StreamNode.sorted).
   */
  range(start: StreamId, end: StreamId, count: number, rev = false): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (start > end || this.length === 0) return out;
    const nodes = this.nodes;
    if (!rev) {
      this.forward(start, (e) => {
        if (e.id > end) return false;
        out.push(e);
        return out.length !== count;
      });
      return out;
    }
    // raxSeek "<=" end, else the last node.
    const from = (nodes[0] as StreamNode).master <= end ? this.nodeIndex(end) : nodes.length - 1;
    for (let n = from; n >= 0; n--) {
      const node = nodes[n] as StreamNode;
      const es = node.entries;
      for (let i = n === from ? node.lastUpTo(end) : es.length - 1; i >= 0; i--) {
        const e = es[i] as StreamEntry;
        if (e.deleted || e.id > end) continue;
        if (e.id < start) return out;
        out.push(e);
        if (out.length === count) return out;
      }
    }
    return out;
  }

  /** The live entry with this ID: the one a range [id, id] returns (streamEntryExists). */
  find(id: StreamId): StreamEntry | undefined {
    return this.locate(id)?.entry;
  }

  /** The entry a range [id, id] returns, with its node's index. */
  private locate(id: StreamId): { node: number; entry: StreamEntry } | undefined {
    let found: { node: number; entry: StreamEntry } | undefined;
    this.forward(id, (entry, node) => {
      if (entry.id === id) found = { node, entry };
      return false;
    });
    return found;
  }

  /**
   * Redis's forward stream iterator: from the node found by key (raxSeek "<="
   * start, else the first node), the live entries with IDs >= start in node
   * order, each passed with its node's index to `visit` until it returns false.
   */
  private forward(start: StreamId, visit: (e: StreamEntry, node: number) => boolean): void {
    const nodes = this.nodes;
    const first = this.nodeIndex(start);
    for (let n = first; n < nodes.length; n++) {
      const node = nodes[n] as StreamNode;
      const es = node.entries;
      for (let i = n === first ? node.firstFrom(start) : 0; i < es.length; i++) {
        const e = es[i] as StreamEntry;
        if (e.deleted || e.id < start) continue;
        if (!visit(e, n)) return;
      }
    }
  }

  /** Last live entry's ID (streamLastValidID), or 0-0. */
  lastValidId(): StreamId {
    return this.range(ID_MIN, ID_MAX, 1, true)[0]?.id ?? ID_MIN;
  }

  /**
   * streamDeleteItem: mark a live entry deleted, freeing its node when it was the
   * node's last live entry. Does not touch firstId / maxDeletedId (XDEL does).
   */
  delete(id: StreamId): boolean {
    // streamDeleteItem deletes what an iterator over [id, id] finds.
    const at = this.locate(id);
    if (at === undefined) return false;
    const e = at.entry;
    const node = this.nodes[at.node] as StreamNode;
    if (node.live === 1) this.nodes.splice(at.node, 1);
    else {
      e.deleted = true;
      node.live--;
      node.deleted++;
    }
    this.length--;
    return true;
  }

  /** After deletions: the first live entry (streamGetEdgeID), 0-0 when empty. */
  refreshFirstId(): void {
    this.firstId = this.length === 0 ? ID_MIN : (this.range(ID_MIN, ID_MAX, 1)[0] as StreamEntry).id;
  }

  /** streamTrim: whole nodes first; then, unless approximate, entries of the next node. Returns the count. */
  trim(args: TrimArgs): number {
    let deleted = 0;
    while (this.nodes.length !== 0) {
      if (args.strategy === 'maxlen' && this.length <= args.maxlen) break;
      const node = this.nodes[0] as StreamNode;
      const entries = node.live;
      if (args.limit !== 0 && deleted + entries > args.limit) break;
      const removeNode =
        args.strategy === 'maxlen'
          ? this.length - entries >= args.maxlen
          : (node.entries[node.entries.length - 1] as StreamEntry).id < args.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (args.approx) break;
      deleted += this.trimInside(node, args);
      break;
    }
    this.refreshFirstId();
    return deleted;
  }

  /** Mark the node's leading entries deleted until the condition holds (tombstones count as visited). */
  private trimInside(node: StreamNode, args: TrimArgs): number {
    let n = 0;
    for (const e of node.entries) {
      if (args.strategy === 'maxlen' ? this.length <= args.maxlen : e.id >= args.minid) break;
      if (e.deleted) continue;
      e.deleted = true;
      node.live--;
      node.deleted++;
      this.length--;
      n++;
    }
    return n;
  }

  /**
   * streamRangeHasTombstones: could an entry in [start, end] have been deleted?
   * Judged from maxDeletedId alone, as Redis does.
   */
  rangeHasTombstones(start: StreamId, end: StreamId = ID_MAX): boolean {
    if (this.length === 0 || this.maxDeletedId === ID_MIN) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or INVALID_ENTRIES_READ. */
  estimateDistance(id: StreamId): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    if (this.maxDeletedId === ID_MIN || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** The consumer group's lag (streamReplyWithCGLag), or null when unknown. */
  lag(g: ConsumerGroup): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId)) {
      return this.entriesAdded - g.entriesRead;
    }
    const read = this.estimateDistance(g.lastId);
    return read === INVALID_ENTRIES_READ ? null : this.entriesAdded - read;
  }

  /** rax->numnodes of Redis's radix tree keyed by the nodes' 16-byte master IDs. */
  radixTreeNodes(): number {
    const keys = this.nodes.map((n) => n.master);
    return keys.length === 0 ? 1 : raxCount(keys, 0, keys.length, 0);
  }

  // ---- groups ----

  /** Groups in Redis's order (bytewise by name). */
  sortedGroups(): [string, ConsumerGroup][] {
    return [...this.groups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** A new group, or null when the name is taken. */
  createGroup(name: string, lastId: StreamId, entriesRead: number): ConsumerGroup | null {
    if (this.groups.has(name)) return null;
    const g = new ConsumerGroup(lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  /** A new consumer, or null when the name is taken. */
  createConsumer(g: ConsumerGroup, name: string, seenTime: number): Consumer | null {
    if (g.consumers.has(name)) return null;
    const c = new Consumer(name, seenTime);
    g.consumers.set(name, c);
    return c;
  }

  /** A pending entry in the group's PEL and, when owned, the consumer's. */
  addPending(
    g: ConsumerGroup,
    owner: Consumer | null,
    id: StreamId,
    deliveryTime: number,
    deliveryCount: number,
  ): PendingEntry {
    const p: PendingEntry = { deliveryTime, deliveryCount, consumer: owner };
    g.pel.add(id, p);
    owner?.pel.add(id, p);
    return p;
  }

  /** RDB loading: a node with its entries as stored (tombstones included). */
  loadNode(entries: readonly StreamEntry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const names: string[] = [];
    for (let i = 0; i < first.fields.length; i += 2) names.push(first.fields[i] as string);
    const node = new StreamNode(names);
    for (const e of entries) {
      node.push(e.id, e.fields);
      if (e.deleted) {
        (node.entries[node.entries.length - 1] as StreamEntry).deleted = true;
        node.live--;
        node.deleted++;
      }
    }
    this.nodes.push(node);
    this.length += node.live;
  }
}

/** Byte `depth` (0 = most significant) of a 128-bit key. */
const keyByte = (k: bigint, depth: number): number => Number((k >> BigInt(8 * (15 - depth))) & 0xffn);

/**
 * Nodes of a rax holding the sorted, distinct 16-byte keys[lo..hi) below
 * `depth`: a compressed node for a shared run of bytes, a branching node where
 * they differ, and a key node (leaf) at the end of each key.
 */
function raxCount(keys: readonly bigint[], lo: number, hi: number, depth: number): number {
  if (depth === 16) return 1;
  if (hi - lo === 1) return 2;
  const a = keys[lo] as bigint;
  const b = keys[hi - 1] as bigint;
  let d = depth;
  while (keyByte(a, d) === keyByte(b, d)) d++;
  let n = d > depth ? 2 : 1;
  let start = lo;
  for (let i = lo + 1; i <= hi; i++) {
    if (i === hi || keyByte(keys[i] as bigint, d) !== keyByte(keys[start] as bigint, d)) {
      n += raxCount(keys, start, i, d + 1);
      start = i;
    }
  }
  return n;
}

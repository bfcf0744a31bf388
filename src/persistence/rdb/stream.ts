/**
 * Streams in RDB (rdbSaveObject / rdbLoadObject, t_stream.c's node layout).
 * Written as STREAM_LISTPACKS_2 (Redis 7.0); STREAM_LISTPACKS (5.0-6.2) and
 * STREAM_LISTPACKS_3 (7.2) are read too.
 *
 * A stream is its nodes, each a 16-byte big-endian master ID (the node key)
 * and a listpack: the master entry (live count, deleted count, the master
 * field names, 0), then per entry: flags (1 deleted, 2 same fields as the
 * master), ms and seq as differences from the master ID, the values (with
 * same fields) or the field count and field, value pairs, and the entry's
 * element count. Then
 * the length, last ID, (v2:) first ID, max deleted ID, entries added, and the
 * consumer groups: name, last ID, (v2:) entries read, the group PEL (raw
 * 16-byte ID, delivery time ms, delivery count) and the consumers (name, seen
 * time, (v3:) active time, their PEL IDs, each one of the group's).
 */
import {
  type Consumer,
  type ConsumerGroup,
  INVALID_ENTRIES_READ,
  idMs,
  idSeq,
  makeId,
  type StreamEntry,
  type StreamId,
  StreamObject,
} from '../../store/types/stream.js';
import { TYPE } from './format.js';
import { ListpackBuilder, ListpackError, readListpack } from './listpack.js';
import type { RdbReader } from './reader.js';
import type { RdbWriter } from './writer.js';

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
const U64 = (1n << 64n) - 1n;

/** A stream ID as the 16 bytes of a rax key: ms then seq, big-endian. */
function idKey(id: StreamId): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeBigUInt64BE(idMs(id), 0);
  b.writeBigUInt64BE(idSeq(id), 8);
  return b;
}

function keyId(b: Buffer): StreamId {
  return makeId(b.readBigUInt64BE(0), b.readBigUInt64BE(8));
}

function writeId(w: RdbWriter, id: StreamId): void {
  w.lenBig(idMs(id));
  w.lenBig(idSeq(id));
}

/** Whether an entry's field names are the master's, in order (SAMEFIELDS). */
function sameFields(master: readonly string[], fields: readonly string[]): boolean {
  if (fields.length !== master.length * 2) return false;
  for (let i = 0; i < master.length; i++) if (fields[i * 2] !== master[i]) return false;
  return true;
}

/** The node's listpack, as streamAppendItem builds it and XDEL/XTRIM flag it. */
function nodeListpack(
  entries: readonly StreamEntry[],
  masterFields: readonly string[],
  live: number,
  deleted: number,
): Buffer {
  const lp = new ListpackBuilder();
  const master = (entries[0] as StreamEntry).id;
  lp.add(String(live));
  lp.add(String(deleted));
  lp.add(String(masterFields.length));
  for (const f of masterFields) lp.add(f);
  lp.add('0');
  for (const e of entries) {
    const same = sameFields(masterFields, e.fields);
    lp.add(String((e.deleted ? FLAG_DELETED : 0) | (same ? FLAG_SAMEFIELDS : 0)));
    lp.add(String(BigInt.asIntN(64, idMs(e.id) - idMs(master))));
    lp.add(String(BigInt.asIntN(64, idSeq(e.id) - idSeq(master))));
    const nf = e.fields.length / 2;
    if (same) for (let i = 1; i < e.fields.length; i += 2) lp.add(e.fields[i] as string);
    else {
      lp.add(String(nf));
      for (const f of e.fields) lp.add(f);
    }
    lp.add(String(same ? nf + 3 : nf * 2 + 4));
  }
  return lp.build();
}

/** STREAM_LISTPACKS_2. */
export function writeStream(w: RdbWriter, s: StreamObject): void {
  w.len(s.nodes.length);
  for (const n of s.nodes) {
    w.string(idKey(n.master));
    w.string(nodeListpack(n.entries, n.masterFields, n.live, n.deleted));
  }
  w.len(s.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId);
  writeId(w, s.maxDeletedId);
  w.len(s.entriesAdded);
  const groups = s.sortedGroups();
  w.len(groups.length);
  for (const [name, g] of groups) {
    w.string(name);
    writeId(w, g.lastId);
    // SCG_INVALID_ENTRIES_READ (-1) is written as the unsigned 2^64 - 1.
    w.lenBig(BigInt.asUintN(64, BigInt(g.entriesRead)));
    const pel = g.pel.range(0n, (U64 << 64n) | U64, 0);
    w.len(pel.length);
    for (const [id, p] of pel) {
      w.bytes(idKey(id));
      w.u64le(BigInt(p.deliveryTime));
      w.len(p.deliveryCount);
    }
    const consumers = g.sortedConsumers();
    w.len(consumers.length);
    for (const c of consumers) {
      w.string(c.name);
      w.u64le(BigInt(c.seenTime));
      const own = c.pel.range(0n, (U64 << 64n) | U64, 0);
      w.len(own.length);
      for (const [id] of own) w.bytes(idKey(id));
    }
  }
}

// ---- reading ----

function int(r: RdbReader, s: string | undefined, at: number): bigint {
  if (s === undefined || !/^-?[0-9]+$/.test(s)) r.fail('Stream listpack integrity check failed', at);
  return BigInt(s);
}

/** The entries of one node's listpack, checked against its master ID and counters. */
function readNode(r: RdbReader, master: StreamId, lp: string[], at: number): StreamEntry[] {
  const bad = (): never => r.fail('Stream listpack integrity check failed', at);
  let i = 0;
  const next = (): bigint => int(r, lp[i++], at);
  const live = next();
  const deleted = next();
  const nf = Number(next());
  if (nf < 0 || i + nf > lp.length) bad();
  const masterFields = lp.slice(i, i + nf);
  i += nf;
  if (next() !== 0n) bad();
  const entries: StreamEntry[] = [];
  let liveSeen = 0n;
  let deletedSeen = 0n;
  while (i < lp.length) {
    const start = i;
    const flags = Number(next());
    if (flags < 0 || flags > 3) bad();
    const ms = BigInt.asUintN(64, idMs(master) + next());
    const seq = BigInt.asUintN(64, idSeq(master) + next());
    const id = makeId(ms, seq);
    const fields: string[] = [];
    if ((flags & FLAG_SAMEFIELDS) !== 0) {
      if (i + nf > lp.length) bad();
      for (let k = 0; k < nf; k++) fields.push(masterFields[k] as string, lp[i++] as string);
    } else {
      const n = Number(next());
      if (n < 0 || i + 2 * n > lp.length) bad();
      for (let k = 0; k < 2 * n; k++) fields.push(lp[i++] as string);
    }
    if (next() !== BigInt(i - 1 - start)) bad();
    const prev = entries[entries.length - 1];
    if (prev === undefined ? id !== master : id <= prev.id) bad();
    const isDeleted = (flags & FLAG_DELETED) !== 0;
    if (isDeleted) deletedSeen++;
    else liveSeen++;
    entries.push({ id, fields, deleted: isDeleted });
  }
  if (entries.length === 0 || liveSeen !== live || deletedSeen !== deleted) bad();
  return entries;
}

function readId(r: RdbReader): StreamId {
  const ms = r.lenBig();
  return makeId(ms, r.lenBig());
}

/** STREAM_LISTPACKS (1), _2 (2) or _3 (3). */
export function readStream(r: RdbReader, type: number): StreamObject {
  const v = type === TYPE.STREAM_LISTPACKS ? 1 : type === TYPE.STREAM_LISTPACKS_2 ? 2 : 3;
  const s = new StreamObject();
  const nodes = r.len();
  for (let n = 0; n < nodes; n++) {
    const kat = r.offset;
    const key = r.stringBytes();
    if (key.length !== 16) r.fail('Stream node key entry is not the size of a stream ID', kat);
    const master = keyId(key);
    const at = r.offset;
    const blob = r.stringBytes();
    let lp: string[];
    try {
      lp = readListpack(blob, false);
    } catch (err) {
      if (err instanceof ListpackError) return r.fail(err.message, at);
      throw err;
    }
    if (lp.length === 0) r.fail('Empty listpack inside stream', at);
    const entries = readNode(r, master, lp, at);
    const last = s.nodes[s.nodes.length - 1];
    if (last !== undefined && (last.entries[last.entries.length - 1] as StreamEntry).id >= master)
      r.fail('Stream nodes are not in order', kat);
    s.loadNode(entries);
  }
  const lat = r.offset;
  const length = r.len();
  if (length !== s.length) r.fail('Stream length inconsistent with its entries', lat);
  s.lastId = readId(r);
  if (v >= 2) {
    s.firstId = readId(r);
    s.maxDeletedId = readId(r);
    s.entriesAdded = r.len();
  } else {
    // As Redis migrates a 5.0-6.2 stream: entries added = length, first ID from the entries.
    s.entriesAdded = s.length;
    s.refreshFirstId();
  }
  const groups = r.len();
  for (let g = 0; g < groups; g++) readGroup(r, s, v);
  return s;
}

function readGroup(r: RdbReader, s: StreamObject, v: number): void {
  const at = r.offset;
  const name = r.string();
  const lastId = readId(r);
  let entriesRead: number;
  if (v >= 2) {
    const eat = r.offset;
    const raw = BigInt.asIntN(64, r.lenBig());
    // Counters are JS numbers: one beyond 2^53 could not be kept exactly.
    if (raw < BigInt(INVALID_ENTRIES_READ) || raw > BigInt(Number.MAX_SAFE_INTEGER))
      r.fail('Stream consumer group entries read out of range', eat);
    entriesRead = Number(raw);
  } else entriesRead = s.estimateDistance(lastId);
  const g = s.createGroup(name, lastId, entriesRead);
  if (g === null) r.fail('Duplicated consumer group name', at);
  const pending = r.len();
  for (let i = 0; i < pending; i++) {
    const pat = r.offset;
    const id = keyId(r.bytes(16));
    const time = r.i64le();
    const count = r.len();
    if (g.pel.get(id) !== undefined) r.fail('Duplicated global PEL entry loading stream consumer group', pat);
    s.addPending(g, null, id, Number(time), count);
  }
  const consumers = r.len();
  for (let i = 0; i < consumers; i++) readConsumer(r, s, g, v);
  // Every pending entry has an owner (Redis checks this only in deep sanitization).
  for (const [, p] of g.pel.range(0n, (U64 << 64n) | U64, 0))
    if (p.consumer === null) r.fail('Stream CG PEL entry without consumer', at);
}

function readConsumer(r: RdbReader, s: StreamObject, g: ConsumerGroup, v: number): void {
  const at = r.offset;
  const name = r.string();
  const seen = Number(r.i64le());
  if (v >= 3) r.i64le(); // active-time (7.2): not kept by 7.0
  const c: Consumer | null = s.createConsumer(g, name, seen);
  if (c === null) r.fail('Duplicated consumer name', at);
  const n = r.len();
  for (let i = 0; i < n; i++) {
    const pat = r.offset;
    const id = keyId(r.bytes(16));
    const p = g.pel.get(id);
    if (p === undefined || p.consumer !== null) r.fail('Consumer PEL entry without global PEL entry', pat);
    p.consumer = c;
    c.pel.add(id, p);
  }
}

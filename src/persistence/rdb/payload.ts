/**
 * DUMP payloads (cluster.c createDumpPayload / verifyDumpPayload): the value
 * as RDB bytes (type byte + object), the RDB version as 2 bytes
 * little-endian, and the CRC-64 of all that, 8 bytes little-endian.
 */
import type { EncodingLimits } from '../../store/types/limits.js';
import type { Value } from '../../store/value.js';
import { crc64 } from '../../util/crc64.js';
import { readValue } from './decode-value.js';
import { type EncodeOptions, writeValue } from './encode-value.js';
import { RDB_VERSION } from './format.js';
import { BufferSource, RdbReader } from './reader.js';
import { MemorySink, RdbWriter } from './writer.js';

export function createDumpPayload(v: Value, compression: boolean, opts: EncodeOptions): Buffer {
  const sink = new MemorySink();
  const w = new RdbWriter(sink, compression);
  writeValue(w, v, opts);
  w.flush();
  const body = sink.bytes();
  const out = Buffer.allocUnsafe(body.length + 10);
  body.copy(out, 0);
  out.writeUInt16LE(RDB_VERSION, body.length);
  crc64(out, 0, body.length + 2).copy(out, body.length + 2);
  return out;
}

/**
 * verifyDumpPayload: at least the 10-byte footer, a version no newer than
 * 7.0's (a 7.2 payload is refused, as Redis 7.0 refuses it, although the file
 * loader reads version 11), and a matching CRC-64 (unless `skipChecksum`).
 */
export function verifyDumpPayload(p: Buffer, skipChecksum = false): boolean {
  if (p.length < 10) return false;
  const version = p.readUInt16LE(p.length - 10);
  if (version > RDB_VERSION) return false;
  if (skipChecksum) return true;
  return crc64(p, 0, p.length - 8).equals(p.subarray(p.length - 8));
}

/**
 * The value of a verified payload; an RdbError (offset, reason) when its bytes
 * are not a valid value (RESTORE's "Bad data format"). As in Redis, the reader
 * is bounded by the whole payload (footer included), and bytes left over
 * after the value are ignored.
 */
export function readDumpPayload(p: Buffer, limits: EncodingLimits): Value {
  const r = new RdbReader(new BufferSource(p));
  const type = r.u8();
  return readValue(r, type, p.readUInt16LE(p.length - 10), limits);
}

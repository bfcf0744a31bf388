/**
 * Values held in the keyspace. A string value is a latin1 "binary" JS string (one
 * char per byte), which V8 stores compactly and compares fast; a string being
 * mutated in place (SETBIT, SETRANGE, BITFIELD) is held as a Buffer instead, so
 * each such write is O(1) rather than a copy. Every other type is an object
 * extending `DataObject`.
 */
import type { MemCache } from './memory.js';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export abstract class DataObject {
  abstract readonly type: Exclude<TypeName, 'string'>;
  /** The write path's last memory estimate (see accountedBytes in memory.ts). */
  memCache: MemCache | undefined = undefined;
  /** Element count (fields, members, entries): what memory estimates scale with. */
  abstract elements(): number;
  /**
   * Estimated heap bytes of the value (structure and elements, not its key),
   * element sizes read from `samples` elements spread over it (0: all).
   */
  abstract memoryUsage(samples: number): number;
  /** OBJECT ENCODING name, matching Redis's for the same contents. */
  abstract encoding(): string;
  /** A deep copy (COPY). */
  abstract clone(): DataObject;
}

export type Value = string | Buffer | DataObject;

export function typeOf(v: Value): TypeName {
  return v instanceof DataObject ? v.type : 'string';
}

/** True for both string representations. */
export function isString(v: Value): v is string | Buffer {
  return !(v instanceof DataObject);
}

/** Length in bytes of a string value. */
export function stringLength(v: string | Buffer): number {
  return v.length;
}

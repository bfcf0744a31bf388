/**
 * Values held in the keyspace. A string value is a latin1 "binary" JS string (one
 * char per byte), which V8 stores compactly and compares fast; a string being
 * mutated in place (SETBIT, SETRANGE, BITFIELD) is held as a Buffer instead, so
 * each such write is O(1) rather than a copy. Every other type is an object
 * extending `DataObject`.
 */
export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export abstract class DataObject {
  abstract readonly type: Exclude<TypeName, 'string'>;
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

/**
 * Values held in the keyspace. A string value is a latin1 "binary" JS string (one
 * char per byte), which V8 stores compactly and compares fast. Every other type is
 * an object extending `DataObject`.
 */
export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export abstract class DataObject {
  abstract readonly type: Exclude<TypeName, 'string'>;
  /** OBJECT ENCODING name, matching Redis's for the same contents. */
  abstract encoding(): string;
  /** A deep copy (COPY). */
  abstract clone(): DataObject;
}

export type Value = string | DataObject;

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

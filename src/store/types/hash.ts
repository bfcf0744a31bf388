/**
 * Hash values. One representation for both of Redis's encodings: a ScanDict of
 * field -> value, which iterates in insertion order (the order of Redis's
 * listpack, so small hashes reply exactly as Redis does) and gives O(1) random
 * fields and stable SCAN cursors (what the hashtable encoding needs).
 * `listpack` only records which encoding Redis would use for the same history:
 * it starts true and turns false, for good, once a field or value is longer than
 * hash-max-listpack-value or the hash has more than hash-max-listpack-entries
 * fields (Redis never converts back).
 */
import { OBJECT_HEADER, PTR, stringBytes } from '../memory.js';
import { DataObject } from '../value.js';
import type { EncodingLimits } from './limits.js';
import { ScanDict } from './scan-dict.js';

export class HashObject extends DataObject {
  readonly type = 'hash' as const;
  dict = new ScanDict<string>();
  listpack = true;

  get size(): number {
    return this.dict.size;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  elements(): number {
    return this.dict.size;
  }

  memoryUsage(samples: number): number {
    return OBJECT_HEADER + 4 * PTR + this.dict.memoryUsage(samples, (v) => stringBytes(v.length));
  }

  clone(): HashObject {
    const h = new HashObject();
    h.dict = this.dict.clone();
    h.listpack = this.listpack;
    return h;
  }

  /**
   * `hashTypeTryConversion`: before a write, convert when one of the strings
   * argv[start..end] is longer than hash-max-listpack-value.
   */
  tryConversion(argv: readonly string[], start: number, end: number, limits: EncodingLimits): void {
    if (!this.listpack) return;
    const max = limits.hashMaxListpackValue;
    for (let i = start; i <= end; i++) {
      if ((argv[i] as string).length > max) {
        this.listpack = false;
        return;
      }
    }
  }

  /**
   * `hashTypeSet`: set a field (converting first if either string is too long for
   * a listpack, and after when there are too many fields, even on an update, as
   * after CONFIG SET lowered the limit); true if the field is new.
   */
  set(field: string, value: string, limits: EncodingLimits): boolean {
    if (
      this.listpack &&
      (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)
    )
      this.listpack = false;
    const created = this.dict.set(field, value);
    if (this.listpack && this.dict.size > limits.hashMaxListpackEntries) this.listpack = false;
    return created;
  }
}

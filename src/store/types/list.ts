/**
 * List values: a growable ring buffer (power-of-two capacity), so pushes and
 * pops at both ends and access by index are O(1); inserting or removing in the
 * middle moves the shorter side. The buffer shrinks when it is mostly empty.
 *
 * Redis 7.0 reports every list as "quicklist" (the listpack encoding for small
 * lists came in 7.2), so `encoding()` does too; list-max-listpack-size only
 * sizes quicklist nodes, which nothing observable depends on.
 */
import { ARRAY_HEADER, OBJECT_HEADER, PTR, sampledSum, stringBytes } from '../memory.js';
import { DataObject } from '../value.js';

const MIN_CAPACITY = 8;

export class ListObject extends DataObject {
  readonly type = 'list' as const;
  private buf: (string | undefined)[] = new Array(MIN_CAPACITY);
  private head = 0;
  private len = 0;
  private mask = MIN_CAPACITY - 1;

  get length(): number {
    return this.len;
  }

  encoding(): string {
    return 'quicklist';
  }

  elements(): number {
    return this.len;
  }

  memoryUsage(samples: number): number {
    const elements = sampledSum(this.len, this.len, samples, (i) => stringBytes(this.at(i).length));
    return OBJECT_HEADER + 6 * PTR + ARRAY_HEADER + this.buf.length * PTR + elements;
  }

  clone(): ListObject {
    const l = new ListObject();
    l.setAll(this.range(0, this.len - 1));
    return l;
  }

  /** Element at index 0..length-1. */
  at(i: number): string {
    return this.buf[(this.head + i) & this.mask] as string;
  }

  setAt(i: number, v: string): void {
    this.buf[(this.head + i) & this.mask] = v;
  }

  pushBack(v: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.len) & this.mask] = v;
    this.len++;
  }

  pushFront(v: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.len++;
  }

  popFront(): string | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return v;
  }

  popBack(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & this.mask;
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Elements start..end inclusive (already clamped to the list). */
  range(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = start; i <= end; i++) out.push(this.at(i));
    return out;
  }

  /** Insert before index i (0..length). */
  insertAt(i: number, v: string): void {
    if (i === 0) {
      this.pushFront(v);
      return;
    }
    if (i === this.len) {
      this.pushBack(v);
      return;
    }
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    if (i < this.len - i) {
      // Move the front part one step left.
      this.head = (this.head - 1) & this.mask;
      for (let j = 0; j < i; j++) this.setAt(j, this.at(j + 1));
    } else {
      for (let j = this.len; j > i; j--) this.buf[(this.head + j) & this.mask] = this.at(j - 1);
    }
    this.len++;
    this.setAt(i, v);
  }

  /** Keep only the elements for which `keep` is true; returns how many were removed. */
  filter(keep: (v: string, i: number) => boolean): number {
    const kept: string[] = [];
    for (let i = 0; i < this.len; i++) {
      const v = this.at(i);
      if (keep(v, i)) kept.push(v);
    }
    const removed = this.len - kept.length;
    if (removed > 0) this.setAll(kept);
    return removed;
  }

  /** Keep only elements start..end inclusive (LTRIM, already clamped); an empty range empties the list. */
  trim(start: number, end: number): void {
    if (start > end) {
      this.setAll([]);
      return;
    }
    const keepFront = start;
    const keepBack = this.len - 1 - end;
    for (let k = 0; k < keepBack; k++) this.popBack();
    for (let k = 0; k < keepFront; k++) this.popFront();
  }

  /** Replace the contents. */
  setAll(items: string[]): void {
    let cap = MIN_CAPACITY;
    while (cap < items.length) cap *= 2;
    const buf: (string | undefined)[] = new Array(cap);
    for (let i = 0; i < items.length; i++) buf[i] = items[i];
    this.buf = buf;
    this.head = 0;
    this.len = items.length;
    this.mask = cap - 1;
  }

  private resize(cap: number): void {
    const buf: (string | undefined)[] = new Array(cap);
    for (let i = 0; i < this.len; i++) buf[i] = this.at(i);
    this.buf = buf;
    this.head = 0;
    this.mask = cap - 1;
  }

  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > MIN_CAPACITY && this.len < cap >>> 2) this.resize(cap >>> 1);
  }
}

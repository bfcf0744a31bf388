/**
 * SLOWLOG: the last `slowlog-max-len` commands that took at least
 * `slowlog-log-slower-than` microseconds, with Redis's argument trimming
 * (at most 32 arguments, each at most 128 bytes).
 */
import type { Client } from './client.js';

const MAX_ARGC = 32;
const MAX_STRING = 128;

export interface SlowlogEntry {
  readonly id: number;
  readonly time: number;
  readonly usec: number;
  readonly argv: readonly string[];
  readonly peer: string;
  readonly name: string;
}

export class Slowlog {
  entries: SlowlogEntry[] = [];
  private nextId = 0;
  maxLen = 128;

  add(c: Client, argv: readonly string[], usec: number): void {
    if (this.maxLen <= 0) {
      // Redis pushes then trims: with slowlog-max-len 0 the log empties and ids still advance.
      this.entries = [];
      this.nextId++;
      return;
    }
    const argc = Math.min(argv.length, MAX_ARGC);
    const kept: string[] = [];
    for (let i = 0; i < argc; i++) {
      if (argc !== argv.length && i === argc - 1) {
        kept.push(`... (${argv.length - argc + 1} more arguments)`);
        break;
      }
      const a = argv[i] as string;
      kept.push(
        a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a,
      );
    }
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      usec,
      argv: kept,
      peer: c.addr,
      name: c.name,
    });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }

  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = Math.max(0, this.maxLen);
  }
}

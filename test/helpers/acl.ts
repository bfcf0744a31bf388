/**
 * Comparators and helpers for ACL differential tests. Redis 7.0 lists the single
 * commands of a user's rules ("+get +set") in its hash-table order, which changes
 * from run to run; Redoubt lists them in name order. `sameRules` compares replies
 * byte for byte after sorting each run of single-command rules, which keeps
 * every other difference (categories, order of categories, keys, channels,
 * passwords, flags) visible.
 */
import assert from 'node:assert/strict';
import type { Comparator } from './diff.js';
import { frameLength } from './resp.js';

/** A single-command rule: +cmd, -cmd, +cmd|sub (not +@category). */
const SINGLE = /^[+-][^@]/;

/** Sort each run of single-command rules of a description. */
export function canonicalRules(s: string): string {
  const words = s.split(' ');
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    // By command name, then sign; a container sorts before its subcommands.
    run.sort((a, b) => {
      const x = a.slice(1).replace(/\)$/, '');
      const y = b.slice(1).replace(/\)$/, '');
      return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
    });
    // A closing parenthesis belongs to the last word of the run.
    const closing = run.some((w) => w.endsWith(')'));
    if (closing) {
      run = run.map((w) => w.replace(/\)$/, ''));
      run[run.length - 1] += ')';
    }
    out.push(...run);
    run = [];
  };
  for (const w of words) {
    if (SINGLE.test(w)) {
      run.push(w);
    } else {
      flush();
      out.push(w);
    }
  }
  flush();
  return out.join(' ');
}

/** Rebuild a RESP frame with every bulk string passed through `f`. */
export function mapBulks(buf: Buffer, f: (s: string) => string): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  const walk = (): void => {
    const type = String.fromCharCode(buf[pos] as number);
    const cr = buf.indexOf('\r\n', pos);
    const line = buf.toString('latin1', pos + 1, cr);
    if (type === '$' || type === '=' || type === '!') {
      const n = Number(line);
      if (n < 0) {
        parts.push(buf.subarray(pos, cr + 2));
        pos = cr + 2;
        return;
      }
      const s = f(buf.toString('latin1', cr + 2, cr + 2 + n));
      parts.push(Buffer.from(`${type}${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`, 'latin1'));
      pos = cr + 2 + n + 2;
      return;
    }
    if (type === '*' || type === '~' || type === '>' || type === '%') {
      parts.push(buf.subarray(pos, cr + 2));
      pos = cr + 2;
      const n = Number(line);
      const count = n < 0 ? 0 : type === '%' ? n * 2 : n;
      for (let i = 0; i < count; i++) walk();
      return;
    }
    const len = frameLength(buf, pos);
    parts.push(buf.subarray(pos, pos + len));
    pos += len;
  };
  walk();
  return Buffer.concat(parts);
}

const show = (b: Buffer): string => JSON.stringify(b.toString('latin1'));

/** Byte-for-byte equal once the single-command rules of each description are sorted. */
export const sameRules: Comparator = (a, b, args) => {
  const x = mapBulks(a, canonicalRules);
  const y = mapBulks(b, canonicalRules);
  if (!x.equals(y)) {
    assert.fail(
      `ACL rules differ for ${JSON.stringify(args.map(String))}\n  redoubt: ${show(a)}\n  redis:   ${show(b)}`,
    );
  }
};

/** `key=value` fields of a CLIENT LIST / CLIENT INFO line. */
export function clientFields(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of line.trim().split(' ')) {
    const eq = part.indexOf('=');
    m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

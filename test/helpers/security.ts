/**
 * Helpers for the tests of src/security: a log sink kept in memory, the audit
 * log read back as JSON objects, and a raw connection from a chosen loopback
 * source address (Linux routes all of 127/8 to lo, so 127.0.0.2 is "another
 * address" without a network namespace).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function memoryLog(): { lines: string[]; sink: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, sink: { write: (l: string) => void lines.push(l) } };
}

export const tmp = (prefix = 'redoubt-sec-'): string => mkdtempSync(join(tmpdir(), prefix));

export type AuditLine = Record<string, unknown> & { time: string; event: string };

/** Every line of an audit log, parsed; fails unless each is one ASCII JSON object with time and event. */
export function readAudit(path: string): AuditLine[] {
  const text = readFileSync(path, 'latin1');
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), 'the audit log ends with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      assert.match(line, /^[\x20-\x7e]+$/, `not printable ASCII: ${JSON.stringify(line)}`);
      const v = JSON.parse(line) as AuditLine;
      assert.equal(typeof v.time, 'string', line);
      assert.ok(!Number.isNaN(Date.parse(v.time)), line);
      assert.equal(typeof v.event, 'string', line);
      return v;
    });
}

/** The lines of `event`, optionally only those whose fields include `match`. */
export function eventsOf(
  lines: readonly AuditLine[],
  event: string,
  match: Record<string, unknown> = {},
): AuditLine[] {
  return lines.filter(
    (l) =>
      l.event === event &&
      Object.entries(match).every(([k, v]) => JSON.stringify(l[k]) === JSON.stringify(v)),
  );
}

/**
 * Connect from `localAddress`, send `payload`, and collect what arrives until
 * the server closes the connection (or 5 s): for refused connections.
 */
export function untilClosed(
  port: number,
  localAddress: string,
  payload = '',
): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    let data = '';
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => {
      if (payload !== '') s.write(payload);
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ data, closed: false });
    }, 5000);
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ data, closed: true });
    });
  });
}

export async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

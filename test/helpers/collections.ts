/**
 * Helpers for the hash, list, set and sorted-set differential tests: named loose
 * comparators for the replies Redis leaves unordered or random, RESP3 sections,
 * complete *SCAN iterations and checks of random replies.
 */
import assert from 'node:assert/strict';
import { type Comparator, type Differential, sameType } from './diff.js';
import { type Arg, parse, type RespConnection, type Value } from './resp.js';

/** Bytes that exercise binary safety: NUL, CR LF, bytes >= 0x80. */
export const BIN = Buffer.from([0, 13, 10, 0x80, 0xff, 0x41, 0, 0xfe]);
export const BIN2 = Buffer.from([0xff, 0, 0xb5]);

const label = (args: readonly Arg[]): string => JSON.stringify(args.map((a) => String(a)));

function key(v: Value): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** A flat array of pairs (HGETALL, HRANDFIELD WITHVALUES...) compared as a set of pairs. */
export const sortedPairs: Comparator = (a, b, args) => {
  const pairs = (buf: Buffer): string[] => {
    const v = parse(buf)[0];
    if (!Array.isArray(v)) return [key(v)];
    const out: string[] = [];
    for (let i = 0; i < v.length; i += 2) out.push(key([v[i] as Value, v[i + 1] as Value]));
    return out.sort();
  };
  assert.deepEqual(pairs(a), pairs(b), `pairs differ for ${label(args)}`);
};

/** Top-level elements compared as a multiset (SMEMBERS of a hashtable set...). */
export const unordered: Comparator = (a, b, args) => {
  const items = (buf: Buffer): string[] => {
    const v = parse(buf)[0];
    return Array.isArray(v) ? v.map(key).sort() : [key(v)];
  };
  assert.equal(String.fromCharCode(a[0] as number), String.fromCharCode(b[0] as number), label(args));
  assert.deepEqual(items(a), items(b), `elements differ for ${label(args)}`);
};

/** Same reply type and, for arrays, the same length (random replies). */
export const sameLength: Comparator = (a, b, args) => {
  sameType(a, b, args);
  const x = parse(a)[0];
  const y = parse(b)[0];
  if (Array.isArray(x) && Array.isArray(y))
    assert.equal(x.length, y.length, `length differs for ${label(args)}`);
};

/** Run commands on both servers in RESP3, then go back to RESP2. */
export async function inResp3(d: Differential, commands: readonly (readonly Arg[])[]): Promise<void> {
  await d.same(['HELLO', '3'], sameType);
  try {
    await d.all(commands);
  } finally {
    await d.same(['HELLO', '2'], sameType);
  }
}

/** Every element a complete *SCAN iteration returns (pairs flattened), with a cap on the calls. */
export async function fullScan(
  conn: RespConnection,
  command: string,
  k: Arg,
  extra: readonly Arg[] = [],
): Promise<string[]> {
  let cursor = '0';
  const out: string[] = [];
  for (let calls = 0; calls < 100000; calls++) {
    const r = (await conn.call(command, k, cursor, ...extra)) as [string, string[]];
    assert.ok(Array.isArray(r), `${command} replied ${JSON.stringify(r)}`);
    out.push(...r[1]);
    cursor = r[0];
    if (cursor === '0') return out;
  }
  throw new Error(`${command} did not finish`);
}

/** A complete scan on both servers returns the same elements (pairs kept together when `pairs`). */
export async function sameFullScan(
  d: Differential,
  command: string,
  k: Arg,
  extra: readonly Arg[] = [],
  pairs = false,
): Promise<void> {
  const group = (items: string[]): string[] => {
    const out: string[] = [];
    for (let i = 0; i < items.length; i += pairs ? 2 : 1)
      out.push(pairs ? JSON.stringify([items[i], items[i + 1]]) : (items[i] as string));
    // A scan may return an element twice; the set of elements is what must match.
    return [...new Set(out)].sort();
  };
  const [a, b] = await Promise.all([
    fullScan(d.redoubt, command, k, extra),
    fullScan(d.redis, command, k, extra),
  ]);
  assert.deepEqual(group(a), group(b), `${command} ${String(k)} ${extra.join(' ')}`);
}

/**
 * Check a random reply of Redoubt against the collection it samples: its length,
 * that every element belongs, and distinctness when `distinct`.
 */
export function checkSample(
  reply: Value,
  population: readonly string[],
  expectedLength: number,
  distinct: boolean,
  what: string,
): void {
  assert.ok(Array.isArray(reply), `${what}: ${JSON.stringify(reply)}`);
  assert.equal(reply.length, expectedLength, `${what}: length`);
  const set = new Set(population);
  for (const x of reply) assert.ok(set.has(x as string), `${what}: ${JSON.stringify(x)} is not a member`);
  if (distinct) assert.equal(new Set(reply as string[]).size, reply.length, `${what}: repeated elements`);
}

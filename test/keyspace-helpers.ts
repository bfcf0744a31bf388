/**
 * Helpers shared by the keyspace tests (generic, scan, expire): pipelined setup,
 * a seeded PRNG and the loose comparators those commands legitimately need.
 */
import assert from 'node:assert/strict';
import { type Comparator, exact, sorted } from './helpers/diff.js';
import { type Arg, encode, parse, type RespConnection, type Value } from './helpers/resp.js';

export { prng } from './helpers/random.js';

/** Send many commands in one write and read every reply (bulk setup). */
export async function pipeline(conn: RespConnection, cmds: readonly (readonly Arg[])[]): Promise<Buffer[]> {
  conn.writeRaw(Buffer.concat(cmds.map((c) => encode(c))));
  const out: Buffer[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await conn.readFrame(30000));
  return out;
}

const show = (args: readonly Arg[]): string => JSON.stringify(args.map(String));

/** Both null, or both not null (RANDOMKEY over several keys). */
export const sameNullness: Comparator = (a, b, args) => {
  assert.equal(
    parse(a)[0] === null,
    parse(b)[0] === null,
    `nullness differs for ${show(args)}: ${a} vs ${b}`,
  );
};

export { nearInteger } from './helpers/diff.js';

/** A SCAN whose COUNT covers the whole (small) keyspace: cursor 0 on both, same keys in any order. */
export const completeScan: Comparator = (a, b, args) => {
  const [ca, ka] = parse(a)[0] as [string, string[]];
  const [cb, kb] = parse(b)[0] as [string, string[]];
  assert.equal(ca, '0', `${show(args)}: Redoubt's cursor`);
  assert.equal(cb, '0', `${show(args)}: Redis's cursor`);
  assert.deepEqual([...ka].sort(), [...kb].sort(), `SCAN keys differ for ${show(args)}`);
};

/** Every key of a full SCAN iteration (cursor 0 back to 0), as a sorted list without duplicates. */
export async function scanAll(conn: RespConnection, ...opts: Arg[]): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = (await conn.call('SCAN', cursor, ...opts)) as [string, string[]];
    for (const k of keys) seen.add(k);
    cursor = next;
  } while (cursor !== '0');
  return [...seen].sort();
}

/** Exact, except KEYS replies, whose order is a hash order in Redis: compared sorted. */
export const keysSorted: Comparator = (a, b, args) =>
  (String(args[0]).toUpperCase() === 'KEYS' ? sorted : exact)(a, b, args);

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type { Value };

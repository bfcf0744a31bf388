/**
 * Differential tests with several connections: a `Duo` is one connection to
 * Redoubt and one to redis-server, driven in lockstep. Blocking commands are
 * sent without waiting (`send`) and their replies read later (`reply`); a
 * client that must not have been answered yet is checked with `silent` after
 * a round trip on another connection. Waits are for events (a reply, a blocked
 * client count), never for a duration.
 */
import assert from 'node:assert/strict';
import { type Comparator, type Differential, exact } from './diff.js';
import { type Arg, encode, parse, RespConnection, type Value } from './resp.js';

const label = (args: readonly Arg[]): string => JSON.stringify(args.map(String));

export class Duo {
  constructor(
    readonly redoubt: RespConnection,
    readonly redis: RespConnection,
  ) {}

  /** Another pair of connections to the servers of `d`. */
  static async open(d: Differential): Promise<Duo> {
    const [a, b] = await d.pair();
    return new Duo(a, b);
  }

  /** The main connections of `d`. */
  static main(d: Differential): Duo {
    return new Duo(d.redoubt, d.redis);
  }

  /** Send to both and compare the replies; returns Redoubt's, parsed. */
  async same(args: readonly Arg[], compare: Comparator = exact): Promise<Value> {
    const [a, b] = await Promise.all([this.redoubt.raw(...args), this.redis.raw(...args)]);
    compare(a, b, args);
    return parse(a)[0];
  }

  /** Send to both without reading the reply (a command that blocks). */
  send(args: readonly Arg[]): void {
    this.redoubt.writeRaw(encode(args));
    this.redis.writeRaw(encode(args));
  }

  /** The next reply on both, compared; returns Redoubt's, parsed. */
  async reply(compare: Comparator = exact, what: readonly Arg[] = ['(pending reply)']): Promise<Value> {
    const [a, b] = await Promise.all([this.redoubt.readFrame(10000), this.redis.readFrame(10000)]);
    compare(a, b, what);
    return parse(a)[0];
  }

  /** Neither server has sent anything more on this pair (call after a round trip on another pair). */
  async silent(what: string): Promise<void> {
    // Let every socket event already delivered run first.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(this.redoubt.pending().length, 0, `redoubt answered ${what}: ${this.redoubt.pending()}`);
    assert.equal(this.redis.pending().length, 0, `redis answered ${what}: ${this.redis.pending()}`);
  }

  close(): void {
    this.redoubt.close();
    this.redis.close();
  }
}

/** A field of INFO `section` from one connection. */
export async function infoField(conn: RespConnection, section: string, field: string): Promise<string> {
  const text = (await conn.call('INFO', section)) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  assert.ok(m !== null, `INFO ${section} has no ${field}`);
  return (m[1] as string).trim();
}

/** Wait until both servers report `n` blocked clients (INFO blocked_clients), polling. */
export async function waitBlocked(duo: Duo, n: number): Promise<void> {
  for (const conn of [duo.redoubt, duo.redis]) {
    for (let i = 0; ; i++) {
      if (Number(await infoField(conn, 'clients', 'blocked_clients')) === n) break;
      if (i > 2000) assert.fail(`blocked_clients never reached ${n}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

/** The CLIENT ID of each side of a pair. */
export async function clientIds(duo: Duo): Promise<[number, number]> {
  return [
    (await duo.redoubt.call('CLIENT', 'ID')) as number,
    (await duo.redis.call('CLIENT', 'ID')) as number,
  ];
}

/** Send a command whose arguments differ per server (client ids...) and compare the replies. */
export async function sameWith(
  duo: Duo,
  redoubtArgs: readonly Arg[],
  redisArgs: readonly Arg[],
  compare: Comparator = exact,
): Promise<Value> {
  const [a, b] = await Promise.all([duo.redoubt.raw(...redoubtArgs), duo.redis.raw(...redisArgs)]);
  compare(a, b, redoubtArgs);
  return parse(a)[0];
}

/** `key=value` fields of a CLIENT LIST / CLIENT INFO line, for the given client id. */
export function clientFields(list: string, id: number): Map<string, string> {
  const line = list.split('\n').find((l) => l.startsWith(`id=${id} `));
  assert.ok(line !== undefined, `no client ${id} in ${list}`);
  const out = new Map<string, string>();
  for (const kv of line.trim().split(' ')) {
    const eq = kv.indexOf('=');
    out.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return out;
}

/**
 * Per-command `calls`, `rejected_calls` and `failed_calls` from INFO commandstats
 * (times left out). INFO itself is left out: `waitBlocked` polls with it, as
 * many times as each server takes to block a client.
 */
export async function commandCounts(conn: RespConnection): Promise<Map<string, string>> {
  const text = (await conn.call('INFO', 'commandstats')) as string;
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^cmdstat_(\S+):calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/gm))
    if (m[1] !== 'info') out.set(m[1] as string, `calls=${m[2]} rejected=${m[3]} failed=${m[4]}`);
  return out;
}

export { label, RespConnection };

/**
 * Differential testing: the same command to Redoubt and to a real redis-server,
 * replies compared byte for byte. Where a reply is legitimately nondeterministic a
 * named loose comparator says how (sorted, same length, ...).
 */
import assert from 'node:assert/strict';
import type { CreateServerOptions } from '../../src/index.js';
import { type Arg, parse, RespConnection, type Value } from './resp.js';
import { type Running, startRedis, startRedoubt } from './servers.js';

export type Comparator = (redoubt: Buffer, redis: Buffer, args: readonly Arg[]) => void;

const show = (b: Buffer): string => JSON.stringify(b.toString('latin1'));

export const exact: Comparator = (a, b, args) => {
  if (!a.equals(b)) {
    assert.fail(
      `reply differs for ${JSON.stringify(args.map(String))}\n  redoubt: ${show(a)}\n  redis:   ${show(b)}`,
    );
  }
};

function sortDeep(v: Value): Value {
  if (Array.isArray(v))
    return v.map(sortDeep).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
  return v;
}

/** Same elements in any order (top-level arrays and sets). */
export const sorted: Comparator = (a, b, args) => {
  assert.deepEqual(
    sortDeep(parse(a)[0]),
    sortDeep(parse(b)[0]),
    `sorted reply differs for ${JSON.stringify(args.map(String))}`,
  );
};

/** Same reply type and error code, or same shape: for replies that embed times, ids... */
export const sameType: Comparator = (a, b, args) => {
  assert.equal(
    String.fromCharCode(a[0] as number),
    String.fromCharCode(b[0] as number),
    `reply type differs for ${JSON.stringify(args.map(String))}: ${show(a)} vs ${show(b)}`,
  );
};

/** Integers within `n` of each other (TTL rounding, clocks); anything else exactly. */
export function nearInteger(n: number): Comparator {
  return (a, b, args) => {
    const x = parse(a)[0];
    const y = parse(b)[0];
    const int = (v: Value): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
    if (int(x) && int(y)) {
      const diff = BigInt(x) - BigInt(y);
      assert.ok(diff <= BigInt(n) && diff >= -BigInt(n), `${JSON.stringify(args.map(String))}: ${x} vs ${y}`);
    } else {
      assert.equal(a.toString('latin1'), b.toString('latin1'), JSON.stringify(args.map(String)));
    }
  };
}

/** Both are errors with the same text. */
export const sameError: Comparator = exact;

export class Differential {
  private constructor(
    readonly redoubtServer: Running,
    readonly redisServer: Running,
    readonly redoubt: RespConnection,
    readonly redis: RespConnection,
  ) {}

  /**
   * Start both servers. Returns null (the caller skips) when redis-server is not
   * installed, unless REDOUBT_REQUIRE_REDIS=1, which turns that into a failure.
   */
  static async start(
    opts: { redoubt?: CreateServerOptions; redis?: readonly string[] } = {},
  ): Promise<Differential | null> {
    const redisServer = await startRedis(opts.redis ?? []);
    if (redisServer === null) return null;
    // Redis has no AUTH throttle: differential tests fail AUTH as often as they need to.
    // No save points, as startRedis gives Redis: a long test never writes a snapshot
    // into the working directory (which later in-process servers would load).
    const redoubtServer = await startRedoubt({ 'auth-max-failures': 0, save: '', ...opts.redoubt });
    return new Differential(
      redoubtServer,
      redisServer,
      await RespConnection.open(redoubtServer.port),
      await RespConnection.open(redisServer.port),
    );
  }

  /** Another connection to each server. */
  async pair(): Promise<[RespConnection, RespConnection]> {
    return [
      await RespConnection.open(this.redoubtServer.port),
      await RespConnection.open(this.redisServer.port),
    ];
  }

  /** Send to both on the main connections; compare replies; return Redoubt's parsed reply. */
  async same(args: readonly Arg[], compare: Comparator = exact): Promise<Value> {
    const [a, b] = await Promise.all([this.redoubt.raw(...args), this.redis.raw(...args)]);
    compare(a, b, args);
    return parse(a)[0];
  }

  /** Run a list of commands through `same`. */
  async all(commands: readonly (readonly Arg[])[], compare: Comparator = exact): Promise<void> {
    for (const c of commands) await this.same(c, compare);
  }

  async close(): Promise<void> {
    this.redoubt.close();
    this.redis.close();
    await Promise.all([this.redoubtServer.stop(), this.redisServer.stop()]);
  }
}

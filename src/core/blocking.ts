/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, BLMPOP, BZMPOP ... and
 * later XREAD/XREADGROUP BLOCK), as Redis 7.0's blocked.c.
 *
 * A blocking command that finds nothing to do calls `block` with a
 * `BlockRequest`: the keys it waits for and a `serve` callback that tries to
 * complete the command against one of them. The core knows nothing about
 * types: `serve` returns the reply when it could act, or undefined when the key
 * is not (or no longer) something it can use, and the client keeps waiting.
 *
 * - Readiness: every write reaches `signal` through the keyspace observer
 *   (database `modified`, which collections call through `touched()`), and
 *   SWAPDB through `swapping`. A key with waiters is queued once; the
 *   dispatcher calls `serveReady` after each top-level command (so writes
 *   made by EXEC are served after EXEC completes), as Redis's
 *   handleClientsBlockedOnKeys. Serving can write (BLMOVE) and make more keys
 *   ready: the loop runs until nothing is queued.
 * - Fairness: per key, waiters are tried in the order they blocked (first
 *   blocked, first served), each `serve` at one frozen instant per key.
 * - Timeouts: one min-heap of deadlines (ties by client id, as Redis's radix
 *   tree) and one timer armed for the earliest; entries of clients unblocked
 *   otherwise are dropped lazily.
 * - A blocked client's input is read but not executed; once unblocked, what
 *   arrived meanwhile runs on a later turn (Redis's unblocked-clients queue).
 * - Nothing here runs per command unless a client is blocked: the observer
 *   tests `blockedCount` first.
 */
import { BLOCK_ERR, ERR } from '../commands/errors.js';
import { CMD_SKIP_SLOWLOG, type Command } from '../commands/registry.js';
import { ErrorReply, NULL_ARRAY, type Reply } from '../protocol/reply.js';
import { Database } from '../store/database.js';
import { freeze, now, unfreeze } from '../util/clock.js';
import { isInf, type LongDouble, parseLongDouble } from '../util/longdouble.js';
import { parseInt64 } from '../util/number.js';
import { CLIENT_BLOCKED, CLIENT_DENY_BLOCKING, type Client } from './client.js';
import { redactedArgv } from './dispatcher.js';
import type { Server } from './server.js';

/** What a blocking command waits for. */
export interface BlockRequest {
  /** Keys of the client's database to wait for (duplicates are ignored). */
  readonly keys: readonly string[];
  /** Milliseconds to wait (`parseBlockTimeout`); 0n waits forever. */
  readonly timeout: bigint;
  /**
   * `key` (one of `keys`) was written: complete the command if it can be done
   * now and return its reply (an ErrorReply, or a thrown one, ends it with
   * that error), or return undefined to keep waiting (key absent, of another
   * type, empty...). Runs like a command: time frozen, writes allowed.
   */
  serve(c: Client, key: string): Reply | undefined;
  /** Reply on timeout and CLIENT UNBLOCK TIMEOUT; Redis sends a null array for every key-blocking command. */
  readonly timeoutReply?: Reply;
}

/** A blocked client's state (`c.blockState`). */
export interface BlockedClient {
  readonly client: Client;
  readonly db: Database;
  readonly keys: readonly string[];
  readonly request: BlockRequest;
  /** Absolute ms; 0: no timeout; Infinity: beyond LLONG_MAX (in the timeout table, never due, as Redis). */
  readonly deadline: number;
  /** The command that blocked, its arguments and its run time, set by the dispatcher once it returns. */
  cmd: Command | undefined;
  argv: readonly string[];
  usec: number;
  /** Its timeout entry is (physically) in the heap. */
  inHeap: boolean;
}

const LLONG_MIN = -(1n << 63n);
const LLONG_MAX = (1n << 63n) - 1n;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Redis 7.0's getTimeoutFromObjectOrReply in seconds: `(long long)
 * ceill(v * 1000.0)` with `v` a long double (strtold syntax). So any positive
 * timeout waits at least 1 ms, while one in (-0.001, 0] rounds to 0: forever.
 * Out of the long long range (infinities too) the x86-64 conversion gives
 * LLONG_MIN, hence "timeout is negative" for 1e30.
 */
export function parseBlockTimeout(s: string): bigint {
  const v = parseLongDouble(s);
  if (v === undefined) throw ERR.timeoutNotFloat;
  const ms = isInf(v) ? LLONG_MIN : timesThousandCeil(v);
  if (ms < 0n) throw ERR.timeoutNegative;
  return ms;
}

/** Redis's getTimeoutFromObjectOrReply in milliseconds (XREAD/XREADGROUP BLOCK, WAIT): an integer. */
export function parseBlockTimeoutMs(s: string): bigint {
  const v = parseInt64(s);
  if (v === undefined) throw BLOCK_ERR.timeoutNotInteger;
  if (v < 0) throw ERR.timeoutNegative;
  return BigInt(v);
}

/** `(long long) ceill(v * 1000.0L)`: the product rounded to 64 mantissa bits (ties to even), then rounded up. */
function timesThousandCeil(v: LongDouble): bigint {
  let m = v.mant * 1000n;
  let e = v.exp;
  const len = m === 0n ? 0 : m.toString(2).length;
  if (len > 64) {
    const shift = BigInt(len - 64);
    let q = m >> shift;
    const rem = m - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    m = q;
    e += len - 64;
  }
  let magnitude = e >= 0 ? m << BigInt(e) : m >> BigInt(-e);
  if (v.neg) return magnitude > -LLONG_MIN ? LLONG_MIN : -magnitude;
  if (e < 0 && magnitude << BigInt(-e) !== m) magnitude++;
  return magnitude > LLONG_MAX ? LLONG_MIN : magnitude;
}

interface TimeoutEntry {
  readonly deadline: number;
  readonly id: number;
  readonly b: BlockedClient;
}

function before(x: TimeoutEntry, y: TimeoutEntry): boolean {
  return x.deadline < y.deadline || (x.deadline === y.deadline && x.id < y.id);
}

export class Blocking {
  /** Per database id: key -> clients waiting for it, in blocking order. */
  private readonly waiting: (Map<string, Set<BlockedClient>> | undefined)[] = [];
  /** Keys signalled since the last `serveReady`, in signal order, each once. */
  private ready: { db: Database; key: string }[] = [];
  private readonly readySet: (Set<string> | undefined)[] = [];
  /** Clients blocked on keys: the keyspace hook tests this first. */
  blockedCount = 0;
  /** Blocked clients with a timeout (INFO `clients_in_timeout_table`). */
  inTimeoutTable = 0;
  private heap: TimeoutEntry[] = [];
  private stale = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly server: Server) {}

  /** Keys waiting to be served (the dispatcher's test after each command). */
  get readyCount(): number {
    return this.ready.length;
  }

  /**
   * Block `c`: true, and the command's handler returns NO_REPLY. False when
   * blocking is not allowed here (inside EXEC, later scripts): the handler then
   * answers its nil reply at once, as Redis treats it as an immediate timeout.
   */
  block(c: Client, request: BlockRequest): boolean {
    if ((c.flags & CLIENT_DENY_BLOCKING) !== 0) return false;
    let deadline = 0;
    if (request.timeout > 0n) {
      const t = now();
      // Redis adds the time in a long long: past LLONG_MAX it never fires.
      deadline =
        request.timeout > LLONG_MAX - BigInt(t) ? Number.POSITIVE_INFINITY : t + Number(request.timeout);
    }
    const keys = [...new Set(request.keys)];
    const b: BlockedClient = {
      client: c,
      db: c.db,
      keys,
      request,
      deadline,
      cmd: undefined,
      argv: [],
      usec: 0,
      inHeap: false,
    };
    c.blockState = b;
    c.flags |= CLIENT_BLOCKED;
    this.blockedCount++;
    let m = this.waiting[c.db.id];
    if (m === undefined) {
      m = new Map();
      this.waiting[c.db.id] = m;
    }
    for (const key of keys) {
      const set = m.get(key);
      if (set === undefined) m.set(key, new Set([b]));
      else set.add(b);
    }
    if (deadline !== 0) {
      this.inTimeoutTable++;
      if (deadline !== Number.POSITIVE_INFINITY) {
        b.inHeap = true;
        this.push({ deadline, id: c.id, b });
      }
    }
    return true;
  }

  /** The dispatcher, after the blocking command returned: what the unblocking statistics need. */
  started(c: Client, cmd: Command, argv: readonly string[], usec: number): void {
    const b = c.blockState;
    if (b === null) return;
    b.cmd = cmd;
    b.argv = argv;
    b.usec = usec;
  }

  /** Keyspace observer: `key` of `db` was written. */
  signal(db: Database, key: string): void {
    if (this.waiting[db.id]?.has(key) !== true) return;
    let set = this.readySet[db.id];
    if (set === undefined) {
      set = new Set();
      this.readySet[db.id] = set;
    }
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
  }

  /** SWAPDB (before the swap): keys clients wait for that the other database holds become ready. */
  swapping(a: Database, b: Database): void {
    for (const [db, incoming] of [
      [a, b],
      [b, a],
    ] as const) {
      const m = this.waiting[db.id];
      if (m === undefined) continue;
      for (const key of m.keys()) if (incoming.contains(key)) this.signal(db, key);
    }
  }

  /** Serve the clients waiting for the keys signalled so far (Redis's handleClientsBlockedOnKeys). */
  serveReady(): void {
    while (this.ready.length !== 0) {
      const batch = this.ready;
      this.ready = [];
      for (const { db, key } of batch) {
        this.readySet[db.id]?.delete(key);
        const set = this.waiting[db.id]?.get(key);
        if (set !== undefined) this.serveKey(key, set);
      }
    }
  }

  private serveKey(key: string, set: Set<BlockedClient>): void {
    const counting = Database.countStats;
    const noTouch = Database.noTouch;
    // Lookups while serving count no hits or misses (Redis's LOOKUP_NOSTATS).
    Database.countStats = false;
    Database.noTouch = false;
    freeze();
    try {
      for (const b of set) {
        if (b.client.closed) {
          this.remove(b);
          continue;
        }
        const start = performance.now();
        let reply: Reply | undefined;
        // Serving writes like the command would (BLMOVE's destination...): a background snapshot keeps those keys first.
        if (this.server.snapshot !== null && b.cmd !== undefined)
          this.server.snapshot.beforeCommand(b.db, b.cmd, b.argv);
        // Each served client's writes are recorded on their own (its non-blocking form, from `serve`).
        // `serve` rewrites what it records; a serve that changed nothing records nothing.
        const propagation = this.server.propagation;
        const outer = propagation.enter();
        const dirty = this.server.stats.dirty;
        try {
          reply = b.request.serve(b.client, key);
        } catch (err) {
          reply = this.toError(b, err);
        }
        propagation.leave(b.db.id, b.argv, this.server.stats.dirty > dirty, outer);
        if (reply === undefined) continue;
        const replyUs = Math.round((performance.now() - start) * 1000);
        // Redis's updateStatsOnUnblock: the call was counted when it blocked; its
        // time is added again with the serving time (7.0 adds c->duration twice).
        this.accountUnblock(b, b.usec + replyUs, reply instanceof ErrorReply, b.argv);
        this.server.latency.addSampleIfNeeded('command-unblocking', Math.floor(replyUs / 1000));
        this.finish(b, reply);
      }
    } finally {
      unfreeze();
      Database.countStats = counting;
      Database.noTouch = noTouch;
    }
  }

  private toError(b: BlockedClient, err: unknown): ErrorReply {
    if (err instanceof ErrorReply) return err;
    this.server.logger.warning(
      `Internal error serving '${b.cmd?.fullName ?? '?'}': ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return ERR.internal;
  }

  /**
   * CLIENT UNBLOCK: end `c`'s wait with its timeout reply or the UNBLOCKED
   * error. False when `c` is not blocked on keys (a client held by CLIENT
   * PAUSE is not: Redis 7.0.15 crashes there).
   */
  unblockByRequest(c: Client, withError: boolean): boolean {
    const b = c.blockState;
    if (b === null) return false;
    const reply = withError ? BLOCK_ERR.unblockedByClient : (b.request.timeoutReply ?? NULL_ARRAY);
    this.finish(b, reply);
    // Redis 7.0 updates the statistics after unblocking (its arguments are gone
    // by then: the SLOWLOG entry has none) and always counts a failed call.
    this.accountUnblock(b, b.usec, true, []);
    return true;
  }

  /** The client is gone: forget it. */
  disconnected(c: Client): void {
    const b = c.blockState;
    if (b !== null) this.remove(b);
  }

  /** Server shutdown. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private accountUnblock(b: BlockedClient, usec: number, failed: boolean, argv: readonly string[]): void {
    const cmd = b.cmd;
    if (cmd === undefined) return;
    const server = this.server;
    cmd.stats.usec += usec;
    if (failed) cmd.stats.failedCalls++;
    if (server.latency.tracking) server.latency.recordCommand(cmd, usec);
    if (
      usec >= server.slowlogThreshold &&
      server.slowlogThreshold >= 0 &&
      (cmd.flags & CMD_SKIP_SLOWLOG) === 0
    )
      server.slowlog.add(b.client, redactedArgv(cmd, argv), usec);
  }

  /** Unblock and send the reply; the client's pending input runs on a later turn. */
  private finish(b: BlockedClient, reply: Reply): void {
    this.remove(b);
    if (reply instanceof ErrorReply) this.server.countError(reply);
    b.client.unblocked(reply);
  }

  private remove(b: BlockedClient): void {
    const c = b.client;
    if (c.blockState !== b) return;
    c.blockState = null;
    c.flags &= ~CLIENT_BLOCKED;
    this.blockedCount--;
    if (b.deadline !== 0) this.inTimeoutTable--;
    const m = this.waiting[b.db.id] as Map<string, Set<BlockedClient>>;
    for (const key of b.keys) {
      const set = m.get(key);
      if (set === undefined) continue;
      set.delete(b);
      if (set.size === 0) m.delete(key);
    }
    if (b.inHeap) this.dropped();
  }

  // ---- timeouts ----

  private push(e: TimeoutEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p] as TimeoutEntry)) break;
      h[i] = h[p] as TimeoutEntry;
      i = p;
    }
    h[i] = e;
    if (e.deadline < this.timerAt) this.arm(e.deadline);
  }

  private pop(): TimeoutEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && before(h[r] as TimeoutEntry, h[l] as TimeoutEntry) ? r : l;
      if (!before(h[child] as TimeoutEntry, last)) break;
      h[i] = h[child] as TimeoutEntry;
      i = child;
    }
    h[i] = last;
    return top;
  }

  private live(e: TimeoutEntry): boolean {
    return e.b.client.blockState === e.b;
  }

  /** A client with an entry in the heap was unblocked: rebuild when the dead outnumber the living. */
  private dropped(): void {
    this.stale++;
    if (this.stale <= 64 || this.stale * 2 <= this.heap.length) return;
    const old = this.heap;
    this.heap = [];
    this.stale = 0;
    for (const e of old) {
      if (this.live(e)) this.push(e);
      else e.b.inHeap = false;
    }
    if (this.heap.length === 0) this.dispose();
  }

  private arm(deadline: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = deadline;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now()));
    this.timer = setTimeout(() => this.expire(), delay);
    this.timer.unref();
  }

  /** The timer fired: time out every client whose deadline passed, earliest first. */
  private expire(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const t = Date.now();
    for (;;) {
      const top = this.heap[0];
      if (top === undefined) return;
      if (!this.live(top)) {
        this.pop();
        top.b.inHeap = false;
        this.stale--;
        continue;
      }
      if (top.deadline > t) {
        this.arm(top.deadline);
        return;
      }
      this.pop();
      top.b.inHeap = false;
      // Redis 7.0.15 adds no statistics on a timeout.
      this.finish(top.b, top.b.request.timeoutReply ?? NULL_ARRAY);
    }
  }
}

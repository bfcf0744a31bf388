/**
 * Seeded RESP fuzzer against a spawned Redoubt process (a crash shows as the
 * process exiting). Each iteration opens a connection and sends one of:
 *   - calls of commands built from their argument specs (every command of the
 *     table in turn, then random ones), sometimes after HELLO 3, inside
 *     MULTI/EXEC, after commands that fill the keyspace with every type, one
 *     at a time or pipelined by the thousand (across the server's yields);
 *   - byte-level mutations of such calls;
 *   - random streams: frames of every RESP2/RESP3 type, nested aggregates,
 *     bad, negative and huge lengths, inline lines, garbage, NUL bytes,
 *     invalid UTF-8, truncated frames.
 * Checks: every byte received is a well-formed RESP frame (RESP2 types only
 * on a RESP2 connection); spec calls get exactly one reply each, never
 * "internal error" (a handler threw); a protocol error is Redis's text, the
 * last frame, and the server closes the connection by itself; after our EOF
 * the server closes within a bound (no hang); after every iteration the
 * process is alive and answers PING on another connection; at the end no
 * client is left behind.
 *
 * One iteration in ten goes to a second server with requirepass, half of
 * them after AUTH, for the tighter limits before authentication.
 *
 * Replay: the seed is printed; REDOUBT_FUZZ_SEED=<seed> reruns the same inputs,
 * REDOUBT_FUZZ_ONLY=<i> runs iteration i alone, REDOUBT_FUZZ_ITERATIONS=<n>
 * lengthens the run (CI default: 8000, about 30 s).
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Command } from '../src/commands/registry.js';
import {
  fuzzableCommands,
  inlineOf,
  isProtocolError,
  iterationSeed,
  mutate,
  PROTOCOL_ERRORS,
  pick,
  populateCalls,
  RESHAPING,
  type Rnd,
  randomCall,
  randomStream,
  strictFrames,
} from './helpers/fuzz.js';
import { prng, testSeed } from './helpers/random.js';
import { encode, RespConnection } from './helpers/resp.js';
import { type RunningProcess, startRedoubtProcess } from './helpers/servers.js';
import { checkFrame, show } from './helpers/wire.js';

const SEED = testSeed('REDOUBT_FUZZ_SEED');
const ITERATIONS = Number(process.env.REDOUBT_FUZZ_ITERATIONS ?? 8000);
const ONLY = process.env.REDOUBT_FUZZ_ONLY;
const WORKERS = 4;
/** The longest any single reply, close or PING may take before it counts as a hang. */
const WAIT_MS = 5000;

/** A raw connection that hands out complete frames and remembers every byte. */
class FuzzConn {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      // A reset after the server closed: 'close' follows.
    });
  }

  static open(port: number): Promise<FuzzConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(new FuzzConn(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait for more bytes or the close; false after `ms`. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  async write(parts: readonly Buffer[]): Promise<void> {
    for (const p of parts) {
      if (this.closed) return;
      this.socket.write(p);
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Half-close: the server sees EOF. */
  end(): void {
    if (!this.closed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The next complete frame (checked strictly), 'closed', or 'timeout'. */
  async frame(ms: number): Promise<Buffer | 'closed' | 'timeout'> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = checkFrame(this.buf, this.pos);
      if (end !== -1) {
        const f = this.buf.subarray(this.pos, end);
        this.pos = end;
        return f;
      }
      if (this.closed) return 'closed';
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.wait(left))) return 'timeout';
    }
  }

  /** True once the server closed, false if it did not within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.wait(left))) return this.closed;
    }
    return true;
  }

  /** Every byte received so far. */
  get all(): Buffer {
    return this.buf;
  }
}

/** A failed check, with what is needed to replay it. */
class FuzzFailure extends Error {}

interface Context {
  port: number;
  /** A second server with requirepass: unauthenticated limits and NOAUTH paths. */
  securePort: number;
  commands: readonly Command[];
  /** What iteration i sent, for the failure message. */
  input: Buffer[];
}

function fail(ctx: Context, i: number, what: string, received?: Buffer): never {
  const input = Buffer.concat(ctx.input);
  throw new FuzzFailure(
    `fuzz iteration ${i} (REDOUBT_FUZZ_SEED=${SEED} REDOUBT_FUZZ_ONLY=${i}): ${what}\n` +
      `  sent:     ${show(input, 600)}\n` +
      (received !== undefined ? `  received: ${show(received, 600)}\n` : ''),
  );
}

/** A protocol error must be one of Redis's texts and the last frame. */
function checkProtocolErrors(ctx: Context, i: number, frames: readonly Buffer[], all: Buffer): boolean {
  const at = frames.findIndex(isProtocolError);
  if (at === -1) return false;
  const text = (frames[at] as Buffer).toString('latin1');
  if (!PROTOCOL_ERRORS.some((re) => re.test(text))) fail(ctx, i, `unknown protocol error ${show(text)}`, all);
  if (at !== frames.length - 1) fail(ctx, i, 'frames after a protocol error', all);
  return true;
}

/** Split every received byte into frames, or fail the iteration with the reason. */
function framesOf(ctx: Context, i: number, all: Buffer, resp2: boolean, mayEndCut = false): Buffer[] {
  try {
    return strictFrames(all, resp2, mayEndCut);
  } catch (err) {
    return fail(ctx, i, `malformed reply: ${(err as Error).message}`, all);
  }
}

/** After our EOF the server must close: otherwise it hangs on this connection. */
async function finish(ctx: Context, i: number, conn: FuzzConn): Promise<void> {
  conn.end();
  if (!(await conn.closedWithin(WAIT_MS))) {
    conn.destroy();
    fail(ctx, i, `connection still open ${WAIT_MS} ms after EOF`, conn.all);
  }
}

/**
 * Spec calls, one reply each, sent one at a time or (`pipelined`) in one
 * write; a batch that reshapes replies is sent whole and only checked for form.
 */
async function runCalls(
  ctx: Context,
  i: number,
  rnd: Rnd,
  batch: { calls: string[][]; resp3: boolean; pipelined: boolean },
): Promise<void> {
  const { calls, resp3, pipelined } = batch;
  const conn = await FuzzConn.open(ctx.port);
  const names = calls.map((c) => c.slice(0, 2).join('|').toLowerCase());
  const reshaping = names.some((n) => RESHAPING.has(n) || RESHAPING.has(n.split('|')[0] as string));
  const wire = calls.map((c) => {
    const inline = rnd() < 0.1 ? inlineOf(c) : undefined;
    return inline !== undefined ? Buffer.from(inline, 'latin1') : encode(c);
  });
  ctx.input = wire;
  // HELLO or RESET anywhere may switch the protocol: RESP3 types are then allowed.
  const resp2 = !resp3 && !names.some((n) => n.startsWith('hello') || n.startsWith('reset'));
  try {
    if (reshaping) {
      await conn.write([Buffer.concat(wire)]);
      await finish(ctx, i, conn);
      // Redis 7.0 quirk kept: CLIENT REPLY OFF|SKIP queued in MULTI drops replies
      // inside EXEC's array, whose header already promised them (a cut frame).
      const cut = names.includes('client|reply') && names.includes('multi');
      checkProtocolErrors(ctx, i, framesOf(ctx, i, conn.all, resp2, cut), conn.all);
      return;
    }
    if (pipelined) await conn.write([Buffer.concat(wire)]);
    for (const [n, w] of wire.entries()) {
      if (!pipelined) await conn.write([w]);
      let reply: Buffer | 'closed' | 'timeout';
      // RESP3 pushes (keyspace events and the like) are not replies.
      do reply = await conn.frame(WAIT_MS);
      while (typeof reply !== 'string' && reply[0] === 0x3e);
      if (reply === 'timeout') fail(ctx, i, `no reply to call ${n} within ${WAIT_MS} ms`, conn.all);
      if (reply === 'closed') fail(ctx, i, `connection closed before replying to call ${n}`, conn.all);
      const text = reply.toString('latin1', 0, 200);
      if (text.startsWith('-ERR internal error'))
        fail(ctx, i, `call ${n} made a handler throw (server log has the stack)`, conn.all);
      if (text[0] === '-' && !/^-[A-Z][A-Z_]*[ \r]/.test(text))
        fail(ctx, i, `error reply without an error code: ${show(text)}`, conn.all);
      if (isProtocolError(reply)) fail(ctx, i, `protocol error for a well-formed call ${n}`, conn.all);
    }
    await finish(ctx, i, conn);
    framesOf(ctx, i, conn.all, resp2);
  } finally {
    conn.destroy();
  }
}

/** Raw bytes: whatever the server answers must be well-formed, and a protocol error closes the connection. */
async function runRaw(
  ctx: Context,
  i: number,
  rnd: Rnd,
  input: Buffer,
  opts: { hello: boolean; port: number; auth?: boolean },
): Promise<void> {
  const hello = opts.hello;
  const conn = await FuzzConn.open(opts.port);
  const parts: Buffer[] = opts.auth === true ? [encode(['AUTH', SECURE_PASSWORD])] : [];
  if (hello) parts.push(encode(['HELLO', '3']));
  // One to three writes, split anywhere: the decoder must not care.
  let rest = input;
  for (let k = 0; k < 2 && rest.length > 1 && rnd() < 0.5; k++) {
    const cut = 1 + Math.floor(rnd() * (rest.length - 1));
    parts.push(rest.subarray(0, cut));
    rest = rest.subarray(cut);
  }
  parts.push(rest);
  ctx.input = parts;
  const lower = input.toString('latin1').toLowerCase();
  const resp2 = !hello && !lower.includes('hello') && !lower.includes('reset');
  try {
    await conn.write(parts);
    if (rnd() < 0.5) {
      // Give the server a moment to answer and close by itself (the wait only
      // decides when we stop waiting; nothing is asserted about its length).
      await conn.closedWithin(100);
      if (!conn.closed && conn.all.includes('-ERR Protocol error') && !(await conn.closedWithin(WAIT_MS)))
        fail(ctx, i, 'a protocol error left the connection open', conn.all);
    }
    if (!conn.closed) await finish(ctx, i, conn);
    // The CLIENT REPLY in MULTI quirk (see runCalls) may survive a mutation too.
    const cut = lower.includes('multi') && lower.includes('reply');
    checkProtocolErrors(ctx, i, framesOf(ctx, i, conn.all, resp2, cut), conn.all);
  } finally {
    conn.destroy();
  }
}

/**
 * Calls for one spec iteration: the sweep's command first, then random ones,
 * maybe in MULTI. A pipelined batch has tens to thousands of calls (past the
 * server's per-turn share, so yields fall between them), none reshaping.
 */
function specCalls(
  ctx: Context,
  i: number,
  rnd: Rnd,
): { calls: string[][]; resp3: boolean; pipelined: boolean } {
  const commands = ctx.commands;
  const ordinal = Math.floor(i / 10) * 5 + (i % 10);
  const chosen = [commands[ordinal % commands.length] as Command];
  const pipelined = rnd() < 0.1;
  const extra = !pipelined
    ? Math.floor(rnd() * 4)
    : rnd() < 0.1
      ? 1500 + Math.floor(rnd() * 1000)
      : 20 + Math.floor(rnd() * 200);
  const pool = pipelined ? commands.filter((c) => !RESHAPING.has(c.fullName)) : commands;
  if (pipelined && RESHAPING.has((chosen[0] as Command).fullName)) chosen.pop();
  for (let k = 0; k < extra; k++) chosen.push(pick(rnd, pool));
  let calls = chosen.map((c) => randomCall(rnd, c));
  if (rnd() < 0.2) calls = [['MULTI'], ...calls, [pick(rnd, ['EXEC', 'EXEC', 'DISCARD'])]];
  if (rnd() < 0.15) calls = [...populateCalls(rnd), ...calls];
  const resp3 = rnd() < 0.3;
  if (resp3) calls = [['HELLO', '3'], ...calls];
  return { calls, resp3, pipelined };
}

async function runIteration(ctx: Context, i: number): Promise<void> {
  const rnd = prng(iterationSeed(SEED, i));
  const slot = i % 10;
  if (slot < 5) {
    await runCalls(ctx, i, rnd, specCalls(ctx, i, rnd));
  } else if (slot < 7) {
    const { calls } = specCalls(ctx, i, rnd);
    const valid = Buffer.concat(calls.map((c) => encode(c)));
    await runRaw(ctx, i, rnd, mutate(rnd, valid), { hello: false, port: ctx.port });
  } else if (slot < 9) {
    await runRaw(ctx, i, rnd, randomStream(rnd), { hello: rnd() < 0.3, port: ctx.port });
  } else {
    // Before authentication the decoder's limits are tighter: half the time they are lifted first.
    await runRaw(ctx, i, rnd, randomStream(rnd), {
      hello: rnd() < 0.3,
      port: ctx.securePort,
      auth: rnd() < 0.5,
    });
  }
}

const SECURE_PASSWORD = 'fuzz-password';

describe('RESP fuzzer (spawned servers)', () => {
  let server: RunningProcess;
  let secured: RunningProcess;
  let health: RespConnection;
  let secureHealth: RespConnection;

  before(async () => {
    server = await startRedoubtProcess(['--save', '', '--appendonly', 'no']);
    secured = await startRedoubtProcess([
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      SECURE_PASSWORD,
    ]);
    health = await RespConnection.open(server.port);
    secureHealth = await RespConnection.open(secured.port);
    assert.deepEqual(await secureHealth.call('AUTH', SECURE_PASSWORD), { status: 'OK' });
  });

  after(async () => {
    health?.close();
    secureHealth?.close();
    await server?.stop();
    await secured?.stop();
  });

  const count = ONLY !== undefined ? 1 : ITERATIONS;
  it(`survives ${count} seeded iterations: valid RESP, no crash, no hang`, {
    timeout: 120_000 + count * 200,
  }, async () => {
    console.log(
      `fuzz seed ${SEED}: replay with REDOUBT_FUZZ_SEED=${SEED} (one iteration: REDOUBT_FUZZ_ONLY=<i>)`,
    );
    const ctx = { port: server.port, securePort: secured.port, commands: fuzzableCommands() };
    let next = ONLY !== undefined ? Number(ONLY) : 0;
    const end = next + count;
    const healthy = async (i: number): Promise<void> => {
      const why = `after iteration ${i} (REDOUBT_FUZZ_SEED=${SEED} REDOUBT_FUZZ_ONLY=${i})`;
      for (const [p, conn] of [
        [server, health],
        [secured, secureHealth],
      ] as const) {
        const alive = p.child.exitCode === null && p.child.signalCode === null;
        assert.ok(alive, `a server exited ${why}:\n${p.output().slice(-4000)}`);
        assert.deepEqual(await conn.call('PING'), { status: 'PONG' }, `PING ${why}`);
      }
    };
    const worker = async (): Promise<void> => {
      while (next < end) {
        const i = next++;
        const own: Context = { ...ctx, input: [] };
        try {
          await runIteration(own, i);
        } catch (err) {
          if (err instanceof FuzzFailure) {
            const log = (i % 10 === 9 ? secured : server).output().slice(-2000);
            throw new Error(`${err.message}\nserver log tail:\n${log}`);
          }
          throw err;
        }
        await healthy(i);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    // Every fuzz connection is gone: only the health connections are left.
    for (const conn of [health, secureHealth]) {
      let clients = '';
      for (let k = 0; k < 100; k++) {
        clients = String(await conn.call('INFO', 'clients'));
        if (/connected_clients:1\r\n/.test(clients)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(clients, /connected_clients:1\r\n/);
    }
    assert.doesNotMatch(server.output(), /Internal error in /, 'a handler threw during the run');
  });
});

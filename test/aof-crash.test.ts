/**
 * Crash safety of the AOF: a writer pipelines numbered SETs to a real
 * redoubt-server process while it is killed with SIGKILL at seeded random
 * moments (several rounds on the same directory); after each restart every
 * write whose reply was received is there, with its value. Under
 * `appendfsync always` a reply leaves only after its fsync; under `everysec`
 * the command is written before its reply as well (never postponed), so a
 * process crash loses nothing either (the one-second window is the kernel's,
 * on a power loss). Also BGREWRITEAOF while writes stream in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { rewriteFinished } from './helpers/aof.js';
import { prng, testSeed } from './helpers/random.js';
import { encode, RespConnection } from './helpers/resp.js';
import { type RunningProcess, startRedoubtProcess } from './helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ROUNDS = 4;
/** Writes in flight at once. */
const WINDOW = 32;
/** Upper bound on the writes of one round (the kill normally comes first). */
const MAX_WRITES = 200_000;

/**
 * Pipeline `SET <prefix>:<i> <i>` until the connection dies or MAX_WRITES;
 * resolves with how many replies (+OK) arrived, in order.
 */
function writeUntilKilled(port: number, prefix: string): { acked: () => number; done: Promise<void> } {
  const sock = connect(port, '127.0.0.1');
  let sent = 0;
  let acked = 0;
  let pendingBytes = 0;
  const pump = (): void => {
    let batch = '';
    while (sent < MAX_WRITES && sent - acked < WINDOW) {
      batch += encode(['SET', `${prefix}:${sent}`, String(sent)]).toString('latin1');
      sent++;
    }
    if (batch !== '') sock.write(Buffer.from(batch, 'latin1'));
  };
  sock.on('connect', pump);
  sock.on('data', (d: Buffer) => {
    pendingBytes += d.length;
    // Every reply is "+OK\r\n" (5 bytes).
    const n = Math.floor(pendingBytes / 5);
    pendingBytes -= n * 5;
    acked += n;
    if (acked >= MAX_WRITES) sock.end();
    else pump();
  });
  const done = new Promise<void>((res) => {
    sock.on('close', () => res());
    sock.on('error', () => {});
  });
  return { acked: () => acked, done };
}

async function missingWrites(port: number, prefix: string, acked: number): Promise<number[]> {
  const c = await RespConnection.open(port);
  try {
    const missing: number[] = [];
    for (let from = 0; from < acked; from += 1000) {
      const keys: string[] = [];
      for (let i = from; i < Math.min(acked, from + 1000); i++) keys.push(`${prefix}:${i}`);
      const values = (await c.call('MGET', ...keys)) as (string | null)[];
      values.forEach((v, j) => {
        if (v !== String(from + j)) missing.push(from + j);
      });
    }
    return missing;
  } finally {
    c.close();
  }
}

async function crashRounds(fsync: 'always' | 'everysec', extra: readonly string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-aof-crash-'));
  dirs.push(dir);
  const seed = testSeed();
  const rand = prng(seed);
  const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', ...extra];
  const history: { prefix: string; acked: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const server: RunningProcess = await startRedoubtProcess(args);
    try {
      // Everything acknowledged in earlier rounds survived this restart too.
      for (const h of history)
        assert.deepEqual(
          await missingWrites(server.port, h.prefix, h.acked),
          [],
          `seed ${seed}, ${h.prefix}`,
        );
      const prefix = `r${round}`;
      const writer = writeUntilKilled(server.port, prefix);
      // The kill lands at a seeded random moment while writes stream in.
      await new Promise((res) => setTimeout(res, 20 + Math.floor(rand() * 300)));
      process.kill(server.pid, 'SIGKILL');
      await server.exited;
      await writer.done;
      history.push({ prefix, acked: writer.acked() });
    } finally {
      await server.stop();
    }
  }
  const last = await startRedoubtProcess(args);
  try {
    for (const h of history)
      assert.deepEqual(await missingWrites(last.port, h.prefix, h.acked), [], `seed ${seed}, ${h.prefix}`);
    assert.ok(
      history.some((h) => h.acked > 0),
      'the writer got replies before the kills',
    );
  } finally {
    await last.stop();
  }
}

describe('AOF crash safety (SIGKILL)', () => {
  it('appendfsync always: every acknowledged write survives', async () => {
    await crashRounds('always');
  });

  it('appendfsync everysec: every acknowledged write survives a process crash', async () => {
    await crashRounds('everysec');
  });

  it('BGREWRITEAOF while writes stream in keeps every write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-aof-crash-'));
    dirs.push(dir);
    const args = ['--dir', dir, '--appendonly', 'yes', '--save', '', '--aof-use-rdb-preamble', 'yes'];
    let server = await startRedoubtProcess(args);
    const writer = writeUntilKilled(server.port, 'rw');
    const admin = await RespConnection.open(server.port);
    try {
      for (let i = 0; i < 5; i++) {
        await new Promise((res) => setTimeout(res, 30));
        assert.deepEqual(await admin.call('BGREWRITEAOF'), {
          status: 'Background append only file rewriting started',
        });
        await rewriteFinished(admin);
      }
      // The last one is killed half-way: its files must not matter.
      await admin.call('BGREWRITEAOF');
    } finally {
      admin.close();
    }
    process.kill(server.pid, 'SIGKILL');
    await server.exited;
    await writer.done;
    await server.stop();
    server = await startRedoubtProcess(args);
    try {
      assert.ok(writer.acked() > 0);
      assert.deepEqual(await missingWrites(server.port, 'rw', writer.acked()), []);
    } finally {
      await server.stop();
    }
  });
});

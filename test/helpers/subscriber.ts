/**
 * Helpers for pub/sub differential tests: a subscriber connection on each
 * server, and a way to collect everything a subscriber received without
 * guessing at timing. After the command under test, a PING with a sentinel
 * message is sent on the subscriber's own connection: the server answers it
 * only after everything queued for that client before it (confirmations,
 * messages published meanwhile), so the frames before the sentinel's reply are
 * exactly what the command and the publications before it produced.
 */
import assert from 'node:assert/strict';
import type { Differential } from './diff.js';
import { type Arg, encode, RespConnection } from './resp.js';

export const SENTINEL = '__sentinel__';

/** PING's reply to the sentinel: in the RESP2 subscribed context, outside it, and in RESP3. */
const SENTINEL_REPLIES = [
  `*2\r\n$4\r\npong\r\n$${SENTINEL.length}\r\n${SENTINEL}\r\n`,
  `$${SENTINEL.length}\r\n${SENTINEL}\r\n`,
];

const isSentinel = (f: Buffer): boolean => SENTINEL_REPLIES.includes(f.toString('latin1'));

export const show = (frames: readonly Buffer[]): string =>
  JSON.stringify(frames.map((f) => f.toString('latin1')));

/**
 * Send `args` (nothing when empty) then the sentinel `end` command, and return
 * the frames received before the sentinel's reply (`endReply`: that reply when
 * it is not a PING's, e.g. "+RESET\r\n").
 */
export async function collect(
  conn: RespConnection,
  args: readonly Arg[],
  end: readonly Arg[] = ['PING', SENTINEL],
  endReply?: string,
): Promise<Buffer[]> {
  if (args.length > 0) conn.writeRaw(encode(args));
  conn.writeRaw(encode(end));
  const frames: Buffer[] = [];
  for (;;) {
    const f = await conn.readFrame();
    if (endReply !== undefined ? f.toString('latin1') === endReply : isSentinel(f)) return frames;
    frames.push(f);
  }
}

/** A subscriber connection on each server. */
export class SubscriberPair {
  private constructor(
    readonly redoubt: RespConnection,
    readonly redis: RespConnection,
  ) {}

  static async open(d: Differential): Promise<SubscriberPair> {
    return new SubscriberPair(
      await RespConnection.open(d.redoubtServer.port),
      await RespConnection.open(d.redisServer.port),
    );
  }

  /** Send `args` to both subscribers; their frames must be equal, byte for byte. */
  async same(args: readonly Arg[], compare = exactFrames): Promise<Buffer[]> {
    const [a, b] = await Promise.all([collect(this.redoubt, args), collect(this.redis, args)]);
    compare(a, b, args);
    return a;
  }

  /** Both subscribers: what arrived since the last exchange (messages), compared exactly. */
  async received(label = 'messages'): Promise<Buffer[]> {
    return this.same([], (a, b) => exactFrames(a, b, [label]));
  }

  /** Run `args` on both servers (replies compared), then compare the messages it produced. */
  async command(d: Differential, args: readonly Arg[]): Promise<void> {
    await d.same(args);
    await this.received(JSON.stringify(args.map(String)));
  }

  /** Send raw args to both without waiting. */
  write(args: readonly Arg[]): void {
    this.redoubt.writeRaw(encode(args));
    this.redis.writeRaw(encode(args));
  }

  /** The next frame of each, compared exactly. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer> {
    const [a, b] = await Promise.all([this.redoubt.readFrame(timeoutMs), this.redis.readFrame(timeoutMs)]);
    exactFrames([a], [b], ['next frame']);
    return a;
  }

  close(): void {
    this.redoubt.close();
    this.redis.close();
  }
}

export type FramesComparator = (redoubt: Buffer[], redis: Buffer[], args: readonly Arg[]) => void;

export const exactFrames: FramesComparator = (a, b, args) => {
  if (a.length !== b.length || a.some((f, i) => !f.equals(b[i] as Buffer))) {
    assert.fail(
      `frames differ for ${JSON.stringify(args.map(String))}\n  redoubt: ${show(a)}\n  redis:   ${show(b)}`,
    );
  }
};

/**
 * UNSUBSCRIBE / SUNSUBSCRIBE without arguments: Redis lists the client's
 * channels in its hash table's order. The same frames in some order, with the
 * same counts in the same (descending) sequence.
 */
export const unorderedChannels: FramesComparator = (a, b, args) => {
  const parts = (frames: Buffer[]): { names: string[]; rest: string[] } => {
    const names: string[] = [];
    const rest: string[] = [];
    for (const f of frames) {
      const s = f.toString('latin1');
      const m = /^([*>]3\r\n\$\d+\r\n[a-z]+\r\n)(\$\d+\r\n[\s\S]*?\r\n)(:\d+\r\n)$/.exec(s);
      if (m === null) {
        rest.push(s);
        continue;
      }
      names.push(`${m[1]}${m[2]}`);
      rest.push(`${m[1]}${m[3]}`);
    }
    return { names: names.sort(), rest };
  };
  const x = parts(a);
  const y = parts(b);
  assert.deepEqual(x, y, `frames differ (in any order) for ${JSON.stringify(args.map(String))}`);
};

/** The same frames in any order (several patterns matching one channel: Redis's dict order). */
export const sameFrameSet: FramesComparator = (a, b, args) => {
  const norm = (f: Buffer[]): string[] => f.map((x) => x.toString('latin1')).sort();
  assert.deepEqual(norm(a), norm(b), `frames differ (as a set) for ${JSON.stringify(args.map(String))}`);
};

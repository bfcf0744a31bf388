/**
 * Reads into the process-wide buffer (src/net/shared-read.ts): accepted plain
 * sockets use it on this Node, pause/resume and EOF keep working, and input a
 * client leaves unparsed survives other connections' reads overwriting the
 * buffer: a command split across reads, a big argument gathered over several
 * reads, and commands queued behind a blocked command. Every wait is on a
 * reply or on CLIENT LIST / INFO showing the state, polled a bounded number of
 * times.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readShared } from '../src/net/shared-read.js';
import { encode, parse, RespConnection } from './helpers/resp.js';
import { type Running, startRedoubt } from './helpers/servers.js';

const OK = { status: 'OK' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it holds (at most `tries` times, 10 ms apart). */
async function until(what: string, probe: () => Promise<boolean>, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const digest = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('shared read buffer: the socket layer', () => {
  it('accepted plain sockets read through it; pause, resume and EOF work', async () => {
    const chunks: Buffer[] = [];
    let accepted: Socket | null = null;
    let installed: boolean | null = null;
    let again: boolean | null = null;
    let ended = false;
    const server = createServer({ pauseOnConnect: true }, (sock) => {
      accepted = sock;
      installed = readShared(sock, (chunk) => chunks.push(Buffer.from(chunk)));
      again = readShared(sock, () => {});
      sock.on('end', () => {
        ended = true;
        sock.end();
      });
      sock.resume();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = connect(port, '127.0.0.1');
    try {
      await new Promise<void>((r) => client.once('connect', r));
      const got = (): string => Buffer.concat(chunks).toString('latin1');
      client.write('abc');
      await until('the first bytes', async () => got() === 'abc');
      assert.equal(installed, true, 'this Node reads accepted sockets into the shared buffer');
      assert.equal(again, false, 'a socket already set up is left alone');
      client.write('def');
      await until('the second bytes', async () => got() === 'abcdef');
      // Paused: bytes wait in the kernel until resume().
      (accepted as Socket | null)?.pause();
      client.write('ghi');
      await sleep(50);
      assert.equal(got(), 'abcdef', 'nothing is read while paused');
      (accepted as Socket | null)?.resume();
      await until('the bytes sent while paused', async () => got() === 'abcdefghi');
      client.end();
      await until("the server's 'end'", async () => ended);
    } finally {
      client.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('shared read buffer: unparsed input survives other reads', () => {
  let s: Running;
  let other: RespConnection;

  before(async () => {
    s = await startRedoubt();
    other = await RespConnection.open(s.port);
  });
  after(async () => {
    other.close();
    await s.stop();
  });

  /** The `qbuf=` of the client named `name`, from CLIENT LIST (read by `other`, which overwrites the buffer). */
  async function qbuf(name: string): Promise<number> {
    const list = String(await other.call('CLIENT', 'LIST'));
    const line = list.split('\n').find((l) => l.includes(` name=${name} `));
    const m = line === undefined ? null : / qbuf=(\d+) /.exec(line);
    return m === null ? -1 : Number(m[1]);
  }

  it('a command split across reads, with other clients reading in between', async () => {
    const c = await RespConnection.open(s.port);
    try {
      assert.deepEqual(await c.call('CLIENT', 'SETNAME', 'split'), OK);
      const value = 'v'.repeat(300);
      const frame = encode(['SET', 'split:k', value]);
      const cut = frame.length - 120;
      c.writeRaw(frame.subarray(0, cut));
      await until('the first part to be read', async () => (await qbuf('split')) > 0);
      // Other reads of the same length and shape, different bytes.
      for (let i = 0; i < 5; i++)
        assert.deepEqual(await other.call('SET', `other:${i}`, 'w'.repeat(300)), OK);
      c.writeRaw(frame.subarray(cut));
      assert.deepEqual(parse(await c.readFrame())[0], OK);
      assert.equal(await c.call('GET', 'split:k'), value);
    } finally {
      c.close();
    }
  });

  it('a big argument gathered over reads, with other big writes in between', async () => {
    const c = await RespConnection.open(s.port);
    try {
      assert.deepEqual(await c.call('CLIENT', 'SETNAME', 'big'), OK);
      const value = Buffer.alloc(200 * 1024);
      for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) & 0xff;
      const frame = encode(['SET', 'big:k', value]);
      const cut = 90 * 1024;
      c.writeRaw(frame.subarray(0, cut));
      await until('the first part to be read', async () => (await qbuf('big')) >= cut - 64);
      assert.deepEqual(await other.call('SET', 'big:other', Buffer.alloc(150 * 1024, 0x55)), OK);
      c.writeRaw(frame.subarray(cut, cut + 70 * 1024));
      await until('the second part to be read', async () => (await qbuf('big')) >= cut + 70 * 1024 - 64);
      assert.deepEqual(await other.call('SET', 'big:other', Buffer.alloc(150 * 1024, 0xaa)), OK);
      // The end of the big argument and the start of the next command in one read.
      const next = encode(['SET', 'big:next', 'n'.repeat(100)]);
      c.writeRaw(Buffer.concat([frame.subarray(cut + 70 * 1024), next.subarray(0, 40)]));
      assert.deepEqual(parse(await c.readFrame())[0], OK);
      assert.deepEqual(await other.call('SET', 'big:other', 'z'.repeat(100 * 1024)), OK);
      c.writeRaw(next.subarray(40));
      assert.deepEqual(parse(await c.readFrame())[0], OK);
      assert.equal(await other.call('GET', 'big:next'), 'n'.repeat(100));
      const got = await other.raw('GET', 'big:k');
      // "$204800\r\n" + payload + "\r\n"
      const payload = got.subarray(got.indexOf(13) + 2, got.length - 2);
      assert.equal(payload.length, value.length);
      assert.equal(digest(payload), digest(value), 'the big value arrived intact');
    } finally {
      c.close();
    }
  });

  it('commands queued behind a blocked BLPOP keep their bytes while others read', async () => {
    const c = await RespConnection.open(s.port);
    try {
      assert.deepEqual(await c.call('CLIENT', 'SETNAME', 'blocked'), OK);
      const queued = Buffer.concat([
        encode(['BLPOP', 'shared:list', '0']),
        encode(['SET', 'shared:after', 'a'.repeat(200)]),
        encode(['GET', 'shared:after']),
      ]);
      const partial = encode(['APPEND', 'shared:after', 'tail']);
      const cut = partial.length - 5;
      c.writeRaw(Buffer.concat([queued, partial.subarray(0, cut)]));
      await until('BLPOP to block', async () =>
        /blocked_clients:1\r\n/.test(String(await other.call('INFO', 'clients'))),
      );
      for (let i = 0; i < 5; i++) await other.call('SET', `noise:${i}`, 'n'.repeat(250));
      assert.equal(await other.call('RPUSH', 'shared:list', 'x'), 1);
      assert.deepEqual(parse(await c.readFrame())[0], ['shared:list', 'x']);
      assert.deepEqual(parse(await c.readFrame())[0], OK);
      assert.equal(parse(await c.readFrame())[0], 'a'.repeat(200));
      c.writeRaw(partial.subarray(cut));
      assert.equal(parse(await c.readFrame())[0], 204);
      assert.equal(await c.call('GET', 'shared:after'), `${'a'.repeat(200)}tail`);
    } finally {
      c.close();
    }
  });
});

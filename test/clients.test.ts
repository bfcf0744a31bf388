/**
 * Real clients over real sockets: ioredis and node-redis (RESP2 and RESP3) and a
 * spawned redis-cli run the same scenario against Redoubt and against a real
 * redis-server 7.0; what each client sees must be the same. Keys are prefixed per
 * scenario, connection ids masked.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { Differential } from './helpers/diff.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const errText = (e: unknown): string => `error: ${(e as Error).message}`;

/** Replace connection ids (HELLO `id`, CLIENT INFO/LIST `id=`) so two servers compare. */
function maskIds(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\bid=\d+/g, 'id=ID').replace(/\b(addr|laddr)=\S+/g, '$1=ADDR');
  // A flat array (RESP2 HELLO): the value after 'id'.
  if (Array.isArray(v))
    return v.map((x, i) => (i > 0 && v[i - 1] === 'id' && typeof x === 'number' ? 'ID' : maskIds(x)));
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, k === 'id' ? 'ID' : maskIds(x)]));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'id' ? 'ID' : maskIds(x)]));
  return v;
}

async function ioredisScenario(port: number, protocol: 2 | 3, prefix: string): Promise<unknown[]> {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    protocol,
    lazyConnect: true,
    connectionName: `${prefix}name`,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  await r.connect();
  try {
    const out: unknown[] = [];
    out.push(await r.ping(), await r.ping('hi'), await r.echo('hello'));
    out.push(await r.set(`${prefix}k`, 'v'), await r.get(`${prefix}k`), await r.get(`${prefix}none`));
    out.push(
      await r.incr(`${prefix}n`),
      await r.incrby(`${prefix}n`, 41),
      await r.mget(`${prefix}k`, `${prefix}none`),
    );
    out.push(await r.call('CLIENT', 'GETNAME'));
    const list = (await r.call('CLIENT', 'LIST')) as string;
    out.push(list.includes(` name=${prefix}name `));
    // A pipeline, errors included, in one write.
    const results = await r
      .pipeline()
      .set(`${prefix}p`, '1')
      .incrby(`${prefix}p`, 2)
      .get(`${prefix}p`)
      .echo('x')
      .call('nosuchcommand', 'a')
      .call('SET', `${prefix}p`)
      .exec();
    out.push(results?.map(([e, v]) => (e === null ? v : errText(e))));
    // A 1 000-command pipeline.
    const big = r.pipeline();
    for (let i = 0; i < 1000; i++) big.set(`${prefix}many${i}`, String(i)).get(`${prefix}many${i}`);
    const many = (await big.exec()) ?? [];
    out.push(
      many.length,
      many.every(
        ([e], i) =>
          e === null && (i % 2 === 0 ? many[i]?.[1] === 'OK' : many[i]?.[1] === String((i - 1) / 2)),
      ),
    );
    // Binary keys and values round trip as Buffers.
    const key = Buffer.concat([Buffer.from(prefix), Buffer.from([0, 255, 13, 10])]);
    out.push(await r.set(key, ALL_BYTES));
    out.push(ALL_BYTES.equals((await r.getBuffer(key)) ?? Buffer.alloc(0)));
    out.push((await r.mgetBuffer(key, `${prefix}none`)).map((b) => (b === null ? null : b.length)));
    out.push(ALL_BYTES.equals((await r.callBuffer('ECHO', ALL_BYTES)) as Buffer));
    out.push(await r.call('nosuchcommand').catch(errText));
    out.push(await r.call('GET').catch(errText));
    out.push(await r.del(`${prefix}k`, `${prefix}n`, `${prefix}none`));
    return out;
  } finally {
    r.disconnect();
  }
}

async function nodeRedisScenario(port: number, resp: 2 | 3, prefix: string): Promise<unknown[]> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false },
    RESP: resp,
    name: `${prefix}name`,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const out: unknown[] = [];
    out.push(await client.ping(), await client.echo('hello'));
    out.push(
      await client.set(`${prefix}k`, 'v'),
      await client.get(`${prefix}k`),
      await client.get(`${prefix}none`),
    );
    out.push(await client.incr(`${prefix}n`), await client.mGet([`${prefix}k`, `${prefix}none`]));
    out.push(await client.clientGetName());
    // Commands issued in the same tick go out as one batch.
    out.push(
      await Promise.all([
        client.set(`${prefix}a`, '1'),
        client.incrBy(`${prefix}a`, 5),
        client.get(`${prefix}a`),
        client.echo('batched'),
        client.sendCommand(['nosuchcommand']).catch(errText),
      ]),
    );
    out.push(await client.multi().set(`${prefix}p`, 'x').get(`${prefix}p`).echo('e').execAsPipeline());
    // Binary round trip.
    const key = Buffer.concat([Buffer.from(prefix), Buffer.from([0, 255])]);
    await client.set(key, ALL_BYTES);
    const asBuffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    out.push(ALL_BYTES.equals((await asBuffers.get(key)) as Buffer));
    out.push(ALL_BYTES.equals((await asBuffers.echo(ALL_BYTES)) as unknown as Buffer));
    out.push(await client.sendCommand(['SET', `${prefix}k`]).catch(errText));
    // RESP3 gives maps for these; RESP2 flat arrays: the client shapes them the same for both servers.
    out.push(maskIds(await client.hello()));
    out.push(await client.configGet('maxmemory-policy'));
    out.push(await client.sendCommand(['HELLO']).then(maskIds));
    out.push(await client.del([`${prefix}k`, `${prefix}n`, `${prefix}a`, `${prefix}p`]));
    return out;
  } finally {
    client.destroy();
  }
}

interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

function redisCli(port: number, args: readonly string[], input?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(port), ...args],
      { timeout: 10000, encoding: 'latin1' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ stdout, stderr, code });
      },
    );
    // redis-cli may exit without reading stdin: ignore EPIPE.
    child.stdin?.on('error', () => {});
    if (input !== undefined && input.length > 0) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

describe('real clients against Redoubt and redis-server', () => {
  let d: Differential | null = null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  for (const protocol of [2, 3] as const) {
    it(`ioredis, RESP${protocol}: commands, pipelines, binary Buffers, connection name`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const prefix = `io${protocol}:`;
      const [a, b] = await Promise.all([
        ioredisScenario(d.redoubtServer.port, protocol, prefix),
        ioredisScenario(d.redisServer.port, protocol, prefix),
      ]);
      assert.deepEqual(a, b);
      assert.equal(a[0], 'PONG');
      assert.equal(a[9], `${prefix}name`);
      assert.equal(a[10], true, 'CLIENT LIST shows the connection name');
    });

    it(`node-redis, RESP${protocol}: commands, batches, pipelines, binary Buffers, maps`, async (t) => {
      if (d === null) return t.skip('redis-server not installed');
      const prefix = `nr${protocol}:`;
      const [a, b] = await Promise.all([
        nodeRedisScenario(d.redoubtServer.port, protocol, prefix),
        nodeRedisScenario(d.redisServer.port, protocol, prefix),
      ]);
      assert.deepEqual(a, b);
      assert.equal(a[0], 'PONG');
      assert.equal(a[7], `${prefix}name`);
    });
  }

  it('redis-cli: one-shot commands, raw and formatted output, RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const cases: string[][] = [
      ['PING'],
      ['ECHO', 'hello world'],
      ['SET', 'cli:k', 'v'],
      ['GET', 'cli:k'],
      ['GET', 'cli:none'],
      ['INCR', 'cli:n'],
      ['MGET', 'cli:k', 'cli:none'],
      ['nosuchcommand', 'a'],
      ['GET'],
      ['--no-raw', 'GET', 'cli:none'],
      ['--no-raw', 'MGET', 'cli:k', 'cli:none'],
      ['--no-raw', 'INCR', 'cli:n'],
      ['--no-raw', 'nosuchcommand'],
      ['--resp3', 'PING'],
      ['--resp3', '--no-raw', 'GET', 'cli:none'],
      ['--resp3', '--no-raw', 'CLIENT', 'GETNAME'],
      ['--resp3', '--no-raw', 'CONFIG', 'GET', 'maxmemory-policy'],
      ['--resp3', '--no-raw', 'HELLO'],
      ['--resp3', 'HELLO'],
      ['-n', '1', 'GET', 'cli:k'],
      ['-r', '3', 'PING'],
    ];
    for (const args of cases) {
      const [a, b]: [CliResult, CliResult] = await Promise.all([
        redisCli(d.redoubtServer.port, args),
        redisCli(d.redisServer.port, args),
      ]);
      const mask = (s: string): string => s.replace(/("id"\s*=>\s*\(integer\) |\nid\n)\d+/g, '$1ID');
      assert.equal(mask(a.stdout), mask(b.stdout), `redis-cli ${args.join(' ')}`);
      assert.equal(a.code, b.code, `exit code of redis-cli ${args.join(' ')}`);
    }
    const ping = await redisCli(d.redoubtServer.port, ['PING']);
    assert.equal(ping.stdout, 'PONG\n');
  });

  it('redis-cli: commands from stdin, -x, and --pipe', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const stdinScript = 'PING\nECHO "two words"\nSET cli:s 1\nINCR cli:s\nGET cli:s\nnosuch\nDEL cli:s\n';
    let proto = '';
    for (let i = 0; i < 500; i++)
      proto += `*3\r\n$3\r\nSET\r\n$${`cli:p${i}`.length}\r\ncli:p${i}\r\n$1\r\nx\r\n`;
    const runs: [string[], string | Buffer][] = [
      [[], stdinScript],
      [['--resp3'], stdinScript],
      [['-x', 'SET', 'cli:x'], Buffer.concat([Buffer.from('payload '), ALL_BYTES])],
      [['GET', 'cli:x'], ''],
      [['--pipe'], proto],
    ];
    for (const [args, input] of runs) {
      const [a, b]: [CliResult, CliResult] = await Promise.all([
        redisCli(d.redoubtServer.port, args, input),
        redisCli(d.redisServer.port, args, input),
      ]);
      assert.equal(a.stdout, b.stdout, `redis-cli ${args.join(' ')} < input`);
      assert.equal(a.code, b.code);
    }
    const piped = await redisCli(d.redoubtServer.port, ['--pipe'], proto);
    assert.match(piped.stdout, /errors: 0, replies: 500/);
    const x = await redisCli(d.redoubtServer.port, ['GET', 'cli:x']);
    assert.equal(Buffer.from(x.stdout, 'latin1').subarray(0, 8).toString(), 'payload ');
  });
});

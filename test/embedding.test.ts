/**
 * The embedding API (`createServer(options)`): listen / address / addresses /
 * close, directives given in kebab-case or camelCase and validated as in a config
 * file, logging, and two servers in one process that share nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigFileError, createServer, type RedoubtServer } from '../src/index.js';
import { RespConnection } from './helpers/resp.js';

/** Connect, run one command, close. */
async function call(port: number, ...args: string[]): Promise<unknown> {
  const c = await RespConnection.open(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

/** Resolves with the error code of a connection attempt ('' if it connected). */
function tryConnect(opts: { port: number; host: string } | { path: string }): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(opts as never);
    s.once('connect', () => {
      s.destroy();
      resolve('');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('embedding API', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'redoubt-embed-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('listen() resolves to the handle; address() gives the chosen port; close() stops it', async () => {
    const handle = createServer({ port: 0 });
    const same = await handle.listen();
    assert.equal(same, handle);
    const { host, port } = handle.address();
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0 && port < 65536);
    assert.deepEqual(await call(port, 'PING'), { status: 'PONG' });
    // The default bind is loopback only: 127.0.0.1 and, where available, ::1.
    const tcp = handle.addresses().filter((a) => a.kind === 'tcp');
    assert.ok(tcp.length >= 1);
    for (const a of tcp) {
      assert.ok(a.host === '127.0.0.1' || a.host === '::1', `loopback only, got ${a.host}`);
      assert.equal(a.port, port, 'every address shares the ephemeral port');
      assert.equal(await tryConnect({ host: a.host, port }), '');
    }
    const client = await RespConnection.open(port);
    await handle.close();
    assert.equal(await client.waitClosed(3000), true, 'clients are disconnected');
    assert.equal(await tryConnect({ host: '127.0.0.1', port }), 'ECONNREFUSED');
    await handle.close(); // idempotent
  });

  it('nothing listens before listen(); port: 0 means any free port', async () => {
    const a = createServer({ port: 0 });
    assert.throws(() => a.address(), /no TCP listener/);
    assert.deepEqual(a.addresses(), []);
    const b = createServer({ port: 0 });
    await Promise.all([a.listen(), b.listen()]);
    try {
      assert.notEqual(a.address().port, b.address().port);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a unix socket only (bind: ""), with its permissions', async () => {
    const path = join(dir, 'redoubt.sock');
    const h = await createServer({ port: 0, bind: '', unixsocket: path, unixsocketperm: 700 }).listen();
    try {
      assert.deepEqual(h.addresses(), [{ kind: 'unix', host: '', port: 0, path }]);
      assert.throws(() => h.address(), /no TCP listener/);
      assert.equal(statSync(path).mode & 0o777, 0o700);
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect({ path }, () => s.write('PING\r\n'));
        s.once('data', (d) => {
          s.destroy();
          resolve(d.toString());
        });
        s.once('error', reject);
      });
      assert.equal(reply, '+PONG\r\n');
    } finally {
      await h.close();
    }
  });

  it('a port already in use makes listen() reject', async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const addr = blocker.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    try {
      const h = createServer({ port, bind: '127.0.0.1' });
      await assert.rejects(h.listen(), /EADDRINUSE/);
      await h.close();
    } finally {
      blocker.close();
    }
  });

  it('directives in kebab-case and camelCase, typed as strings, numbers, booleans and lists', async () => {
    const h = await createServer({
      port: 0,
      bind: ['127.0.0.1'],
      'maxmemory-policy': 'allkeys-lru',
      maxmemorySamples: 7,
      maxmemory: '2mb',
      protectedMode: false,
      databases: 4,
      'slowlog-max-len': 64,
    }).listen();
    try {
      const port = h.address().port;
      const get = async (name: string): Promise<unknown> =>
        ((await call(port, 'CONFIG', 'GET', name)) as string[])[1];
      assert.equal(await get('maxmemory-policy'), 'allkeys-lru');
      assert.equal(await get('maxmemory-samples'), '7');
      assert.equal(await get('maxmemory'), String(2 * 1024 * 1024));
      assert.equal(await get('protected-mode'), 'no');
      assert.equal(await get('databases'), '4');
      assert.equal(await get('slowlog-max-len'), '64');
      assert.equal(await get('bind'), '127.0.0.1');
      assert.deepEqual(await call(port, 'SELECT', '4'), { error: 'ERR DB index is out of range' });
      assert.deepEqual(await call(port, 'SELECT', '3'), { status: 'OK' });
    } finally {
      await h.close();
    }
  });

  it('an unknown directive or a bad value throws ConfigFileError naming the option', () => {
    const bad: Record<string, unknown>[] = [
      { noSuchDirective: 1 },
      { 'no-such-directive': 'x' },
      { maxmemoryPolicy: 'sometimes' },
      { databases: 0 },
      { port: 70000 },
      { maxmemory: 'lots' },
      { protectedMode: 'perhaps' },
    ];
    for (const options of bad) {
      assert.throws(
        () => createServer(options as never),
        (err: unknown) => err instanceof ConfigFileError && err.file === '(createServer options)',
        JSON.stringify(options),
      );
    }
  });

  it('configFile is read first and the options override it', async () => {
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, 'maxmemory-policy allkeys-lfu\nmaxmemory-samples 9\n# a comment\n');
    const h = await createServer({ configFile: conf, port: 0, maxmemorySamples: 3 }).listen();
    try {
      const port = h.address().port;
      assert.deepEqual(await call(port, 'CONFIG', 'GET', 'maxmemory-policy'), [
        'maxmemory-policy',
        'allkeys-lfu',
      ]);
      assert.deepEqual(await call(port, 'CONFIG', 'GET', 'maxmemory-samples'), ['maxmemory-samples', '3']);
    } finally {
      await h.close();
    }
    writeFileSync(conf, 'maxmemory-policy sometimes\n');
    assert.throws(
      () => createServer({ configFile: conf, port: 0 }),
      (err: unknown) => err instanceof ConfigFileError && err.file === conf && err.line === 1,
    );
  });

  it('logs are silent by default, go to a sink when given, or to logfile (0600)', async () => {
    const lines: string[] = [];
    const h = await createServer({
      port: 0,
      loglevel: 'verbose',
      log: { write: (l) => void lines.push(l) },
    }).listen();
    await call(h.address().port, 'PING');
    await h.close();
    assert.ok(
      lines.some((l) =>
        /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} - Accepted 127\.0\.0\.1:\d+\n$/.test(l),
      ),
      lines.join(''),
    );
    const logfile = join(dir, 'embedded.log');
    const f = await createServer({ port: 0, loglevel: 'verbose', logfile }).listen();
    await call(f.address().port, 'PING');
    await f.close();
    assert.match(readFileSync(logfile, 'utf8'), / - Accepted 127\.0\.0\.1:\d+/);
    assert.equal(statSync(logfile).mode & 0o777, 0o600);
  });

  it('in memory unless persistence is asked for: no save points, nothing loaded from the working directory', async () => {
    const data = mkdtempSync(join(tmpdir(), 'redoubt-embed-data-'));
    const cwd = process.cwd();
    try {
      // A persisting server (dir given) writes a dump.rdb, and Redis's default save points apply.
      const saver = await createServer({ port: 0, dir: data }).listen();
      assert.deepEqual(await call(saver.address().port, 'CONFIG', 'GET', 'save'), [
        'save',
        '3600 1 300 100 60 10000',
      ]);
      assert.deepEqual(await call(saver.address().port, 'SET', 'kept', 'yes'), { status: 'OK' });
      assert.deepEqual(await call(saver.address().port, 'SAVE'), { status: 'OK' });
      await saver.close();
      assert.ok(statSync(join(data, 'dump.rdb')).isFile());
      // Started in that directory without persistence options: empty, and no save points.
      process.chdir(data);
      const plain = await createServer({ port: 0 }).listen();
      try {
        assert.equal(await call(plain.address().port, 'DBSIZE'), 0);
        assert.deepEqual(await call(plain.address().port, 'CONFIG', 'GET', 'save'), ['save', '']);
      } finally {
        await plain.close();
      }
      // Asking for persistence (here `dir`) loads the file, as Redis does.
      const loader = await createServer({ port: 0, dir: '.' }).listen();
      try {
        assert.equal(await call(loader.address().port, 'GET', 'kept'), 'yes');
      } finally {
        await loader.close();
      }
    } finally {
      process.chdir(cwd);
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('two servers in one process are independent', async () => {
    const a = await createServer({ port: 0, databases: 2 }).listen();
    const b = await createServer({ port: 0, requirepass: 'b-secret' }).listen();
    const servers: RedoubtServer[] = [a, b];
    try {
      const pa = a.address().port;
      const pb = b.address().port;
      const cb = await RespConnection.open(pb);
      assert.deepEqual(await cb.call('AUTH', 'b-secret'), { status: 'OK' });
      // Keyspaces.
      assert.deepEqual(await call(pa, 'SET', 'shared-name', 'from-a'), { status: 'OK' });
      assert.equal(await cb.call('GET', 'shared-name'), null);
      assert.deepEqual(await cb.call('SET', 'shared-name', 'from-b'), { status: 'OK' });
      assert.equal(await call(pa, 'GET', 'shared-name'), 'from-a');
      assert.deepEqual(await call(pa, 'FLUSHALL'), { status: 'OK' });
      assert.equal(await cb.call('GET', 'shared-name'), 'from-b');
      // Configuration and authentication.
      assert.deepEqual(await call(pa, 'PING'), { status: 'PONG' });
      assert.deepEqual(await call(pb, 'PING'), { error: 'NOAUTH Authentication required.' });
      assert.deepEqual(await call(pa, 'SELECT', '2'), { error: 'ERR DB index is out of range' });
      assert.deepEqual(await cb.call('SELECT', '15'), { status: 'OK' });
      assert.deepEqual(await cb.call('SELECT', '0'), { status: 'OK' });
      assert.deepEqual(await call(pa, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'), { status: 'OK' });
      assert.deepEqual(await cb.call('CONFIG', 'GET', 'maxmemory-policy'), [
        'maxmemory-policy',
        'noeviction',
      ]);
      // Clients.
      assert.deepEqual(await cb.call('CLIENT', 'SETNAME', 'only-in-b'), { status: 'OK' });
      assert.doesNotMatch((await call(pa, 'CLIENT', 'LIST')) as string, /only-in-b/);
      // Closing one leaves the other serving.
      await a.close();
      assert.equal(await cb.call('GET', 'shared-name'), 'from-b');
      cb.close();
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});

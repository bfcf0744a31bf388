/**
 * Network exposure, over real sockets: bind (several addresses, `*`, `::*`,
 * optional `-` addresses, IPv6-only listeners, no TCP listener), protected mode
 * with Redis 7's rule and exact DENIED text, allow-from, the unix socket's
 * permissions, maxclients, timeout, tcp-keepalive, client-output-buffer-limit and
 * the unauthenticated output cap. Non-loopback sources come from 127.0.0.x
 * addresses and, as root (CI), from a network namespace the test creates; both
 * against a real redis-server 7.0 where Redis has the feature.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigFileError } from '../src/config/parser.js';
import { createServer, type RedoubtServer } from '../src/index.js';
import { AllowList, parseAllowEntry } from '../src/net/allow.js';
import { formatPeer, normalizeIp } from '../src/net/listeners.js';
import { createNetNs, type NetNs, netnsUnavailable, type ProbeResult } from './helpers/netns.js';
import { makePki, opensslUnavailable, type Pki } from './helpers/pki.js';
import { RespConnection } from './helpers/resp.js';
import {
  ALLOW_ROOT,
  BIN,
  freePort,
  IS_ROOT,
  type RunningProcess,
  redisServerPath,
  spawnServer,
  startRedis,
  startRedoubtProcess,
} from './helpers/servers.js';

const DENIED_PREFIX = '-DENIED Redis is running in protected mode because protected mode is enabled';

interface Probe {
  data: string;
  /** The server closed the connection. */
  closed: boolean;
}

/** Connect (from `localAddress` when given), send `payload`, read until a full line, close, or 5 s. */
function probe(
  port: number,
  opts: { host?: string; localAddress?: string; payload?: string; path?: string; untilClose?: boolean } = {},
): Promise<Probe> {
  return new Promise((resolve) => {
    let data = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ data, closed });
    };
    const payload = opts.payload ?? '*1\r\n$4\r\nPING\r\n';
    const s: Socket =
      opts.path !== undefined
        ? connect({ path: opts.path }, () => s.write(payload))
        : connect(
            {
              port,
              host: opts.host ?? '127.0.0.1',
              ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
            },
            () => s.write(payload),
          );
    s.on('data', (d) => {
      data += d.toString('latin1');
      if (data.endsWith('\r\n') && !data.startsWith('-DENIED') && opts.untilClose !== true) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    const timer = setTimeout(() => finish(false), 5000);
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function memoryLog(): { lines: string[]; sink: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, sink: { write: (l: string) => void lines.push(l) } };
}

function infoField(info: unknown, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)\\r$`, 'm').exec(String(info))?.[1];
}

describe('bind', () => {
  it('several addresses, * and ::*, IPv6-only listeners, peers reported as plain IPv4', async () => {
    const h = await createServer({ port: 0, bind: ['*', '::*'], protectedMode: false }).listen();
    try {
      const tcp = h.addresses();
      assert.deepEqual(
        tcp.map((a) => a.host),
        ['0.0.0.0', '::'],
      );
      const port = h.address().port;
      assert.equal((await probe(port)).data, '+PONG\r\n');
      assert.equal((await probe(port, { host: '::1' })).data, '+PONG\r\n');
      const c = await RespConnection.open(port);
      const list = String(await c.call('CLIENT', 'LIST'));
      assert.match(
        list,
        /addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+/,
        'IPv4 peers are not shown as ::ffff:',
      );
      c.close();
    } finally {
      await h.close();
    }
    // `::*` alone: IPv6 only, IPv4 clients are refused by the kernel.
    const v6 = await createServer({ port: 0, bind: '::*' }).listen();
    try {
      const port = v6.address().port;
      assert.equal((await probe(port, { host: '::1' })).data, '+PONG\r\n');
      const v4 = await probe(port);
      assert.equal(v4.data, '');
      assert.equal(v4.closed, true);
    } finally {
      await v6.close();
    }
  });

  it('a "-" address is skipped when not available; any other failure stops start-up', async () => {
    const log = memoryLog();
    const h = await createServer({ port: 0, bind: ['127.0.0.1', '-192.0.2.77'], log: log.sink }).listen();
    try {
      assert.deepEqual(
        h.addresses().map((a) => a.host),
        ['127.0.0.1'],
      );
      assert.ok(
        log.lines.some((l) => /192\.0\.2\.77:\d+: EADDRNOTAVAIL \(optional address skipped\)/.test(l)),
      );
    } finally {
      await h.close();
    }
    await assert.rejects(
      createServer({ port: 0, bind: ['127.0.0.1', '192.0.2.77'] }).listen(),
      /Could not create server TCP listening socket 192\.0\.2\.77:\d+: EADDRNOTAVAIL/,
    );
    const busy = await createServer({ port: 0, bind: '127.0.0.1' }).listen();
    try {
      // In use is not "not available": even optional, it stops start-up.
      await assert.rejects(
        createServer({ port: busy.address().port, bind: '-127.0.0.1' }).listen(),
        /EADDRINUSE/,
      );
    } finally {
      await busy.close();
    }
  });

  it('the same bind outcomes as redis-server: optional and unavailable addresses, IPv6 only', async (t) => {
    const bin = redisServerPath();
    if (bin === null) return t.skip('redis-server not installed');
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-bind-diff-'));
    try {
      const start = async (which: 'redis' | 'redoubt', bind: string): Promise<RunningProcess> => {
        const port = await freePort();
        return which === 'redis'
          ? spawnServer(bin, ['--port', String(port), '--bind', bind, '--save', '', '--dir', dir], port, {
              waitReady: false,
            })
          : spawnServer(
              join(BIN, 'redoubt-server'),
              ['--port', String(port), '--bind', bind, ...ALLOW_ROOT],
              port,
              {
                waitReady: false,
              },
            );
      };
      // A required address that does not exist here: neither starts.
      for (const which of ['redis', 'redoubt'] as const) {
        const p = await start(which, '127.0.0.1 192.0.2.77');
        assert.equal(await p.exited, 1, `${which}:\n${p.output()}`);
        assert.match(p.output(), /Could not create server TCP listening socket 192\.0\.2\.77:\d+/, which);
      }
      // Optional: skipped. IPv6 only: IPv4 clients refused.
      for (const [bind, v4, v6] of [
        ['127.0.0.1 -192.0.2.77', '+PONG\r\n', ''],
        ['::*', '', '+PONG\r\n'],
      ] as const) {
        const results: string[][] = [];
        for (const which of ['redis', 'redoubt'] as const) {
          const p = await start(which, bind);
          try {
            await waitFor(() => p.output().includes('Ready to accept connections'), `${which} ${bind}`);
            results.push([(await probe(p.port)).data, (await probe(p.port, { host: '::1' })).data]);
          } finally {
            await p.stop();
          }
        }
        assert.deepEqual(results[0], [v4, v6], `redis, bind ${bind}`);
        assert.deepEqual(results[1], results[0], `bind ${bind}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the secure default without any config file: 127.0.0.1 and ::1 only', async () => {
    const p = await startRedoubtProcess();
    try {
      assert.match(
        p.output(),
        new RegExp(`listening on 127\\.0\\.0\\.1:${p.port}(, \\[::1\\]:${p.port})?\\n`),
      );
      const c = await RespConnection.open(p.port);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
      c.close();
      const listening = execFileSync('ss', ['-ltnH', `( sport = :${p.port} )`], { encoding: 'utf8' });
      for (const line of listening.trim().split('\n')) assert.match(line, /(127\.0\.0\.1|\[::1\]):\d+/, line);
    } finally {
      await p.stop();
    }
  });

  it('bind "" or port 0: no TCP listener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-bind-'));
    try {
      for (const args of [
        ['--bind', ''],
        ['--port', '0'],
      ]) {
        const path = join(dir, `s${args[0]}.sock`);
        const p = await spawnServer(
          join(BIN, 'redoubt-server'),
          ['--unixsocket', path, ...args, ...ALLOW_ROOT],
          0,
        );
        try {
          assert.equal((await probe(0, { path })).data, '+PONG\r\n');
          assert.ok(p.output().includes(`listening on unix:${path}\n`), p.output());
          const tcp = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
          assert.ok(!tcp.includes(`pid=${p.pid},`), `no TCP listener:\n${tcp}`);
        } finally {
          await p.stop();
        }
      }
      const h = await createServer({ port: 0, bind: '', unixsocket: join(dir, 'e.sock') }).listen();
      try {
        assert.deepEqual(
          h.addresses().map((a) => a.kind),
          ['unix'],
        );
      } finally {
        await h.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('IPv4-mapped IPv6 addresses count as their IPv4 address', () => {
    assert.equal(normalizeIp('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeIp('fd00::1'), 'fd00::1');
    assert.equal(formatPeer('::ffff:10.1.2.3', 5), '10.1.2.3:5');
    assert.equal(formatPeer('::1', 5), '[::1]:5');
    const list = new AllowList(['10.0.0.0/8', '::ffff:192.168.1.0/120', 'fd00::/16']);
    assert.equal(list.allows('::ffff:10.9.9.9'), true);
    assert.equal(list.allows('10.9.9.9'), true);
    assert.equal(list.allows('192.168.1.200'), true);
    assert.equal(list.allows('::ffff:192.168.2.1'), false);
    assert.equal(list.allows('fd00:1::5'), true);
    assert.equal(list.allows('fd01::5'), false);
    assert.equal(list.allows('11.0.0.1'), false);
    assert.equal(list.allows('garbage'), false);
  });
});

describe('protected mode (differential)', () => {
  let redis: RunningProcess | null = null;
  let ours: RedoubtServer | undefined;
  const log = memoryLog();
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-pm-'));
  before(async () => {
    const sock = join(dir, 'redis.sock');
    redis = await startRedis(['--unixsocket', sock]);
    ours = await createServer({
      port: 0,
      bind: '127.0.0.1',
      unixsocket: join(dir, 'ours.sock'),
      log: log.sink,
    }).listen();
  });
  after(async () => {
    await redis?.stop();
    await ours?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a client from 127.0.0.5 gets the same DENIED text and is disconnected; 127.0.0.1 and the unix socket are served', async (t) => {
    if (redis === null || ours === undefined) return t.skip('redis-server not installed');
    const ourPort = ours.address().port;
    const [x, y] = await Promise.all([
      probe(ourPort, { localAddress: '127.0.0.5' }),
      probe(redis.port, { localAddress: '127.0.0.5' }),
    ]);
    assert.ok(x.data.startsWith(DENIED_PREFIX), x.data);
    assert.equal(x.data, y.data, 'byte for byte');
    assert.equal(x.closed, true);
    assert.equal(y.closed, true);
    for (const p of [
      probe(ourPort),
      probe(redis.port),
      probe(0, { path: join(dir, 'ours.sock') }),
      probe(0, { path: join(dir, 'redis.sock') }),
    ])
      assert.equal((await p).data, '+PONG\r\n');
    // Counted in INFO rejected_connections on both; logged by Redoubt.
    const a = await RespConnection.open(ourPort);
    const b = await RespConnection.open(redis.port);
    assert.equal(infoField(await a.call('INFO', 'stats'), 'rejected_connections'), '1');
    assert.equal(infoField(await b.call('INFO', 'stats'), 'rejected_connections'), '1');
    assert.ok(log.lines.some((l) => /Connection from 127\.0\.0\.5:\d+ refused by protected mode/.test(l)));
    // With a password for the default user, protected mode lets clients in (to AUTH).
    await a.call('CONFIG', 'SET', 'requirepass', 'pw');
    await b.call('CONFIG', 'SET', 'requirepass', 'pw');
    const [x2, y2] = await Promise.all([
      probe(ourPort, { localAddress: '127.0.0.5' }),
      probe(redis.port, { localAddress: '127.0.0.5' }),
    ]);
    assert.equal(x2.data, '-NOAUTH Authentication required.\r\n');
    assert.equal(x2.data, y2.data);
    await a.call('AUTH', 'pw');
    await b.call('AUTH', 'pw');
    await a.call('CONFIG', 'SET', 'requirepass', '', 'protected-mode', 'no');
    await b.call('CONFIG', 'SET', 'requirepass', '', 'protected-mode', 'no');
    const [x3, y3] = await Promise.all([
      probe(ourPort, { localAddress: '127.0.0.5' }),
      probe(redis.port, { localAddress: '127.0.0.5' }),
    ]);
    assert.equal(x3.data, '+PONG\r\n');
    assert.equal(y3.data, '+PONG\r\n');
    await a.call('CONFIG', 'SET', 'protected-mode', 'yes');
    await b.call('CONFIG', 'SET', 'protected-mode', 'yes');
    a.close();
    b.close();
  });
});

describe('allow-from', () => {
  it('closes other sources at accept, without reading or writing; counts and logs them', async () => {
    const log = memoryLog();
    const h = await createServer({
      port: 0,
      bind: ['127.0.0.1', '::1'],
      protectedMode: false,
      allowFrom: ['127.0.0.0/30', '::1'],
      log: log.sink,
    }).listen();
    const server = h.server;
    try {
      const port = h.address().port;
      assert.equal((await probe(port, { localAddress: '127.0.0.2' })).data, '+PONG\r\n');
      assert.equal((await probe(port, { host: '::1' })).data, '+PONG\r\n');
      const connectionsBefore = server.stats.connections;
      const refused = await probe(port, { localAddress: '127.0.0.9' });
      assert.deepEqual(refused, { data: '', closed: true });
      assert.equal(server.stats.connections, connectionsBefore, 'never became a client');
      assert.equal(server.stats.allowFromRejections, 1);
      const c = await RespConnection.open(port);
      assert.equal(infoField(await c.call('INFO', 'stats'), 'rejected_connections'), '1');
      assert.ok(
        log.lines.some((l) =>
          /Connection from 127\.0\.0\.9:\d+ refused: its address is not in allow-from/.test(l),
        ),
      );
      // CONFIG SET: validated, applied to new connections, written by CONFIG REWRITE.
      assert.deepEqual(await c.call('CONFIG', 'GET', 'allow-from'), ['allow-from', '127.0.0.0/30 ::1']);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'allow-from', '127.0.0.1 10.0.0.0/33'), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'allow-from') - Invalid allow-from entry '10.0.0.0/33': expected an IP address or a CIDR block.",
      });
      assert.deepEqual(await c.call('CONFIG', 'SET', 'allow-from', '127.0.0.9'), { status: 'OK' });
      assert.equal((await probe(port, { localAddress: '127.0.0.9' })).data, '+PONG\r\n');
      assert.deepEqual(await probe(port, { localAddress: '127.0.0.2' }), { data: '', closed: true });
      assert.deepEqual(await c.call('PING'), { status: 'PONG' }, 'existing connections are kept');
      assert.deepEqual(await c.call('CONFIG', 'SET', 'allow-from', ''), { status: 'OK' });
      assert.equal((await probe(port, { localAddress: '127.0.0.2' })).data, '+PONG\r\n');
      c.close();
    } finally {
      await h.close();
    }
  });

  it('parses addresses and CIDR blocks, IPv4 and IPv6; refuses anything else in config files', () => {
    assert.deepEqual(parseAllowEntry('10.1.2.3/8'), { address: '10.1.2.3', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseAllowEntry('fd00::/8'), { address: 'fd00::', prefix: 8, family: 'ipv6' });
    assert.deepEqual(parseAllowEntry('::ffff:10.0.0.0/104'), {
      address: '10.0.0.0',
      prefix: 8,
      family: 'ipv4',
    });
    for (const bad of [
      '',
      'localhost',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/x',
      'fe80::1%eth0',
      '1.2.3',
    ])
      assert.equal(parseAllowEntry(bad), undefined, bad);
    assert.throws(
      () => createServer({ allowFrom: ['10.0.0.0/8', 'example.com'] }),
      (err: unknown) =>
        err instanceof ConfigFileError && /Invalid allow-from entry 'example\.com'/.test(err.reason),
    );
  });
});

describe('from another network namespace', { skip: netnsUnavailable() }, () => {
  let ns: NetNs;
  let pki: Pki | undefined;
  before(() => {
    ns = createNetNs();
    if (opensslUnavailable() === undefined) pki = makePki();
  });
  after(() => {
    ns?.close();
    pki?.remove();
  });

  it('bind decides who can connect: loopback by default, an interface address, IPv6 only, optional addresses', async () => {
    const p = await startRedoubtProcess(['--protected-mode', 'no']);
    try {
      const r = await ns.probe(ns.hostIp, p.port, 'PING\r\n');
      assert.equal(r.connected, false, 'the default bind is loopback only');
      assert.match(r.how, /ECONNREFUSED/);
    } finally {
      await p.stop();
    }
    const log = memoryLog();
    const h = await createServer({
      port: 0,
      bind: [ns.hostIp, '-10.254.254.254', '::1'],
      protectedMode: false,
      log: log.sink,
    }).listen();
    try {
      const port = h.address().port;
      assert.deepEqual(await ns.probe(ns.hostIp, port, 'PING\r\n'), {
        connected: true,
        how: 'reply',
        data: '+PONG\r\n',
      });
      assert.equal(
        (await ns.probe(ns.hostIp6, port, 'PING\r\n')).connected,
        false,
        'not bound to that address',
      );
      assert.ok(
        log.lines.some((l) => l.includes('10.254.254.254') && l.includes('optional address skipped')),
      );
    } finally {
      await h.close();
    }
    const v6 = await createServer({ port: 0, bind: '::*', protectedMode: false }).listen();
    try {
      const port = v6.address().port;
      assert.equal((await ns.probe(ns.hostIp6, port, 'PING\r\n')).data, '+PONG\r\n');
      assert.equal((await ns.probe(ns.hostIp, port, 'PING\r\n')).connected, false, 'IPv6-only');
    } finally {
      await v6.close();
    }
  });

  it('protected mode from another host: the same DENIED as Redis over TCP, IPv6 and TLS', async (t) => {
    const tlsPorts = pki === undefined ? undefined : [await freePort(), await freePort()];
    const tlsArgs = (port: number): string[] =>
      pki === undefined
        ? []
        : [
            '--tls-port',
            String(port),
            '--tls-cert-file',
            pki.server.cert,
            '--tls-key-file',
            pki.server.key,
            '--tls-ca-cert-file',
            pki.ca,
          ];
    const redis = await startRedis(['--bind', '* -::*', ...(tlsPorts ? tlsArgs(tlsPorts[0] as number) : [])]);
    if (redis === null) return t.skip('redis-server not installed');
    // With a tls-port, `port: 0` would mean TLS only: an explicit plaintext port.
    const ours = await createServer({
      port: await freePort(),
      bind: ['*', '-::*'],
      ...(pki !== undefined && tlsPorts !== undefined
        ? {
            tlsPort: tlsPorts[1] as number,
            tlsCertFile: pki.server.cert,
            tlsKeyFile: pki.server.key,
            tlsCaCertFile: pki.ca,
          }
        : {}),
    }).listen();
    try {
      const ourPort = ours.address().port;
      for (const host of [ns.hostIp, ns.hostIp6]) {
        const [x, y]: [ProbeResult, ProbeResult] = await Promise.all([
          ns.probe(host, ourPort, 'PING\r\n'),
          ns.probe(host, redis.port, 'PING\r\n'),
        ]);
        assert.ok(x.data.startsWith(DENIED_PREFIX), `${host}: ${x.data}`);
        assert.equal(x.data, y.data, host);
      }
      if (pki !== undefined && tlsPorts !== undefined) {
        const tls = { ca: pki.ca, ...pki.client('alice') };
        const [x, y]: [ProbeResult, ProbeResult] = await Promise.all([
          ns.probe(ns.hostIp, tlsPorts[1] as number, 'PING\r\n', { tls }),
          ns.probe(ns.hostIp, tlsPorts[0] as number, 'PING\r\n', { tls }),
        ]);
        assert.ok(x.data.startsWith(DENIED_PREFIX), `TLS: ${x.data}`);
        assert.equal(x.data, y.data, 'TLS');
      }
      // A password for the default user lets them in.
      const a = await RespConnection.open(ourPort);
      const b = await RespConnection.open(redis.port);
      await a.call('CONFIG', 'SET', 'requirepass', 'pw');
      await b.call('CONFIG', 'SET', 'requirepass', 'pw');
      const [x, y]: [ProbeResult, ProbeResult] = await Promise.all([
        ns.probe(ns.hostIp, ourPort, 'PING\r\n'),
        ns.probe(ns.hostIp, redis.port, 'PING\r\n'),
      ]);
      assert.equal(x.data, '-NOAUTH Authentication required.\r\n');
      assert.equal(x.data, y.data);
      a.close();
      b.close();
    } finally {
      await ours.close();
      await redis.stop();
    }
  });

  it('allow-from admits the listed sources only, IPv4 and IPv6', async () => {
    const log = memoryLog();
    const h = await createServer({
      port: 0,
      bind: ['*', '::*'],
      protectedMode: false,
      allowFrom: [`${ns.nsIp}/32`, '127.0.0.1'],
      log: log.sink,
    }).listen();
    try {
      const port = h.address().port;
      assert.equal((await ns.probe(ns.hostIp, port, 'PING\r\n')).data, '+PONG\r\n');
      const v6 = await ns.probe(ns.hostIp6, port, 'PING\r\n');
      assert.equal(v6.data, '');
      assert.match(v6.how, /^(closed|error:ECONNRESET)$/);
      const c = await RespConnection.open(port);
      await c.call('CONFIG', 'SET', 'allow-from', `${ns.nsIp6} 127.0.0.1`);
      assert.equal((await ns.probe(ns.hostIp6, port, 'PING\r\n')).data, '+PONG\r\n');
      const v4 = await ns.probe(ns.hostIp, port, 'PING\r\n');
      assert.equal(v4.data, '');
      assert.match(v4.how, /^(closed|error:ECONNRESET)$/);
      await c.call('CONFIG', 'SET', 'allow-from', '10.0.0.0/8 127.0.0.1');
      assert.equal((await ns.probe(ns.hostIp, port, 'PING\r\n')).data, '+PONG\r\n');
      c.close();
      assert.equal(h.server.stats.allowFromRejections, 2);
      assert.ok(log.lines.some((l) => l.includes(`Connection from [${ns.nsIp6}]:`)));
      assert.ok(log.lines.some((l) => l.includes(`Connection from ${ns.nsIp}:`)));
    } finally {
      await h.close();
    }
  });
});

describe('unix socket', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'redoubt-unix-'));
    chmodSync(dir, 0o755);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is created with its final permissions whatever the umask (700 by default), never wider', async () => {
    // The mode the socket has the moment bind() created it (listen() binds
    // synchronously), before anything could chmod it: what a racing client would see.
    const umaskBefore = process.umask(0o022);
    process.umask(umaskBefore);
    const original = NetServer.prototype.listen;
    let atBind: number | undefined;
    NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]) {
      const result = (original as (...a: unknown[]) => NetServer).apply(this, args);
      const o = args[0] as { path?: string } | undefined;
      if (o !== undefined && typeof o === 'object' && typeof o.path === 'string')
        atBind = lstatSync(o.path).mode & 0o777;
      return result;
    } as typeof original;
    try {
      for (const [perm, expected] of [
        [0, 0o700],
        [0o770, 0o770],
        [0o700, 0o700],
        [0o777, 0o777],
      ] as const) {
        const path = join(dir, `p${perm}.sock`);
        atBind = undefined;
        const old = process.umask(perm === 0o777 ? 0o077 : 0);
        let h: RedoubtServer;
        try {
          h = await createServer({
            port: 0,
            bind: '',
            unixsocket: path,
            unixsocketperm: perm.toString(8),
          }).listen();
        } finally {
          process.umask(old);
        }
        try {
          assert.equal(atBind, expected, `mode at bind() for unixsocketperm ${perm.toString(8)}`);
          assert.equal(lstatSync(path).mode & 0o777, expected);
          assert.equal((await probe(0, { path })).data, '+PONG\r\n');
        } finally {
          await h.close();
        }
        assert.equal(existsSync(path), false, 'removed at close');
      }
    } finally {
      NetServer.prototype.listen = original;
    }
    const now = process.umask(0o022);
    process.umask(now);
    assert.equal(now, umaskBefore, 'the process umask is restored');
  });

  it('another user cannot connect to a 700 socket (root only)', {
    skip: IS_ROOT ? false : 'needs root',
  }, async () => {
    const path = join(dir, 'private.sock');
    const h = await createServer({ port: 0, bind: '', unixsocket: path }).listen();
    try {
      const result = await new Promise<string>((resolve) => {
        execFile(
          process.execPath,
          [
            '-e',
            `const s=require('net').connect(process.argv[1],()=>{console.log('connected');s.destroy()});s.on('error',e=>console.log(e.code))`,
            path,
          ],
          { uid: 65534, gid: 65534, encoding: 'utf8' },
          (_err, stdout) => resolve(stdout.trim()),
        );
      });
      assert.equal(result, 'EACCES');
    } finally {
      await h.close();
    }
  });

  it('replaces a stale socket, refuses to touch anything else at the path', async () => {
    const stale = join(dir, 'stale.sock');
    try {
      execFileSync(
        process.execPath,
        [
          '-e',
          `require('net').createServer().listen(process.argv[1],()=>process.kill(process.pid,'SIGKILL'))`,
          stale,
        ],
        { stdio: 'ignore' },
      );
    } catch {
      // Killed, as intended: its socket file stays behind.
    }
    assert.ok(lstatSync(stale).isSocket(), 'a socket left behind');
    const h = await createServer({ port: 0, bind: '', unixsocket: stale }).listen();
    try {
      assert.equal((await probe(0, { path: stale })).data, '+PONG\r\n');
    } finally {
      await h.close();
    }
    const file = join(dir, 'not-a-socket');
    writeFileSync(file, 'precious\n');
    await assert.rejects(
      createServer({ port: 0, bind: '', unixsocket: file }).listen(),
      /Failed opening Unix socket: .*not-a-socket exists and is not a socket/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'precious\n');
  });
});

describe('limits', () => {
  it('maxclients: the same refusal as Redis, counted', async (t) => {
    const redis = await startRedis(['--maxclients', '1']);
    if (redis === null) return t.skip('redis-server not installed');
    const ours = await createServer({ port: 0, bind: '127.0.0.1', maxclients: 1 }).listen();
    try {
      const a = await RespConnection.open(ours.address().port);
      const b = await RespConnection.open(redis.port);
      const [x, y] = await Promise.all([
        probe(ours.address().port, { untilClose: true }),
        probe(redis.port, { untilClose: true }),
      ]);
      assert.equal(x.data, '-ERR max number of clients reached\r\n');
      assert.equal(x.data, y.data);
      assert.equal(x.closed, true);
      assert.equal(infoField(await a.call('INFO', 'stats'), 'rejected_connections'), '1');
      assert.equal(infoField(await b.call('INFO', 'stats'), 'rejected_connections'), '1');
      a.close();
      b.close();
    } finally {
      await ours.close();
      await redis.stop();
    }
  });

  it('timeout closes idle clients, not MONITOR ones', async () => {
    const h = await createServer({ port: 0, bind: '127.0.0.1', timeout: 1, hz: 50 }).listen();
    try {
      const idle = await RespConnection.open(h.address().port);
      const monitor = await RespConnection.open(h.address().port);
      assert.deepEqual(await idle.call('PING'), { status: 'PONG' });
      assert.deepEqual(await monitor.call('MONITOR'), { status: 'OK' });
      assert.equal(await idle.waitClosed(10000), true);
      assert.equal(monitor.closed, false);
      monitor.close();
    } finally {
      await h.close();
    }
  });

  it('tcp-keepalive is set on new connections (and off with 0)', async () => {
    const h = await createServer({ port: 0, bind: '127.0.0.1' }).listen();
    try {
      const port = h.address().port;
      const timers = async (): Promise<string> => {
        const c = await RespConnection.open(port);
        await c.call('PING');
        const out = execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :${port} )`], {
          encoding: 'utf8',
        });
        c.close();
        return out;
      };
      assert.match(await timers(), /timer:\(keepalive,/);
      const c = await RespConnection.open(port);
      await c.call('CONFIG', 'SET', 'tcp-keepalive', '0');
      c.close();
      assert.doesNotMatch(await timers(), /keepalive/);
    } finally {
      await h.close();
    }
  });

  /** Pipeline `n` GETs of a big value without reading; returns the socket (paused). */
  function flood(port: number, n: number): Socket {
    const s = connect({ port, host: '127.0.0.1' });
    s.pause();
    s.on('error', () => {});
    s.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'.repeat(n));
    return s;
  }

  /** Read everything until the server closes; the byte count. */
  function drain(s: Socket): Promise<{ bytes: number; closed: boolean }> {
    return new Promise((resolve) => {
      let bytes = 0;
      const t = setTimeout(() => {
        s.destroy();
        resolve({ bytes, closed: false });
      }, 20000);
      s.on('data', (d: Buffer) => {
        bytes += d.length;
      });
      s.on('close', () => {
        clearTimeout(t);
        resolve({ bytes, closed: true });
      });
      s.resume();
    });
  }

  async function clientCount(c: RespConnection): Promise<number> {
    return String(await c.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((l) => l.startsWith('id=')).length;
  }

  it('client-output-buffer-limit: a client over the hard limit, or over the soft one for longer than allowed, is closed as by Redis', async (t) => {
    const redis = await startRedis();
    if (redis === null) return t.skip('redis-server not installed');
    const log = memoryLog();
    const ours = await createServer({ port: 0, bind: '127.0.0.1', log: log.sink }).listen();
    const value = 'v'.repeat(512 * 1024);
    const n = 64;
    try {
      for (const [name, port] of [
        ['redoubt', ours.address().port],
        ['redis', redis.port],
      ] as const) {
        const admin = await RespConnection.open(port);
        assert.deepEqual(await admin.call('SET', 'big', value), { status: 'OK' });
        // Hard limit.
        assert.deepEqual(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0'), {
          status: 'OK',
        });
        const s = flood(port, n);
        await waitFor(
          async () => (await clientCount(admin)) === 1,
          `${name}: the flooding client to be closed`,
        );
        const hard = await drain(s);
        assert.equal(hard.closed, true, name);
        assert.ok(hard.bytes < n * value.length, `${name}: ${hard.bytes} bytes`);
        // Soft limit: over it for more than 1 s, checked when more output comes.
        assert.deepEqual(
          await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 512kb 1'),
          {
            status: 'OK',
          },
        );
        const soft = flood(port, n);
        await waitFor(async () => (await clientCount(admin)) === 2, `${name}: the second client`);
        await new Promise((r) => setTimeout(r, 2200));
        soft.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
        await waitFor(async () => (await clientCount(admin)) === 1, `${name}: the soft limit to close it`);
        const softResult = await drain(soft);
        assert.equal(softResult.closed, true, name);
        assert.ok(softResult.bytes < (n + 1) * value.length, name);
        await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
        admin.close();
      }
      assert.equal(ours.server.stats.outputBufferCloses, 2);
      assert.ok(
        log.lines.some((l) =>
          /Client id=\d+ addr=.* cmd=get .*scheduled to be closed ASAP for overcoming of output buffer limits\./.test(
            l,
          ),
        ),
      );
    } finally {
      await ours.close();
      await redis.stop();
    }
  });

  it('a client that never authenticated may not leave more than 1 KB unread', async () => {
    const log = memoryLog();
    const h = await createServer({ port: 0, bind: '127.0.0.1', requirepass: 'pw', log: log.sink }).listen();
    try {
      const s = connect({ port: h.address().port, host: '127.0.0.1' });
      s.pause();
      s.on('error', () => {});
      const chunk = '*1\r\n$4\r\nPING\r\n'.repeat(20000);
      for (let i = 0; i < 30 && !s.destroyed; i++) s.write(chunk);
      await waitFor(
        () => h.server.stats.outputBufferCloses === 1,
        'the unauthenticated client to be closed',
        20000,
      );
      assert.ok(
        log.lines.some((l) => l.includes('Closing unauthenticated client that does not read its replies')),
      );
      s.destroy();
      // After AUTH the same pattern is not cut short at 1 KB.
      const ok = await RespConnection.open(h.address().port);
      assert.deepEqual(await ok.call('AUTH', 'pw'), { status: 'OK' });
      ok.writeRaw('*1\r\n$4\r\nPING\r\n'.repeat(2000));
      for (let i = 0; i < 2000; i++) await ok.readFrame();
      ok.close();
    } finally {
      await h.close();
    }
  });
});

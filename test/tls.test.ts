/**
 * TLS (node:tls) with real certificates made by the openssl CLI: redis-cli --tls,
 * ioredis and node-redis against a TLS-only server, client certificates (yes,
 * optional, no), protocol versions, ciphers, DH parameters, CA directory,
 * encrypted keys, reloads by CONFIG SET and by tls-auto-reload-interval,
 * session resumption, handshake failures counted and logged, client
 * certificate to ACL user mapping, and the same behaviour and error texts as a
 * real redis-server 7.0 with the same configuration.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { Server } from '../src/core/server.js';
import { createServer, type RedoubtServer } from '../src/index.js';
import { dhPrimeBits, parseProtocols, TlsConfigError } from '../src/net/tls.js';
import { makePki, opensslUnavailable, type Pki } from './helpers/pki.js';
import { ALLOW_ROOT, BIN, freePort, redisServerPath, spawnServer } from './helpers/servers.js';
import { TlsResp, tryTls } from './helpers/tls-client.js';

const skipReason = opensslUnavailable();

function run(
  file: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1 });
    });
  });
}

/** Log lines of an embedded server, for assertions. */
function memoryLog(): { lines: string[]; sink: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, sink: { write: (l: string) => void lines.push(l) } };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('TLS', { skip: skipReason }, () => {
  let pki: Pki;
  let work = '';
  before(() => {
    pki = makePki();
    work = mkdtempSync(join(tmpdir(), 'redoubt-tls-'));
  });
  after(() => {
    pki?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  /** A TLS-only embedded server (port 0 + tls-port), client certificates required by default. */
  async function tlsServer(
    extra: Record<string, string | number | boolean | readonly string[]> = {},
  ): Promise<{ handle: RedoubtServer; server: Server; port: number; log: string[] }> {
    const port = await freePort();
    const log = memoryLog();
    const handle = await createServer({
      port: 0,
      bind: '127.0.0.1',
      tlsPort: port,
      tlsCertFile: pki.server.cert,
      tlsKeyFile: pki.server.key,
      tlsCaCertFile: pki.ca,
      log: log.sink,
      ...extra,
    }).listen();
    return { handle, server: handle.server, port, log: log.lines };
  }

  const alice = (): { ca: string; cert: string; key: string } => ({ ca: pki.ca, ...pki.client('alice') });

  it('redis-cli --tls --cert --key --cacert works against port 0 + tls-port; no certificate, a rogue one or TLS 1.1: refused, counted, logged', async () => {
    const tlsPort = await freePort();
    const p = await spawnServer(
      join(BIN, 'redoubt-server'),
      [
        '--port',
        '0',
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        pki.server.cert,
        '--tls-key-file',
        pki.server.key,
        '--tls-ca-cert-file',
        pki.ca,
        '--bind',
        '127.0.0.1',
        ...ALLOW_ROOT,
      ],
      tlsPort,
    );
    try {
      assert.match(p.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${tlsPort} \\(TLS\\)\\n`));
      const c = alice();
      const cli = (extra: readonly string[]) =>
        run('redis-cli', ['-h', '127.0.0.1', '-p', String(tlsPort), '--tls', '--cacert', pki.ca, ...extra]);
      const ok = await cli(['--cert', c.cert, '--key', c.key, 'PING']);
      assert.equal(ok.stdout, 'PONG\n', ok.stderr);
      const get = await cli(['--cert', c.cert, '--key', c.key, 'CONFIG', 'GET', 'port']);
      assert.equal(get.stdout, 'port\n0\n', 'no plaintext port');
      // Without a client certificate: the handshake fails.
      const none = await cli(['PING']);
      assert.notEqual(none.stdout, 'PONG\n');
      assert.match(`${none.stdout}${none.stderr}`, /Error|Could not|reset|closed/i);
      // A certificate no trusted CA signed.
      const rogue = await tryTls(tlsPort, { ca: pki.ca, ...pki.rogue });
      assert.equal(rogue.reply, undefined);
      // TLS 1.1 is refused (TLS 1.2 and 1.3 are the only versions).
      const old = await tryTls(tlsPort, { ...c, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' });
      assert.equal(old.ok, false);
      assert.ok(old.error !== undefined);
      // Plain RESP on the TLS port gets no reply.
      const plain = await new Promise<string>((resolve) => {
        let got = '';
        const s = connect({ port: tlsPort, host: '127.0.0.1' }, () => s.write('PING\r\n'));
        s.on('data', (d) => {
          got += d.toString('latin1');
        });
        s.on('close', () => resolve(got));
        s.on('error', () => {});
        setTimeout(() => s.destroy(), 3000);
      });
      assert.ok(!plain.includes('PONG'));
      // Each failure is logged with the client address.
      await waitFor(
        () =>
          (p.output().match(/Error accepting a client connection: TLS handshake failed/g) ?? []).length >= 3,
        'handshake failures in the log',
      );
      assert.match(
        p.output(),
        /TLS handshake failed: peer did not return a certificate \(addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+\)/,
      );
      assert.match(
        p.output(),
        /TLS handshake failed: certificate verification failed: \S+ \(addr=127\.0\.0\.1:\d+/,
      );
      assert.match(p.output(), /TLS handshake failed: unsupported protocol \(addr=127\.0\.0\.1:\d+/);
    } finally {
      await p.stop();
    }
  });

  it('ioredis and node-redis connect with a client certificate', async () => {
    const s = await tlsServer();
    try {
      const c = alice();
      const io = new Redis({
        host: '127.0.0.1',
        port: s.port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        tls: {
          ca: readFileSync(c.ca),
          cert: readFileSync(c.cert),
          key: readFileSync(c.key),
          servername: 'localhost',
        },
      });
      io.on('error', () => {});
      await io.connect();
      try {
        assert.equal(await io.ping(), 'PONG');
        assert.equal(await io.set('k', 'v'), 'OK');
        assert.equal(await io.get('k'), 'v');
      } finally {
        io.disconnect();
      }
      const nr = createClient({
        socket: {
          host: '127.0.0.1',
          port: s.port,
          tls: true,
          ca: readFileSync(c.ca),
          cert: readFileSync(c.cert),
          key: readFileSync(c.key),
          servername: 'localhost',
          reconnectStrategy: false,
        },
      });
      nr.on('error', () => {});
      await nr.connect();
      try {
        assert.equal(await nr.ping(), 'PONG');
        assert.equal(await nr.get('k'), 'v');
      } finally {
        await nr.close();
      }
    } finally {
      await s.handle.close();
    }
  });

  it('tls-auth-clients no and optional; optional still refuses a certificate that does not verify', async () => {
    const no = await tlsServer({ tlsAuthClients: 'no', tlsCaCertFile: '' });
    try {
      const r = await tryTls(no.port, { ca: pki.ca });
      assert.equal(r.reply, '+PONG\r\n');
    } finally {
      await no.handle.close();
    }
    const opt = await tlsServer({ tlsAuthClients: 'optional' });
    try {
      assert.equal((await tryTls(opt.port, { ca: pki.ca })).reply, '+PONG\r\n');
      assert.equal((await tryTls(opt.port, alice())).reply, '+PONG\r\n');
      const rogue = await tryTls(opt.port, { ca: pki.ca, ...pki.rogue });
      assert.equal(rogue.reply, undefined);
      await waitFor(() => opt.server.stats.tlsHandshakeFailures === 1, 'the failure to be counted');
      assert.ok(opt.log.some((l) => /certificate verification failed: DEPTH_ZERO_SELF_SIGNED_CERT/.test(l)));
    } finally {
      await opt.handle.close();
    }
  });

  it('tls-protocols: TLSv1.3 only refuses a TLS 1.2 client; TLSv1 and TLSv1.1 are refused as configuration', async () => {
    assert.deepEqual(parseProtocols(''), { min: 'TLSv1.2', max: 'TLSv1.3' });
    assert.deepEqual(parseProtocols('tlsv1.2'), { min: 'TLSv1.2', max: 'TLSv1.2' });
    assert.deepEqual(parseProtocols('TLSv1.3 TLSv1.2'), { min: 'TLSv1.2', max: 'TLSv1.3' });
    assert.throws(() => parseProtocols('TLSv1.1 TLSv1.2'), TlsConfigError);
    assert.throws(() => parseProtocols('TLSv1'), /TLSv1 and TLSv1\.1 are insecure/);
    assert.throws(() => parseProtocols('TLSv1.2  TLSv1.3'), /Use a combination/);
    const s = await tlsServer({ tlsProtocols: 'TLSv1.3' });
    try {
      const v12 = await tryTls(s.port, { ...alice(), maxVersion: 'TLSv1.2' });
      assert.equal(v12.reply, undefined);
      const v13 = await tryTls(s.port, alice());
      assert.equal(v13.protocol, 'TLSv1.3');
      assert.equal(v13.reply, '+PONG\r\n');
    } finally {
      await s.handle.close();
    }
    await assert.rejects(tlsServer({ tlsProtocols: 'TLSv1.1 TLSv1.2' }), /Failed to configure TLS/);
  });

  it('tls-ciphers (TLS 1.2), tls-ciphersuites (TLS 1.3) and tls-prefer-server-ciphers', async () => {
    const s = await tlsServer({
      tlsCiphers: 'ECDHE-ECDSA-AES256-GCM-SHA384',
      tlsCiphersuites: 'TLS_AES_128_GCM_SHA256',
      tlsPreferServerCiphers: true,
    });
    try {
      const v13 = await tryTls(s.port, alice());
      assert.equal(v13.cipher, 'TLS_AES_128_GCM_SHA256');
      const v12 = await tryTls(s.port, { ...alice(), maxVersion: 'TLSv1.2' });
      assert.equal(v12.cipher, 'ECDHE-ECDSA-AES256-GCM-SHA384');
      assert.equal(v12.reply, '+PONG\r\n');
      // A TLS 1.2 client offering only other ciphers cannot connect.
      const other = await tryTls(s.port, {
        ...alice(),
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      });
      assert.equal(other.reply, undefined);
    } finally {
      await s.handle.close();
    }
  });

  it('an encrypted key with tls-key-file-pass, a CA directory, DH parameters', async () => {
    const key = pki.encryptedServerKey('pässword');
    const caDir = join(work, 'cadir');
    mkdirSync(caDir, { recursive: true });
    copyFileSync(pki.ca, join(caDir, 'ca.pem'));
    writeFileSync(join(caDir, 'README'), 'not a certificate\n');
    const dh = join(work, 'dh.pem');
    execFileSync(
      'openssl',
      ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dh],
      {
        stdio: 'ignore',
      },
    );
    assert.equal(dhPrimeBits(readFileSync(dh, 'latin1')), 2048);
    const s = await tlsServer({
      tlsKeyFile: key,
      // Directive values are byte strings (latin1), as read from a redis.conf in UTF-8.
      tlsKeyFilePass: Buffer.from('pässword').toString('latin1'),
      tlsCaCertFile: '',
      tlsCaCertDir: caDir,
      tlsDhParamsFile: dh,
    });
    try {
      assert.equal((await tryTls(s.port, alice())).reply, '+PONG\r\n');
      assert.equal((await tryTls(s.port, { ...alice(), maxVersion: 'TLSv1.2' })).reply, '+PONG\r\n');
    } finally {
      await s.handle.close();
    }
    await assert.rejects(tlsServer({ tlsKeyFile: key, tlsKeyFilePass: 'wrong' }), /Failed to configure TLS/);
    const bad = join(work, 'bad-dh.pem');
    writeFileSync(bad, '-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n');
    const log = memoryLog();
    await assert.rejects(
      createServer({
        port: 0,
        bind: '127.0.0.1',
        tlsPort: await freePort(),
        tlsCertFile: pki.server.cert,
        tlsKeyFile: pki.server.key,
        tlsCaCertFile: pki.ca,
        tlsDhParamsFile: bad,
        log: log.sink,
      }).listen(),
      /Failed to configure TLS\. Check logs for more info\./,
    );
    assert.ok(log.lines.some((l) => l.includes(`${bad}: failed to read DH params.`)));
  });

  it('CONFIG SET reloads certificate and key together; a bad one keeps the old; the same path reloads the file', async () => {
    const live = join(work, 'live');
    mkdirSync(live, { recursive: true });
    const cert = join(live, 'cert.pem');
    const key = join(live, 'key.pem');
    copyFileSync(pki.server.cert, cert);
    copyFileSync(pki.server.key, key);
    const s = await tlsServer({ tlsCertFile: cert, tlsKeyFile: key });
    const admin = await TlsResp.open(s.port, alice());
    try {
      assert.equal((await tryTls(s.port, alice())).peerCN, 'localhost');
      const renewed = pki.serverCert('renewed');
      // The certificate alone does not match the current key: refused, nothing changes.
      assert.deepEqual(await admin.call('CONFIG', 'SET', 'tls-cert-file', renewed.cert), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs.",
      });
      assert.deepEqual(await admin.call('CONFIG', 'GET', 'tls-cert-file'), ['tls-cert-file', cert]);
      assert.equal((await tryTls(s.port, alice())).peerCN, 'localhost');
      assert.ok(s.log.some((l) => l.includes(`Failed to load private key: ${key}:`)));
      // Both at once: applied together.
      assert.deepEqual(
        await admin.call('CONFIG', 'SET', 'tls-cert-file', renewed.cert, 'tls-key-file', renewed.key),
        { status: 'OK' },
      );
      assert.equal((await tryTls(s.port, alice())).peerCN, 'renewed');
      assert.deepEqual(await admin.call('PING'), { status: 'PONG' }, 'established sessions continue');
      // Files replaced in place, then CONFIG SET of the same paths: reloaded.
      assert.deepEqual(await admin.call('CONFIG', 'SET', 'tls-cert-file', cert, 'tls-key-file', key), {
        status: 'OK',
      });
      const third = pki.serverCert('third');
      copyFileSync(third.cert, cert);
      copyFileSync(third.key, key);
      assert.equal((await tryTls(s.port, alice())).peerCN, 'localhost', 'not before CONFIG SET');
      assert.deepEqual(await admin.call('CONFIG', 'SET', 'tls-cert-file', cert), { status: 'OK' });
      assert.equal((await tryTls(s.port, alice())).peerCN, 'third');
    } finally {
      admin.close();
      await s.handle.close();
    }
  });

  it('tls-auto-reload-interval picks up renewed files, and keeps the old ones while the new do not load', async () => {
    const live = join(work, 'auto');
    mkdirSync(live, { recursive: true });
    const cert = join(live, 'cert.pem');
    const key = join(live, 'key.pem');
    copyFileSync(pki.server.cert, cert);
    copyFileSync(pki.server.key, key);
    const s = await tlsServer({ tlsCertFile: cert, tlsKeyFile: key });
    try {
      const tls = s.server.network.tls;
      assert.equal(tls.reloadIfChanged(), false, 'nothing changed');
      const next = pki.serverCert('auto-renewed');
      // Half-way through a renewal (certificate written, key not yet): not applied.
      copyFileSync(next.cert, cert);
      assert.equal(tls.reloadIfChanged(), false);
      assert.ok(s.log.some((l) => l.includes('could not be loaded: keeping the previous certificates')));
      assert.equal((await tryTls(s.port, alice())).peerCN, 'localhost');
      copyFileSync(next.key, key);
      assert.equal(tls.reloadIfChanged(), true);
      assert.equal((await tryTls(s.port, alice())).peerCN, 'auto-renewed');
      // The timer does the same on its own.
      const last = pki.serverCert('by-timer');
      assert.deepEqual(
        await (await TlsResp.open(s.port, alice())).call('CONFIG', 'SET', 'tls-auto-reload-interval', '1'),
        {
          status: 'OK',
        },
      );
      copyFileSync(last.cert, cert);
      copyFileSync(last.key, key);
      await waitFor(
        async () => (await tryTls(s.port, alice())).peerCN === 'by-timer',
        'the timer to reload',
        15000,
      );
      assert.ok(s.log.some((l) => l.includes('TLS certificates reloaded: their files changed.')));
    } finally {
      await s.handle.close();
    }
  });

  it('sessions resume with tls-session-caching yes, not with no', async () => {
    for (const caching of [true, false]) {
      const s = await tlsServer({ tlsSessionCaching: caching });
      try {
        const first = await TlsResp.open(s.port, alice());
        assert.deepEqual(await first.call('PING'), { status: 'PONG' });
        const session = await first.waitSession(caching ? 5000 : 300);
        first.close();
        if (!caching) {
          if (session === undefined) continue;
        } else {
          assert.ok(session !== undefined, 'a session ticket');
        }
        const again = await tryTls(s.port, { ...alice(), session: session as Buffer });
        assert.equal(again.reply, '+PONG\r\n');
        assert.equal(again.reused, caching, `tls-session-caching ${caching}`);
      } finally {
        await s.handle.close();
      }
    }
  });

  it('tls-auth-clients-user CN: the certificate authenticates as that ACL user; an unknown or disabled one does not', async () => {
    const s = await tlsServer({ requirepass: 'secret', tlsAuthClientsUser: 'CN' });
    try {
      const admin = await TlsResp.open(s.port, alice());
      assert.deepEqual(await admin.call('AUTH', 'secret'), { status: 'OK' });
      assert.deepEqual(await admin.call('ACL', 'SETUSER', 'alice', 'on', 'nopass', '~*', '+@all'), {
        status: 'OK',
      });
      assert.deepEqual(await admin.call('ACL', 'SETUSER', 'carol', 'off', 'nopass', '~*', '+@all'), {
        status: 'OK',
      });
      admin.close();
      // The admin connection itself came before user alice existed: one failure already.
      const before = s.server.stats.tlsCertAuthFailures;
      assert.equal(before, 1);
      const a = await TlsResp.open(s.port, alice());
      assert.deepEqual(await a.call('PING'), { status: 'PONG' }, 'no AUTH needed');
      assert.equal(await a.call('ACL', 'WHOAMI'), 'alice');
      a.close();
      assert.equal(s.server.stats.tlsCertAuthFailures, before);
      for (const cn of ['bob', 'carol']) {
        const c = await TlsResp.open(s.port, { ca: pki.ca, ...pki.client(cn) });
        assert.deepEqual(await c.call('PING'), { error: 'NOAUTH Authentication required.' }, cn);
        c.close();
      }
      assert.equal(s.server.stats.tlsCertAuthFailures, before + 2);
      assert.ok(s.log.some((l) => l.includes('(CN "bob") does not name an enabled ACL user')));
      // off: the certificate authenticates nobody.
      const b = await TlsResp.open(s.port, alice());
      assert.deepEqual(await b.call('AUTH', 'secret'), { status: 'OK' });
      assert.deepEqual(await b.call('CONFIG', 'SET', 'tls-auth-clients-user', 'off'), { status: 'OK' });
      assert.deepEqual(await b.call('CONFIG', 'GET', 'tls-auth-clients-user'), [
        'tls-auth-clients-user',
        'off',
      ]);
      b.close();
      const d = await TlsResp.open(s.port, alice());
      assert.deepEqual(await d.call('PING'), { error: 'NOAUTH Authentication required.' });
      d.close();
    } finally {
      await s.handle.close();
    }
  });

  it('TLS handshakes in progress count towards maxclients', async () => {
    const s = await tlsServer({ maxclients: 1 });
    const raw = connect({ port: s.port, host: '127.0.0.1' });
    raw.on('error', () => {});
    try {
      await waitFor(
        () => (s.server.network as unknown as { handshakes: Set<unknown> }).handshakes.size === 1,
        'the first handshake to start',
      );
      const second = await tryTls(s.port, alice());
      assert.equal(second.reply, undefined);
      assert.equal(s.server.stats.rejectedConnections, 1);
    } finally {
      raw.destroy();
      await s.handle.close();
    }
  });

  it('CONFIG SET tls-port opens TLS on a running server (and refuses when the certificates do not load)', async () => {
    const log = memoryLog();
    const h = await createServer({
      port: 0,
      bind: '127.0.0.1',
      tlsCertFile: pki.server.cert,
      tlsKeyFile: pki.server.key,
      log: log.sink,
    }).listen();
    const { RespConnection } = await import('./helpers/resp.js');
    const c = await RespConnection.open(h.address().port);
    try {
      const tlsPort = await freePort();
      // tls-auth-clients yes needs a CA.
      assert.deepEqual(await c.call('CONFIG', 'SET', 'tls-port', String(tlsPort)), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs.",
      });
      assert.ok(
        log.lines.some((l) => l.includes('Either tls-ca-cert-file or tls-ca-cert-dir must be specified')),
      );
      assert.deepEqual(
        await c.call('CONFIG', 'SET', 'tls-ca-cert-file', pki.ca, 'tls-port', String(tlsPort)),
        {
          status: 'OK',
        },
      );
      await waitFor(async () => (await tryTls(tlsPort, alice())).reply === '+PONG\r\n', 'the TLS listener');
      assert.ok(h.addresses().some((a) => a.kind === 'tls' && a.port === tlsPort));
    } finally {
      c.close();
      await h.close();
    }
  });
});

describe('TLS (differential)', { skip: skipReason }, () => {
  let pki: Pki;
  let redis: Awaited<ReturnType<typeof spawnServer>> | undefined;
  let ours: RedoubtServer | undefined;
  let redisPort = 0;
  let oursPort = 0;
  before(async () => {
    pki = makePki();
    const bin = redisServerPath();
    if (bin === null) return;
    redisPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'redoubt-tls-redis-'));
    redis = await spawnServer(
      bin,
      [
        '--port',
        '0',
        '--tls-port',
        String(redisPort),
        '--tls-cert-file',
        pki.server.cert,
        '--tls-key-file',
        pki.server.key,
        '--tls-ca-cert-file',
        pki.ca,
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--dir',
        dir,
      ],
      redisPort,
    );
    oursPort = await freePort();
    ours = await createServer({
      port: 0,
      bind: '127.0.0.1',
      tlsPort: oursPort,
      tlsCertFile: pki.server.cert,
      tlsKeyFile: pki.server.key,
      tlsCaCertFile: pki.ca,
    }).listen();
  });
  after(async () => {
    await redis?.stop();
    await ours?.close();
    pki?.remove();
  });

  it('the same handshakes succeed and fail', async (t) => {
    if (redis === undefined) return t.skip('redis-server not installed');
    const a = { ca: pki.ca, ...pki.client('alice') };
    const cases: [string, Parameters<typeof tryTls>[1]][] = [
      ['client certificate', a],
      ['no certificate', { ca: pki.ca }],
      ['rogue certificate', { ca: pki.ca, ...pki.rogue }],
      ['TLS 1.2', { ...a, maxVersion: 'TLSv1.2' }],
      ['TLS 1.1', { ...a, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' }],
    ];
    for (const [name, opts] of cases) {
      const [x, y] = await Promise.all([tryTls(oursPort, opts), tryTls(redisPort, opts)]);
      assert.equal(x.reply, y.reply, `${name}: reply`);
      assert.equal(x.protocol, y.protocol, `${name}: protocol`);
    }
  });

  it('the same CONFIG SET replies for TLS directives', async (t) => {
    if (redis === undefined || ours === undefined) return t.skip('redis-server not installed');
    const a = { ca: pki.ca, ...pki.client('alice') };
    const x = await TlsResp.open(oursPort, a);
    const y = await TlsResp.open(redisPort, a);
    try {
      const sets: string[][] = [
        ['tls-cert-file', '/nonexistent/cert.pem'],
        ['tls-key-file', '/nonexistent/key.pem'],
        ['tls-protocols', 'TLSv1.2 bogus'],
        ['tls-ciphers', 'NOPE'],
        ['tls-ciphersuites', 'NOPE'],
        ['tls-ca-cert-file', ''],
        ['tls-dh-params-file', '/nonexistent/dh.pem'],
        ['tls-cert-file', pki.server.cert],
        ['tls-auth-clients', 'maybe'],
        ['tls-auth-clients', 'optional'],
        ['tls-auth-clients', 'yes'],
        ['tls-session-cache-size', '-1'],
        ['tls-session-cache-size', '100'],
        ['tls-session-cache-timeout', '60'],
        ['tls-session-caching', 'no'],
        ['tls-session-caching', 'yes'],
        ['tls-prefer-server-ciphers', 'yes'],
        ['tls-protocols', 'TLSv1.3'],
        ['tls-protocols', ''],
        ['tls-ciphers', ''],
        ['tls-ciphersuites', ''],
      ];
      for (const [name, value] of sets) {
        const [rx, ry] = await Promise.all([
          x.raw('CONFIG', 'SET', name as string, value as string),
          y.raw('CONFIG', 'SET', name as string, value as string),
        ]);
        assert.equal(rx.toString('latin1'), ry.toString('latin1'), `CONFIG SET ${name} ${value}`);
      }
      for (const name of ['tls-*']) {
        const [rx, ry] = await Promise.all([x.call('CONFIG', 'GET', name), y.call('CONFIG', 'GET', name)]);
        const pairs = (v: unknown): string[] => {
          const arr = v as string[];
          const out: string[] = [];
          for (let i = 0; i < arr.length; i += 2)
            if (!['tls-port', 'tls-auto-reload-interval', 'tls-auth-clients-user'].includes(arr[i] as string))
              out.push(`${arr[i]}=${arr[i + 1]}`);
          return out.sort();
        };
        assert.deepEqual(pairs(rx), pairs(ry));
      }
    } finally {
      x.close();
      y.close();
    }
  });
});

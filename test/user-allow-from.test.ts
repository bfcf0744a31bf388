/**
 * `user-allow-from <user> <cidr> [...]` (beyond Redis): a listed user can
 * authenticate only from its networks; from elsewhere AUTH, HELLO AUTH and TLS
 * client certificates fail as a wrong password would (WRONGPASS, ACL LOG entry),
 * even with the right password. Sources are real loopback addresses (127.0.0.1
 * vs 127.0.0.2 through `localAddress`, and ::1).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Config } from '../src/config/config.js';
import { ConfigFileError, parseConfigText, readConfigFile } from '../src/config/parser.js';
import { createServer, type RedoubtServer } from '../src/index.js';
import { makePki, opensslUnavailable } from './helpers/pki.js';
import { RespConnection } from './helpers/resp.js';
import { memoryLog, tmp } from './helpers/security.js';
import { freePort } from './helpers/servers.js';
import { TlsResp } from './helpers/tls-client.js';

const WRONGPASS = { error: 'WRONGPASS invalid username-password pair or user is disabled.' };
const OK = { status: 'OK' };

describe('user-allow-from', () => {
  let dir: string;
  let conf: string;
  let h: RedoubtServer;
  let port: number;
  const log = memoryLog();
  const from = (source: string): Promise<RespConnection> => RespConnection.open(port, '127.0.0.1', source);

  before(async () => {
    dir = tmp();
    conf = join(dir, 'redoubt.conf');
    writeFileSync(
      conf,
      [
        'user default on >defaultpw ~* &* +@all',
        'user alice on >alicepw ~* &* +@all',
        'user carol on >carolpw ~* &* +@all',
        'user dave on >davepw ~* &* +@all',
        'user-allow-from alice 127.0.0.1/32',
        // A second line for the same user adds networks.
        'user-allow-from alice ::1',
        // IPv4-mapped IPv6 CIDR: the IPv4 network 127.0.0.0/8.
        'user-allow-from dave ::ffff:127.0.0.0/104',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    h = await createServer({
      configFile: conf,
      port: 0,
      bind: ['127.0.0.1', '-::1'],
      log: log.sink,
    }).listen();
    port = h.address().port;
  });

  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a listed user authenticates only from its networks; others are not restricted', async () => {
    const near = await from('127.0.0.1');
    assert.deepEqual(await near.call('AUTH', 'alice', 'alicepw'), OK);
    assert.equal(await near.call('ACL', 'WHOAMI'), 'alice');
    const far = await from('127.0.0.2');
    assert.deepEqual(await far.call('AUTH', 'alice', 'alicepw'), WRONGPASS);
    assert.deepEqual(await far.call('HELLO', '3', 'AUTH', 'alice', 'alicepw'), WRONGPASS);
    assert.deepEqual(
      await far.call('AUTH', 'alice', 'wrong'),
      WRONGPASS,
      'the same reply as a wrong password',
    );
    assert.deepEqual(await far.call('PING'), { error: 'NOAUTH Authentication required.' });
    assert.deepEqual(await far.call('AUTH', 'carol', 'carolpw'), OK, 'carol is not listed');
    assert.deepEqual(await far.call('AUTH', 'dave', 'davepw'), OK, '127.0.0.2 is in ::ffff:127.0.0.0/104');
    // ACL LOG: an `auth` entry per refusal, as for a wrong password.
    const entries = (await near.call('ACL', 'LOG')) as unknown[][];
    const field = (e: unknown[], k: string): unknown => e[e.indexOf(k) + 1];
    const alice = entries.find((e) => field(e, 'username') === 'alice' && field(e, 'reason') === 'auth');
    assert.ok(alice !== undefined, JSON.stringify(entries));
    assert.equal(field(alice, 'count'), 2, 'AUTH twice (HELLO is its own entry)');
    assert.ok(log.lines.some((l) => l.includes("Authentication as user 'alice' from 127.0.0.2:")));
    near.close();
    far.close();
  });

  it('IPv6: ::1 is one of alice’s networks', async () => {
    const v6 = h.server.addresses().find((a) => a.host === '::1');
    if (v6 === undefined) return;
    const c = await RespConnection.open(v6.port, '::1');
    assert.deepEqual(await c.call('AUTH', 'alice', 'alicepw'), OK);
    assert.deepEqual(await c.call('AUTH', 'dave', 'davepw'), WRONGPASS, 'dave: IPv4 127/8 only');
    c.close();
  });

  it('CONFIG GET / SET (the whole table) / REWRITE', async () => {
    const admin = await from('127.0.0.1');
    assert.deepEqual(await admin.call('AUTH', 'defaultpw'), OK);
    assert.deepEqual(await admin.call('CONFIG', 'GET', 'user-allow-from'), [
      'user-allow-from',
      'alice 127.0.0.1/32 ::1 dave ::ffff:127.0.0.0/104',
    ]);
    assert.deepEqual(
      await admin.call('CONFIG', 'SET', 'user-allow-from', 'alice 127.0.0.2 10.0.0.0/8 carol ::1'),
      OK,
    );
    const far = await from('127.0.0.2');
    assert.deepEqual(await far.call('AUTH', 'alice', 'alicepw'), OK);
    assert.deepEqual(await far.call('AUTH', 'dave', 'davepw'), OK, 'dave is no longer listed');
    assert.deepEqual(await far.call('AUTH', 'carol', 'carolpw'), WRONGPASS);
    const near = await from('127.0.0.1');
    assert.deepEqual(await near.call('AUTH', 'alice', 'alicepw'), WRONGPASS);
    const bad = (value: string, reason: string) =>
      admin.call('CONFIG', 'SET', 'user-allow-from', value).then((r) =>
        assert.deepEqual(r, {
          error: `ERR CONFIG SET failed (possibly related to argument 'user-allow-from') - ${reason}`,
        }),
      );
    await bad(
      'alice 10.0.0.300',
      "Invalid user-allow-from network '10.0.0.300': expected an IP address or a CIDR block.",
    );
    await bad('alice', "user-allow-from: no network given for user 'alice'.");
    await bad(
      'alice 10.0.0.0/33',
      "Invalid user-allow-from network '10.0.0.0/33': expected an IP address or a CIDR block.",
    );
    await bad('alice 127.0.0.1 bob', "user-allow-from: no network given for user 'bob'.");
    assert.deepEqual(await admin.call('CONFIG', 'GET', 'user-allow-from'), [
      'user-allow-from',
      'alice 127.0.0.2 10.0.0.0/8 carol ::1',
    ]);
    assert.deepEqual(await admin.call('CONFIG', 'REWRITE'), OK);
    const text = readFileSync(conf, 'latin1');
    assert.ok(text.includes('user-allow-from alice 127.0.0.2 10.0.0.0/8\nuser-allow-from carol ::1\n'), text);
    assert.ok(!text.includes('dave ::ffff'), text);
    // The rewritten file loads back to the same table.
    const again = Config.fromLines(readConfigFile(conf));
    assert.equal(again.show('user-allow-from'), 'alice 127.0.0.2 10.0.0.0/8 carol ::1');
    // "" clears it.
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'user-allow-from', ''), OK);
    assert.deepEqual(await near.call('AUTH', 'alice', 'alicepw'), OK);
    assert.deepEqual(await admin.call('CONFIG', 'REWRITE'), OK);
    assert.ok(!readFileSync(conf, 'latin1').includes('user-allow-from'));
    for (const c of [admin, far, near]) c.close();
  });

  it('config-file errors name the line', () => {
    const cases: [string, RegExp][] = [
      ['user-allow-from alice', /needs a username and at least one address/],
      ['user-allow-from alice 10.0.0.300', /Invalid user-allow-from network '10\.0\.0\.300'/],
      ['user-allow-from alice 10.0.0.0/33', /Invalid user-allow-from network '10\.0\.0\.0\/33'/],
      ['user-allow-from alice fe80::1%eth0', /Invalid user-allow-from network/],
    ];
    for (const [text, reason] of cases) {
      assert.throws(
        () => Config.fromLines(parseConfigText(`hz 10\n${text}\n`, 'x.conf')),
        (err: unknown) => err instanceof ConfigFileError && err.line === 2 && reason.test(err.reason),
        text,
      );
    }
  });
});

describe('user-allow-from and TLS client certificates', () => {
  it('a certificate authenticates its CN only from the user’s networks', async (t) => {
    const why = opensslUnavailable();
    if (why !== undefined) return t.skip(why);
    const pki = makePki();
    const log = memoryLog();
    const tlsPort = await freePort();
    // With a tls-port, `port 0` would mean TLS only: the admin connection uses plain TCP.
    const tcpPort = await freePort();
    const h = await createServer({
      port: tcpPort,
      bind: '127.0.0.1',
      tlsPort,
      tlsCertFile: pki.server.cert,
      tlsKeyFile: pki.server.key,
      tlsCaCertFile: pki.ca,
      tlsAuthClientsUser: 'CN',
      requirepass: 'defaultpw',
      userAllowFrom: ['alice', '127.0.0.1'],
      log: log.sink,
    }).listen();
    try {
      const admin = await RespConnection.open(tcpPort);
      assert.deepEqual(await admin.call('AUTH', 'defaultpw'), OK);
      assert.deepEqual(await admin.call('ACL', 'SETUSER', 'alice', 'on', 'nopass', '~*', '+@all'), OK);
      const cert = { ca: pki.ca, ...pki.client('alice') };
      const near = await TlsResp.open(tlsPort, cert);
      assert.equal(await near.call('ACL', 'WHOAMI'), 'alice');
      near.close();
      const before = h.server.stats.tlsCertAuthFailures;
      const far = await TlsResp.open(tlsPort, { ...cert, localAddress: '127.0.0.2' });
      assert.deepEqual(await far.call('PING'), { error: 'NOAUTH Authentication required.' });
      far.close();
      assert.equal(h.server.stats.tlsCertAuthFailures, before + 1);
      assert.ok(
        log.lines.some((l) =>
          l.includes('(CN "alice") names a user that may not authenticate from this address'),
        ),
      );
      const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
      const field = (e: unknown[], k: string): unknown => e[e.indexOf(k) + 1];
      assert.ok(
        entries.some((e) => field(e, 'username') === 'alice' && field(e, 'object') === 'tls-certificate'),
        JSON.stringify(entries),
      );
      admin.close();
    } finally {
      await h.close();
      pki.remove();
    }
  });
});

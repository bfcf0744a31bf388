/**
 * `auth-max-failures` (beyond Redis): per client address, a one-minute window
 * from the first failure; past the limit AUTH and HELLO AUTH from that address
 * are refused (even with the right password) until the window ends, without
 * affecting other addresses (127.0.0.2: Linux routes all of 127/8 to lo).
 * Window expiry is tested by moving the throttle's clock, never by sleeping.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServer, type RedoubtServer } from '../src/index.js';
import { AuthThrottle, addressKey, MAX_TRACKED, WINDOW_MS } from '../src/security/auth-throttle.js';
import { RespConnection } from './helpers/resp.js';
import { eventsOf, memoryLog, readAudit, tmp } from './helpers/security.js';

const WRONGPASS = { error: 'WRONGPASS invalid username-password pair or user is disabled.' };
const throttled = (seconds: number) => ({
  error: `ERR Too many failed authentication attempts from this address (auth-max-failures): try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
});

/** A clock the test moves by hand. */
function fakeClock(h: RedoubtServer): { advance(ms: number): void } {
  let now = 1_000_000;
  h.server.security.throttle.clock = () => now;
  return {
    advance(ms) {
      now += ms;
    },
  };
}

describe('auth-max-failures', () => {
  it('refuses AUTH and HELLO AUTH from an address past its failures, until the window ends; other addresses are unaffected', async () => {
    const dir = tmp();
    const log = memoryLog();
    const h = await createServer({
      port: 0,
      bind: '127.0.0.1',
      requirepass: 'rightpw',
      authMaxFailures: 3,
      dir,
      auditLogFile: 'audit.log',
      log: log.sink,
    }).listen();
    const clock = fakeClock(h);
    const port = h.address().port;
    try {
      const a = await RespConnection.open(port);
      for (let i = 0; i < 3; i++) assert.deepEqual(await a.call('AUTH', `wrong${i}`), WRONGPASS);
      // The right password is refused too: the throttle must not be an oracle.
      assert.deepEqual(await a.call('AUTH', 'rightpw'), throttled(60));
      assert.deepEqual(await a.call('AUTH', 'default', 'rightpw'), throttled(60));
      assert.deepEqual(await a.call('HELLO', '3', 'AUTH', 'default', 'rightpw'), throttled(60));
      assert.deepEqual(await a.call('PING'), { error: 'NOAUTH Authentication required.' });
      // The address, not the connection.
      const a2 = await RespConnection.open(port);
      clock.advance(59_000);
      assert.deepEqual(await a2.call('AUTH', 'rightpw'), throttled(1));
      // Another address: unaffected.
      const b = await RespConnection.open(port, '127.0.0.1', '127.0.0.2');
      assert.deepEqual(await b.call('AUTH', 'rightpw'), { status: 'OK' });
      // The window ends one minute after the first failure.
      clock.advance(1_000);
      assert.deepEqual(await a2.call('AUTH', 'rightpw'), { status: 'OK' });
      assert.ok(Array.isArray(await a.call('HELLO', '2', 'AUTH', 'default', 'rightpw')));
      // Logged once, audited once.
      assert.equal(log.lines.filter((l) => l.includes('Authentication from 127.0.0.1 throttled')).length, 1);
      const audit = readAudit(join(dir, 'audit.log'));
      const t = eventsOf(audit, 'auth-throttled');
      assert.equal(t.length, 1);
      assert.equal(t[0]?.source, '127.0.0.1');
      assert.equal(t[0]?.failures, 3);
      assert.equal(eventsOf(audit, 'auth-failed').length, 3, 'refused attempts are not failures');
      // Refused attempts did not count as failures: a new window allows 3 again.
      for (let i = 0; i < 2; i++) assert.deepEqual(await a.call('AUTH', `wrong${i}`), WRONGPASS);
      assert.deepEqual(await a.call('AUTH', 'rightpw'), { status: 'OK' });
      for (const c of [a, a2, b]) c.close();
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defaults to 10; CONFIG SET auth-max-failures 0 disables it at once', async () => {
    const h = await createServer({ port: 0, bind: '127.0.0.1', requirepass: 'rightpw' }).listen();
    fakeClock(h);
    try {
      const c = await RespConnection.open(h.address().port);
      for (let i = 0; i < 10; i++) assert.deepEqual(await c.call('AUTH', 'nope'), WRONGPASS);
      assert.deepEqual(await c.call('AUTH', 'rightpw'), throttled(60));
      const admin = await RespConnection.open(h.address().port, '127.0.0.1', '127.0.0.2');
      assert.deepEqual(await admin.call('AUTH', 'rightpw'), { status: 'OK' });
      assert.deepEqual(await admin.call('CONFIG', 'GET', 'auth-max-failures'), ['auth-max-failures', '10']);
      assert.deepEqual(await admin.call('CONFIG', 'SET', 'auth-max-failures', '0'), { status: 'OK' });
      assert.deepEqual(await c.call('AUTH', 'rightpw'), { status: 'OK' });
      for (let i = 0; i < 30; i++) assert.deepEqual(await c.call('AUTH', 'nope'), WRONGPASS);
      assert.deepEqual(await c.call('AUTH', 'rightpw'), { status: 'OK' });
      assert.equal(h.server.security.throttle.tracked, 0);
      assert.deepEqual(await admin.call('CONFIG', 'SET', 'auth-max-failures', '-1'), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'auth-max-failures') - argument must be between 0 and 2147483647 inclusive",
      });
      c.close();
      admin.close();
    } finally {
      await h.close();
    }
  });
});

describe('AuthThrottle', () => {
  it('keys: IPv4, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('2001:db8:0:0:ffff::2'), '2001:db8:0:0::/64');
    assert.equal(addressKey('2001:0db8:0000:0001::1'), '2001:db8:0:1::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey(''), 'unknown');
  });

  it('bounded memory: at most MAX_TRACKED addresses, the oldest window dropped first; expired ones pruned', () => {
    const t = new AuthThrottle(2);
    let now = 0;
    t.clock = () => now;
    assert.equal(t.failed('first'), false);
    assert.equal(t.failed('first'), true, 'the limit is reached');
    assert.equal(t.refusal('first'), 60);
    for (let i = 0; i < MAX_TRACKED + 100; i++) t.failed(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(t.tracked, MAX_TRACKED);
    assert.equal(t.refusal('first'), 0, 'the oldest window was dropped');
    // Once the windows are over, each new failure prunes a few expired ones.
    now += WINDOW_MS;
    for (let i = 0; i < 100; i++) t.failed(`new${i}`);
    assert.ok(t.tracked <= MAX_TRACKED - 100 * 7, `tracked ${t.tracked}`);
    t.setLimit(0);
    assert.equal(t.tracked, 0);
    assert.equal(t.failed('x'), false);
    assert.equal(t.refusal('x'), 0);
  });
});

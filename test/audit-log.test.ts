/**
 * The audit log (`audit-log-file`, beyond Redis), with real sockets and real
 * files: one ASCII JSON line per security event (authentication and its
 * failures, ACL denials, CONFIG SET / REWRITE, ACL SETUSER / DELUSER / LOAD /
 * SAVE, allow-from and protected-mode refusals, cross-protocol attempts), a
 * 0600 file reopened after rotation, never a password, value or key name in
 * it (nor in the server log), and write failures that do not stop the server.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigFileError, createServer, type RedoubtServer } from '../src/index.js';
import { RespConnection } from './helpers/resp.js';
import { eventsOf, memoryLog, readAudit, tmp, untilClosed, waitFor } from './helpers/security.js';

/** Every secret and value the scenario sends: none may reach the audit log or the server log. */
const SECRETS = [
  'defaultpw1',
  'wrongpw1',
  'wrongpw2',
  'adminpw1',
  'ropw1',
  'alicepw1',
  'newrequirepw',
  'bobsecretpw',
  'topsecretvalue',
  'forbiddenkeyname',
  'notamemoryvalue',
];

describe('audit log: every security event, one JSON line each', () => {
  let dir: string;
  let h: RedoubtServer;
  let port: number;
  let auditPath: string;
  const log = memoryLog();

  before(async () => {
    dir = tmp();
    writeFileSync(
      join(dir, 'users.acl'),
      [
        'user default on >defaultpw1 ~* &* +@all',
        'user admin on >adminpw1 ~* &* +@all',
        'user ro on >ropw1 ~allowed:* -@all +get',
        'user alice on >alicepw1 ~* &* +@all',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const conf = join(dir, 'redoubt.conf');
    writeFileSync(
      conf,
      [
        `dir ${dir}`,
        'aclfile users.acl',
        'audit-log-file audit.log',
        'logfile redoubt.log',
        'loglevel verbose',
        'user-allow-from alice 127.0.0.1',
        'allow-from 127.0.0.0/30',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    h = await createServer({ configFile: conf, port: 0, bind: '127.0.0.1', log: log.sink }).listen();
    port = h.address().port;
    auditPath = join(dir, 'audit.log');
  });

  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records authentication, denials, administrative commands and refusals; no secret anywhere', async () => {
    const a = await RespConnection.open(port);
    assert.match(JSON.stringify(await a.call('AUTH', 'admin', 'wrongpw1')), /WRONGPASS/);
    assert.match(JSON.stringify(await a.call('AUTH', 'nosuchuser', 'wrongpw2')), /WRONGPASS/);
    assert.deepEqual(await a.call('AUTH', 'admin', 'adminpw1'), { status: 'OK' });
    assert.ok(
      Array.isArray(await a.call('HELLO', '2', 'AUTH', 'admin', 'adminpw1', 'SETNAME', 'ops-console')),
    );
    assert.deepEqual(await a.call('SET', 'k', 'topsecretvalue'), { status: 'OK' });
    assert.deepEqual(await a.call('CONFIG', 'SET', 'requirepass', 'newrequirepw', 'hz', '11'), {
      status: 'OK',
    });
    assert.match(
      JSON.stringify(await a.call('CONFIG', 'SET', 'maxmemory', 'notamemoryvalue')),
      /CONFIG SET failed/,
    );
    assert.match(JSON.stringify(await a.call('CONFIG', 'SET', 'dir', '/tmp')), /protected config/);
    assert.deepEqual(await a.call('ACL', 'SETUSER', 'bob', 'on', '>bobsecretpw', '~*', '+@all'), {
      status: 'OK',
    });
    assert.match(JSON.stringify(await a.call('ACL', 'SETUSER', 'bob', '<bobsecretpwX')), /ERR/);
    assert.equal(await a.call('ACL', 'DELUSER', 'bob', 'nosuch'), 1);
    assert.deepEqual(await a.call('ACL', 'SAVE'), { status: 'OK' });
    assert.deepEqual(await a.call('CONFIG', 'REWRITE'), { status: 'OK' });

    const ro = await RespConnection.open(port);
    assert.deepEqual(await ro.call('AUTH', 'ro', 'ropw1'), { status: 'OK' });
    assert.match(JSON.stringify(await ro.call('SET', 'allowed:1', 'topsecretvalue')), /NOPERM/);
    assert.match(JSON.stringify(await ro.call('GET', 'forbiddenkeyname')), /NOPERM/);
    ro.close();

    // alice may authenticate only from 127.0.0.1.
    const far = await RespConnection.open(port, '127.0.0.1', '127.0.0.2');
    assert.deepEqual(await far.call('AUTH', 'alice', 'alicepw1'), {
      error: 'WRONGPASS invalid username-password pair or user is disabled.',
    });
    far.close();
    const near = await RespConnection.open(port);
    assert.deepEqual(await near.call('AUTH', 'alice', 'alicepw1'), { status: 'OK' });
    near.close();

    // allow-from 127.0.0.0/30: 127.0.0.5 is closed at accept.
    assert.deepEqual(await untilClosed(port, '127.0.0.5'), { data: '', closed: true });
    // An HTTP request: closed without a reply.
    const http = await untilClosed(port, '127.0.0.1', 'POST / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(http.closed, true);

    // Last: ACL LOAD disconnects the clients of the users it replaces.
    assert.deepEqual(await a.call('ACL', 'LOAD'), { status: 'OK' });
    a.close();

    const lines = readAudit(auditPath);
    const one = (event: string, match: Record<string, unknown>) => {
      const found = eventsOf(lines, event, match);
      assert.equal(
        found.length,
        1,
        `${event} ${JSON.stringify(match)} in\n${lines.map((l) => JSON.stringify(l)).join('\n')}`,
      );
      return found[0] as Record<string, unknown>;
    };
    const failed = one('auth-failed', { user: 'admin', via: 'auth', reason: 'credentials' });
    assert.match(failed.addr as string, /^127\.0\.0\.1:\d+$/);
    assert.match(failed.laddr as string, new RegExp(`^127\\.0\\.0\\.1:${port}$`));
    assert.equal(typeof failed.id, 'number');
    assert.equal(failed.name, '');
    one('auth-failed', { user: 'nosuchuser', reason: 'credentials' });
    one('auth', { user: 'admin', via: 'auth' });
    // HELLO authenticates before SETNAME applies.
    one('auth', { user: 'admin', via: 'hello' });
    one('config-set', {
      command: 'config|set',
      params: ['requirepass', 'hz'],
      result: 'ok',
      user: 'admin',
      name: 'ops-console',
    });
    one('config-set', { params: ['maxmemory'], result: 'error' });
    one('config-set', { params: ['dir'], result: 'error' });
    one('acl-setuser', { command: 'acl|setuser', target: 'bob', result: 'ok' });
    one('acl-setuser', { target: 'bob', result: 'error' });
    one('acl-deluser', { targets: ['bob', 'nosuch'], deleted: 1 });
    one('acl-save', { result: 'ok' });
    one('config-rewrite', { command: 'config|rewrite', result: 'ok' });
    one('acl-load', { command: 'acl|load', user: 'admin', result: 'ok' });
    one('acl-denied', { user: 'ro', command: 'set', reason: 'command' });
    one('acl-denied', { user: 'ro', command: 'get', reason: 'key' });
    const net = one('auth-failed', { user: 'alice', reason: 'network' });
    assert.match(net.addr as string, /^127\.0\.0\.2:\d+$/);
    one('auth', { user: 'alice' });
    const refused = one('connection-refused', { reason: 'allow-from' });
    assert.match(refused.addr as string, /^127\.0\.0\.5:\d+$/);
    assert.equal(refused.user, undefined);
    one('cross-protocol', { command: 'post' });
    // Every line starts with time and event.
    for (const l of lines) assert.deepEqual(Object.keys(l).slice(0, 2), ['time', 'event']);

    assert.equal(statSync(auditPath).mode & 0o777, 0o600);
    const audit = readFileSync(auditPath, 'latin1');
    const serverLog = readFileSync(join(dir, 'redoubt.log'), 'latin1');
    for (const secret of SECRETS) {
      assert.ok(!audit.includes(secret), `the audit log holds ${secret}`);
      assert.ok(!serverLog.includes(secret), `the server log holds ${secret}`);
    }
  });

  it('the alice refusal is also an ACL LOG `auth` entry; audit-log-file cannot be changed at run time', async () => {
    const c = await RespConnection.open(port);
    assert.deepEqual(await c.call('AUTH', 'admin', 'adminpw1'), { status: 'OK' });
    const entries = (await c.call('ACL', 'LOG')) as unknown[][];
    const alice = entries.find(
      (e) => e[e.indexOf('username') + 1] === 'alice' && e[e.indexOf('reason') + 1] === 'auth',
    );
    assert.ok(alice !== undefined, JSON.stringify(entries));
    assert.deepEqual(await c.call('CONFIG', 'GET', 'audit-log-file'), ['audit-log-file', 'audit.log']);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'audit-log-file', '/tmp/elsewhere'), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'audit-log-file') - can't set immutable config",
    });
    c.close();
  });
});

describe('audit log: protected mode, rotation, failures', () => {
  it('records protected-mode refusals; reopens the file after rotation; a failed write is logged, the server goes on', async () => {
    const dir = tmp();
    const log = memoryLog();
    const h = await createServer({
      port: 0,
      bind: '127.0.0.1',
      dir,
      auditLogFile: 'audit.log',
      log: log.sink,
    }).listen();
    const { port } = h.address();
    const path = join(dir, 'audit.log');
    try {
      // The default user has no password: protected mode serves 127.0.0.1 only.
      const denied = await untilClosed(port, '127.0.0.2');
      assert.match(denied.data, /^-DENIED Redis is running in protected mode/);
      const first = eventsOf(readAudit(path), 'connection-refused', { reason: 'protected-mode' });
      assert.equal(first.length, 1);
      assert.match(first[0]?.addr as string, /^127\.0\.0\.2:\d+$/);

      // logrotate moves the file away: the next line goes to a new 0600 file.
      renameSync(path, `${path}.1`);
      await untilClosed(port, '127.0.0.3');
      assert.equal(readAudit(`${path}.1`).length, 1);
      const rotated = readAudit(path);
      assert.equal(rotated.length, 1);
      assert.match(rotated[0]?.addr as string, /^127\.0\.0\.3:/);
      assert.equal(statSync(path).mode & 0o777, 0o600);

      // A write that fails (here: a descriptor not open for writing) is reported, not fatal.
      const audit = h.server.security.audit as unknown as { fd: number };
      const writable = audit.fd;
      const readOnly = openSync(path, 'r');
      audit.fd = readOnly;
      try {
        await untilClosed(port, '127.0.0.2');
        await waitFor(
          () => log.lines.some((l) => l.includes('Audit log') && l.includes('write failed')),
          'the warning',
        );
        const c = await RespConnection.open(port);
        assert.deepEqual(await c.call('PING'), { status: 'PONG' });
        c.close();
      } finally {
        audit.fd = writable;
        closeSync(readOnly);
      }
      await untilClosed(port, '127.0.0.2');
      assert.equal(eventsOf(readAudit(path), 'connection-refused').length, 2, 'writing resumes');
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('start-up fails when the file cannot be opened or is not a regular file', async () => {
    const dir = tmp();
    try {
      assert.throws(
        () => createServer({ port: 0, bind: '127.0.0.1', dir, auditLogFile: 'missing/audit.log' }),
        (err: unknown) =>
          err instanceof ConfigFileError &&
          /Can't open the audit log file .*missing\/audit\.log: No such file or directory/.test(err.reason),
      );
      assert.throws(
        () => createServer({ port: 0, bind: '127.0.0.1', dir, auditLogFile: dir }),
        (err: unknown) => err instanceof ConfigFileError && /not a regular file/.test(err.reason),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is off by default: no file, no cost', async () => {
    const h = await createServer({ port: 0, bind: '127.0.0.1' }).listen();
    try {
      assert.equal(h.server.security.audit.enabled, false);
      const c = await RespConnection.open(h.address().port);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'audit-log-file'), ['audit-log-file', '']);
      c.close();
    } finally {
      await h.close();
    }
  });
});

/**
 * The default user, requirepass, aclfiles and `user` lines, differential against
 * redis-server 7.0 where Redis can be driven the same way: ACL LOAD (all or
 * nothing, every error with file and line), ACL SAVE (and its 0600 file), the
 * requirepass / aclfile interplay, CONFIG REWRITE of users, start-up errors, the
 * `user` line / aclfile exclusivity of a spawned bin/redoubt-server, and the
 * hardening guide's example end to end through ioredis and redis-cli.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ConfigFileError, createServer } from '../src/index.js';
import { canonicalRules, sameRules } from './helpers/acl.js';
import { type Comparator, Differential, exact } from './helpers/diff.js';
import { type Arg, parse, RespConnection } from './helpers/resp.js';
import {
  freePort,
  redisServerPath,
  spawnServer,
  startRedoubt,
  startRedoubtProcess,
} from './helpers/servers.js';

/** HELLO's reply carries the connection id: compare the rest. */
const sameButId: Comparator = (a, b, args) => {
  const mask = (buf: Buffer): string => {
    const v = parse(buf)[0];
    if (!Array.isArray(v)) return JSON.stringify(v);
    return JSON.stringify(v.map((x, i) => (i > 0 && v[i - 1] === 'id' ? 'ID' : x)));
  };
  assert.equal(mask(a), mask(b), JSON.stringify(args.map(String)));
};

type Pair = [RespConnection, RespConnection];

async function on(c: Pair, cmp: Comparator, ...args: Arg[]): Promise<void> {
  const [x, y] = await Promise.all([c[0].raw(...args), c[1].raw(...args)]);
  cmp(x, y, args);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'redoubt-acl-'));

describe('the default user and requirepass (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('default off or with a password: NOAUTH, AUTH and HELLO as Redis; requirepass is its password', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const main: Pair = [d.redoubt, d.redis];
    await on(main, exact, 'ACL', 'SETUSER', 'admin', 'on', '>adm', '+@all', '~*', '&*');
    const admin = await d.pair();
    await on(admin, exact, 'AUTH', 'admin', 'adm');
    await on(admin, exact, 'ACL', 'SETUSER', 'default', 'off');
    // Redoubt disconnects the disabled default user's connections (Redis keeps them).
    assert.ok(await d.redoubt.waitClosed());
    assert.deepEqual(await d.redis.call('PING'), { status: 'PONG' });
    let c = await d.pair();
    for (const args of [['PING'], ['AUTH', 'x'], ['AUTH', 'default', 'x'], ['HELLO', '3'], ['GET', 'k']])
      await on(c, exact, ...args);
    await on(c, sameButId, 'HELLO', '2', 'AUTH', 'admin', 'adm');
    await on(c, exact, 'ACL', 'WHOAMI');
    await on(admin, exact, 'ACL', 'SETUSER', 'default', 'on', 'resetpass', '>dpw');
    c = await d.pair();
    for (const args of [['PING'], ['AUTH', 'x'], ['AUTH', 'dpw'], ['PING'], ['ACL', 'WHOAMI']])
      await on(c, exact, ...args);
    await on(admin, exact, 'CONFIG', 'SET', 'requirepass', 'rp');
    await on(admin, sameRules, 'ACL', 'GETUSER', 'default');
    c = await d.pair();
    for (const args of [['PING'], ['HELLO', '3'], ['AUTH', 'dpw'], ['AUTH', 'rp'], ['PING']])
      await on(c, exact, ...args);
    await on(admin, exact, 'CONFIG', 'SET', 'requirepass', '');
    await on(admin, sameRules, 'ACL', 'GETUSER', 'default');
    c = await d.pair();
    for (const args of [['PING'], ['AUTH', 'x'], ['ACL', 'WHOAMI']]) await on(c, exact, ...args);
    await on(admin, exact, 'ACL', 'SETUSER', 'default', 'off', 'nopass');
    c = await d.pair();
    for (const args of [['PING'], ['AUTH', 'x'], ['AUTH', 'default', 'x']]) await on(c, exact, ...args);
    await on(admin, exact, 'ACL', 'SETUSER', 'default', 'on');
    await on(admin, sameRules, 'ACL', 'LIST');
  });
});

describe('requirepass at start-up', () => {
  it('requirepass sets the default user’s password; AUTH is required', async () => {
    const h = await createServer({ port: 0, bind: '127.0.0.1', requirepass: 's3cret' }).listen();
    try {
      const acl = h.server.acl;
      assert.equal(h.server.authRequired(), true);
      assert.equal(h.server.defaultUserIsOpen(), false);
      assert.equal(h.server.checkPassword('default', 's3cret'), true);
      assert.equal(h.server.checkPassword('default', 'nope'), false);
      assert.equal(acl.describe(acl.defaultUser).startsWith('on #'), true);
    } finally {
      await h.close();
    }
  });

  it('a `user default` line wins over requirepass, as in Redis', async () => {
    const dir = tmp();
    const conf = join(dir, 'r.conf');
    writeFileSync(conf, 'requirepass rp\nuser default on >fromline ~* &* +@all\n');
    const s = createServer({ port: 0, bind: '127.0.0.1', configFile: conf });
    try {
      assert.equal(s.server.checkPassword('default', 'fromline'), true);
      assert.equal(s.server.checkPassword('default', 'rp'), false);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aclfile: ACL LOAD and ACL SAVE (differential)', () => {
  let d: Differential | null = null;
  const dirs: string[] = [];
  const write = (content: string): void => {
    for (const dir of dirs) writeFileSync(join(dir, 'users.acl'), content);
  };
  before(async () => {
    if (redisServerPath() === null) return;
    dirs.push(tmp(), tmp());
    write('user alice on >a ~a* +get\nuser bob on >b ~* +@all\n');
    d = await Differential.start({
      redoubt: { dir: dirs[0] as string, aclfile: 'users.acl', requirepass: 'ignored' },
      redis: ['--dir', dirs[1] as string, '--aclfile', 'users.acl', '--requirepass', 'ignored'],
    });
  });
  after(async () => {
    await d?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('requirepass is ignored with an aclfile: the file’s (or a fresh) default user', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all(
      [['PING'], ['ACL', 'LIST'], ['CONFIG', 'GET', 'requirepass'], ['CONFIG', 'GET', 'aclfile']],
      sameRules,
    );
  });

  it('a bad file changes nothing and every error names file and line, as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const before = await d.same(['ACL', 'LIST'], sameRules);
    for (const content of [
      'user alice on >a ~a* +get nonsense\n',
      '# comment\nuser x on\n',
      'user bob on >b ~* +@all +nocmd -@foo %Q~x\n\nuser bob on\n',
      'user alice on\nuser alice off\n',
      '"user dan\nuser "e f" on\nuser\n user  gg  on   >x\n',
      'user\tx on\n',
      'users x on\nuser x allkeys ~a\nuser y allchannels &b\nuser z #abc <nothere\n',
      'user x on (+nocmd)\nuser y on (on)\nuser z +config|get|x +select|0|1\n',
      `user long on ~${'x'.repeat(3000)} nonsense\n`,
      'user a on\x00 garbage\nuser b on\n',
    ]) {
      write(content);
      await d.same(['ACL', 'LOAD']);
      await d.same(['ACL', 'LIST'], sameRules);
    }
    assert.deepEqual(await d.redoubt.call('ACL', 'LIST'), before);
  });

  it('an unmatched parenthesis is an error (Redis 7.0.15 crashes on it)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const file = join(dirs[0] as string, 'users.acl');
    writeFileSync(file, 'user a on (+get\nuser b on (~x +set\n');
    assert.deepEqual(await d.redoubt.call('ACL', 'LOAD'), {
      error:
        'ERR users.acl:1: Unmatched parenthesis in selector definition.users.acl:2: Unmatched parenthesis in selector definition.WARNING: ACL errors detected, no change to the previously active ACL rules was performed',
    });
  });

  it('a missing file is an error; a good one replaces every user, and their clients are disconnected', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const dir of dirs) rmSync(join(dir, 'users.acl'), { force: true });
    await d.same(['ACL', 'LOAD']);
    write('user alice on >a ~a* +get\nuser bob on >b ~* +@all\nuser default on nopass ~* &* +@all\n');
    await d.same(['ACL', 'LOAD']);
    const alice = await d.pair();
    const deflt = await d.pair();
    await on(alice, exact, 'AUTH', 'alice', 'a');
    write('user alice on >a2 ~a* +get +set\nuser carol on nopass\n');
    await d.same(['ACL', 'LOAD']);
    assert.ok(await alice[0].waitClosed());
    assert.ok(await alice[1].waitClosed());
    await on(deflt, exact, 'PING');
    await d.all(
      [
        ['ACL', 'LIST'],
        ['AUTH', 'alice', 'a'],
        ['AUTH', 'alice', 'a2'],
        ['ACL', 'WHOAMI'],
      ],
      sameRules,
    );
    deflt[0].close();
    deflt[1].close();
  });

  it('ACL SAVE writes the users in ACL LIST form; Redoubt’s file is 0600', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [a, b] = await d.pair();
    await on([a, b], exact, 'AUTH', 'alice', 'a2');
    await on([a, b], exact, 'ACL', 'SAVE');
    await d.redoubt.call('AUTH', 'default', 'x');
    await d.redis.call('AUTH', 'default', 'x');
    await d.all([
      ['ACL', 'SETUSER', 'saved', 'on', '>pw', '~s*', '&c', '+get', '(+set ~t*)'],
      ['ACL', 'SETUSER', 'default', 'on', 'nopass', '+@all', '~*', '&*'],
      ['ACL', 'SAVE'],
    ]);
    const files = dirs.map((dir) => readFileSync(join(dir, 'users.acl'), 'latin1'));
    const canon = (s: string): string => s.split('\n').map(canonicalRules).join('\n');
    assert.equal(canon(files[0] as string), canon(files[1] as string));
    assert.equal(statSync(join(dirs[0] as string, 'users.acl')).mode & 0o777, 0o600);
    await d.same(['ACL', 'LOAD']);
    await d.same(['ACL', 'LIST'], sameRules);
    a.close();
    b.close();
  });

  it('ACL SAVE failing (directory gone) is an error, as Redis', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await d.same(['ACL', 'SAVE']);
    await d.same(['ACL', 'LOAD']);
  });
});

describe('CONFIG REWRITE writes the users (differential)', () => {
  it('`user` lines replace the old ones, every user as ACL LIST shows it; none with an aclfile', async (t) => {
    if (redisServerPath() === null) return t.skip('redis-server not installed');
    const dirs = [tmp(), tmp()];
    const initial = 'port 0\n# users\nuser old on nopass ~* +@all\nuser gone off\n';
    for (const dir of dirs) writeFileSync(join(dir, 'r.conf'), initial);
    const ours = await startRedoubt({
      configFile: join(dirs[0] as string, 'r.conf'),
      dir: dirs[0] as string,
    });
    const port = await freePort();
    const theirs = await spawnServer(
      redisServerPath() as string,
      [join(dirs[1] as string, 'r.conf'), '--port', String(port), '--dir', dirs[1] as string, '--save', ''],
      port,
    );
    const conns = [await RespConnection.open(ours.port), await RespConnection.open(port)] as Pair;
    try {
      for (const args of [
        ['ACL', 'SETUSER', 'newu', 'on', '>pw', '~k*', '+get', '(+set ~x)'],
        ['ACL', 'DELUSER', 'gone'],
        ['CONFIG', 'REWRITE'],
      ])
        await on(conns, exact, ...args);
      const userLines = (dir: string): string[] =>
        readFileSync(join(dir, 'r.conf'), 'latin1')
          .split('\n')
          .filter((l) => l.startsWith('user '))
          .map(canonicalRules);
      assert.deepEqual(userLines(dirs[0] as string), userLines(dirs[1] as string));
      assert.ok(userLines(dirs[0] as string).some((l) => l.startsWith('user newu on #')));
      // With an aclfile the users live there: CONFIG REWRITE drops `user` lines.
      const withFile = tmp();
      writeFileSync(join(withFile, 'users.acl'), 'user x on\n');
      writeFileSync(join(withFile, 'r.conf'), `aclfile ${join(withFile, 'users.acl')}\n`);
      const s = await startRedoubt({ configFile: join(withFile, 'r.conf'), dir: withFile });
      const c = await RespConnection.open(s.port);
      assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
      c.close();
      await s.stop();
      assert.deepEqual(userLines(withFile), []);
      rmSync(withFile, { recursive: true, force: true });
    } finally {
      for (const c of conns) c.close();
      await ours.stop();
      await theirs.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('`user` lines and aclfile at start-up', () => {
  const errorOf = (options: Record<string, string>, conf?: string): ConfigFileError => {
    const dir = tmp();
    try {
      const configFile = join(dir, 'r.conf');
      if (conf !== undefined) writeFileSync(configFile, conf);
      createServer({ ...(conf !== undefined ? { configFile } : {}), dir, ...options });
    } catch (err) {
      if (err instanceof ConfigFileError) return err;
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.fail('expected a ConfigFileError');
  };

  it('a bad `user` line is a fatal config error naming the line (its words redacted)', () => {
    let e = errorOf({}, 'user foo on badrule\n');
    assert.equal(e.line, 1);
    assert.equal(e.text, 'user (redacted)');
    assert.equal(e.reason, "Error in user declaration 'badrule': Syntax error");
    e = errorOf({}, 'user foo on >x\nuser foo off\n');
    assert.equal(e.line, 2);
    assert.equal(
      e.reason,
      "Error in user declaration 'foo': Duplicate user found. A user can only be defined once in config files",
    );
    e = errorOf({}, 'user foo on ~a >secret (+get badrule)\n');
    assert.equal(e.reason, "Error in user declaration '(+get badrule)': Syntax error");
    e = errorOf({}, 'user foo on >secret <notthere\n');
    assert.equal(
      e.reason,
      "Error in user declaration '<(redacted)': The password you are trying to remove from the user does not exist",
    );
    e = errorOf({}, 'user foo on (+get\n');
    assert.equal(e.reason, "Error in user declaration '(+get': Unmatched parenthesis in selector definition");
  });

  it('unknown commands in `user` lines, and spaces in names, stop the start-up', () => {
    let e = errorOf({}, 'user foo on +nocmd\n');
    assert.equal(
      e.reason,
      "Error loading ACL rule '+nocmd' for the user named 'foo': Unknown command or category name in ACL\nCritical error while loading ACLs. Exiting.",
    );
    e = errorOf({}, 'user "a b" on\n');
    assert.equal(
      e.reason,
      'Spaces not allowed in ACL usernames\nCritical error while loading ACLs. Exiting.',
    );
  });

  it('an aclfile with errors stops the start-up, listing them', () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'bad.acl'), 'user a on nonsense\nuser b on +nocmd\n');
      const e = errorOf({ aclfile: join(dir, 'bad.acl') });
      assert.equal(
        e.reason,
        `Aborting Redis startup because of ACL errors: ${join(dir, 'bad.acl')}:1: Syntax error. ${join(dir, 'bad.acl')}:2: Error in applying operation '+nocmd': Unknown command or category name in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
      );
      const missing = errorOf({ aclfile: join(dir, 'none.acl') });
      assert.match(missing.reason, /opening file '.*none\.acl': No such file or directory$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`user` lines with an aclfile: bin/redoubt-server refuses to start, as redis-server does', async () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'users.acl'), 'user alice on >a\n');
      const conf = join(dir, 'r.conf');
      writeFileSync(conf, `user foo on\naclfile ${join(dir, 'users.acl')}\n`);
      const message =
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. ' +
        'This setup is very likely to lead to configuration errors and security holes, please define either an ACL ' +
        'file or declare users directly in your redis.conf, but not both.';
      const port = await freePort();
      const ours = await startRedoubtProcess([conf, '--dir', dir], { port }).catch((e: Error) => e);
      assert.ok(ours instanceof Error, 'Redoubt must refuse to start');
      assert.ok(ours.message.includes(message), ours.message);
      assert.ok(ours.message.includes('exited with 1'), ours.message);
      const redis = redisServerPath();
      if (redis !== null) {
        const theirs = await spawnServer(redis, [conf, '--port', String(await freePort()), '--dir', dir], 0, {
          waitReady: false,
        });
        assert.equal(await theirs.exited, 1);
        assert.ok(theirs.output().includes(message));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the hardening guide’s example, end to end (differential)', () => {
  const GUIDE = [
    'user default off',
    'user app_reader on >app_read_P@ss ~cache:* +get +scan',
    'user app_writer on >app_write_P@ss ~data:* +set +del',
  ].join('\n');
  const servers: { port: number; stop(): Promise<void> }[] = [];
  const dirs: string[] = [];
  before(async () => {
    const redis = redisServerPath();
    if (redis === null) return;
    for (let i = 0; i < 2; i++) {
      const dir = tmp();
      dirs.push(dir);
      writeFileSync(join(dir, 'r.conf'), `${GUIDE}\n`);
      chmodSync(join(dir, 'r.conf'), 0o600);
    }
    servers.push(await startRedoubtProcess([join(dirs[0] as string, 'r.conf'), '--dir', dirs[0] as string]));
    const port = await freePort();
    servers.push(
      await spawnServer(
        redis,
        [join(dirs[1] as string, 'r.conf'), '--port', String(port), '--dir', dirs[1] as string, '--save', ''],
        port,
      ),
    );
  });
  after(async () => {
    for (const s of servers) await s.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const scenario = async (port: number): Promise<unknown[]> => {
    const out: unknown[] = [];
    const attempt = async (f: () => Promise<unknown>): Promise<void> => {
      try {
        out.push(await f());
      } catch (e) {
        out.push(`error: ${(e as Error).message}`);
      }
    };
    const options = {
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    };
    const anon = new Redis(options);
    anon.on('error', () => {});
    await attempt(() => anon.connect());
    await attempt(() => anon.get('cache:1'));
    await attempt(() => anon.auth('default', 'x'));
    anon.disconnect();
    const writer = new Redis({ ...options, username: 'app_writer', password: 'app_write_P@ss' });
    await attempt(() => writer.connect());
    await attempt(() => writer.set('data:1', 'v'));
    await attempt(() => writer.set('cache:1', 'v'));
    await attempt(() => writer.get('data:1'));
    await attempt(() => writer.del('data:2'));
    await attempt(() => writer.call('ACL', 'WHOAMI'));
    writer.disconnect();
    const reader = new Redis({ ...options, username: 'app_reader', password: 'app_read_P@ss' });
    await attempt(() => reader.connect());
    await attempt(() => reader.get('cache:1'));
    await attempt(() => reader.get('data:1'));
    await attempt(() => reader.set('cache:1', 'x'));
    await attempt(() => reader.scan('0'));
    await attempt(() => reader.call('ACL', 'LIST'));
    reader.disconnect();
    const wrong = new Redis({ ...options, username: 'app_reader', password: 'wrong' });
    wrong.on('error', () => {});
    await attempt(() => wrong.connect());
    wrong.disconnect();
    return out;
  };

  const cli = (port: number, args: string[]): Promise<string> =>
    new Promise((resolve) => {
      execFile(
        'redis-cli',
        ['-p', String(port), '--no-auth-warning', ...args],
        { timeout: 10000 },
        (_e, stdout, stderr) => resolve(stdout + stderr),
      );
    });

  it('ioredis sees the same replies from both servers', async (t) => {
    if (servers.length < 2) return t.skip('redis-server not installed');
    const [ours, theirs] = [
      await scenario(servers[0]?.port as number),
      await scenario(servers[1]?.port as number),
    ];
    assert.deepEqual(ours, theirs);
    assert.ok(ours.some((x) => typeof x === 'string' && x.includes('NOPERM')));
  });

  it('redis-cli sees the same output from both servers', async (t) => {
    if (servers.length < 2) return t.skip('redis-server not installed');
    for (const args of [
      ['PING'],
      ['--user', 'app_reader', '--pass', 'app_read_P@ss', 'GET', 'cache:1'],
      ['--user', 'app_reader', '--pass', 'app_read_P@ss', 'SET', 'cache:1', 'x'],
      ['--user', 'app_reader', '--pass', 'app_read_P@ss', 'GET', 'data:1'],
      ['--user', 'app_writer', '--pass', 'app_write_P@ss', 'SET', 'data:9', 'x'],
      ['--user', 'app_writer', '--pass', 'app_write_P@ss', 'DEL', 'data:9', 'cache:1'],
      ['--user', 'app_writer', '--pass', 'bad', 'SET', 'data:9', 'x'],
      ['--user', 'default', '--pass', 'x', 'PING'],
    ]) {
      const [ours, theirs] = await Promise.all([
        cli(servers[0]?.port as number, args),
        cli(servers[1]?.port as number, args),
      ]);
      assert.equal(ours, theirs, args.join(' '));
    }
  });
});

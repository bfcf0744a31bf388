/**
 * Command hardening (issue 3 point 4), differential against redis-server 7.0
 * where Redis has the feature: `rename-command` (a disabled command is unknown
 * and absent from COMMAND; a renamed one answers to its new name only),
 * protected configs and commands (no / local, where "local" is exactly 127.0.0.1,
 * ::1 and the unix socket), `dbfilename` that can never be a path (CONFIG SET
 * and config file); then Redoubt's start-up warnings about dangerous setups,
 * read from a spawned redoubt-server's log.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Config } from '../src/config/config.js';
import { ConfigFileError, readConfigFile } from '../src/config/parser.js';
import { createServer } from '../src/index.js';
import { Differential, sameType } from './helpers/diff.js';
import { RespConnection } from './helpers/resp.js';
import { memoryLog, tmp } from './helpers/security.js';
import { redisServerPath, startRedoubtProcess } from './helpers/servers.js';

const RENAMES = [
  ['get', ''],
  ['set', 'myset'],
  ['config', 'cfg'],
] as const;

describe('rename-command (differential)', () => {
  it('a disabled command is unknown and absent from COMMAND; a renamed one answers to its new name only', async (t) => {
    const dir = tmp();
    const conf = join(dir, 'rename.conf');
    writeFileSync(
      conf,
      `${RENAMES.map(([a, b]) => `rename-command ${a.toUpperCase()} "${b}"`).join('\n')}\n`,
    );
    const d = await Differential.start({
      redoubt: { configFile: conf },
      redis: RENAMES.flatMap(([a, b]) => ['--rename-command', a, b]),
    });
    try {
      if (d === null) return t.skip('redis-server not installed');
      await d.all([
        ['GET', 'k'],
        ['get', 'k', 'x'],
        ['SET', 'k', 'v'],
        ['MYSET', 'k', 'v'],
        ['myset', 'k', 'v2', 'GET'],
        ['CONFIG', 'GET', 'hz'],
        ['CFG', 'GET', 'hz'],
        ['cfg', 'SET', 'dir', '/tmp'],
        ['cfg', 'nosuch'],
        // COMMAND keeps the command's own name and metadata, as Redis.
        ['COMMAND', 'INFO', 'get'],
        ['COMMAND', 'INFO', 'set'],
        ['COMMAND', 'INFO', 'myset'],
        ['COMMAND', 'DOCS', 'get'],
        ['COMMAND', 'DOCS', 'myset'],
        ['COMMAND', 'GETKEYS', 'myset', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'get', 'a'],
        // ACL rules still name commands by their own names.
        ['ACL', 'SETUSER', 'u', 'on', 'nopass', '+get', '+set', '~*'],
        ['AUTH', 'u', 'x'],
        ['MYSET', 'k', 'v3'],
        ['CFG', 'GET', 'hz'],
        ['AUTH', 'default', 'x'],
      ]);
      // Redis lists subcommands in its hash-table order: compare the container's entry by type.
      await d.same(['COMMAND', 'INFO', 'cfg'], sameType);
      for (const conn of [d.redoubt, d.redis]) {
        const list = (await conn.call('COMMAND', 'LIST')) as string[];
        assert.ok(!list.includes('get') && !list.includes('myset') && !list.includes('cfg'), 'COMMAND LIST');
        assert.ok(
          list.includes('set') && list.includes('config'),
          'renamed commands listed by their own name',
        );
        // COMMAND LIST has subcommands too; COMMAND COUNT and COMMAND only the commands.
        const top = list.filter((n) => !n.includes('|')).length;
        assert.equal(await conn.call('COMMAND', 'COUNT'), top);
        const all = (await conn.call('COMMAND')) as unknown[][];
        assert.equal(all.length, top);
        assert.ok(!all.some((e) => e[0] === 'get'));
      }
      // One command fewer than an unrenamed Redoubt.
      const plain = await createServer({ port: 0, bind: '127.0.0.1' }).listen();
      const c = await RespConnection.open(plain.address().port);
      const full = (await c.call('COMMAND', 'COUNT')) as number;
      c.close();
      await plain.close();
      assert.equal(await d.redoubt.call('COMMAND', 'COUNT'), full - 1);
    } finally {
      await d?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('protected configs and commands (differential)', () => {
  it('by default CONFIG SET dir / dbfilename and DEBUG are refused, and the switches are immutable', async (t) => {
    const d = await Differential.start();
    if (d === null) return t.skip('redis-server not installed');
    try {
      await d.all([
        // The classic attack: write the RDB file into ~/.ssh/authorized_keys.
        ['CONFIG', 'SET', 'dir', '/root/.ssh'],
        ['CONFIG', 'SET', 'dbfilename', 'authorized_keys'],
        ['CONFIG', 'SET', 'hz', '11', 'dir', '/tmp'],
        ['CONFIG', 'GET', 'hz'],
        ['DEBUG', 'SLEEP', '0'],
        ['debug', 'help'],
        ['CONFIG', 'SET', 'enable-protected-configs', 'yes'],
        ['CONFIG', 'SET', 'enable-debug-command', 'yes'],
        ['CONFIG', 'SET', 'enable-module-command', 'yes'],
        ['CONFIG', 'GET', 'enable-protected-configs'],
        ['CONFIG', 'GET', 'enable-debug-command'],
        ['CONFIG', 'GET', 'enable-module-command'],
      ]);
    } finally {
      await d.close();
    }
  });

  it('"local" means 127.0.0.1, ::1 and the unix socket only: 127.0.0.2 is refused, as in Redis', async (t) => {
    const dir = tmp();
    const d = await Differential.start({
      redoubt: { protectedMode: false, enableProtectedConfigs: 'local', enableDebugCommand: 'local' },
      redis: [
        '--protected-mode',
        'no',
        '--enable-protected-configs',
        'local',
        '--enable-debug-command',
        'local',
      ],
    });
    if (d === null) return t.skip('redis-server not installed');
    const far = [
      await RespConnection.open(d.redoubtServer.port, '127.0.0.1', '127.0.0.2'),
      await RespConnection.open(d.redisServer.port, '127.0.0.1', '127.0.0.2'),
    ] as const;
    try {
      for (const args of [
        ['CONFIG', 'SET', 'dir', dir],
        ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
        ['DEBUG', 'SLEEP', '0'],
        ['CLIENT', 'GETNAME'],
      ]) {
        const [a, b] = await Promise.all([far[0].raw(...args), far[1].raw(...args)]);
        assert.equal(a.toString('latin1'), b.toString('latin1'), args.join(' '));
      }
      await d.all([
        ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
        ['CONFIG', 'GET', 'dbfilename'],
        ['DEBUG', 'SLEEP', '0'],
      ]);
    } finally {
      for (const c of far) c.close();
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dbfilename can never be a path (differential)', () => {
  it('CONFIG SET, even with protected configs enabled', async (t) => {
    const d = await Differential.start({
      redoubt: { enableProtectedConfigs: 'yes' },
      redis: ['--enable-protected-configs', 'yes'],
    });
    if (d === null) return t.skip('redis-server not installed');
    try {
      await d.all([
        ['CONFIG', 'SET', 'dbfilename', '../../root/.ssh/authorized_keys'],
        ['CONFIG', 'SET', 'dbfilename', '/etc/cron.d/x'],
        ['CONFIG', 'SET', 'dbfilename', 'a\\b'],
        ['CONFIG', 'SET', 'dbfilename', 'sub/'],
        ['CONFIG', 'SET', 'dbfilename', '..'],
        ['CONFIG', 'SET', 'dbfilename', 'plain.rdb'],
        ['CONFIG', 'GET', 'dbfilename'],
      ]);
    } finally {
      await d.close();
    }
  });

  it('in a config file: the same fatal error as redis-server', async (t) => {
    const bin = redisServerPath();
    if (bin === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      for (const [i, value] of ['../dump.rdb', '/tmp/dump.rdb', 'a\\\\b'].entries()) {
        const file = join(dir, `f${i}.conf`);
        writeFileSync(file, `port 0\ndbfilename "${value}"\n`);
        const redisOut = await new Promise<string>((res) => {
          execFile(bin, [file], { timeout: 5000 }, (_e, stdout, stderr) => res(stdout + stderr));
        });
        const redisReason = redisOut.trim().split('\n').pop() as string;
        assert.equal(redisReason, "dbfilename can't be a path, just a filename");
        assert.throws(
          () => Config.fromLines(readConfigFile(file)),
          (err: unknown) => err instanceof ConfigFileError && err.reason === redisReason && err.line === 2,
          value,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('start-up warnings about dangerous setups', () => {
  it('a spawned redoubt-server logs each, with the ACL hint for rename-command, never the new name', async () => {
    const dir = tmp();
    const conf = join(dir, 'danger.conf');
    writeFileSync(
      conf,
      [
        'protected-mode no',
        'rename-command FLUSHALL ""',
        'rename-command CONFIG s3cr3t-config-name',
        'user robot on nopass ~* &* +@all',
        'user limited on nopass ~* +get',
        'user-allow-from default 127.0.0.1',
        'user-allow-from ghost 10.0.0.0/8',
        '',
      ].join('\n'),
    );
    const p = await startRedoubtProcess([conf]);
    try {
      const out = p.output();
      const expect = [
        "Command 'FLUSHALL' disabled by rename-command. ACL rules are the modern way to do this: '-flushall'",
        "Command 'CONFIG' renamed by rename-command. ACL rules are the modern way to do this: '-config' for ordinary users and '+config' for an administrator user",
        'WARNING: protected-mode is off and the default user has no password',
        "WARNING: user 'robot' has no password (nopass) and may run every command (+@all)",
        'WARNING: user-allow-from restricts the default user, but it has no password (nopass)',
        "user-allow-from names user 'ghost', which does not exist (yet)",
      ];
      for (const line of expect) assert.ok(out.includes(line), `missing ${JSON.stringify(line)} in\n${out}`);
      assert.ok(!out.includes("user 'limited'"), 'limited may not run every command');
      assert.ok(!out.includes('s3cr3t-config-name'), 'the new name of a renamed command is never logged');
      // Warnings precede "Ready to accept connections".
      assert.ok(out.indexOf('protected-mode is off') < out.indexOf('Ready to accept connections'));
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('none on the secure defaults, nor with protected mode off and a password', async () => {
    for (const options of [{}, { protectedMode: false, requirepass: 'pw' }]) {
      const log = memoryLog();
      // allow-root: the test suite may run as root (CI), which is warned about otherwise.
      const h = createServer({ port: 0, bind: '127.0.0.1', allowRoot: true, log: log.sink, ...options });
      await h.close();
      const warnings = log.lines.filter((l) => / # /.test(l));
      assert.deepEqual(warnings, [], JSON.stringify(options));
    }
  });
});

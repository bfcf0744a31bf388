/**
 * Configuration: the directive table against a real redis-server 7.0 (CONFIG GET
 * of every directive, CONFIG SET values and errors, config-file errors, CONFIG
 * REWRITE output), plus what only Redoubt does (secure defaults, hot values,
 * atomic multi-pair SET, file modes, the generated docs).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Config } from '../src/config/config.js';
import {
  type ConfigValueError,
  formatMemory,
  memtoull,
  NOTIFY,
  NOTIFY_ALL,
  parseMemory,
} from '../src/config/kinds.js';
import { ConfigFileError, parseCommandLine, parseConfigText, readConfigFile } from '../src/config/parser.js';
import { REWRITE_SIGNATURE, rewriteConfigText } from '../src/config/rewrite.js';
import { DIRECTIVES, EXTENSION, HIDDEN, IMMUTABLE, PROTECTED } from '../src/config/table.js';
import { Logger, nullSink } from '../src/core/logger.js';
import { Server } from '../src/core/server.js';
import { type Comparator, Differential } from './helpers/diff.js';
import { parse, RespConnection, type Value } from './helpers/resp.js';
import { freePort, ROOT, redisServerPath, spawnServer, startRedoubt } from './helpers/servers.js';

/** Values that legitimately differ between the two servers (documented in docs/configuration.md). */
const DIFFERENT_VALUES = new Set(['port', 'dir']);
const REDIS_SAVE_DEFAULT = '3600 1 300 100 60 10000';
/** Redis started with Redoubt's secure defaults (the helpers add save ""; restore the default). */
const REDIS_SECURE = ['--bind', '127.0.0.1 -::1', '--save', REDIS_SAVE_DEFAULT];
const REDOUBT_SECURE = { bind: ['127.0.0.1', '-::1'], save: REDIS_SAVE_DEFAULT };
/** Redoubt's own directives (allow-from, run-as...): Redis 7.0 has none of them. */
const EXTENSIONS = new Set(DIRECTIVES.filter((d) => (d.flags ?? 0) & EXTENSION).map((d) => d.name));

function pairsOf(v: Value, masked = DIFFERENT_VALUES): string[] {
  assert.ok(Array.isArray(v), `expected an array, got ${JSON.stringify(v)}`);
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 2) {
    const name = v[i] as string;
    if (EXTENSIONS.has(name)) continue;
    out.push(`${name}=${masked.has(name) ? '<masked>' : String(v[i + 1])}`);
  }
  return out.sort();
}

/** CONFIG GET with several matches: the same name/value pairs in any order (Redis uses hash order). */
const samePairs: Comparator = (a, b, args) => {
  assert.deepEqual(
    pairsOf(parse(a)[0]),
    pairsOf(parse(b)[0]),
    `CONFIG GET pairs differ for ${JSON.stringify(args.map(String))}`,
  );
};

const tmp = (): string => mkdtempSync(join(tmpdir(), 'redoubt-config-'));

describe('CONFIG GET (differential, secure defaults)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start({ redoubt: REDOUBT_SECURE, redis: REDIS_SECURE });
  });
  after(async () => {
    await d?.close();
  });

  it('lists exactly the directives and aliases of Redis 7.0', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.same(['CONFIG', 'GET', '*'], samePairs);
  });

  it('shows every directive byte for byte, hidden ones and aliases included', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const names = pairsOf(await d.redis.call('CONFIG', 'GET', '*'), new Set()).map((p) =>
      p.slice(0, p.indexOf('=')),
    );
    const hidden = DIRECTIVES.filter((x) => (x.flags ?? 0) & HIDDEN).map((x) => x.name);
    assert.ok(names.length > 180, `${names.length} names`);
    for (const name of [...names, ...hidden]) {
      if (DIFFERENT_VALUES.has(name)) continue;
      await d.same(['CONFIG', 'GET', name]);
    }
  });

  it('matches patterns, several at once, case-insensitively, without duplicates', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const single = [['hz'], ['HZ'], ['nosuch'], ['use-exit-on-panic'], ['USE-EXIT-ON-PANIC'], ['slaveof']];
    for (const p of single) await d.same(['CONFIG', 'GET', ...p]);
    const multi = [
      ['max*'],
      ['*ziplist*'],
      ['slave*'],
      ['*SLAVE*'],
      ['[ab]*'],
      ['h?'],
      ['hz', 'nosuch', 'max*', 'HZ', 'h?'],
      ['slaveof', 'replicaof', 'SLAVEOF'],
      ['use-exit*'],
      ['*delay*'],
      ['*[*'],
      ['tls-*', 'cluster-*'],
      ['\\*'],
    ];
    for (const p of multi) await d.same(['CONFIG', 'GET', ...p], samePairs);
  });

  it('replies a map in RESP3', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [a, b] = await d.pair();
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
    const [ra, rb] = await Promise.all([
      a.raw('CONFIG', 'GET', 'maxmemory'),
      b.raw('CONFIG', 'GET', 'maxmemory'),
    ]);
    assert.equal(ra.toString('latin1'), rb.toString('latin1'));
    assert.equal(ra.toString('latin1')[0], '%');
    const [ma, mb] = await Promise.all([
      a.raw('CONFIG', 'GET', 'maxmemory*'),
      b.raw('CONFIG', 'GET', 'maxmemory*'),
    ]);
    assert.equal(ma.toString('latin1').split('\r\n')[0], mb.toString('latin1').split('\r\n')[0]);
    a.close();
    b.close();
  });

  it('HELP, arity and unknown subcommands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['CONFIG', 'HELP'],
      ['CONFIG', 'help', 'x'],
      ['CONFIG'],
      ['CONFIG', 'GET'],
      ['CONFIG', 'SET'],
      ['CONFIG', 'SET', 'hz'],
      ['CONFIG', 'nosuch'],
      ['CONFIG', 'RESETSTAT', 'x'],
      ['CONFIG', 'REWRITE', 'x'],
      ['CONFIG', 'RESETSTAT'],
      // Neither was started with a config file.
      ['CONFIG', 'REWRITE'],
    ]);
  });
});

describe('CONFIG SET (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start({ redoubt: REDOUBT_SECURE, redis: REDIS_SECURE });
  });
  after(async () => {
    await d?.close();
  });

  /** SET on both, compare the reply, then compare CONFIG GET of the directive. */
  async function setAndGet(name: string, value: string): Promise<void> {
    const dd = d as Differential;
    await dd.same(['CONFIG', 'SET', name, value]);
    if (!DIFFERENT_VALUES.has(name)) await dd.same(['CONFIG', 'GET', name]);
  }

  async function restore(name: string, value: string): Promise<void> {
    const dd = d as Differential;
    await dd.redoubt.call('CONFIG', 'SET', name, value);
    await dd.redis.call('CONFIG', 'SET', name, value);
  }

  it('accepts and renders values of every kind as Redis does', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const cases: [string, string[]][] = [
      // Memory units, any case; "" and a bare unit are 0; past 2^64-1 saturates.
      ['maxmemory', ['1k', '1kb', '1m', '1mb', '1g', '1gb', '1K', '1KB', '1Mb', '1gB', '5b', '5B', '', 'k']],
      [
        'maxmemory',
        ['18446744073709551615', '18446744073709551616', '99999999999999999999k', '-1', '1.5', '+5'],
      ],
      ['maxmemory', ['0x10', '1 k', '1kbb', '1t', '0']],
      ['proto-max-bulk-len', ['1mb', '1048575', '100000000000000000000', '9223372036854775807', '512mb']],
      ['client-query-buffer-limit', ['2mb', '1gb']],
      ['hash-max-listpack-value', ['1k', '-1', '64']],
      ['repl-backlog-size', ['0', '1', '2', '1mb']],
      ['active-defrag-ignore-bytes', ['0', '18446744073709551615', '100mb']],
      // Percent values.
      [
        'maxmemory-clients',
        ['10%', '100%', '101%', '0%', '%', '-5', '1mb', '5%%', '18446744073709551615', '0'],
      ],
      // Integers: string2ll rules, C-type bounds (int, unsigned, long).
      ['hz', ['abc', '1k', '-1', '99999999999999999999', ' 5', '+5', '05', '0', '1000', '7', '10']],
      ['maxclients', ['-1', '0', '4294967295', '4294967296', '10000']],
      ['slowlog-max-len', ['-1', '9223372036854775807', '128']],
      ['slowlog-log-slower-than', ['-1', '-2', '0', '10000']],
      ['list-max-listpack-size', ['-2147483649', '2147483647', '-5', '-2']],
      ['tracking-table-max-keys', ['-1', '0', '1000000']],
      ['busy-reply-threshold', ['1', '5000']],
      ['lua-time-limit', ['6000', '5000']],
      ['repl-backlog-ttl', ['-1', '0', '3600']],
      ['active-expire-effort', ['0', '11', '10', '1']],
      // yes/no.
      ['protected-mode', ['YES', 'No', 'yes ', '1', 'true', '', 'yes']],
      ['slave-read-only', ['maybe', 'no', 'yes']],
      ['SLAVE-READ-ONLY', ['maybe']],
      // Enums, with synonyms and multi-word flag sets.
      ['loglevel', ['WARNING', 'nothing', 'Debug', 'notice']],
      ['maxmemory-policy', ['allkeys-LRU', 'lru', 'noeviction']],
      ['oom-score-adj', ['maybe', 'relative', 'absolute', 'no']],
      ['appendfsync', ['always', 'sometimes', 'everysec']],
      ['acl-pubsub-default', ['allchannels', 'resetchannels']],
      [
        'shutdown-on-sigint',
        [
          'save',
          'nosave',
          'now force',
          'force now save',
          'save nosave',
          'default now',
          'NOW',
          '',
          'now  force',
          'x',
        ],
      ],
      ['shutdown-on-sigterm', ['default']],
      ['shutdown-on-sigint', ['default']],
      // Special kinds.
      [
        'save',
        ['3600  1', '3600 1 ', ' 3600 1', '3600 1 300', '0 1', '1 -1', '1 0', '1x 0', '10 20 30 40', '', ' '],
      ],
      ['save', ['3600 1 300 100 60 10000']],
      [
        'client-output-buffer-limit',
        [
          'normal 1 2 3',
          'replica 1mb 2Kb 3 pubsub 0 0 0',
          'slave 1 2',
          'master 1 2 3',
          'foo 1 2 3',
          'normal x 2 3',
          'normal 1 2 -3',
          'normal 1 2 3x',
          'normal 1 2 +3',
          'normal 1 2 99999999999999999999',
          'NORMAL 5 6 7 normal 8 9 10',
          '',
          'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
        ],
      ],
      [
        'notify-keyspace-events',
        [
          'K',
          'E',
          'g',
          '$',
          'lshzxetmd',
          'A',
          'n',
          'KEA',
          'Ex',
          'KEglshzxetmd',
          'KEAm',
          'KEnA',
          'x e',
          'KE$',
          '',
        ],
      ],
      ['oom-score-adj-values', ['1 2', '1 2 3', '1 2 2001', '1 2 x', '-2000 +5 0', '0 200 800']],
      [
        'latency-tracking-info-percentiles',
        [
          '',
          '50',
          '0 100',
          '101',
          '-1',
          'abc',
          '1e1',
          '50.5000',
          '50  99',
          '0.1234567',
          '99.99999999',
          '50 99 99.9',
        ],
      ],
      // Strings and their validators.
      [
        'proc-title-template',
        ['', '{foo}', '{title', '{title}', '{{ {port}', '{title} {listen-addr} {server-mode}'],
      ],
      ['cluster-announce-hostname', ['a_b', 'a.b-c', '']],
      ['masterauth', ['x y', '']],
      ['ignore-warnings', ['ARM64-COW-BUG', '']],
      ['replica-announce-ip', ['10.0.0.1', '']],
      ['bind-source-addr', ['x', '']],
      ['tls-ciphers', ['DEFAULT', '']],
    ];
    for (const [name, values] of cases) {
      for (const v of values) await setAndGet(name, v);
    }
  });

  it('words every error as Redis, for every directive and a set of bad values', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    // Values that Redis accepts with side effects the test servers should not have.
    const skip = new Set(['port', 'bind', 'requirepass', 'appendonly', 'dir', 'dbfilename']);
    // Documented differences: Redoubt makes no outgoing TLS connections (Redis fails
    // without certificates), and a Redis built without its jemalloc refuses activedefrag.
    const skipValue = new Set(['tls-replication=yes', 'tls-cluster=yes', 'activedefrag=yes']);
    const bad = ['abc', '-1', '', '18446744073709551615', 'yes', '1k', '5%', 'no\0x', '5\0'];
    for (const dir of DIRECTIVES) {
      for (const name of dir.alias === undefined ? [dir.name] : [dir.name, dir.alias]) {
        if (skip.has(dir.name) || EXTENSIONS.has(dir.name)) continue;
        const original = (await d.redis.call('CONFIG', 'GET', name)) as string[];
        const value = original[1] ?? '';
        for (const v of bad) if (!skipValue.has(`${dir.name}=${v}`)) await setAndGet(name, v);
        await restore(name, value);
        await d.same(['CONFIG', 'GET', name]);
      }
    }
  });

  it('refuses immutable, protected, unknown and duplicate directives, first problem first', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const dir of DIRECTIVES) {
      const flags = dir.flags ?? 0;
      if (!(flags & (IMMUTABLE | PROTECTED)) || flags & EXTENSION) continue;
      const value = ((await d.redis.call('CONFIG', 'GET', dir.name)) as string[])[1] ?? '';
      await d.same(['CONFIG', 'SET', dir.name, value]);
      if (dir.alias !== undefined) await d.same(['CONFIG', 'SET', dir.alias, value]);
    }
    await d.all([
      ['CONFIG', 'SET', 'a', 'b', 'c'],
      ['CONFIG', 'SET', 'nosuch', '1'],
      ['CONFIG', 'SET', 'hz', '5', 'nosuch', '1'],
      ['CONFIG', 'SET', 'nosuch', '1', 'daemonize', 'no'],
      ['CONFIG', 'SET', 'daemonize', 'no', 'nosuch', '1'],
      ['CONFIG', 'SET', 'hz', '5', 'HZ', '6'],
      ['CONFIG', 'SET', 'slaveof', '', 'replicaof', ''],
      ['CONFIG', 'SET', 'dir', '/tmp', 'hz', '5'],
      ['CONFIG', 'SET', 'hz', '5', 'dbfilename', 'x.rdb'],
      ['CONFIG', 'SET', 'rename-command', 'x'],
      ['CONFIG', 'SET', 'include', 'x'],
      ['CONFIG', 'SET', 'user', 'x'],
      ['CONFIG', 'SET', 'nosuch\r\nx', '1'],
      ['CONFIG', 'GET', 'hz'],
      // An alias and its directive are separate entries in Redis 7.0: no duplicate error, last wins.
      ['CONFIG', 'SET', 'replica-read-only', 'no', 'slave-read-only', 'yes'],
      ['CONFIG', 'GET', 'replica-read-only'],
    ]);
  });

  it('applies several pairs atomically: a bad value restores the ones before it', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['CONFIG', 'SET', 'hz', '11', 'maxmemory', 'x'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'maxmemory', '1mb', 'hz', '12', 'save', '1 2 3'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'SET', 'hz', '13', 'maxmemory', '2mb', 'loglevel', 'verbose'],
      ['CONFIG', 'SET', 'hz', '10', 'maxmemory', '0', 'loglevel', 'notice'],
    ]);
    await d.same(['CONFIG', 'GET', '*'], samePairs);
    // Redoubt's hot values follow.
    const server = d.redoubtServer as unknown as { handle: { server: Server } };
    assert.equal(server.handle.server.logger.level, 'notice');
  });
});

describe('protected configs (differential)', () => {
  for (const mode of ['yes', 'local'] as const) {
    it(`enable-protected-configs ${mode} lets a loopback client set dir and dbfilename`, async (t) => {
      const d = await Differential.start({
        redoubt: { ...REDOUBT_SECURE, enableProtectedConfigs: mode },
        redis: [...REDIS_SECURE, '--enable-protected-configs', mode],
      });
      if (d === null) return t.skip('redis-server not installed');
      const dir = tmp();
      try {
        await d.all([
          ['CONFIG', 'GET', 'enable-protected-configs'],
          ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
          ['CONFIG', 'GET', 'dbfilename'],
          ['CONFIG', 'SET', 'dbfilename', 'a/b'],
          ['CONFIG', 'SET', 'dbfilename', ''],
          ['CONFIG', 'SET', 'dir', '/nonexistent'],
          ['CONFIG', 'SET', 'dir', '/etc/passwd'],
          ['CONFIG', 'SET', 'dir', ''],
          ['CONFIG', 'SET', 'dir', dir],
          ['CONFIG', 'GET', 'dir'],
          ['CONFIG', 'SET', 'dir', '.'],
          ['CONFIG', 'GET', 'dir'],
          ['CONFIG', 'SET', 'enable-protected-configs', 'no'],
        ]);
      } finally {
        await d.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('config files', () => {
  it('parse memory units, yes/no, quotes and escapes like Redis', () => {
    assert.equal(memtoull('1k'), 1000n);
    assert.equal(memtoull('1kb'), 1024n);
    assert.equal(memtoull('1m'), 1000000n);
    assert.equal(memtoull('1GB'), 1073741824n);
    assert.equal(memtoull('1Kb'), 1024n);
    assert.equal(memtoull('-1'), undefined);
    assert.equal(memtoull('1x'), undefined);
    assert.equal(parseMemory('1mb'), 1048576);
    assert.equal(formatMemory(3n * 1024n * 1024n * 1024n), '3gb');
    assert.equal(formatMemory(1536n), '1536');
    assert.equal(formatMemory(2048n), '2kb');
    const c = Config.fromLines(
      parseConfigText(
        [
          '  # a comment',
          'MAXMEMORY 1Gb',
          '\tprotected-mode NO  ',
          'requirepass "a b\\x41\\n\\"q\\"\\\\"',
          "masterauth 'it\\'s'",
          'logfile ""',
          'save 100 1',
          'save "200 2"',
          'notify-keyspace-events KEA',
          'client-output-buffer-limit replica 512mb 128MB 120',
          'slave-read-only no',
          'hz 1000',
        ].join('\r\n'),
        'test.conf',
      ),
    );
    assert.equal(c.show('maxmemory'), '1073741824');
    assert.equal(c.get('protected-mode'), false);
    assert.equal(c.get('requirepass'), 'a bA\n"q"\\');
    assert.equal(c.get('masterauth'), "it's");
    assert.equal(c.show('save'), '100 1 200 2');
    assert.equal(c.get('notify-keyspace-events'), NOTIFY_ALL | NOTIFY.KEYSPACE | NOTIFY.KEYEVENT);
    assert.equal(c.show('notify-keyspace-events'), 'AKE');
    assert.equal(
      c.show('client-output-buffer-limit'),
      'normal 0 0 0 slave 536870912 134217728 120 pubsub 33554432 8388608 60',
    );
    assert.equal(c.show('replica-read-only'), 'no');
    assert.equal(c.show('hz'), '500');
    assert.ok(c.explicit.has('replica-read-only'));
  });

  it('reports the file, line and reason of a bad line', () => {
    const cases: [string, number, string, string][] = [
      ['port 7777\nfoo bar\n', 2, 'foo bar', 'Bad directive or wrong number of arguments'],
      ['port 7777 8', 1, 'port 7777 8', 'wrong number of arguments'],
      ['port "abc', 1, 'port "abc', 'Unbalanced quotes in configuration line'],
      ['port "abc"x', 1, 'port "abc"x', 'Unbalanced quotes in configuration line'],
      ['\n\nmaxmemory 10q', 3, 'maxmemory 10q', 'argument must be a memory value'],
      ['save 1 2 3', 1, 'save 1 2 3', 'Invalid save parameters'],
      ['loadmodule /x.so', 1, 'loadmodule /x.so', 'Redoubt cannot load Redis modules (loadmodule)'],
      ['sentinel monitor x', 1, 'sentinel monitor x', 'sentinel directive while not in sentinel mode'],
      [
        'list-max-ziplist-value 1 2',
        1,
        'list-max-ziplist-value 1 2',
        'Bad directive or wrong number of arguments',
      ],
    ];
    for (const [text, line, shown, reason] of cases) {
      assert.throws(
        () => Config.fromLines(parseConfigText(text, '/etc/app.conf')),
        (err: unknown) => {
          assert.ok(err instanceof ConfigFileError);
          assert.equal(err.file, '/etc/app.conf');
          assert.equal(err.line, line);
          assert.equal(err.text, shown);
          assert.equal(err.reason, reason);
          assert.match(err.report('x'), /Reading the configuration file \/etc\/app.conf, at line \d+\n>>> '/);
          return true;
        },
      );
    }
    // Secrets never appear in the report.
    for (const text of ['requirepass s3cr3t other', 'MASTERAUTH "s3cr3t', 'tls-key-file-pass s3cr3t x']) {
      assert.throws(
        () => Config.fromLines(parseConfigText(text, 'x.conf')),
        (err: unknown) => {
          assert.ok(err instanceof ConfigFileError);
          assert.equal(err.text, `${text.split(' ')[0]} (redacted)`);
          assert.ok(!err.report('x').includes('s3cr3t'), err.report('x'));
          return true;
        },
      );
    }
    // ACL `user` lines (checked by the ACL subsystem) too.
    assert.equal(new ConfigFileError('x', 1, 'user alice on >pw', 'bad').text, 'user (redacted)');
    // Deprecated directives are accepted and ignored.
    const c = Config.fromLines(
      parseConfigText('list-max-ziplist-entries 5\nlua-replicate-commands yes', 'x'),
    );
    assert.equal(c.ignored.length, 2);
  });

  it('reports the same reasons as redis-server for bad config files', async (t) => {
    const bin = redisServerPath();
    if (bin === null) return t.skip('redis-server not installed');
    const dir = tmp();
    try {
      const texts = [
        'port 7777\nfoo bar\n',
        'port 7777 8',
        'port "abc',
        'hz 1k',
        'maxmemory -5',
        'maxmemory-clients 200%',
        'save 1',
        'save 0 1',
        'appendfsync sometimes',
        'shutdown-on-sigterm save nosave',
        'notify-keyspace-events KEy',
        'client-output-buffer-limit normal 1 2',
        'client-output-buffer-limit master 1 2 3',
        'oom-score-adj-values 1 2',
        'replicaof localhost',
        'replicaof localhost 99999',
        'unixsocketperm 999',
        'unixsocketperm 1777',
        'latency-tracking-info-percentiles 200',
        'dbfilename a/b',
        'appendfilename ""',
        'appenddirname a/b',
        'proc-title-template "{nope}"',
        'dir /nonexistent/x',
        'bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17',
        'rename-command nosuchcommand x',
        'rename-command ping',
        'protected-mode maybe',
        'enable-debug-command sometimes',
        'socket-mark-id -1',
        'cluster-enabled yes\nreplicaof 127.0.0.1 1',
      ];
      for (const [i, text] of texts.entries()) {
        const file = join(dir, `bad${i}.conf`);
        writeFileSync(file, text);
        const redisOut = await new Promise<string>((res) => {
          execFile(bin, [file, '--port', '0'], { timeout: 5000 }, (_err, stdout, stderr) =>
            res(stdout + stderr),
          );
        });
        const redisLines = redisOut.trim().split('\n');
        const redisReason = redisLines[redisLines.length - 1] as string;
        let ours: ConfigFileError | undefined;
        try {
          const config = Config.fromLines(readConfigFile(file));
          // rename-command is checked by the server against its command table.
          if (config.renames.length > 0) new Server(config, new Logger(nullSink));
        } catch (err) {
          if (err instanceof ConfigFileError) ours = err;
          else throw err;
        }
        assert.ok(ours !== undefined, `Redoubt accepted ${JSON.stringify(text)}; Redis said ${redisReason}`);
        assert.equal(ours.reason, redisReason, `reason for ${JSON.stringify(text)}`);
        const at = /at line (\d+)/.exec(redisOut);
        if (at !== null) assert.equal(ours.line, Number(at[1]), `line for ${JSON.stringify(text)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads quoting and escapes like redis-server', async (t) => {
    const dir = tmp();
    const file = join(dir, 'q.conf');
    writeFileSync(
      file,
      [
        'masterauth "a b\\x41\\x7a\\n\\t\\"q\\"\\\\"',
        "masteruser 'it\\'s a \"b\"'",
        'replica-announce-ip \\x41',
        'ignore-warnings ""',
        'cluster-config-file "nodes \\x00x.conf"',
        'syslog-ident "\\xff\\xfe"',
        'bind-source-addr "\\a\\b\\r"',
        '   hz    12   ',
        'save ""',
        'save 100 1',
        'notify-keyspace-events "Kx$"',
        'client-output-buffer-limit pubsub 1gb 1GB 0',
        'oom-score-adj-values "1 2 3"',
        'latency-tracking-info-percentiles 99.5 1e1',
      ].join('\n'),
    );
    const names = [
      'masterauth',
      'masteruser',
      'replica-announce-ip',
      'ignore-warnings',
      'cluster-config-file',
      'syslog-ident',
      'bind-source-addr',
      'hz',
      'save',
      'notify-keyspace-events',
      'client-output-buffer-limit',
      'oom-score-adj-values',
      'latency-tracking-info-percentiles',
    ];
    const bin = redisServerPath();
    if (bin === null) {
      rmSync(dir, { recursive: true, force: true });
      return t.skip('redis-server not installed');
    }
    const port = await freePort();
    const r = await spawnServer(
      bin,
      [file, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      port,
    );
    const ours = await startRedoubt({ configFile: file });
    try {
      const a = await RespConnection.open(ours.port);
      const b = await RespConnection.open(port);
      for (const n of names) {
        const [x, y] = await Promise.all([a.raw('CONFIG', 'GET', n), b.raw('CONFIG', 'GET', n)]);
        assert.equal(x.toString('latin1'), y.toString('latin1'), n);
      }
      a.close();
      b.close();
    } finally {
      await ours.stop();
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds command-line overrides as redis-server does', () => {
    const { configFile, overrides, stdin } = parseCommandLine([
      'app.conf',
      '--port',
      '7000',
      '--bind',
      '127.0.0.1 ::1',
      '--save',
      '--loglevel',
      'verbose',
      '--maxmemory 1mb',
      '--save',
    ]);
    assert.equal(configFile, 'app.conf');
    assert.equal(stdin, false);
    assert.deepEqual(
      overrides.map((l) => [l.name, ...l.args]),
      [
        ['port', '7000'],
        ['bind', '127.0.0.1 ::1'],
        ['save', ''],
        ['loglevel', 'verbose'],
        ['maxmemory', '1mb'],
        ['save', ''],
      ],
    );
    assert.deepEqual(
      overrides.map((l) => l.text),
      ['port "7000"', 'bind "127.0.0.1 ::1"', 'save ""', 'loglevel "verbose"', 'maxmemory 1mb', 'save ""'],
    );
    const c = Config.fromLines(overrides);
    assert.equal(c.show('bind'), '127.0.0.1 ::1');
    assert.equal(c.show('save'), '');
    assert.deepEqual(parseCommandLine(['-']).stdin, true);
    assert.deepEqual(parseCommandLine(['--port', '1', '-']).stdin, true);
    assert.throws(
      () => Config.fromLines(parseCommandLine(['--port']).overrides),
      /wrong number of arguments/,
    );
    assert.throws(() => Config.fromLines(parseCommandLine(['x.conf', 'stray']).overrides), /Bad directive/);
  });

  it('follows include relative to the working directory, and wildcards', () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'a.conf'), 'maxmemory 1mb\n');
      writeFileSync(join(dir, 'b.conf'), 'maxmemory 2mb\nhz 20\n');
      writeFileSync(join(dir, 'main.conf'), `include ${join(dir, '*.conf')}\nhz 30\n`);
      // main.conf includes itself through the wildcard: the nesting limit stops it.
      assert.throws(() => readConfigFile(join(dir, 'main.conf')), /Too many nested includes/);
      writeFileSync(join(dir, 'main.conf'), `include ${join(dir, '[ab].conf')}\nhz 30\n`);
      const c = Config.fromLines(readConfigFile(join(dir, 'main.conf')));
      assert.equal(c.show('maxmemory'), '2097152');
      assert.equal(c.show('hz'), '30');
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const rel = Config.fromLines(parseConfigText('include a.conf', 'x'));
        assert.equal(rel.show('maxmemory'), '1048576');
      } finally {
        process.chdir(cwd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CONFIG REWRITE', () => {
  it('keeps comments, include and rename-command lines, and the file mode', async () => {
    const dir = tmp();
    const file = join(dir, 'redoubt.conf');
    const inc = join(dir, 'inc.conf');
    writeFileSync(inc, 'maxmemory-policy allkeys-lru\n');
    writeFileSync(
      file,
      [
        '# My settings',
        '  # indented comment',
        `include ${inc}`,
        'rename-command ECHO MYECHO',
        'hz 10',
        'slave-read-only yes',
        'maxmemory 1gb',
        '',
        '',
        '',
        '# keep me',
        'requirepass "secret"',
        'save 100 1',
        'save 200 2',
        '',
      ].join('\n'),
    );
    chmodSync(file, 0o640);
    const s = await startRedoubt({ configFile: file });
    const conn = await RespConnection.open(s.port);
    try {
      assert.deepEqual(await conn.call('AUTH', 'secret'), { status: 'OK' });
      assert.deepEqual(
        await conn.call(
          'CONFIG',
          'SET',
          'hz',
          '20',
          'replica-read-only',
          'no',
          'requirepass',
          '',
          'save',
          '300 3',
        ),
        { status: 'OK' },
      );
      await conn.call('CONFIG', 'SET', 'maxmemory-clients', '5%', 'notify-keyspace-events', 'Ex');
      assert.deepEqual(await conn.call('CONFIG', 'REWRITE'), { status: 'OK' });
      const text = readFileSync(file, 'latin1');
      const lines = text.split('\n');
      assert.deepEqual(lines.slice(0, 5), [
        '# My settings',
        '# indented comment',
        `include ${inc}`,
        'rename-command ECHO MYECHO',
        'hz 20',
      ]);
      assert.ok(lines.includes('replica-read-only no'), text);
      assert.ok(lines.includes('maxmemory 1gb'), text);
      assert.ok(lines.includes('# keep me'), text);
      assert.ok(!text.includes('requirepass'), text);
      assert.ok(lines.includes('save 300 3'), text);
      assert.ok(!text.includes('save 200 2'), text);
      assert.ok(!text.includes('\n\n\n'), 'blank runs collapse');
      const appended = lines.slice(lines.indexOf(REWRITE_SIGNATURE) + 1);
      assert.ok(appended.includes('maxmemory-clients 5%'), text);
      assert.ok(appended.includes('notify-keyspace-events "xE"'), text);
      assert.ok(appended.includes('maxmemory-policy allkeys-lru'), text);
      assert.ok(appended.includes('bind 127.0.0.1'), text);
      assert.ok(
        appended.some((l) => l.startsWith('dir "')),
        text,
      );
      // Rewritten files are 0600 whatever their mode was (Redis: 0644 & ~umask).
      assert.equal(statSync(file).mode & 0o777, 0o600);
      // Rewriting again only adds Redis's trailing blank line once, then changes nothing.
      await conn.call('CONFIG', 'REWRITE');
      const again = readFileSync(file, 'latin1');
      assert.equal(again, `${text}\n`);
      await conn.call('CONFIG', 'REWRITE');
      assert.equal(readFileSync(file, 'latin1'), again);
      // The rewritten file loads back to the same values.
      const back = Config.fromLines(readConfigFile(file));
      for (const n of [
        'hz',
        'replica-read-only',
        'save',
        'maxmemory-clients',
        'notify-keyspace-events',
        'bind',
      ]) {
        assert.equal(back.show(n), s.handle.server.config.show(n), n);
      }
      // A deleted file is created again, 0600.
      unlinkSync(file);
      assert.deepEqual(await conn.call('CONFIG', 'REWRITE'), { status: 'OK' });
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(readFileSync(file, 'latin1').startsWith(`${REWRITE_SIGNATURE}\n`));
    } finally {
      conn.close();
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes what redis-server writes (appended lines in any order)', async (t) => {
    const bin = redisServerPath();
    if (bin === null) return t.skip('redis-server not installed');
    const dir = tmp();
    const base = [
      '# comment',
      'port 0',
      'hz 10',
      'slave-serve-stale-data yes',
      'hash-max-ziplist-entries 100',
      'maxmemory 1024',
      'rename-command ECHO MYECHO',
      'client-output-buffer-limit normal 0 0 0',
      'client-output-buffer-limit pubsub 32mb 8mb 60',
      'lua-replicate-commands yes',
      '',
      '',
      'notify-keyspace-events ""',
      'unixsocketperm 700',
      'masterauth "x"',
      'replicaof 127.0.0.1 1',
      '',
    ].join('\n');
    const rfile = join(dir, 'redis.conf');
    const ofile = join(dir, 'redoubt.conf');
    writeFileSync(rfile, base);
    writeFileSync(ofile, base);
    const port = await freePort();
    const sets = [
      ['hz', '20'],
      ['maxmemory', '3gb'],
      ['hash-max-listpack-entries', '200'],
      ['replica-serve-stale-data', 'no'],
      ['client-output-buffer-limit', 'pubsub 1mb 512kb 10 replica 1000 2000 3'],
      ['notify-keyspace-events', 'KA'],
      ['masterauth', ''],
      ['maxmemory-clients', '7%'],
      ['save', '10 1 20 2'],
      ['oom-score-adj-values', '0 100 800'],
      ['shutdown-on-sigint', 'now save'],
      ['loglevel', 'warning'],
      ['latency-tracking-info-percentiles', '99'],
      ['proto-max-bulk-len', '1000000000'],
    ];
    const r = await spawnServer(
      bin,
      [rfile, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      port,
    );
    // `replicaof` in the file: Redoubt accepts it without effect, Redis retries in the background.
    const ours = await startRedoubt({ configFile: ofile });
    try {
      const a = await RespConnection.open(ours.port);
      const b = await RespConnection.open(port);
      for (const [n, v] of sets) {
        assert.deepEqual(await a.call('CONFIG', 'SET', n as string, v as string), { status: 'OK' }, n);
        assert.deepEqual(await b.call('CONFIG', 'SET', n as string, v as string), { status: 'OK' }, n);
      }
      assert.deepEqual(await a.call('CONFIG', 'REWRITE'), { status: 'OK' });
      assert.deepEqual(await b.call('CONFIG', 'REWRITE'), { status: 'OK' });
      a.close();
      b.close();
      const norm = (text: string): { head: string[]; tail: string[] } => {
        const lines = text
          .split('\n')
          .filter((l) => !/^(port|dir|bind|user) /.test(l))
          .map((l) => l);
        const at = lines.indexOf(REWRITE_SIGNATURE);
        return { head: lines.slice(0, at), tail: lines.slice(at).sort() };
      };
      const mine = norm(readFileSync(ofile, 'latin1'));
      const theirs = norm(readFileSync(rfile, 'latin1'));
      assert.deepEqual(mine.head, theirs.head);
      assert.deepEqual(mine.tail, theirs.tail);
    } finally {
      await ours.stop();
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rewrites text like Redis for a fresh file', () => {
    const c = new Config();
    c.setParsed('hz', 20);
    const out = rewriteConfigText(null, c);
    assert.ok(out.startsWith(`${REWRITE_SIGNATURE}\nbind 127.0.0.1 -::1\n`), out);
    assert.ok(out.includes('\nhz 20\n'));
    assert.ok(out.includes('\nsave 3600 1\nsave 300 100\nsave 60 10000\n'));
    assert.equal(rewriteConfigText('', c), out);
    // A file ending with a newline keeps a blank line before what is appended.
    assert.ok(rewriteConfigText('# x\n', c).startsWith(`# x\n\n${REWRITE_SIGNATURE}\n`));
    assert.ok(rewriteConfigText('# x', c).startsWith(`# x\n${REWRITE_SIGNATURE}\n`));
    // A line Redis could not split is commented out, not dropped.
    assert.ok(
      rewriteConfigText('hz 10\ntail "x\nnosuch 1\n', c).startsWith('hz 20\n# ??? tail "x\n# ??? nosuch 1\n'),
    );
  });
});

describe('the running server follows CONFIG SET', () => {
  it('caches hot values, clamps hz, redacts secrets from SLOWLOG', async () => {
    const s = await startRedoubt({});
    const server = s.handle.server;
    const conn = await RespConnection.open(s.port);
    try {
      await conn.call(
        'CONFIG',
        'SET',
        'proto-max-bulk-len',
        '2mb',
        'client-query-buffer-limit',
        '3mb',
        'slowlog-max-len',
        '5',
        'loglevel',
        'debug',
        'hz',
        '0',
      );
      assert.equal(server.protoMaxBulkLen, 2 * 1024 * 1024);
      assert.equal(server.queryBufferLimit, 3 * 1024 * 1024);
      assert.equal(server.slowlog.maxLen, 5);
      assert.equal(server.logger.level, 'debug');
      assert.deepEqual(await conn.call('CONFIG', 'GET', 'hz'), ['hz', '1']);
      await conn.call('CONFIG', 'SET', 'hz', '100000');
      assert.deepEqual(await conn.call('CONFIG', 'GET', 'hz'), ['hz', '500']);
      await conn.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      assert.equal(server.slowlogThreshold, 0);
      await conn.call('CONFIG', 'SET', 'masterauth', 'hunter2', 'hz', '10');
      await conn.call('CONFIG', 'SET', 'masterauth', 'hunter3', 'nosuch', '1');
      const logged = server.slowlog.entries.map((e) => e.argv.join(' '));
      assert.ok(logged.includes('CONFIG SET masterauth (redacted) hz 10'), logged.join('\n'));
      assert.ok(!logged.some((l) => l.includes('hunter')), logged.join('\n'));
      // requirepass applies at once.
      await conn.call('CONFIG', 'SET', 'requirepass', 'pw');
      const other = await RespConnection.open(s.port);
      assert.deepEqual(await other.call('PING'), { error: 'NOAUTH Authentication required.' });
      assert.deepEqual(await other.call('AUTH', 'pw'), { status: 'OK' });
      other.close();
      await conn.call('CONFIG', 'SET', 'requirepass', '');
    } finally {
      conn.close();
      await s.stop();
    }
  });

  it('RESETSTAT zeroes the server, command and error statistics', async () => {
    const s = await startRedoubt({});
    const server = s.handle.server;
    const conn = await RespConnection.open(s.port);
    try {
      await conn.call('PING');
      await conn.call('NOSUCH');
      assert.ok(server.stats.commands > 0);
      assert.ok(server.stats.totalErrorReplies > 0);
      assert.deepEqual(await conn.call('CONFIG', 'RESETSTAT'), { status: 'OK' });
      assert.equal(server.stats.totalErrorReplies, 0);
      assert.equal(server.stats.errors.size, 0);
      assert.equal(server.commands.byName('ping')?.stats.calls, 0);
      // RESETSTAT itself is counted after the reset, as in Redis.
      assert.equal(server.stats.commands, 1);
    } finally {
      conn.close();
      await s.stop();
    }
  });

  it('re-binds on CONFIG SET port and bind', async () => {
    const s = await startRedoubt({});
    const conn = await RespConnection.open(s.port);
    const next = await freePort();
    try {
      assert.deepEqual(await conn.call('CONFIG', 'SET', 'port', String(next)), { status: 'OK' });
      let fresh: RespConnection | undefined;
      for (let i = 0; i < 50 && fresh === undefined; i++) {
        fresh = await RespConnection.open(next).catch(() => undefined);
        if (fresh === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(fresh !== undefined, 'the new port accepts connections');
      assert.deepEqual(await fresh.call('PING'), { status: 'PONG' });
      await assert.rejects(RespConnection.open(s.port));
      assert.deepEqual(await conn.call('PING'), { status: 'PONG' }, 'existing clients stay connected');
      assert.deepEqual(await fresh.call('CONFIG', 'SET', 'bind', '127.0.0.1  -::1'), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
      });
      assert.deepEqual(await fresh.call('CONFIG', 'SET', 'bind', 'not-an-address'), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
      });
      assert.deepEqual(await fresh.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1']);
      // Port and bind together re-bind once.
      const third = await freePort();
      assert.deepEqual(await fresh.call('CONFIG', 'SET', 'bind', '127.0.0.1 -::1', 'port', String(third)), {
        status: 'OK',
      });
      let last: RespConnection | undefined;
      for (let i = 0; i < 50 && last === undefined; i++) {
        last = await RespConnection.open(third).catch(() => undefined);
        if (last === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(last !== undefined, 'the third port accepts connections');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await last.call('CONFIG', 'GET', 'port'), ['port', String(third)]);
      assert.deepEqual(await last.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
      last.close();
      fresh.close();
    } finally {
      conn.close();
      await s.stop();
    }
  });
});

describe('the directive table', () => {
  it('has one entry per name, valid defaults, and a doc or a no-effect reason each', () => {
    const seen = new Set<string>();
    for (const d of DIRECTIVES) {
      for (const n of [d.name, d.alias]) {
        if (n === undefined) continue;
        assert.ok(!seen.has(n), `duplicate ${n}`);
        seen.add(n);
      }
      assert.ok((d.doc ?? d.noEffect ?? '') !== '', `${d.name} needs a doc or a noEffect reason`);
      assert.ok(!(d.doc !== undefined && d.noEffect !== undefined), `${d.name}: doc and noEffect`);
      // The default survives a format/parse round trip ("" of replicaof means unset).
      if (d.name === 'dir' || d.name === 'replicaof') continue;
      const shown = d.kind.format(d.default);
      const args = d.kind.multiArg === true ? (shown === '' ? [''] : shown.split(' ')) : [shown];
      let back: unknown;
      try {
        back = d.kind.parse(args, { loading: false, current: d.default, first: true });
      } catch (err) {
        assert.fail(
          `${d.name}: default ${JSON.stringify(shown)} does not parse: ${(err as ConfigValueError).message}`,
        );
      }
      assert.equal(d.kind.format(back), shown, d.name);
    }
  });

  it('knows every directive of the sample redis.conf, commented examples included', (t) => {
    let text: string;
    try {
      text = readFileSync('/etc/redis/redis.conf', 'latin1');
    } catch {
      return t.skip('no /etc/redis/redis.conf');
    }
    // Uncommented lines load as they are.
    Config.fromLines(parseConfigText(text, '/etc/redis/redis.conf').filter((l) => l.name !== 'dir'));
    // Commented examples (`# maxmemory <bytes>`) name directives the table knows.
    const examples = new Set<string>();
    for (const raw of text.split('\n')) {
      const m = /^# ?([a-z][a-z0-9_-]+) (\S.*)$/.exec(raw);
      if (m !== null && Config.lookup(m[1] as string) !== undefined) examples.add(m[1] as string);
    }
    assert.ok(examples.size > 100, `${examples.size} commented examples`);
    for (const name of ['include', 'rename-command', 'user', 'loadmodule']) {
      assert.ok(new RegExp(`^# +${name} `, 'm').test(text), name);
    }
  });

  it('docs/configuration.md is generated from the table and up to date', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-config-docs.mjs'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  });
});

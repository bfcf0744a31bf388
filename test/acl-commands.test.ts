/**
 * Meta test: every command of the table is exercised under ACL rules, allowed
 * and denied, differentially against redis-server 7.0. For each command an
 * argument vector is built from its documented arguments (keys k1, k2...), then
 * for a series of users (no permissions; only this command; read-only,
 * write-only and first-key-only patterns; each of its categories added and
 * removed; first-argument and container rules) ACL DRYRUN must answer as Redis,
 * and a denied command actually sent by such a user must be refused with
 * Redis's NOPERM reply. A command added to the table is covered automatically;
 * the test fails if one cannot be exercised (no allowed or no denied case).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REDIS_COMMANDS } from '../src/acl/redis-commands.js';
import { ALL_COMMANDS } from '../src/commands/all.js';
import { type Command, CommandTable } from '../src/commands/registry.js';
import { ACL_CATEGORIES, type ArgSpec } from '../src/commands/spec.js';
import { Differential, exact } from './helpers/diff.js';
import type { Arg, RespConnection } from './helpers/resp.js';
import { ROOT } from './helpers/servers.js';

/** Redis 7.2 commands Redis 7.0 does not know. */
const NEWER_THAN_70 = new Set(['client|no-touch', 'client|setinfo']);
/** Not sent for real even when denied: they end or reset the connection. */
const NOT_SENT = new Set(['quit', 'reset', 'auth', 'hello']);

/** A plausible argument list from a command's documented arguments. */
function sampleArgs(args: readonly ArgSpec[] | undefined, keys: { n: number }, out: string[] = []): string[] {
  for (const a of args ?? []) {
    if (a.flags?.includes('optional')) continue;
    const times = a.flags?.includes('multiple') ? 2 : 1;
    for (let i = 0; i < times; i++) {
      if (a.token !== undefined && a.type !== 'pure-token') out.push(a.token);
      switch (a.type) {
        case 'key':
          out.push(`k${++keys.n}`);
          break;
        case 'integer':
          out.push(a.name === 'numkeys' ? '2' : '1');
          break;
        case 'double':
          out.push('1.5');
          break;
        case 'pattern':
          out.push('*');
          break;
        case 'unix-time':
          out.push('1');
          break;
        case 'pure-token':
          out.push(a.token ?? a.name);
          break;
        case 'oneof':
          sampleArgs(
            a.arguments?.slice(0, 1).map((x) => ({ ...x, flags: [] })),
            keys,
            out,
          );
          break;
        case 'block':
          sampleArgs(a.arguments, keys, out);
          break;
        default:
          out.push('v');
      }
    }
  }
  return out;
}

function sampleArgv(cmd: Command): string[] {
  const argv = [...cmd.fullName.split('|'), ...sampleArgs(cmd.spec.args, { n: 0 })];
  const min = Math.abs(cmd.arity);
  while (argv.length < min) argv.push('x');
  if (cmd.arity > 0) argv.length = cmd.arity;
  return argv;
}

describe('every command under ACL rules, allowed and denied (differential)', () => {
  let d: Differential | null;
  let ours: RespConnection;
  let theirs: RespConnection;
  before(async () => {
    d = await Differential.start();
    if (d === null) return;
    await d.same(['ACL', 'SETUSER', 'runner', 'on', '>pw']);
    [ours, theirs] = await d.pair();
    await ours.call('AUTH', 'runner', 'pw');
    await theirs.call('AUTH', 'runner', 'pw');
  });
  after(async () => {
    ours?.close();
    theirs?.close();
    await d?.close();
  });

  it('ACL DRYRUN and real NOPERM replies equal Redis’s for every command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const diff = d;
    const table = new CommandTable(ALL_COMMANDS);
    const commands = [...table.all()].filter(
      (c) => c.subcommands === undefined && !NEWER_THAN_70.has(c.fullName),
    );
    const outcomes = new Map<string, { allowed: number; denied: number }>();
    for (const cmd of commands) {
      const argv = sampleArgv(cmd);
      const tally = { allowed: 0, denied: 0 };
      outcomes.set(cmd.fullName, tally);
      const userCases: string[][] = [
        [],
        [`+${cmd.fullName}`],
        [`+${cmd.fullName}`, '%R~*'],
        [`+${cmd.fullName}`, '%W~*'],
        [`+${cmd.fullName}`, '~k1'],
        [`+${cmd.fullName}`, '%R~k1', '%W~k2*', '~k3'],
        ['+@all', '~*', '&*'],
        ['+@all', '~*', `-${cmd.fullName}`],
        [`+${cmd.fullName}`, '(~k1 +@all)', '(~k2 -@all)'],
      ];
      for (const cat of cmd.categoryNames()) {
        userCases.push([`+@${cat}`, '~*'], ['+@all', `-@${cat}`, '~*']);
      }
      if (cmd.parent !== undefined) {
        userCases.push([`+${cmd.parent.name}`, '~*'], [`+${cmd.parent.name}`, `-${cmd.fullName}`, '~*']);
      } else if (argv.length >= 2) {
        userCases.push([`+${cmd.name}|${argv[1] as string}`, '~*'], [`+${cmd.name}|zzz`, '~*']);
      }
      for (const rules of userCases) {
        await diff.same(['ACL', 'SETUSER', 'probe', 'reset', 'on', 'nopass', ...rules]);
        const reply = await diff.same(['ACL', 'DRYRUN', 'probe', ...argv]);
        if (reply !== null && typeof reply === 'object' && 'status' in reply) {
          tally.allowed++;
          continue;
        }
        tally.denied++;
        if (NOT_SENT.has(cmd.name)) continue;
        // Refused for real: the same rules on the runner, the command sent.
        await diff.same(['ACL', 'SETUSER', 'runner', 'reset', 'on', '>pw', ...rules]);
        const args: Arg[] = argv;
        const [x, y] = await Promise.all([ours.raw(...args), theirs.raw(...args)]);
        exact(x, y, args);
      }
    }
    assert.equal(outcomes.size, commands.length);
    let allowed = 0;
    let denied = 0;
    for (const o of outcomes.values()) {
      allowed += o.allowed;
      denied += o.denied;
    }
    t.diagnostic(`${commands.length} commands, ${allowed} allowed and ${denied} denied cases`);
    for (const [name, tally] of outcomes) {
      assert.ok(
        tally.allowed > 0,
        `${name}: never allowed by any rule set (argv ${sampleArgv(table.byName(name) as Command).join(' ')})`,
      );
      // AUTH, HELLO, QUIT and RESET (no_auth) are always allowed, as in Redis.
      if ((table.byName(name) as Command).spec.flags.includes('no_auth'))
        assert.equal(tally.denied, 0, `${name} is no_auth: never denied`);
      else assert.ok(tally.denied > 0, `${name}: never denied by any rule set`);
    }
  });
});

describe('the command set ACL rules know', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('src/acl/redis-commands.ts is what scripts/gen-acl-commands.mjs makes from the reference server', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const port = d.redisServer.port;
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'scripts', 'gen-acl-commands.mjs'), '--port', String(port), '--check'],
        { timeout: 20000 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : 1, out: stdout + stderr }),
      );
    });
    assert.equal(result.code, 0, result.out);
  });

  it('every command Redoubt implements has the ACL categories Redis gives it', () => {
    const table = new CommandTable(ALL_COMMANDS);
    const names = (bits: number): string[] => ACL_CATEGORIES.filter((_, i) => (bits & (1 << i)) !== 0);
    for (const [name, categories, subs] of REDIS_COMMANDS) {
      const own = table.byName(name);
      if (own === undefined) continue;
      assert.deepEqual(names(own.categories), categories.split(' ').filter(Boolean), name);
      for (const [sub, subCategories] of subs) {
        const ownSub = table.byName(`${name}|${sub}`);
        if (ownSub === undefined) continue;
        assert.deepEqual(
          names(ownSub.categories),
          subCategories.split(' ').filter(Boolean),
          `${name}|${sub}`,
        );
      }
      // A Redis container is a container here too (its subcommands are known to ACL rules).
      assert.equal(own.subcommands !== undefined, subs.length > 0, `${name}: container or not`);
    }
  });
});

/**
 * The permission check on its own, for what no command of Redoubt can reach over
 * a socket yet: channel rules. PUBLISH, SUBSCRIBE and friends do not exist
 * until pub/sub lands, so synthetic specs with Redis 7.0's facts stand in for
 * them (ACL DRYRUN looks commands up in the live table, so it cannot reach them
 * either). When pub/sub lands, the differential tests cover them for real.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCommand, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from '../src/acl/check.js';
import { AclCommands } from '../src/acl/commands.js';
import { describeUser } from '../src/acl/describe.js';
import { mergeSelectorArgs, parseUserRule } from '../src/acl/rules.js';
import { type RuleContext, User, UserState } from '../src/acl/user.js';
import { type Command, CommandTable } from '../src/commands/registry.js';
import type { CommandSpec } from '../src/commands/spec.js';
import { Client } from '../src/core/client.js';
import { createServer } from '../src/index.js';
import { ErrorReply, OK } from '../src/protocol/reply.js';

const handler = (): typeof OK => OK;
const SPECS: readonly CommandSpec[] = [
  {
    name: 'publish',
    group: 'pubsub',
    summary: '',
    since: '2.0.0',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    handler,
  },
  { name: 'spublish', group: 'pubsub', summary: '', since: '7.0.0', arity: 3, flags: ['pubsub'], handler },
  {
    name: 'subscribe',
    group: 'pubsub',
    summary: '',
    since: '2.0.0',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    handler,
  },
  { name: 'ssubscribe', group: 'pubsub', summary: '', since: '7.0.0', arity: -2, flags: ['pubsub'], handler },
  {
    name: 'psubscribe',
    group: 'pubsub',
    summary: '',
    since: '2.0.0',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    handler,
  },
  {
    name: 'unsubscribe',
    group: 'pubsub',
    summary: '',
    since: '2.0.0',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    handler,
  },
  {
    name: 'get',
    group: 'string',
    summary: '',
    since: '1.0.0',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    handler,
  },
];

const table = new CommandTable(SPECS);
const commands = new AclCommands(table);

function user(rules: readonly string[], allChannelsByDefault = false): User {
  const ctx: RuleContext = { commands, allChannelsByDefault };
  const state = UserState.empty(ctx);
  const merged = mergeSelectorArgs(rules);
  assert.ok('rules' in merged);
  for (const r of merged.rules) assert.equal(state.apply(parseUserRule(r), ctx), undefined, r);
  return new User('u', state);
}

const cmd = (name: string): Command => table.byName(name) as Command;

describe('channel permissions (synthetic pub/sub commands)', () => {
  it('PUBLISH and SUBSCRIBE match channel globs; PSUBSCRIBE patterns must be listed literally', () => {
    const u = user(['on', '+@all', '~*', 'resetchannels', '&news.*', '&ch']);
    assert.equal(checkCommand(u, cmd('publish'), ['publish', 'news.1', 'm']), undefined);
    assert.equal(checkCommand(u, cmd('spublish'), ['spublish', 'ch', 'm']), undefined);
    assert.deepEqual(checkCommand(u, cmd('publish'), ['publish', 'other', 'm']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
    assert.equal(checkCommand(u, cmd('subscribe'), ['subscribe', 'news.a', 'ch']), undefined);
    assert.deepEqual(checkCommand(u, cmd('subscribe'), ['subscribe', 'news.a', 'x', 'y']), {
      reason: DENIED_CHANNEL,
      pos: 2,
    });
    assert.deepEqual(checkCommand(u, cmd('ssubscribe'), ['ssubscribe', 'x']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
    assert.equal(checkCommand(u, cmd('psubscribe'), ['psubscribe', 'news.*']), undefined);
    assert.deepEqual(checkCommand(u, cmd('psubscribe'), ['psubscribe', 'news.a']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
    // UNSUBSCRIBE names no channel for ACL purposes.
    assert.equal(checkCommand(u, cmd('unsubscribe'), ['unsubscribe', 'anything']), undefined);
  });

  it('allchannels, &*, acl-pubsub-default and resetchannels', () => {
    assert.equal(checkCommand(user(['+@all', '~*', '&*']), cmd('publish'), ['publish', 'x', 'm']), undefined);
    assert.equal(checkCommand(user(['+@all', '~*'], true), cmd('publish'), ['publish', 'x', 'm']), undefined);
    assert.deepEqual(checkCommand(user(['+@all', '~*'], false), cmd('publish'), ['publish', 'x', 'm']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
    const reset = user(['+@all', '~*', 'allchannels', 'resetchannels']);
    assert.deepEqual(checkCommand(reset, cmd('subscribe'), ['subscribe', 'x']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
    assert.equal(describeUser(reset.state, commands), 'off ~* resetchannels +@all');
  });

  it('selectors: one allowing selector is enough; otherwise the most relevant denial is reported', () => {
    const u = user(['+@all', '~*', 'resetchannels', '&a', '(+publish ~* &b)', '(-@all +get ~k*)']);
    assert.equal(checkCommand(u, cmd('publish'), ['publish', 'b', 'm']), undefined);
    assert.deepEqual(checkCommand(u, cmd('publish'), ['publish', 'c', 'm']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
    const v = user(['-@all', '(-@all +get ~k*)', '(+get ~z)']);
    assert.deepEqual(checkCommand(v, cmd('get'), ['get', 'x']), { reason: DENIED_KEY, pos: 1 });
    assert.deepEqual(checkCommand(v, cmd('publish'), ['publish', 'x', 'm']), { reason: DENIED_CMD, pos: 0 });
    const w = user(['+publish', '~*', '(+publish &z ~*)']);
    assert.deepEqual(checkCommand(w, cmd('publish'), ['publish', 'q', 'm']), {
      reason: DENIED_CHANNEL,
      pos: 1,
    });
  });

  it('ACL rules render channel patterns as Redis does', () => {
    const u = user(['on', '&a*', '&b', '&a*', '(&c +publish)']);
    assert.equal(
      describeUser(u.state, commands),
      'on resetchannels &a* &b -@all (resetchannels &c -@all +publish)',
    );
  });
});

describe('the check EXEC will run for each queued command', () => {
  it('checkQueued: Redis’s EXEC error, and an ACL LOG entry with context "multi"', async () => {
    const h = createServer({ port: 0, bind: '127.0.0.1' });
    try {
      const server = h.server;
      assert.equal(server.acl.setUser('q', ['on', 'nopass', '+get', '~k*'], undefined), undefined);
      const c = new Client(1, server, null, server.dbs[0] as never, '127.0.0.1:1', '127.0.0.1:2');
      c.aclUser = server.acl.getUser('q') as User;
      const get = server.commands.byName('get') as Command;
      const set = server.commands.byName('set') as Command;
      assert.equal(server.acl.checkQueued(c, get, ['get', 'k1']), undefined);
      const key = server.acl.checkQueued(c, get, ['get', 'x']);
      assert.ok(key instanceof ErrorReply);
      assert.equal(
        key.message,
        'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to touch the specified keys',
      );
      const cmdErr = server.acl.checkQueued(c, set, ['set', 'k1', 'v']);
      assert.match(
        (cmdErr as ErrorReply).message,
        /reason: no permission to execute the command or subcommand$/,
      );
      const entries = server.acl.log.entries;
      assert.deepEqual(
        entries.map((e) => [e.reason, e.context, e.object, e.username]),
        [
          [DENIED_CMD, 'multi', 'set', 'q'],
          [DENIED_KEY, 'multi', 'x', 'q'],
        ],
      );
      assert.deepEqual(server.acl.stats, { auth: 0, cmd: 1, key: 1, channel: 0 });
    } finally {
      await h.close();
    }
  });
});

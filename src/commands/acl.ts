/**
 * The ACL container: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT,
 * GENPASS, LOG, SAVE, LOAD, DRYRUN, HELP. The users, rules and checks are in
 * src/acl; these handlers parse arguments and shape replies as Redis 7 does.
 */
import { randomBytes } from 'node:crypto';
import { checkCommand, DENIED_CHANNEL, DENIED_CMD } from '../acl/check.js';
import { AclCommands } from '../acl/commands.js';
import { describeChannels, describeCommandRules, describeKeys } from '../acl/describe.js';
import { reasonName } from '../acl/log.js';
import { cString, hasSpaces, sameIgnoringCase } from '../acl/rules.js';
import type { Selector } from '../acl/selector.js';
import { USER_FLAG_NAMES } from '../acl/user.js';
import type { Client } from '../core/client.js';
import { DoubleReply, MapReply, OK, type Reply, SetReply } from '../protocol/reply.js';
import { parseInt64Number } from '../util/number.js';
import {
  ACL_ERR,
  aclDryrunNoCommand,
  aclDryrunNoUser,
  aclLoadFailed,
  aclUnknownCategory,
  ERR,
  subcommandSyntax,
  wrongArity,
} from './errors.js';
import { helpReply } from './help.js';
import type { CommandSpec } from './spec.js';
import { ACL_CATEGORIES } from './spec.js';

export const aclCommands = [
  {
    name: 'acl',
    group: 'server',
    summary: 'A container for Access List Control commands ',
    since: '6.0.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'cat',
        group: 'server',
        summary: 'List the ACL categories or the commands inside a category',
        since: '6.0.0',
        complexity: 'O(1) since the categories and commands are a fixed set.',
        arity: -2,
        flags: ['noscript', 'loading', 'stale'],
        args: [{ name: 'categoryname', type: 'string', flags: ['optional'] }],
        handler: aclCatCommand,
      },
      {
        name: 'deluser',
        group: 'server',
        summary: 'Remove the specified ACL users and the associated rules',
        since: '6.0.0',
        complexity: 'O(1) amortized time considering the typical user.',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        args: [{ name: 'username', type: 'string', flags: ['multiple'] }],
        handler: aclDeluserCommand,
      },
      {
        name: 'dryrun',
        group: 'server',
        summary: 'Returns whether the user can execute the given command without executing the command.',
        since: '7.0.0',
        complexity: 'O(1).',
        arity: -4,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        args: [
          { name: 'username', type: 'string' },
          { name: 'command', type: 'string' },
          { name: 'arg', type: 'string', flags: ['optional', 'multiple'] },
        ],
        handler: aclDryrunCommand,
      },
      {
        name: 'genpass',
        group: 'server',
        summary: 'Generate a pseudorandom secure password to use for ACL users',
        since: '6.0.0',
        complexity: 'O(1)',
        arity: -2,
        flags: ['noscript', 'loading', 'stale'],
        args: [{ name: 'bits', type: 'integer', flags: ['optional'] }],
        handler: aclGenpassCommand,
      },
      {
        name: 'getuser',
        group: 'server',
        summary: 'Get the rules for a specific ACL user',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
        history: [
          ['6.2.0', 'Added Pub/Sub channel patterns.'],
          [
            '7.0.0',
            'Added selectors and changed the format of key and channel patterns from a list to their rule representation.',
          ],
        ],
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        args: [{ name: 'username', type: 'string' }],
        handler: aclGetuserCommand,
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '6.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        handler: aclHelpCommand,
      },
      {
        name: 'list',
        group: 'server',
        summary: 'List the current ACL rules in ACL config file format',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of configured users.',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        handler: aclListCommand,
      },
      {
        name: 'load',
        group: 'server',
        summary: 'Reload the ACLs from the configured ACL file',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of configured users.',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        handler: aclLoadCommand,
      },
      {
        name: 'log',
        group: 'server',
        summary: 'List latest events denied because of ACLs in place',
        since: '6.0.0',
        complexity: 'O(N) with N being the number of entries shown.',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        args: [
          {
            name: 'operation',
            type: 'oneof',
            flags: ['optional'],
            arguments: [
              { name: 'count', type: 'integer' },
              { name: 'reset', type: 'pure-token', token: 'RESET' },
            ],
          },
        ],
        handler: aclLogCommand,
      },
      {
        name: 'save',
        group: 'server',
        summary: 'Save the current ACL rules in the configured ACL file',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of configured users.',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        handler: aclSaveCommand,
      },
      {
        name: 'setuser',
        group: 'server',
        summary: 'Modify or create the rules for a specific ACL user',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of rules provided.',
        history: [
          ['6.2.0', 'Added Pub/Sub channel patterns.'],
          ['7.0.0', 'Added selectors and key based permissions.'],
        ],
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        args: [
          { name: 'username', type: 'string' },
          { name: 'rule', type: 'string', flags: ['optional', 'multiple'] },
        ],
        // As Redis: the user name and every rule, whatever the outcome.
        secretArgs: (argv) => argv.map((_, i) => i).slice(2),
        handler: aclSetuserCommand,
      },
      {
        name: 'users',
        group: 'server',
        summary: 'List the username of all the configured ACL rules',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of configured users.',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        handler: aclUsersCommand,
      },
      {
        name: 'whoami',
        group: 'server',
        summary: 'Return the name of the user associated to the current connection',
        since: '6.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        handler: aclWhoamiCommand,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

function aclSetuserCommand(c: Client, argv: string[]): Reply {
  const name = argv[2] as string;
  if (hasSpaces(name)) throw ACL_ERR.usernameSpaces;
  // Who ran it, before the change may put the client back to the default user.
  const by = c.user;
  const err = c.server.acl.setUser(name, argv.slice(3), c);
  // The user's name only: the rules may hold passwords.
  c.server.security.adminCommand(c, 'acl-setuser', {
    user: by,
    target: name,
    result: err === undefined ? 'ok' : 'error',
  });
  if (err !== undefined) throw err;
  return OK;
}

function aclDeluserCommand(c: Client, argv: string[]): Reply {
  const names = argv.slice(2);
  if (names.includes('default')) throw ACL_ERR.defaultCannotBeRemoved;
  const by = c.user;
  const deleted = c.server.acl.deleteUsers(names, c);
  c.server.security.adminCommand(c, 'acl-deluser', { user: by, targets: names, deleted });
  return deleted;
}

function selectorFields(s: Selector, c: Client): Reply[] {
  return [
    'commands',
    describeCommandRules(s, c.server.acl.commands),
    'keys',
    describeKeys(s),
    'channels',
    describeChannels(s),
  ];
}

function aclGetuserCommand(c: Client, argv: string[]): Reply {
  const u = c.server.acl.getUser(argv[2] as string);
  if (u === undefined) return null;
  const state = u.state;
  const flags: Reply[] = [];
  for (const [flag, name] of USER_FLAG_NAMES) if ((state.flags & flag) !== 0) flags.push(name);
  const [root, ...others] = state.selectors as [Selector, ...Selector[]];
  return new MapReply([
    'flags',
    new SetReply(flags),
    'passwords',
    [...state.passwords],
    ...selectorFields(root, c),
    'selectors',
    others.map((s) => new MapReply(selectorFields(s, c))),
  ]);
}

function aclListCommand(c: Client): Reply {
  const acl = c.server.acl;
  return acl.sortedUsers().map((u) => `user ${u.name} ${acl.describe(u)}`);
}

function aclUsersCommand(c: Client): Reply {
  return c.server.acl.sortedUsers().map((u) => u.name);
}

function aclWhoamiCommand(c: Client): Reply {
  return c.user;
}

function aclLoadCommand(c: Client): Reply {
  const acl = c.server.acl;
  if (acl.aclfile === '') throw ACL_ERR.noAclFile;
  const by = c.user;
  const errors = acl.loadFile(c);
  c.server.security.adminCommand(c, 'acl-load', { user: by, result: errors === undefined ? 'ok' : 'error' });
  if (errors !== undefined) throw aclLoadFailed(errors);
  return OK;
}

function aclSaveCommand(c: Client): Reply {
  const acl = c.server.acl;
  if (acl.aclfile === '') throw ACL_ERR.noAclFile;
  try {
    acl.saveFile();
  } catch (err) {
    c.server.logger.warning(err instanceof Error ? err.message : String(err));
    c.server.security.adminCommand(c, 'acl-save', { result: 'error' });
    throw ACL_ERR.saveFailed;
  }
  c.server.security.adminCommand(c, 'acl-save', { result: 'ok' });
  return OK;
}

function aclCatCommand(c: Client, argv: string[]): Reply {
  if (argv.length === 2) return [...ACL_CATEGORIES];
  if (argv.length !== 3) throw subcommandSyntax(argv[1] as string, argv[0] as string);
  const index = AclCommands.categoryIndex(cString(argv[2] as string));
  if (index === -1) throw aclUnknownCategory(argv[2] as string);
  const bit = 1 << index;
  const out: string[] = [];
  // The commands Redoubt implements (ACL rules also know Redis's others).
  for (const cmd of c.server.acl.commands.all()) {
    if (cmd.command !== undefined && (cmd.categories & bit) !== 0) out.push(cmd.fullName);
  }
  return out;
}

const GENPASS_MAX_BITS = 4096;

function longArg(s: string): number {
  const v = parseInt64Number(s);
  if (v === undefined) throw ERR.notInteger;
  return v;
}

function aclGenpassCommand(_c: Client, argv: string[]): Reply {
  if (argv.length > 3) throw subcommandSyntax(argv[1] as string, argv[0] as string);
  const bits = argv.length === 3 ? longArg(argv[2] as string) : 256;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) throw ACL_ERR.genpassRange;
  const chars = Math.floor((bits + 3) / 4);
  return randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);
}

function aclLogCommand(c: Client, argv: string[]): Reply {
  if (argv.length > 3) throw subcommandSyntax(argv[1] as string, argv[0] as string);
  const log = c.server.acl.log;
  let count = 10;
  if (argv.length === 3) {
    if (sameIgnoringCase(argv[2] as string, 'reset')) {
      log.reset();
      return OK;
    }
    count = Math.max(0, longArg(argv[2] as string));
  }
  const now = Date.now();
  return log.entries
    .slice(0, count)
    .map(
      (e) =>
        new MapReply([
          'count',
          e.count,
          'reason',
          reasonName(e.reason),
          'context',
          e.context,
          'object',
          e.object,
          'username',
          e.username,
          'age-seconds',
          new DoubleReply((now - e.ctime) / 1000),
          'client-info',
          e.clientInfo,
          'entry-id',
          e.entryId,
          'timestamp-created',
          e.created,
          'timestamp-last-updated',
          e.ctime,
        ]),
    );
}

function aclDryrunCommand(c: Client, argv: string[]): Reply {
  const server = c.server;
  const u = server.acl.getUser(argv[2] as string);
  if (u === undefined) throw aclDryrunNoUser(argv[2] as string);
  const args = argv.slice(3);
  const found = server.commands.lookup(args);
  if (found.kind !== 'found') throw aclDryrunNoCommand(argv[3] as string);
  const cmd = found.command;
  if (!cmd.arityOk(args.length)) throw wrongArity(cmd.fullName);
  const denial = checkCommand(u, cmd, args);
  if (denial === undefined) return OK;
  if (denial.reason === DENIED_CMD)
    return `This user has no permissions to run the '${cmd.fullName}' command`;
  const what = denial.reason === DENIED_CHANNEL ? 'channel' : 'key';
  return `This user has no permissions to access the '${cString(args[denial.pos] as string)}' ${what}`;
}

function aclHelpCommand(): Reply {
  return helpReply('ACL', [
    'CAT [<category>]',
    '    List all commands that belong to <category>, or all command categories',
    '    when no category is specified.',
    'DELUSER <username> [<username> ...]',
    '    Delete a list of users.',
    'DRYRUN <username> <command> [<arg> ...]',
    '    Returns whether the user can execute the given command without executing the command.',
    'GETUSER <username>',
    "    Get the user's details.",
    'GENPASS [<bits>]',
    '    Generate a secure 256-bit user password. The optional `bits` argument can',
    '    be used to specify a different size.',
    'LIST',
    '    Show users details in config file format.',
    'LOAD',
    '    Reload users from the ACL file.',
    'LOG [<count> | RESET]',
    '    Show the ACL log entries.',
    'SAVE',
    '    Save the current config to the ACL file.',
    'SETUSER <username> <attribute> [<attribute> ...]',
    '    Create or modify a user with the specified attributes.',
    'USERS',
    '    List all the registered usernames.',
    'WHOAMI',
    '    Return the current connection username.',
  ]);
}

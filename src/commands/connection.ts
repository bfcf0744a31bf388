/**
 * Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET and the CLIENT
 * container. Handlers parse their own arguments and act on their client.
 */
import {
  CLIENT_BLOCKED,
  CLIENT_CLOSE_AFTER_REPLY,
  CLIENT_CLOSE_ASAP,
  CLIENT_DIRTY_CAS,
  CLIENT_MONITOR,
  CLIENT_MULTI,
  CLIENT_NO_EVICT,
  CLIENT_NO_TOUCH,
  CLIENT_PUBSUB,
  CLIENT_READONLY,
  CLIENT_UNIX_SOCKET,
  type Client,
} from '../core/client.js';
import { discardTransaction } from '../core/multi.js';
import { REDIS_COMPAT_VERSION } from '../core/version.js';
import { MapReply, NO_REPLY, OK, PONG, type Reply, StatusReply, VerbatimReply } from '../protocol/reply.js';
import { parseInt64, parseInt64Number } from '../util/number.js';
import { intArg } from './args.js';
import { ACL_ERR, BLOCK_ERR, ERR, errorText, subcommandSyntax } from './errors.js';
import { helpReply } from './help.js';
import type { CommandSpec } from './spec.js';

export const connectionCommands = [
  {
    name: 'auth',
    group: 'connection',
    summary: 'Authenticate to the server',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    args: [
      { name: 'username', type: 'string', since: '6.0.0', flags: ['optional'] },
      { name: 'password', type: 'string' },
    ],
    secretArgs: (argv) => argv.map((_, i) => i).slice(1),
    handler: authCommand,
  },
  {
    name: 'client',
    group: 'connection',
    summary: 'A container for client connection commands',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'getname',
        group: 'connection',
        summary: 'Get the current connection name',
        since: '2.6.9',
        complexity: 'O(1)',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        acl: ['connection'],
        handler: (c) => (c.name === '' ? null : c.name),
      },
      {
        name: 'help',
        group: 'connection',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        handler: clientHelpCommand,
      },
      {
        name: 'id',
        group: 'connection',
        summary: 'Returns the client ID for the current connection',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        acl: ['connection'],
        handler: (c) => c.id,
      },
      {
        name: 'info',
        group: 'connection',
        summary: 'Returns information about the current client connection.',
        since: '6.2.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        acl: ['connection'],
        tips: ['nondeterministic_output'],
        handler: (c) => new VerbatimReply('txt', `${clientInfoLine(c)}\n`),
      },
      {
        name: 'kill',
        group: 'connection',
        summary: 'Kill the connection of a client',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        history: [
          ['2.8.12', 'Added new filter format.'],
          ['2.8.12', '`ID` option.'],
          ['3.2.0', 'Added `master` type in for `TYPE` option.'],
          [
            '5.0.0',
            'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.',
          ],
          ['6.2.0', '`LADDR` option.'],
        ],
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [
          {
            name: 'filter',
            type: 'oneof',
            arguments: [
              { name: 'ip:port', type: 'string', deprecated_since: '2.8.12' },
              {
                name: 'new-format',
                type: 'oneof',
                flags: ['multiple'],
                arguments: [
                  { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', flags: ['optional'] },
                  {
                    name: 'normal_master_slave_pubsub',
                    type: 'oneof',
                    token: 'TYPE',
                    since: '2.8.12',
                    flags: ['optional'],
                    arguments: [
                      { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                      { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                      { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                      { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                      { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
                    ],
                  },
                  { name: 'username', type: 'string', token: 'USER', flags: ['optional'] },
                  { name: 'ip:port', type: 'string', token: 'ADDR', flags: ['optional'] },
                  { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', flags: ['optional'] },
                  { name: 'yes/no', type: 'string', token: 'SKIPME', flags: ['optional'] },
                ],
              },
            ],
          },
        ],
        handler: clientKillCommand,
      },
      {
        name: 'list',
        group: 'connection',
        summary: 'Get the list of client connections',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        history: [
          ['2.8.12', 'Added unique client `id` field.'],
          ['5.0.0', 'Added optional `TYPE` filter.'],
          ['6.0.0', 'Added `user` field.'],
          ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
          ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
          ['7.0.3', 'Added `ssub` field.'],
        ],
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['connection'],
        tips: ['nondeterministic_output'],
        args: [
          {
            name: 'normal_master_replica_pubsub',
            type: 'oneof',
            token: 'TYPE',
            since: '5.0.0',
            flags: ['optional'],
            arguments: [
              { name: 'normal', type: 'pure-token', token: 'NORMAL' },
              { name: 'master', type: 'pure-token', token: 'MASTER' },
              { name: 'replica', type: 'pure-token', token: 'REPLICA' },
              { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
            ],
          },
          {
            name: 'id',
            type: 'block',
            token: 'ID',
            since: '6.2.0',
            flags: ['optional'],
            arguments: [{ name: 'client-id', type: 'integer', flags: ['multiple'] }],
          },
        ],
        handler: clientListCommand,
      },
      {
        name: 'no-evict',
        group: 'connection',
        summary: 'Set client eviction mode for the current connection',
        since: '7.0.0',
        complexity: 'O(1)',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [
          {
            name: 'enabled',
            type: 'oneof',
            arguments: [
              { name: 'on', type: 'pure-token', token: 'ON' },
              { name: 'off', type: 'pure-token', token: 'OFF' },
            ],
          },
        ],
        handler: (c, argv) => setFlag(c, CLIENT_NO_EVICT, argv[2] as string),
      },
      {
        name: 'no-touch',
        group: 'connection',
        summary:
          'Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.',
        since: '7.2.0',
        complexity: 'O(1)',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [
          {
            name: 'enabled',
            type: 'oneof',
            arguments: [
              { name: 'on', type: 'pure-token', token: 'ON' },
              { name: 'off', type: 'pure-token', token: 'OFF' },
            ],
          },
        ],
        handler: (c, argv) => setFlag(c, CLIENT_NO_TOUCH, argv[2] as string),
      },
      {
        name: 'pause',
        group: 'connection',
        summary: 'Stop processing commands from clients for some time',
        since: '2.9.50',
        complexity: 'O(1)',
        history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [
          { name: 'timeout', type: 'integer' },
          {
            name: 'mode',
            type: 'oneof',
            since: '6.2.0',
            flags: ['optional'],
            arguments: [
              { name: 'write', type: 'pure-token', token: 'WRITE' },
              { name: 'all', type: 'pure-token', token: 'ALL' },
            ],
          },
        ],
        handler: clientPauseCommand,
      },
      {
        name: 'reply',
        group: 'connection',
        summary: 'Instruct the server whether to reply to commands',
        since: '3.2.0',
        complexity: 'O(1)',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [
          {
            name: 'on_off_skip',
            type: 'oneof',
            arguments: [
              { name: 'on', type: 'pure-token', token: 'ON' },
              { name: 'off', type: 'pure-token', token: 'OFF' },
              { name: 'skip', type: 'pure-token', token: 'SKIP' },
            ],
          },
        ],
        handler: clientReplyCommand,
      },
      {
        name: 'setinfo',
        group: 'connection',
        summary: 'Set client or connection specific info',
        since: '7.2.0',
        complexity: 'O(1)',
        arity: 4,
        flags: ['noscript', 'loading', 'stale', 'allow_busy'],
        acl: ['connection'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [
          {
            name: 'attr',
            type: 'oneof',
            arguments: [
              { name: 'libname', type: 'string', token: 'LIB-NAME' },
              { name: 'libver', type: 'string', token: 'LIB-VER' },
            ],
          },
        ],
        handler: clientSetinfoCommand,
      },
      {
        name: 'setname',
        group: 'connection',
        summary: 'Set the current connection name',
        since: '2.6.9',
        complexity: 'O(1)',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [{ name: 'connection-name', type: 'string' }],
        handler: (c, argv) => {
          c.name = validateName(argv[2] as string, 'Client names');
          return OK;
        },
      },
      {
        name: 'unblock',
        group: 'connection',
        summary: 'Unblock a client blocked in a blocking command from a different connection',
        since: '5.0.0',
        complexity: 'O(log N) where N is the number of client connections',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['connection'],
        args: [
          { name: 'client-id', type: 'integer' },
          {
            name: 'timeout_error',
            type: 'oneof',
            flags: ['optional'],
            arguments: [
              { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
              { name: 'error', type: 'pure-token', token: 'ERROR' },
            ],
          },
        ],
        handler: clientUnblockCommand,
      },
      {
        name: 'unpause',
        group: 'connection',
        summary: 'Resume processing of clients that were paused',
        since: '6.2.0',
        complexity: 'O(N) Where N is the number of paused clients',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['connection'],
        handler: (c) => {
          c.server.pauses.unpause();
          return OK;
        },
      },
    ],
  },
  {
    name: 'echo',
    group: 'connection',
    summary: 'Echo the given string',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    args: [{ name: 'message', type: 'string' }],
    handler: (_c, argv) => argv[1] as string,
  },
  {
    name: 'hello',
    group: 'connection',
    summary: 'Handshake with Redis',
    since: '6.0.0',
    complexity: 'O(1)',
    history: [
      [
        '6.2.0',
        "`protover` made optional; when called without arguments the command reports the current connection's context.",
      ],
    ],
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    args: [
      {
        name: 'arguments',
        type: 'block',
        flags: ['optional'],
        arguments: [
          { name: 'protover', type: 'integer' },
          {
            name: 'username_password',
            type: 'block',
            token: 'AUTH',
            flags: ['optional'],
            arguments: [
              { name: 'username', type: 'string' },
              { name: 'password', type: 'string' },
            ],
          },
          { name: 'clientname', type: 'string', token: 'SETNAME', flags: ['optional'] },
        ],
      },
    ],
    secretArgs: helloSecrets,
    handler: helloCommand,
  },
  {
    name: 'ping',
    group: 'connection',
    summary: 'Ping the server',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: -1,
    flags: ['fast'],
    acl: ['connection'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: [{ name: 'message', type: 'string', flags: ['optional'] }],
    handler: pingCommand,
  },
  {
    name: 'quit',
    group: 'connection',
    summary: 'Close the connection',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    handler: (c) => {
      c.flags |= CLIENT_CLOSE_AFTER_REPLY;
      return OK;
    },
  },
  {
    name: 'reset',
    group: 'connection',
    summary: 'Reset the connection',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    handler: resetCommand,
  },
  {
    name: 'select',
    group: 'connection',
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    args: [{ name: 'index', type: 'integer' }],
    handler: selectCommand,
  },
] as const satisfies readonly CommandSpec[];

function pingCommand(c: Client, argv: string[]): Reply {
  if (argv.length > 2) throw errorText("ERR wrong number of arguments for 'ping' command");
  if ((c.flags & CLIENT_PUBSUB) !== 0 && c.resp === 2)
    return ['pong', argv.length === 2 ? (argv[1] as string) : ''];
  return argv.length === 2 ? (argv[1] as string) : PONG;
}

function selectCommand(c: Client, argv: string[]): Reply {
  const id = intArg(argv[1] as string);
  const db = c.server.dbs[id];
  if (id < 0 || db === undefined) throw ERR.dbIndexOutOfRange;
  c.db = db;
  return OK;
}

function authCommand(c: Client, argv: string[]): Reply {
  if (argv.length > 3) throw ERR.syntax;
  // As Redis: only the default user's nopass flag matters here, not whether it is enabled.
  if (argv.length === 2 && c.server.acl.defaultUser.nopass) throw ACL_ERR.noPasswordConfigured;
  const [user, pass] =
    argv.length === 2 ? ['default', argv[1] as string] : [argv[1] as string, argv[2] as string];
  // auth-max-failures: a throttled address is refused before the password is looked at.
  const throttled = c.server.security.authRefusal(c);
  if (throttled !== undefined) throw throttled;
  if (!c.server.acl.authenticate(c, user, pass, argv[0] as string)) throw ACL_ERR.wrongPass;
  return OK;
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]]: the AUTH pair is secret. */
function helloSecrets(argv: readonly string[]): number[] {
  const out: number[] = [];
  for (let j = 2; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    if (opt === 'auth' && j + 2 < argv.length) {
      out.push(j + 1, j + 2);
      j += 2;
    } else if (opt === 'setname' && j + 1 < argv.length) {
      j++;
    } else {
      break;
    }
  }
  return out;
}

function helloCommand(c: Client, argv: string[]): Reply {
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseInt64Number(argv[next++] as string);
    if (v === undefined) throw errorText('ERR Protocol version is not an integer or out of range');
    if (v < 2 || v > 3) throw errorText('NOPROTO unsupported protocol version');
    ver = v;
  }
  let auth: [string, string] | undefined;
  let setname: string | undefined;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    const lower = opt.toLowerCase();
    if (lower === 'auth' && more >= 2) {
      auth = [argv[j + 1] as string, argv[j + 2] as string];
      j += 2;
    } else if (lower === 'setname' && more >= 1) {
      setname = validateName(argv[j + 1] as string, 'Client names');
      j++;
    } else {
      throw errorText(`ERR Syntax error in HELLO option '${opt}'`);
    }
  }
  if (auth !== undefined) {
    const throttled = c.server.security.authRefusal(c);
    if (throttled !== undefined) throw throttled;
    if (!c.server.acl.authenticate(c, auth[0], auth[1], argv[0] as string)) throw ACL_ERR.wrongPass;
  }
  if (!c.authenticated) {
    throw errorText(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> ' +
        'option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (setname !== undefined) c.name = setname;
  if (ver !== 0) c.resp = ver as 2 | 3;
  return new MapReply([
    'server',
    'redis',
    'version',
    REDIS_COMPAT_VERSION,
    'proto',
    c.resp,
    'id',
    c.id,
    'mode',
    'standalone',
    'role',
    'master',
    'modules',
    [],
  ]);
}

function resetCommand(c: Client): Reply {
  const server = c.server;
  server.monitors.delete(c);
  // Every subscription goes, without confirmations (CLIENT_PUBSUB is cleared below).
  server.pubsub.removeClient(c);
  c.flags &= ~CLIENT_MONITOR;
  c.db = server.dbs[0] as typeof c.db;
  c.resp = 2;
  c.aclUser = server.acl.defaultUser;
  c.authenticated = !server.authRequired();
  c.name = '';
  c.replyOff = false;
  c.skipNext = false;
  discardTransaction(c);
  c.flags &= ~(CLIENT_PUBSUB | CLIENT_NO_EVICT | CLIENT_NO_TOUCH | CLIENT_READONLY);
  return new StatusReply('RESET');
}

/** CLIENT SETNAME / SETINFO rule: printable ASCII without spaces. */
function validateName(name: string, what: string): string {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126)
      throw errorText(`ERR ${what} cannot contain spaces, newlines or special characters.`);
  }
  return name;
}

function setFlag(c: Client, flag: number, arg: string): Reply {
  const v = arg.toLowerCase();
  if (v === 'on') c.flags |= flag;
  else if (v === 'off') c.flags &= ~flag;
  else throw ERR.syntax;
  return OK;
}

function clientReplyCommand(c: Client, argv: string[]): Reply {
  const v = (argv[2] as string).toLowerCase();
  if (v === 'on') {
    c.replyOff = false;
    return OK;
  }
  if (v === 'off') {
    c.replyOff = true;
    return NO_REPLY;
  }
  if (v === 'skip') {
    if (!c.replyOff) c.skipNext = true;
    return NO_REPLY;
  }
  throw ERR.syntax;
}

function clientSetinfoCommand(c: Client, argv: string[]): Reply {
  const attr = (argv[2] as string).toLowerCase();
  const value = argv[3] as string;
  if (attr === 'lib-name') c.libName = validateName(value, 'lib-name');
  else if (attr === 'lib-ver') c.libVer = validateName(value, 'lib-ver');
  else throw errorText(`ERR Unrecognized option '${argv[2] as string}'`);
  return OK;
}

function clientPauseCommand(c: Client, argv: string[]): Reply {
  const timeout = parseInt64Number(argv[2] as string);
  if (timeout === undefined) throw errorText('ERR timeout is not an integer or out of range');
  if (timeout < 0) throw errorText('ERR timeout is negative');
  let mode: 'all' | 'write' = 'all';
  if (argv.length === 4) {
    const m = (argv[3] as string).toLowerCase();
    if (m === 'write') mode = 'write';
    else if (m !== 'all') throw errorText('ERR CLIENT PAUSE mode must be WRITE or ALL');
  } else if (argv.length > 4) {
    throw ERR.syntax;
  }
  c.server.pauses.pause(mode, Date.now() + timeout);
  return OK;
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if `id` was blocked on keys (never a client held by CLIENT PAUSE). */
function clientUnblockCommand(c: Client, argv: string[]): Reply {
  if (argv.length > 4) throw subcommandSyntax(argv[1] as string, 'client');
  let withError = false;
  if (argv.length === 4) {
    const reason = (argv[3] as string).toLowerCase();
    if (reason === 'error') withError = true;
    else if (reason !== 'timeout') throw BLOCK_ERR.unblockReason;
  }
  const id = parseInt64(argv[2] as string);
  if (id === undefined) throw ERR.notInteger;
  const target = typeof id === 'number' ? c.server.clients.get(id) : undefined;
  if (target === undefined || !c.server.blocking.unblockByRequest(target, withError)) return 0;
  // Redis 7.0 counts CLIENT UNBLOCK ERROR itself as failed: an error reply
  // (the target's) was sent while it ran.
  if (withError && c.lastCommand?.fullName === 'client|unblock') c.lastCommand.stats.failedCalls++;
  return 1;
}

function clientHelpCommand(): Reply {
  return helpReply('CLIENT', [
    'GETNAME',
    '    Return the name of the current connection.',
    'ID',
    '    Return the ID of the current connection.',
    'INFO',
    '    Return information about the current client connection.',
    'KILL <ip:port>',
    '    Kill connection made from <ip:port>.',
    'KILL <option> <value> [<option> <value> [...]]',
    '    Kill connections. Options are:',
    '    * ADDR (<ip:port>|<unixsocket>:0)',
    '      Kill connections made from the specified address',
    '    * LADDR (<ip:port>|<unixsocket>:0)',
    '      Kill connections made to specified local address',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '      Kill connections by type.',
    '    * USER <username>',
    '      Kill connections authenticated by <username>.',
    '    * SKIPME (YES|NO)',
    '      Skip killing current connection (default: yes).',
    'LIST [options ...]',
    '    Return information about client connections. Options:',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '      Return clients of specified type.',
    'UNPAUSE',
    '    Stop the current client pause, resuming traffic.',
    'PAUSE <timeout> [WRITE|ALL]',
    '    Suspend all, or just write, clients for <timeout> milliseconds.',
    'REPLY (ON|OFF|SKIP)',
    '    Control the replies sent to the current connection.',
    'SETNAME <name>',
    '    Assign the name <name> to the current connection.',
    'SETINFO <option> <value>',
    '    Set client meta attr. Options are:',
    '    * LIB-NAME: the client lib name.',
    '    * LIB-VER: the client lib version.',
    'UNBLOCK <clientid> [TIMEOUT|ERROR]',
    '    Unblock the specified blocked client.',
    'NO-EVICT (ON|OFF)',
    '    Protect current client connection from eviction.',
    'NO-TOUCH (ON|OFF)',
    '    Will not touch LRU/LFU stats when this mode is on.',
  ]);
}

type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

function clientType(c: Client): ClientType {
  return (c.flags & CLIENT_PUBSUB) !== 0 ? 'pubsub' : 'normal';
}

function parseClientType(s: string): ClientType | undefined {
  const t = s.toLowerCase();
  if (t === 'normal' || t === 'master' || t === 'replica' || t === 'pubsub') return t;
  if (t === 'slave') return 'replica';
  return undefined;
}

function clientListCommand(c: Client, argv: string[]): Reply {
  const server = c.server;
  let clients: Client[] = [...server.clients.values()];
  if (argv.length === 4 && (argv[2] as string).toLowerCase() === 'type') {
    const type = parseClientType(argv[3] as string);
    if (type === undefined) throw errorText(`ERR Unknown client type '${argv[3] as string}'`);
    clients = clients.filter((x) => clientType(x) === type);
  } else if (argv.length > 3 && (argv[2] as string).toLowerCase() === 'id') {
    const ids = new Set<number>();
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64Number(argv[j] as string);
      if (id === undefined || id <= 0) throw errorText('ERR Invalid client ID');
      ids.add(id);
    }
    clients = clients.filter((x) => ids.has(x.id));
  } else if (argv.length !== 2) {
    throw ERR.syntax;
  }
  let out = '';
  for (const x of clients) out += `${clientInfoLine(x)}\n`;
  return new VerbatimReply('txt', out);
}

function clientKillCommand(c: Client, argv: string[]): Reply {
  const server = c.server;
  if (argv.length === 3) {
    // Old form: CLIENT KILL ip:port.
    const target = [...server.clients.values()].find((x) => x.addr === argv[2]);
    if (target === undefined) throw errorText('ERR No such client');
    killClient(c, target);
    return OK;
  }
  let id: number | undefined;
  let type: ClientType | undefined;
  let user: string | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  let skipme = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toLowerCase();
    const val = argv[i + 1];
    if (val === undefined) throw ERR.syntax;
    if (opt === 'id') {
      const v = parseInt64Number(val);
      if (v === undefined || v <= 0) throw errorText('ERR client-id should be greater than 0');
      id = v;
    } else if (opt === 'type') {
      type = parseClientType(val);
      if (type === undefined) throw errorText(`ERR Unknown client type '${val}'`);
    } else if (opt === 'user') {
      if (!server.userExists(val)) throw errorText(`ERR No such user '${val}'`);
      user = val;
    } else if (opt === 'addr') {
      addr = val;
    } else if (opt === 'laddr') {
      laddr = val;
    } else if (opt === 'skipme') {
      const v = val.toLowerCase();
      if (v === 'yes') skipme = true;
      else if (v === 'no') skipme = false;
      else throw ERR.syntax;
    } else {
      throw ERR.syntax;
    }
  }
  let killed = 0;
  for (const x of [...server.clients.values()]) {
    if (id !== undefined && x.id !== id) continue;
    if (type !== undefined && clientType(x) !== type) continue;
    if (user !== undefined && x.user !== user) continue;
    if (addr !== undefined && x.addr !== addr) continue;
    if (laddr !== undefined && x.laddr !== laddr) continue;
    if (x === c && skipme) continue;
    killClient(c, x);
    killed++;
  }
  return killed;
}

function killClient(self: Client, target: Client): void {
  if (target === self) {
    target.flags |= CLIENT_CLOSE_AFTER_REPLY;
  } else {
    target.flags |= CLIENT_CLOSE_ASAP;
    target.flush();
  }
}

/** One CLIENT LIST / CLIENT INFO line, fields in Redis's order (7.2 adds lib-name, lib-ver). */
export function clientInfoLine(c: Client): string {
  let flags = '';
  if ((c.flags & CLIENT_MONITOR) !== 0) flags += 'O';
  if ((c.flags & CLIENT_PUBSUB) !== 0) flags += 'P';
  if ((c.flags & CLIENT_MULTI) !== 0) flags += 'x';
  // Held by CLIENT PAUSE counts as blocked too, as Redis 7.0 (BLOCKED_POSTPONE).
  if ((c.flags & CLIENT_BLOCKED) !== 0 || c.paused) flags += 'b';
  if ((c.flags & CLIENT_DIRTY_CAS) !== 0) flags += 'd';
  if ((c.flags & CLIENT_CLOSE_AFTER_REPLY) !== 0) flags += 'c';
  if ((c.flags & CLIENT_UNIX_SOCKET) !== 0) flags += 'U';
  if ((c.flags & CLIENT_READONLY) !== 0) flags += 'r';
  if ((c.flags & CLIENT_NO_EVICT) !== 0) flags += 'e';
  if ((c.flags & CLIENT_NO_TOUCH) !== 0) flags += 'T';
  if ((c.flags & CLIENT_CLOSE_ASAP) !== 0) flags += 'A';
  if (flags === '') flags = 'N';
  const now = Date.now();
  const qbuf = c.decoder.bufferedBytes;
  const omem = c.socket?.writableLength ?? 0;
  const subs = c.server.pubsub.of(c);
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${fdOf(c)} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} ` +
    `flags=${flags} db=${c.db.id} sub=${subs?.channels.size ?? 0} psub=${subs?.patterns.size ?? 0} ssub=${subs?.shard.size ?? 0} multi=${c.multi?.count ?? -1} qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=${c.multi?.memory ?? 0} rbs=0 rbp=0 ` +
    `obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem} events=r${omem > 0 ? 'w' : ''} ` +
    `cmd=${c.lastCommand?.fullName ?? 'NULL'} user=${c.user} redir=-1 resp=${c.resp} ` +
    `lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

function fdOf(c: Client): number {
  const handle = (c.socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

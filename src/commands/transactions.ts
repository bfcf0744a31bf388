/**
 * Transaction commands (Redis 7.0 group "transactions"): MULTI, EXEC, DISCARD,
 * WATCH, UNWATCH. The queueing itself is gate 6 of the dispatcher; the state
 * and WATCH bookkeeping live in src/core/multi.ts.
 */
import type { Client } from '../core/client.js';
import { CLIENT_DENY_BLOCKING, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC, CLIENT_MULTI } from '../core/client.js';
import { call } from '../core/dispatcher.js';
import { beginTransaction, discardTransaction } from '../core/multi.js';
import { NO_REPLY, NULL_ARRAY, OK, RawReply, type Reply } from '../protocol/reply.js';
import { ERR, TX_ERR } from './errors.js';
import type { CommandSpec } from './spec.js';

export const transactionsCommands = [
  {
    name: 'multi',
    group: 'transactions',
    summary: 'Mark the start of a transaction block',
    since: '1.2.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    handler: multiCommand,
  },
  {
    name: 'exec',
    group: 'transactions',
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['transaction'],
    handler: execCommand,
  },
  {
    name: 'discard',
    group: 'transactions',
    summary: 'Discard all commands issued after MULTI',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    handler: discardCommand,
  },
  {
    name: 'watch',
    group: 'transactions',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: watchCommand,
  },
  {
    name: 'unwatch',
    group: 'transactions',
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    handler: unwatchCommand,
  },
] as const satisfies readonly CommandSpec[];

function multiCommand(c: Client): Reply {
  if ((c.flags & CLIENT_MULTI) !== 0) throw TX_ERR.nestedMulti;
  beginTransaction(c);
  return OK;
}

function discardCommand(c: Client): Reply {
  if ((c.flags & CLIENT_MULTI) === 0) throw TX_ERR.discardWithoutMulti;
  discardTransaction(c);
  return OK;
}

/**
 * Redis's execCommand: abort on a touched or expired watched key (null array)
 * or a refused queued command (EXECABORT); otherwise run the queue through the
 * dispatcher's `call` (statistics, MONITOR, SLOWLOG per command) at the one
 * instant frozen by EXEC's own call, each reply encoded into the client's
 * output as it comes (stored values are views valid until the next write),
 * after the array header. Blocking commands answer at once. ACL rules are
 * checked again for each command, as they may have changed since queueing.
 */
function execCommand(c: Client): Reply {
  const ms = c.multi;
  if (ms === null) throw TX_ERR.execWithoutMulti;
  const server = c.server;
  const tx = server.transactions;
  if (tx.watchedKeyExpired(c)) c.flags |= CLIENT_DIRTY_CAS;
  if ((c.flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)) !== 0) {
    const refused = (c.flags & CLIENT_DIRTY_EXEC) !== 0;
    discardTransaction(c);
    if (refused) throw ERR.execAbort;
    return NULL_ARRAY;
  }
  const denyBlocking = c.flags & CLIENT_DENY_BLOCKING;
  c.flags |= CLIENT_DENY_BLOCKING;
  tx.unwatchAll(c);
  const n = ms.commands.length;
  c.sendReply(new RawReply(`*${n}\r\n`));
  // Redis counts EXEC itself as failed when an error reply came after the last
  // queued command it ran (its error counter is compared across nested calls).
  let errorAfterLastCall = false;
  for (let j = 0; j < n; j++) {
    const cmd = ms.commands[j];
    const argv = ms.argvs[j];
    if (cmd === undefined || argv === undefined) continue;
    const denied = c.aclUser.unrestricted ? undefined : server.acl.checkQueued(c, cmd, argv);
    if (denied !== undefined) {
      server.countError(denied);
      c.sendReply(denied);
      errorAfterLastCall = true;
    } else {
      call(server, c, cmd, argv);
      errorAfterLastCall = false;
    }
  }
  if (denyBlocking === 0) c.flags &= ~CLIENT_DENY_BLOCKING;
  discardTransaction(c);
  if (errorAfterLastCall && c.lastCommand?.fullName === 'exec') c.lastCommand.stats.failedCalls++;
  return NO_REPLY;
}

function watchCommand(c: Client, argv: string[]): Reply {
  if ((c.flags & CLIENT_MULTI) !== 0) throw TX_ERR.watchInMulti;
  // No point in watching more once a watched key changed.
  if ((c.flags & CLIENT_DIRTY_CAS) !== 0) return OK;
  const tx = c.server.transactions;
  for (let j = 1; j < argv.length; j++) tx.watch(c, argv[j] as string);
  return OK;
}

function unwatchCommand(c: Client): Reply {
  c.server.transactions.unwatchAll(c);
  c.flags &= ~CLIENT_DIRTY_CAS;
  return OK;
}

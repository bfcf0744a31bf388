/**
 * The gate every request passes, in this fixed order (ARCHITECTURE.md):
 *   1 cross-protocol guard (POST / Host:) -> close, no reply
 *   2 unknown command, then arity
 *   3 protected commands (DEBUG, MODULE) unless enabled
 *   4 NOAUTH
 *   5 NOPERM (ACL; command, keys, channels)
 *   6 MULTI queueing, OOM, pub/sub context, loading
 * then the handler runs synchronously and its reply is encoded for the client,
 * and clients blocked on keys the command made ready are served.
 * Inside MULTI every refusal flags the transaction (EXEC then answers
 * EXECABORT), the no_multi commands are refused before gate 5 as in Redis, and
 * a refused EXEC discards the transaction (src/core/multi.ts).
 */
import { checkCommand } from '../acl/check.js';
import {
  ERR,
  errorText,
  execAbortBecause,
  noPermission,
  pubsubContext,
  TX_ERR,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
} from '../commands/errors.js';
import {
  CMD_ADMIN,
  CMD_DENYOOM,
  CMD_FAST,
  CMD_NO_AUTH,
  CMD_NO_MULTI,
  CMD_PROTECTED,
  CMD_READONLY,
  CMD_SKIP_MONITOR,
  CMD_SKIP_SLOWLOG,
  CMD_WRITE,
  type Command,
  flagBit,
} from '../commands/registry.js';
import { diskErrorRefusal } from '../persistence/bgsave.js';
import { ErrorReply, QUEUED, type Reply } from '../protocol/reply.js';
import { Database } from '../store/database.js';
import { freezeAtMonotonic, unfreeze } from '../util/clock.js';
import {
  CLIENT_BLOCKED,
  CLIENT_CLOSE_ASAP,
  CLIENT_MULTI,
  CLIENT_NO_TOUCH,
  CLIENT_PUBSUB,
  type Client,
} from './client.js';
import { EVICT_FAIL } from './memory.js';
import { discardTransaction, flagTransaction, queueCommand } from './multi.js';
import { allowedInPubsubContext } from './pubsub.js';
import type { Server } from './server.js';

export function execute(server: Server, c: Client, argv: string[]): void {
  const name = argv[0] as string;
  // 1. Cross-protocol scripting guard: an HTTP request sent to the port.
  if ((name.length === 4 || name.length === 5) && isHttpWord(name)) {
    server.securityWarning(c, name);
    server.stats.securityAttacks++;
    c.discardOutput();
    c.flags |= CLIENT_CLOSE_ASAP;
    return;
  }
  // 2. Unknown command, unknown subcommand, arity.
  const found = server.commands.lookup(argv);
  if (found.kind !== 'found') {
    // As Redis: CLIENT LIST `cmd=` of a client whose command was unknown is NULL.
    c.lastCommand = undefined;
    reject(
      server,
      c,
      undefined,
      found.kind === 'unknown' ? unknownCommand(argv) : unknownSubcommand(argv[1] as string, name),
    );
    return;
  }
  const cmd = found.command;
  // Set before the checks, as Redis does: ACL LOG's client-info names the refused command.
  c.lastCommand = cmd;
  if (!cmd.arityOk(argv.length)) {
    reject(server, c, cmd, wrongArity(cmd.fullName), argv);
    return;
  }
  // 3. Protected commands.
  if ((cmd.flags & CMD_PROTECTED) !== 0) {
    const err = server.protectedCommandError(cmd, c);
    if (err !== undefined) {
      reject(server, c, cmd, err, argv);
      return;
    }
  }
  // 4. Authentication.
  if (!c.authenticated && (cmd.flags & CMD_NO_AUTH) === 0 && server.authRequired()) {
    reject(server, c, cmd, ERR.noAuth, argv);
    return;
  }
  const inMulti = (c.flags & CLIENT_MULTI) !== 0;
  // no_multi commands (SAVE, SHUTDOWN...) inside MULTI: before the ACL, as Redis.
  if (inMulti && (cmd.flags & CMD_NO_MULTI) !== 0) {
    reject(server, c, cmd, TX_ERR.notAllowedInMulti, argv);
    return;
  }
  // 5. ACL: a user with every permission (the default user) costs one flag test.
  if (!c.aclUser.unrestricted && aclRefused(server, c, cmd, argv)) return;
  // 6. maxmemory: client eviction, then key eviction, then the OOM refusal.
  if (server.memory.active && oomRefused(server, c, cmd, argv, inMulti)) return;
  // MISCONF: writes (and PING, as Redis) refused while the last background save,
  // or the last AOF write or fsync, failed. No error: two field loads.
  if (
    (!server.persistence.lastBgsaveOk || !server.aof.lastWriteOk) &&
    refusedByDiskError(server, c, cmd, argv)
  )
    return;
  // Pub/sub context: a subscribed RESP2 client may only (un)subscribe, PING, QUIT and RESET.
  if ((c.flags & CLIENT_PUBSUB) !== 0 && c.resp === 2 && !allowedInPubsubContext(cmd)) {
    reject(server, c, cmd, pubsubContext(cmd.fullName), argv);
    return;
  }
  // CLIENT PAUSE holds the client until the pause ends; EXEC too when it would write.
  if (server.pauses.active && (server.pauses.blocks(cmd) || execWouldWrite(server, c, cmd))) {
    c.postpone(argv);
    return;
  }
  // MULTI queueing: everything but the commands that end or shape the transaction.
  if (inMulti && !RUN_IN_MULTI.has(cmd.fullName)) {
    queueCommand(c, cmd, argv, (cmd.flags & MAY_REPLICATE) !== 0);
    c.sendReply(QUEUED);
    return;
  }
  call(server, c, cmd, argv);
  // Clients blocked on keys this command (or EXEC) made ready, as Redis after each command.
  if (server.blocking.readyCount !== 0) server.blocking.serveReady();
}

const MAY_REPLICATE = CMD_WRITE | flagBit('may_replicate');

/** Commands a client in MULTI runs at once rather than queueing (Redis's processCommand). */
const RUN_IN_MULTI: ReadonlySet<string> = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** EXEC of queued writes is held by CLIENT PAUSE WRITE (Redis's is_may_replicate_command). */
function execWouldWrite(server: Server, c: Client, cmd: Command): boolean {
  const first = c.multi?.mayReplicate;
  return first !== undefined && cmd.fullName === 'exec' && server.pauses.blocks(first);
}

/**
 * The disk-error gate (Redis's writeCommandsDeniedByDiskError): write commands,
 * EXEC of queued writes and PING are refused with the persistence error.
 */
function refusedByDiskError(server: Server, c: Client, cmd: Command, argv: string[]): boolean {
  const writes =
    (cmd.flags & CMD_WRITE) !== 0 ||
    cmd.fullName === 'ping' ||
    (cmd.fullName === 'exec' && ((c.multi?.flags ?? 0) & CMD_WRITE) !== 0);
  if (!writes) return false;
  const err = diskErrorRefusal(server);
  if (err === undefined) return false;
  reject(server, c, cmd, err, argv);
  return true;
}

/**
 * Gate 6 (processCommand's maxmemory block): evict what must be evicted; when
 * nothing more can be, refuse denyoom commands (EXEC too when a queued command
 * is one) and, inside MULTI, anything but EXEC, DISCARD, QUIT and RESET
 * (queueing would grow memory without bound). A client evicted by
 * maxmemory-clients gets no reply.
 */
function oomRefused(server: Server, c: Client, cmd: Command, argv: string[], inMulti: boolean): boolean {
  const result = server.memory.beforeCommand(c);
  if ((c.flags & CLIENT_CLOSE_ASAP) !== 0) return true;
  if (result !== EVICT_FAIL) return false;
  const denyoom =
    (cmd.flags & CMD_DENYOOM) !== 0 ||
    (cmd.fullName === 'exec' && ((c.multi?.flags ?? 0) & CMD_DENYOOM) !== 0) ||
    (inMulti && !OOM_EXEMPT_IN_MULTI.has(cmd.fullName));
  if (!denyoom) return false;
  reject(server, c, cmd, ERR.oom, argv);
  return true;
}

const OOM_EXEMPT_IN_MULTI: ReadonlySet<string> = new Set(['exec', 'discard', 'quit', 'reset']);

/** Gate 5 for a restricted user: refuse (NOPERM, ACL LOG) if the ACL check denies. */
function aclRefused(server: Server, c: Client, cmd: Command, argv: string[]): boolean {
  const denial = checkCommand(c.aclUser, cmd, argv);
  if (denial === undefined) return false;
  server.acl.recordDenial(c, cmd, argv, denial);
  reject(server, c, cmd, noPermission(denial.reason, cmd.fullName), argv);
  return true;
}

function isHttpWord(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'post' || lower === 'host:';
}

/**
 * A command refused before it ran: counted as rejected, reply sent. Inside
 * MULTI the transaction is flagged; a refused EXEC discards it and answers
 * EXECABORT with the reason (Redis's rejectCommand / execCommandAbort), and
 * MONITOR sees the EXEC (`argv`) that ended it.
 */
export function reject(
  server: Server,
  c: Client,
  cmd: Command | undefined,
  err: ErrorReply,
  argv?: readonly string[],
): void {
  flagTransaction(c);
  if (cmd !== undefined) {
    cmd.stats.rejectedCalls++;
    if (cmd.fullName === 'exec') {
      discardTransaction(c);
      // Redis drops the "ERR " its bare messages would have got.
      const why = err.message.startsWith('ERR ') ? err.message.slice(4) : err.message;
      err = execAbortBecause(why);
      server.countError(err);
      c.sendReply(err);
      if (server.monitors.size !== 0) server.feedMonitors(c, argv ?? [cmd.name]);
      return;
    }
  }
  server.countError(err);
  c.sendReply(err);
}

/** call() nesting (EXEC runs its queued commands through call): the outermost one freezes the clock. */
let depth = 0;

/**
 * Run a command's handler and send its reply, with statistics, MONITOR, SLOWLOG
 * and LATENCY. A command that blocked the client is counted now, as Redis 7.0;
 * its SLOWLOG and latency samples wait for it to be served (src/core/blocking.ts).
 */
export function call(server: Server, c: Client, cmd: Command, argv: string[]): void {
  const handler = cmd.handler;
  if (handler === undefined) {
    c.sendReply(errorText(`ERR unknown subcommand or wrong number of arguments for '${cmd.fullName}'`));
    return;
  }
  Database.noTouch = (c.flags & CLIENT_NO_TOUCH) !== 0;
  Database.countStats = (cmd.flags & CMD_READONLY) !== 0;
  // One clock reading per command: the previous command's end (or the start of
  // this batch of input) is this one's start, so its time includes parsing its
  // arguments. It is also the command's frozen instant, as Redis's command time:
  // a key cannot expire half-way through a command that reads it twice.
  const start = server.lastTick;
  freezeAtMonotonic(start);
  // A background snapshot keeps what this command may write as it was (copy-before-write).
  if (server.snapshot !== null) server.snapshot.beforeCommand(c.db, cmd, argv);
  let reply: Reply;
  depth++;
  // Propagation (AOF): a command that changed the dataset records itself (or its
  // rewrite) after what it caused; EXEC records only what its commands did.
  const propagation = server.propagation;
  const outer = propagation.enter();
  const dirty = server.stats.dirty;
  try {
    reply = handler(c, argv);
  } catch (err) {
    reply = toErrorReply(server, cmd, err);
  }
  propagation.leave(c.db.id, argv, server.stats.dirty > dirty && cmd.fullName !== 'exec', outer);
  if (--depth === 0) unfreeze();
  const end = performance.now();
  server.lastTick = end;
  const usec = Math.round((end - start) * 1000);
  Database.noTouch = false;
  const stats = cmd.stats;
  stats.calls++;
  stats.usec += usec;
  server.stats.commands++;
  if (reply instanceof ErrorReply) {
    stats.failedCalls++;
    server.countError(reply);
  }
  c.sendReply(reply);
  // After the command and its reply, as Redis 7: MONITOR shows the database it
  // left selected; administrative commands are never shown.
  if (server.monitors.size !== 0 && (cmd.flags & (CMD_SKIP_MONITOR | CMD_ADMIN)) === 0) {
    server.feedMonitors(c, redactedArgv(cmd, argv));
  }
  if ((c.flags & CLIENT_BLOCKED) !== 0) {
    server.blocking.started(c, cmd, argv, usec);
    return;
  }
  if (
    usec >= server.slowlogThreshold &&
    server.slowlogThreshold >= 0 &&
    (cmd.flags & CMD_SKIP_SLOWLOG) === 0
  ) {
    server.slowlog.add(c, redactedArgv(cmd, argv), usec);
  }
  if (server.latency.tracking) server.latency.recordCommand(cmd, usec);
  if (server.latency.threshold > 0) {
    server.latency.addSampleIfNeeded(
      (cmd.flags & CMD_FAST) !== 0 ? 'fast-command' : 'command',
      Math.floor(usec / 1000),
    );
  }
}

const REDACTED = '(redacted)';

/**
 * The arguments MONITOR and SLOWLOG may show: the command's secret arguments
 * (its spec's `secretArgs`) become "(redacted)". Unlike Redis, which redacts while
 * parsing (so an early syntax error leaks them), this holds whatever the outcome.
 */
export function redactedArgv(cmd: Command, argv: readonly string[]): readonly string[] {
  const secret = cmd.spec.secretArgs?.(argv);
  if (secret === undefined || secret.length === 0) return argv;
  const out = [...argv];
  for (const i of secret) if (i < out.length) out[i] = REDACTED;
  return out;
}

function toErrorReply(server: Server, cmd: Command, err: unknown): ErrorReply {
  if (err instanceof ErrorReply) return err;
  // A bug in a handler must not take the server down: log it and answer.
  server.logger.warning(
    `Internal error in '${cmd.fullName}': ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  return ERR.internal;
}

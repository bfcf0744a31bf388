/**
 * The gate every request passes, in this fixed order (ARCHITECTURE.md):
 *   1 cross-protocol guard (POST / Host:) -> close, no reply
 *   2 unknown command, then arity
 *   3 protected commands (DEBUG, MODULE) unless enabled
 *   4 NOAUTH
 *   5 NOPERM (ACL; command, keys, channels)
 *   6 MULTI queueing, OOM, pub/sub context, loading
 * then the handler runs synchronously and its reply is encoded for the client.
 */
import { checkCommand } from '../acl/check.js';
import {
  ERR,
  errorText,
  noPermission,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
} from '../commands/errors.js';
import {
  CMD_ADMIN,
  CMD_FAST,
  CMD_NO_AUTH,
  CMD_PROTECTED,
  CMD_READONLY,
  CMD_SKIP_MONITOR,
  CMD_SKIP_SLOWLOG,
  type Command,
} from '../commands/registry.js';
import { ErrorReply, type Reply } from '../protocol/reply.js';
import { Database } from '../store/database.js';
import { freezeAtMonotonic, unfreeze } from '../util/clock.js';
import { CLIENT_CLOSE_ASAP, CLIENT_NO_TOUCH, type Client } from './client.js';
import type { Server } from './server.js';

export function execute(server: Server, c: Client, argv: string[]): void {
  const name = argv[0] as string;
  // 1. Cross-protocol scripting guard: an HTTP request sent to the port.
  if ((name.length === 4 || name.length === 5) && isHttpWord(name)) {
    server.securityWarning(c);
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
    reject(server, c, cmd, wrongArity(cmd.fullName));
    return;
  }
  // 3. Protected commands.
  if ((cmd.flags & CMD_PROTECTED) !== 0) {
    const err = server.protectedCommandError(cmd, c);
    if (err !== undefined) {
      reject(server, c, cmd, err);
      return;
    }
  }
  // 4. Authentication.
  if (!c.authenticated && (cmd.flags & CMD_NO_AUTH) === 0 && server.authRequired()) {
    reject(server, c, cmd, ERR.noAuth);
    return;
  }
  // 5. ACL: a user with every permission (the default user) costs one flag test.
  if (!c.aclUser.unrestricted && aclRefused(server, c, cmd, argv)) return;
  // 6. CLIENT PAUSE holds the client until the pause ends.
  if (server.pauses.active && server.pauses.blocks(cmd)) {
    c.postpone(argv);
    return;
  }
  call(server, c, cmd, argv);
}

/** Gate 5 for a restricted user: refuse (NOPERM, ACL LOG) if the ACL check denies. */
function aclRefused(server: Server, c: Client, cmd: Command, argv: string[]): boolean {
  const denial = checkCommand(c.aclUser, cmd, argv);
  if (denial === undefined) return false;
  server.acl.recordDenial(c, cmd, argv, denial);
  reject(server, c, cmd, noPermission(denial.reason, cmd.fullName));
  return true;
}

function isHttpWord(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'post' || lower === 'host:';
}

/** A command refused before it ran: counted as rejected, reply sent. */
export function reject(server: Server, c: Client, cmd: Command | undefined, err: ErrorReply): void {
  if (cmd !== undefined) cmd.stats.rejectedCalls++;
  server.countError(err);
  c.sendReply(err);
}

/** Run a command's handler and send its reply, with statistics, MONITOR, SLOWLOG and LATENCY. */
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
  let reply: Reply;
  try {
    reply = handler(c, argv);
  } catch (err) {
    reply = toErrorReply(server, cmd, err);
  }
  unfreeze();
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

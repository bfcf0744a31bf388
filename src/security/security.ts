/**
 * Redoubt's security features beyond Redis, wired to one server: the audit log,
 * the AUTH brute-force throttle, per-user source networks and the start-up
 * warnings about dangerous setups. Everything here runs on security events
 * only (an authentication, a denial, an administrative command, a refused
 * connection), never per ordinary command. It is fed by:
 *   - the ACL facade's observers (authentication, denials) and its
 *     `sourceAllowed` check (user-allow-from);
 *   - AUTH / HELLO (`authRefusal`, the throttle's gate);
 *   - the accept-time gates of src/net/network.ts (`connectionRefused`);
 *   - CONFIG SET / REWRITE and ACL SETUSER / DELUSER / LOAD / SAVE (`adminCommand`);
 *   - the dispatcher's cross-protocol guard (`crossProtocol`, via Server.securityWarning).
 */
import { resolve } from 'node:path';
import { reasonName } from '../acl/log.js';
import { SELECTOR_ALLCOMMANDS } from '../acl/selector.js';
import { authThrottled } from '../commands/errors.js';
import { strerror } from '../config/kinds.js';
import { ConfigFileError } from '../config/parser.js';
import type { Client } from '../core/client.js';
import type { Server } from '../core/server.js';
import { formatPeer } from '../net/listeners.js';
import { LogLimiter } from '../net/log-limit.js';
import type { ErrorReply } from '../protocol/reply.js';
import { type AuditFields, AuditLog } from './audit-log.js';
import { AuthThrottle, throttleKey } from './auth-throttle.js';
import { UserNetworks, type UserNetworkTable } from './user-networks.js';

export type RefusalReason = 'allow-from' | 'protected-mode';

export class Security {
  readonly audit: AuditLog;
  readonly throttle = new AuthThrottle();
  readonly userNetworks = new UserNetworks();
  private userNetworkTable: UserNetworkTable = new Map();
  private readonly throttleLog: LogLimiter;
  private readonly networkLog: LogLimiter;

  constructor(private readonly server: Server) {
    const logger = () => server.logger;
    this.audit = new AuditLog(logger);
    this.throttleLog = new LogLimiter(logger);
    this.networkLog = new LogLimiter(logger);
    const acl = server.acl;
    acl.sourceAllowed = (c, user) => this.userNetworks.allows(c, user);
    acl.observers.push({
      authSucceeded: (c, u, via) => this.audit.record('auth', c, { user: u.name, via: via.toLowerCase() }),
      authFailed: (c, username, via, why) => this.authFailed(c, username, via.toLowerCase(), why),
      denied: (c, cmd, _argv, denial) =>
        this.audit.record('acl-denied', c, { command: cmd.fullName, reason: reasonName(denial.reason) }),
    });
  }

  // ---- directives (apply hooks) ----

  /** audit-log-file (start-up only): relative to `dir`, as the log file. */
  openAuditLog(file: string): void {
    if (file === '') {
      this.audit.close();
      return;
    }
    const path = resolve(this.server.config.get<string>('dir'), file);
    let note: string | undefined;
    try {
      note = this.audit.open(path);
    } catch (err) {
      throw new ConfigFileError(
        this.server.config.configFile ?? '',
        0,
        '',
        `Can't open the audit log file ${path}: ${strerror(err)}`,
      );
    }
    if (note !== undefined) this.server.logger.notice(note);
  }

  setUserNetworks(table: UserNetworkTable): void {
    this.userNetworkTable = table;
    this.userNetworks.set(table);
  }

  // ---- hooks ----

  /** AUTH / HELLO AUTH, before the credentials are checked: the refusal of a throttled address. */
  authRefusal(c: Client): ErrorReply | undefined {
    const seconds = this.throttle.refusal(throttleKey(c));
    return seconds === 0 ? undefined : authThrottled(seconds);
  }

  private authFailed(c: Client, username: string, via: string, why: string): void {
    this.audit.record('auth-failed', c, { user: username, via, reason: why }, true);
    if (why === 'network') {
      // A configured user name: safe to log.
      this.networkLog.warning(
        `Authentication as user '${username}' from ${c.addr} refused: the address is not in its user-allow-from networks`,
      );
    }
    if (via === 'tls-certificate') return;
    const key = throttleKey(c);
    if (this.throttle.failed(key)) {
      const limit = this.server.config.num('auth-max-failures');
      this.throttleLog.warning(
        `Authentication from ${key} throttled: ${limit} failed attempts within a minute (auth-max-failures); AUTH and HELLO AUTH from it are refused until the minute is over`,
      );
      this.audit.record('auth-throttled', c, { source: key, failures: limit }, true);
    }
  }

  /** A connection closed by an accept-time gate (src/net/network.ts). */
  connectionRefused(
    ip: string | undefined,
    port: number | undefined,
    laddr: string,
    reason: RefusalReason,
  ): void {
    if (!this.audit.enabled) return;
    this.audit.record('connection-refused', undefined, { addr: formatPeer(ip, port), laddr, reason }, true);
  }

  /** An HTTP request (POST / Host:) sent to the port: the connection is closed. */
  crossProtocol(c: Client, word: string): void {
    this.audit.record('cross-protocol', c, { command: word.toLowerCase() }, true);
  }

  /** CONFIG SET / REWRITE, ACL SETUSER / DELUSER / LOAD / SAVE: names and outcome, never values. */
  adminCommand(c: Client, event: string, fields: AuditFields): void {
    if (!this.audit.enabled) return;
    this.audit.record(event, c, { command: c.lastCommand?.fullName, ...fields });
  }

  // ---- start-up ----

  /** Warnings about dangerous setups, once the users are loaded. */
  startupWarnings(): void {
    const { acl, config, logger } = this.server;
    const d = acl.defaultUser;
    if (d.enabled && d.nopass && !config.get<boolean>('protected-mode')) {
      logger.warning(
        `WARNING: protected-mode is off and the default user has no password: any client that can reach ${describeBind(config.get<readonly string[]>('bind'))} can run every command the default user may run. Set a password (requirepass, or an ACL rule) or turn protected-mode back on.`,
      );
    }
    for (const u of acl.sortedUsers()) {
      if (u === d || !u.enabled || !u.nopass) continue;
      if (!u.selectors.some((s) => (s.flags & SELECTOR_ALLCOMMANDS) !== 0)) continue;
      logger.warning(
        `WARNING: user '${u.name}' has no password (nopass) and may run every command (+@all): any client can authenticate as it with any password. Give it a password, or fewer permissions.`,
      );
    }
    for (const user of this.userNetworkTable.keys()) {
      if (user === 'default' && d.nopass) {
        logger.warning(
          'WARNING: user-allow-from restricts the default user, but it has no password (nopass): new connections are authenticated as it without AUTH, from anywhere. Use allow-from, or give the default user a password.',
        );
      } else if (acl.getUser(user) === undefined) {
        logger.notice(`user-allow-from names user '${user}', which does not exist (yet)`);
      }
    }
  }

  close(): void {
    this.audit.close();
  }
}

function describeBind(bind: readonly string[]): string {
  if (bind.length === 0 || (bind.length === 1 && bind[0] === '')) return 'the unix socket';
  return `${bind.join(' ')} (bind)`;
}

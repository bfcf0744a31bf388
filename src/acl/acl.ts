/**
 * The ACL subsystem of a server: the users (with the default user), the command
 * set rules name, ACL LOG and its INFO counters, authentication, the start-up
 * loading of `user` lines or the aclfile, ACL LOAD / SAVE, and the clients a
 * user change disconnects. Commands (src/commands/acl.ts, connection.ts) and the
 * dispatcher's gate 5 call into it; the rules themselves are in rules.ts,
 * user.ts and selector.ts, the check in check.ts.
 */
import { resolve as resolvePath } from 'node:path';
import { clientInfoLine } from '../commands/connection.js';
import { aclSetuserModifier, aclSetuserUnmatched, execNoPermission } from '../commands/errors.js';
import type { Command } from '../commands/registry.js';
import type { Config } from '../config/config.js';
import { ConfigFileError } from '../config/parser.js';
import { CLIENT_CLOSE_AFTER_REPLY, CLIENT_CLOSE_ASAP, CLIENT_MULTI, type Client } from '../core/client.js';
import type { Server } from '../core/server.js';
import type { ErrorReply } from '../protocol/reply.js';
import {
  checkCommand,
  DENIED_AUTH,
  DENIED_CMD,
  DENIED_KEY,
  type Denial,
  type DenialReason,
} from './check.js';
import { AclCommands } from './commands.js';
import { describeUser } from './describe.js';
import { type LoadedUsers, loadAclFile, writeAclFile } from './file.js';
import { AclLog, type LogContext } from './log.js';
import {
  hashPassword,
  hasSpaces,
  mergeSelectorArgs,
  parseUserRule,
  printableRule,
  ruleErrorText,
} from './rules.js';
import { type RuleContext, User, UserState } from './user.js';

/**
 * Hooks for features built on authentication and the check (audit log, auth
 * throttling...). Called synchronously; they must not throw.
 */
export interface AclObserver {
  /** `via`: the command name as sent (AUTH, HELLO) or "tls-certificate". */
  authSucceeded?(c: Client, user: User, via: string): void;
  authFailed?(c: Client, username: string, via: string, why: AuthFailure): void;
  denied?(c: Client, cmd: Command, argv: readonly string[], denial: Denial): void;
  /** After ACL SETUSER / DELUSER / LOAD or a requirepass change. */
  usersChanged?(): void;
}

/**
 * Why an authentication failed: wrong credentials (or no such / a disabled
 * user), a source address outside the user's `user-allow-from` networks, or (a
 * TLS certificate) a CN naming no enabled user.
 */
export type AuthFailure = 'credentials' | 'network' | 'no-user';

/** INFO `acl_access_denied_*` (Redis 7.2); not reset by CONFIG RESETSTAT, as in Redis. */
export interface AclStats {
  auth: number;
  cmd: number;
  key: number;
  channel: number;
}

export class Acl {
  readonly commands: AclCommands;
  /** Every user by name; the default user is always present. */
  private users = new Map<string, User>();
  readonly defaultUser: User;
  readonly log = new AclLog();
  readonly stats: AclStats = { auth: 0, cmd: 0, key: 0, channel: 0 };
  readonly observers: AclObserver[] = [];
  /** acl-pubsub-default (set by the directive's apply hook). */
  allChannelsByDefault = false;
  /** Whether `c` may authenticate as `username` from where it is (user-allow-from, src/security). */
  sourceAllowed: (c: Client, username: string) => boolean = () => true;

  constructor(private readonly server: Server) {
    this.commands = new AclCommands(server.commands);
    this.defaultUser = new User('default', UserState.defaultUser(this.context()));
    this.users.set('default', this.defaultUser);
    server.config.rewriteExtras.push(() => ({ option: 'user', lines: this.rewriteLines() }));
  }

  context(): RuleContext {
    return {
      commands: this.commands,
      allChannelsByDefault: this.allChannelsByDefault,
      warn: (m) => this.server.logger.warning(m),
    };
  }

  getUser(name: string): User | undefined {
    return this.users.get(name);
  }

  /** Users in name (byte) order, as Redis's radix tree lists them. */
  sortedUsers(): User[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  describe(u: User): string {
    return describeUser(u.state, this.commands);
  }

  // ---- authentication ----

  /**
   * AUTH / HELLO AUTH: on success the client is authenticated as the user; on
   * failure an "auth" ACL LOG entry (object: the command name as sent) is added.
   */
  authenticate(c: Client, username: string, password: string, commandName: string): boolean {
    const u = this.users.get(username);
    let why: AuthFailure = 'credentials';
    if (u === undefined) {
      // The same work as for a real user: the reply time says nothing about which users exist.
      hashPassword(password);
    } else if (u.checkPassword(password)) {
      // Outside the user's networks the right password fails like a wrong one.
      if (this.sourceAllowed(c, username)) {
        c.aclUser = u;
        c.authenticated = true;
        for (const o of this.observers) o.authSucceeded?.(c, u, commandName);
        return true;
      }
      why = 'network';
    }
    this.server.logger.verbose(`Failed authentication for user '${username}' from ${c.addr}`);
    this.addLogEntry(c, DENIED_AUTH, commandName, username);
    for (const o of this.observers) o.authFailed?.(c, username, commandName, why);
    return false;
  }

  /**
   * Authenticate `c` as `username` without a password (a verified TLS client
   * certificate): the user must exist, be enabled and allow the client's source
   * network. A network refusal is an ACL LOG `auth` entry, as for AUTH.
   */
  authenticateTrusted(c: Client, username: string, via: string): true | AuthFailure {
    const u = this.users.get(username);
    let why: AuthFailure = 'no-user';
    if (u?.enabled) {
      if (this.sourceAllowed(c, username)) {
        c.aclUser = u;
        c.authenticated = true;
        for (const o of this.observers) o.authSucceeded?.(c, u, via);
        return true;
      }
      why = 'network';
      this.addLogEntry(c, DENIED_AUTH, via, username);
    }
    for (const o of this.observers) o.authFailed?.(c, username, via, why);
    return why;
  }

  /** Credentials check without a client (Server.checkPassword). */
  checkCredentials(username: string, password: string): boolean {
    return this.users.get(username)?.checkPassword(password) ?? false;
  }

  /** requirepass: the default user's only password, or nopass (ACLUpdateDefaultUserPassword). */
  updateDefaultPassword(password: string | null): void {
    const ctx = this.context();
    const s = this.defaultUser.state.clone();
    s.apply(parseUserRule('resetpass'), ctx);
    s.apply(
      password === null ? parseUserRule('nopass') : { op: 'addPassword', hash: hashPassword(password) },
      ctx,
    );
    this.defaultUser.setState(s);
    this.changed();
  }

  // ---- denials ----

  private addLogEntry(
    c: Client,
    reason: DenialReason,
    object: string,
    username?: string,
    context: LogContext = (c.flags & CLIENT_MULTI) !== 0 ? 'multi' : 'toplevel',
  ): void {
    if (reason === DENIED_AUTH) this.stats.auth++;
    else if (reason === DENIED_CMD) this.stats.cmd++;
    else if (reason === DENIED_KEY) this.stats.key++;
    else this.stats.channel++;
    this.log.add(
      {
        reason,
        context,
        object,
        username: username ?? c.aclUser.name,
        clientInfo: clientInfoLine(c),
      },
      this.server.config.num('acllog-max-len'),
    );
  }

  /** A command refused by the check: ACL LOG entry, INFO counter, observers. */
  recordDenial(c: Client, cmd: Command, argv: readonly string[], denial: Denial, context?: LogContext): void {
    const object = denial.reason === DENIED_CMD ? cmd.fullName : (argv[denial.pos] as string);
    this.addLogEntry(c, denial.reason, object, undefined, context);
    for (const o of this.observers) o.denied?.(c, cmd, argv, denial);
  }

  /**
   * For EXEC: Redis checks each queued command again when the transaction runs,
   * in case the rules changed since it was queued. Returns the error EXEC puts
   * in that command's place (logged with context "multi"), or undefined.
   */
  checkQueued(c: Client, cmd: Command, argv: readonly string[]): ErrorReply | undefined {
    const denial = checkCommand(c.aclUser, cmd, argv);
    if (denial === undefined) return undefined;
    this.recordDenial(c, cmd, argv, denial, 'multi');
    return execNoPermission(denial.reason);
  }

  // ---- changing users ----

  /**
   * ACL SETUSER: apply `rules` to a copy of the user (a new user if absent), and
   * swap it in only if every rule applied. Returns Redis's error, or undefined.
   */
  setUser(name: string, rules: readonly string[], self: Client | undefined): ErrorReply | undefined {
    const merged = mergeSelectorArgs(rules);
    if ('unmatched' in merged) return aclSetuserUnmatched(rules[merged.unmatched] as string);
    const existing = this.users.get(name);
    const ctx = this.context();
    const state = existing !== undefined ? existing.state.clone() : UserState.empty(ctx);
    for (const op of merged.rules) {
      const err = state.apply(parseUserRule(op), ctx);
      if (err !== undefined) return aclSetuserModifier(op, ruleErrorText(err));
    }
    if (existing !== undefined) {
      this.killRevokedSubscribers(existing, state, self);
      existing.setState(state);
      // Hardening beyond Redis 7.0 (where they stay connected): disabling a user
      // disconnects the clients authenticated as it.
      if (!existing.enabled) this.killClientsOf(existing, self, true);
    } else {
      this.users.set(name, new User(name, state));
    }
    this.changed();
    return undefined;
  }

  /** ACL DELUSER: how many of `names` existed; their clients are disconnected. */
  deleteUsers(names: readonly string[], self: Client | undefined): number {
    let deleted = 0;
    for (const name of names) {
      const u = this.users.get(name);
      if (u === undefined) continue;
      this.users.delete(name);
      this.killClientsOf(u, self, false);
      deleted++;
    }
    if (deleted > 0) this.changed();
    return deleted;
  }

  /**
   * Disconnect the clients of `u` (Redis's ACLFreeUserAndKillClients): they are
   * first put back to the unauthenticated default user, then closed; `self`
   * gets its reply first.
   */
  private killClientsOf(u: User, self: Client | undefined, onlyAuthenticated: boolean): void {
    for (const x of [...this.server.clients.values()]) {
      if (x.aclUser !== u || (onlyAuthenticated && !x.authenticated)) continue;
      x.aclUser = this.defaultUser;
      x.authenticated = false;
      if (x === self) {
        x.flags |= CLIENT_CLOSE_AFTER_REPLY;
      } else {
        x.flags |= CLIENT_CLOSE_ASAP;
        x.flush();
      }
    }
  }

  /**
   * Redis's ACLKillPubsubClientsIfNeeded: before `u` gets `state`, disconnect
   * its clients subscribed to a channel or pattern the new rules no longer
   * allow (src/core/pubsub.ts revokedSubscribers). Their subscriptions go at
   * once, so a PUBLISH right after no longer reaches them; `self` gets its reply
   * first (Redis 7.0 frees it mid-command and crashes).
   */
  private killRevokedSubscribers(u: User, state: UserState, self: Client | undefined): void {
    const pubsub = this.server.pubsub;
    for (const x of pubsub.revokedSubscribers(u, state.selectors)) {
      pubsub.removeClient(x);
      if (x === self) {
        x.flags |= CLIENT_CLOSE_AFTER_REPLY;
      } else {
        x.flags |= CLIENT_CLOSE_ASAP;
        x.flush();
      }
    }
  }

  private changed(): void {
    for (const o of this.observers) o.usersChanged?.();
  }

  // ---- aclfile ----

  /** The aclfile as configured (Redis's messages name it so), or '' for none. */
  get aclfile(): string {
    return this.server.config.get<string>('aclfile');
  }

  private aclfilePath(): string {
    return resolvePath(this.server.config.get<string>('dir'), this.aclfile);
  }

  /**
   * ACL LOAD: all or nothing. On success the default user keeps its identity
   * (its new rules are copied in) and the other users are replaced, their
   * clients disconnected as Redis does. Returns the error text, or undefined.
   */
  loadFile(self: Client | undefined): string | undefined {
    const loaded = loadAclFile(this.aclfilePath(), this.aclfile, this.context());
    if ('errors' in loaded) return loaded.errors;
    this.install(loaded.users, self);
    return undefined;
  }

  private install(loaded: LoadedUsers, self: Client | undefined): void {
    const old = this.users;
    const users = new Map<string, User>();
    for (const [name, state] of loaded) if (name !== 'default') users.set(name, new User(name, state));
    const defaultState = loaded.get('default') ?? UserState.defaultUser(this.context());
    // Hardening beyond Redis 7.0 (which keeps them): the default user's subscribers lose revoked channels too.
    this.killRevokedSubscribers(this.defaultUser, defaultState, self);
    this.defaultUser.setState(defaultState);
    users.set('default', this.defaultUser);
    this.users = users;
    for (const u of old.values()) if (u !== this.defaultUser) this.killClientsOf(u, self, false);
    if (!this.defaultUser.enabled) this.killClientsOf(this.defaultUser, self, true);
    this.changed();
  }

  /** ACL SAVE; throws with the failed step (the caller logs it). */
  saveFile(): void {
    let content = '';
    for (const u of this.sortedUsers()) content += `user ${u.name} ${this.describe(u)}\n`;
    writeAclFile(this.aclfilePath(), content);
  }

  /** CONFIG REWRITE's `user` lines: none with an aclfile (its lines are dropped). */
  private rewriteLines(): string[] {
    if (this.aclfile !== '') return [];
    return this.sortedUsers().map((u) => `user ${u.name} ${this.describe(u)}`);
  }

  // ---- start-up ----

  /**
   * Redis's ACLAppendUserForLoading + ACLLoadUsersAtStartup: validate the `user`
   * lines, refuse them together with an aclfile, create them (the default user is
   * reset first), then load the aclfile. Throws ConfigFileError on any problem.
   */
  loadAtStartup(config: Config): void {
    const ctx = this.context();
    const pending: { name: string; rules: string[]; file: string }[] = [];
    for (const line of config.userLines) {
      const [name, ...words] = line.args as [string, ...string[]];
      const fail = (word: string, why: string): never => {
        throw new ConfigFileError(
          line.file,
          line.line,
          line.text,
          `Error in user declaration '${printableRule(word)}': ${why}`,
        );
      };
      if (pending.some((p) => p.name === name)) fail(name, ruleErrorText('EALREADY'));
      const merged = mergeSelectorArgs(words);
      if ('unmatched' in merged)
        fail(words[merged.unmatched] as string, 'Unmatched parenthesis in selector definition');
      const rules = (merged as { rules: string[] }).rules;
      const probe = UserState.empty({ ...ctx, warn: () => {} });
      for (const op of rules) {
        const err = probe.apply(parseUserRule(op), { ...ctx, warn: () => {} });
        // Unknown commands are reported when the users are created, below.
        if (err !== undefined && err !== 'ENOENT') fail(op, ruleErrorText(err));
      }
      pending.push({ name, rules, file: line.file });
    }
    const aclfile = this.aclfile;
    if (aclfile !== '' && pending.length > 0) {
      throw new ConfigFileError(
        pending[0]?.file ?? '',
        0,
        '',
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. ' +
          'This setup is very likely to lead to configuration errors and security holes, please define either ' +
          'an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    const critical = (message: string): never => {
      throw new ConfigFileError(
        pending[0]?.file ?? '',
        0,
        '',
        `${message}\nCritical error while loading ACLs. Exiting.`,
      );
    };
    for (const p of pending) {
      if (hasSpaces(p.name)) critical('Spaces not allowed in ACL usernames');
      let u = this.users.get(p.name);
      const state = u !== undefined ? u.state.clone() : UserState.empty(ctx);
      if (u !== undefined) state.apply(parseUserRule('reset'), ctx);
      for (const op of p.rules) {
        const err = state.apply(parseUserRule(op), ctx);
        if (err !== undefined) {
          critical(
            `Error loading ACL rule '${printableRule(op)}' for the user named '${p.name}': ${ruleErrorText(err)}`,
          );
        }
      }
      if (u === undefined) {
        u = new User(p.name, state);
        this.users.set(p.name, u);
      } else {
        u.setState(state);
      }
      if (!u.enabled) {
        this.server.logger.notice(
          `The user '${p.name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`,
        );
      }
    }
    if (aclfile !== '') {
      const loaded = loadAclFile(this.aclfilePath(), aclfile, ctx);
      if ('errors' in loaded) {
        throw new ConfigFileError(
          aclfile,
          0,
          '',
          `Aborting Redis startup because of ACL errors: ${loaded.errors}`,
        );
      }
      this.install(loaded.users, undefined);
    }
  }
}

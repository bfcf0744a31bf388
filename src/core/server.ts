/**
 * The server: configuration, databases, command table, clients, listeners and the
 * cron. One thread owns the data; every command runs synchronously to completion.
 */
import { createHash, randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import type { Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { Acl, type AuthFailure } from '../acl/acl.js';
import { ALL_COMMANDS } from '../commands/all.js';
import { errorText } from '../commands/errors.js';
import { type Command, CommandTable } from '../commands/registry.js';
import type { Config } from '../config/config.js';
import { ConfigFileError } from '../config/parser.js';
import { DIRECTIVES } from '../config/table.js';
import { OutputLimits } from '../net/limits.js';
import { formatPeer } from '../net/listeners.js';
import { Network } from '../net/network.js';
import { Aof } from '../persistence/aof/aof.js';
import { openAofAtStartup } from '../persistence/aof/load.js';
import { Propagation } from '../persistence/aof/propagation.js';
import { persistenceCron } from '../persistence/bgsave.js';
import type { PointInTimeSnapshot } from '../persistence/point-in-time.js';
import { loadAtStartup, newPersistenceState } from '../persistence/snapshot.js';
import { encodeReply } from '../protocol/encoder.js';
import { type ErrorReply, StatusReply } from '../protocol/reply.js';
import { tightenOwnedDir, writeFileAtomic } from '../security/files.js';
import { Security } from '../security/security.js';
import { Database, type KeyspaceObserver } from '../store/database.js';
import { refreshLru } from '../util/clock.js';
import { repr } from '../util/repr.js';
import { Blocking } from './blocking.js';
import { CLIENT_BLOCKED, CLIENT_CLOSE_ASAP, CLIENT_PUBSUB, CLIENT_UNIX_SOCKET, Client } from './client.js';
import { execute } from './dispatcher.js';
import { LatencyMonitor } from './latency.js';
import type { Logger } from './logger.js';
import { ServerMemory } from './memory.js';
import { formatTimeval, nowMicros, ServerMetrics } from './metrics.js';
import { Transactions } from './multi.js';
import { NOTIFY, publishKeyspaceEvent } from './notify.js';
import { PauseState } from './pause.js';
import { PubSub } from './pubsub.js';
import { Slowlog } from './slowlog.js';
import { VERSION } from './version.js';

export interface ServerStats {
  startTime: number;
  connections: number;
  commands: number;
  rejectedConnections: number;
  protocolErrors: number;
  securityAttacks: number;
  queryBufferCloses: number;
  /** Refused by allow-from (also counted in rejectedConnections). */
  allowFromRejections: number;
  tlsHandshakeFailures: number;
  /** tls-auth-clients-user CN: certificates whose CN is no enabled user. */
  tlsCertAuthFailures: number;
  /** Clients closed by client-output-buffer-limit or the unauthenticated output cap. */
  outputBufferCloses: number;
  expiredKeys: number;
  /** Running estimate of the share of volatile keys already expired (INFO `expired_stale_perc`). */
  expiredStalePerc: number;
  /** Active expiry cycles stopped by their time budget. */
  expiredTimeCapReached: number;
  expireCycleMs: number;
  /** Keys written since the last save (INFO `rdb_changes_since_last_save`). */
  dirty: number;
  totalErrorReplies: number;
  errors: Map<string, number>;
  netInputBytes: number;
  netOutputBytes: number;
}

function newStats(): ServerStats {
  return {
    startTime: Date.now(),
    connections: 0,
    commands: 0,
    rejectedConnections: 0,
    protocolErrors: 0,
    securityAttacks: 0,
    queryBufferCloses: 0,
    allowFromRejections: 0,
    tlsHandshakeFailures: 0,
    tlsCertAuthFailures: 0,
    outputBufferCloses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReached: 0,
    expireCycleMs: 0,
    dirty: 0,
    totalErrorReplies: 0,
    errors: new Map(),
    netInputBytes: 0,
    netOutputBytes: 0,
  };
}

/** Active expiry budget per database per cron run (keys looked at). */
const ACTIVE_EXPIRE_KEYS_PER_LOOP = 20;
/** Stop a cycle after this share of the cron period, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC. */
const ACTIVE_EXPIRE_TIME_SHARE = 0.25;

export class Server {
  readonly commands: CommandTable;
  /** Users, authentication, the ACL check's data and ACL LOG (src/acl). */
  readonly acl: Acl;
  /** Audit log, AUTH throttle, user-allow-from, start-up warnings (src/security). */
  readonly security: Security;
  /** used_memory, maxmemory, key and client eviction (src/core/memory.ts). */
  readonly memory: ServerMemory;
  readonly dbs: Database[];
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  readonly slowlog = new Slowlog();
  readonly latency = new LatencyMonitor();
  readonly metrics = new ServerMetrics();
  readonly pauses = new PauseState();
  /** Channels, patterns and their subscribers (src/core/pubsub.ts). */
  readonly pubsub = new PubSub();
  /** notify-keyspace-events: the classes of keyspace events published (0: none). */
  notifyKeyspaceEvents = 0;
  /** WATCH registry (src/core/multi.ts). */
  readonly transactions = new Transactions();
  /** Clients blocked on keys, their timeouts and serving (src/core/blocking.ts). */
  readonly blocking: Blocking = new Blocking(this);
  /** What write commands record, and its consumer (src/persistence/aof/propagation.ts). */
  readonly propagation = new Propagation();
  /** The append-only file (src/persistence/aof/aof.ts). */
  readonly aof: Aof = new Aof(this);
  stats: ServerStats = newStats();
  readonly runId = createHash('sha1').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex');
  /** Replication ID (INFO `master_replid`), new at every start as in Redis. */
  replId = randomBytes(20).toString('hex');
  /** Unix time (s) of the last successful save; start-up counts as saved, as in Redis. */
  lastSave = Math.floor(Date.now() / 1000);
  /** DEBUG SET-ACTIVE-EXPIRE. */
  activeExpireEnabled = true;
  /** RDB/AOF state INFO persistence shows (src/persistence/snapshot.ts). */
  readonly persistence = newPersistenceState();
  /**
   * The background snapshot in progress (BGSAVE or an AOF rewrite), at most
   * one as Redis runs one child: its copy-before-write hooks are called by
   * the dispatcher, blocking and the keyspace observer while it is set.
   */
  snapshot: PointInTimeSnapshot | null = null;

  /** performance.now() at the end of the last command (or the start of the current input batch). */
  lastTick = performance.now();

  // Hot configuration, cached from the config table by directive `apply` hooks.
  protoMaxBulkLen = 512 * 1024 * 1024;
  queryBufferLimit = 1024 * 1024 * 1024;
  slowlogThreshold = 10000;

  private nextClientId = 1;
  /** Listeners, accept-time gates (allow-from, maxclients, protected mode) and TLS (src/net). */
  readonly network: Network;
  /** client-output-buffer-limit and the unauthenticated output cap, checked by Client.flush. */
  readonly outputLimits = new OutputLimits();
  /** The pidfile written by listen(), removed by close(). */
  private pidfilePath: string | undefined;
  private flushQueue: Client[] = [];
  private flushScheduled = false;
  private cronTimer: NodeJS.Timeout | null = null;
  private cronLoops = 0;
  private closing: Promise<void> | null = null;
  /** Set by the CLI: called once SHUTDOWN has closed everything, with the exit code. */
  onShutdown: ((code: number) => void) | undefined;
  private readonly observer: KeyspaceObserver;

  constructor(
    readonly config: Config,
    readonly logger: Logger,
    /**
     * Embedding: `port 0` means "any free port" rather than "no TCP listener";
     * `inMemory`: nothing is loaded from disk at start-up (no persistence was asked for).
     */
    private readonly options: { ephemeralPort?: boolean; inMemory?: boolean } = {},
  ) {
    this.commands = new CommandTable(ALL_COMMANDS);
    this.network = new Network(this, options.ephemeralPort === true);
    this.acl = new Acl(this);
    this.security = new Security(this);
    this.memory = new ServerMemory(this);
    this.observer = {
      expired: (db, key) => {
        this.stats.expiredKeys++;
        this.notifyKeyspaceEvent(NOTIFY.EXPIRED, 'expired', key, db.id);
        // The modified() that follows is not a change a save must capture (Redis does not count it).
        this.stats.dirty--;
        // Lazy and active expiry record a deletion, as Redis's propagateDeletion.
        if (this.propagation.sink !== null)
          this.propagation.also(db.id, [
            this.config.get<boolean>('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL',
            key,
          ]);
      },
      modified: (db, key) => {
        this.stats.dirty++;
        // WATCH and blocked clients: one integer test each when unused.
        if (this.transactions.watching !== 0) this.transactions.touch(db, key);
        if (this.blocking.blockedCount !== 0) this.blocking.signal(db, key);
      },
      created: (db, key) => {
        this.snapshot?.created(db, key);
        this.notifyKeyspaceEvent(NOTIFY.NEW, 'new', key, db.id);
      },
      missed: (db, key) => this.notifyKeyspaceEvent(NOTIFY.KEY_MISS, 'keymiss', key, db.id),
      clearing: (db) => this.snapshot?.clearing(db),
      swapping: (a, b) => {
        this.snapshot?.swapping(a, b);
        this.transactions.swapping(a, b);
        this.blocking.swapping(a, b);
      },
    };
    const n = config.get<number>('databases');
    this.dbs = [];
    for (let i = 0; i < n; i++) {
      const db = new Database(i);
      db.observer = this.observer;
      this.dbs.push(db);
    }
    config.applyAll(this);
    for (const line of config.renames) {
      const [from, to] = line.args as [string, string];
      const err = this.commands.rename(from, to);
      if (err !== undefined) throw new ConfigFileError(line.file, line.line, line.text, err);
      // The new name is never logged: it may be meant as a secret.
      const rule = from.toLowerCase();
      logger.warning(
        to === ''
          ? `Command '${from}' disabled by rename-command. ACL rules are the modern way to do this: '-${rule}' in the rules of the users that must not run it (ACL SETUSER <user> -${rule}).`
          : `Command '${from}' renamed by rename-command. ACL rules are the modern way to do this: '-${rule}' for ordinary users and '+${rule}' for an administrator user, instead of a name anyone who learns it can call.`,
      );
    }
    for (const d of DIRECTIVES) {
      if (d.noEffect !== undefined && config.explicit.has(d.name)) {
        logger.once(
          `noeffect:${d.name}`,
          'notice',
          `Directive '${d.name}' is accepted but has no effect in Redoubt: ${d.noEffect}`,
        );
      }
    }
    // After requirepass (applyAll), as Redis: `user` lines or the aclfile win.
    this.acl.loadAtStartup(config);
    for (const line of config.ignored) {
      logger.notice(`Deprecated directive '${line.name}' ignored (${line.file}:${line.line})`);
    }
    this.security.startupWarnings();
  }

  /** CONFIG RESETSTAT: Redis's resetServerStats plus command and error statistics; uptime and dirty are kept. */
  resetStats(): void {
    const { startTime, dirty } = this.stats;
    this.stats = { ...newStats(), startTime, dirty };
    this.memory.resetStats();
    for (const cmd of this.commands.all()) {
      const stats = cmd.stats as unknown as Record<string, number>;
      for (const k of Object.keys(stats)) stats[k] = 0;
    }
    for (const db of this.dbs) {
      db.hits = 0;
      db.misses = 0;
    }
    // Byte totals of live connections count again from here; rates and the memory peak restart.
    for (const c of this.clients.values()) {
      this.stats.netInputBytes -= c.socket?.bytesRead ?? 0;
      this.stats.netOutputBytes -= c.socket?.bytesWritten ?? 0;
    }
    this.metrics.reset();
    this.latency.histograms.clear();
  }

  // ---- authentication (the ACL default user; see src/acl) ----

  /** requirepass: the default user's password ('' : nopass), as Redis's ACLUpdateDefaultUserPassword. */
  setRequirePass(pass: string): void {
    this.acl.updateDefaultPassword(pass === '' ? null : pass);
  }

  /** Whether an ACL user of that name exists. */
  userExists(name: string): boolean {
    return this.acl.getUser(name) !== undefined;
  }

  /**
   * Authenticate `c` as `name` without a password (a verified TLS client
   * certificate, tls-auth-clients-user CN): true, or why not (no such enabled
   * user, or a source outside its user-allow-from networks).
   */
  authenticateAs(c: Client, name: string): true | AuthFailure {
    // user-allow-from applies here too; audited as 'tls-certificate'.
    return this.acl.authenticateTrusted(c, name, 'tls-certificate');
  }

  /**
   * True when the default user can be used without a password: nopass and
   * enabled (new connections start authenticated).
   */
  defaultUserIsOpen(): boolean {
    // Exactly Redis's protected-mode test: NOPASS alone (even a disabled default user).
    return this.acl.defaultUser.nopass;
  }

  /** New connections must authenticate (Redis's authRequired() for a fresh client). */
  authRequired(): boolean {
    const d = this.acl.defaultUser;
    return !(d.nopass && d.enabled);
  }

  /** Whether `pass` is a valid password of `user` (SHA-256, compared in constant time). */
  checkPassword(user: string, pass: string): boolean {
    return this.acl.checkCredentials(user, pass);
  }

  // ---- request handling ----

  execute(c: Client, argv: string[]): void {
    execute(this, c, argv);
  }

  /**
   * Redis's notifyKeyspaceEvent: publish `event` on `key` of database `dbId` if
   * its class `type` (NOTIFY.*) is selected. With notifications off this is one
   * flag test; command handlers call it once per event, with Redis's event names.
   */
  notifyKeyspaceEvent(type: number, event: string, key: string, dbId: number): void {
    const flags = this.notifyKeyspaceEvents;
    if ((flags & type) !== 0) publishKeyspaceEvent(this.pubsub, flags, event, key, dbId);
  }

  protectedCommandError(cmd: Command, c: Client): ErrorReply | undefined {
    const isDebug = cmd.name === 'debug';
    const directive = isDebug ? 'enable-debug-command' : 'enable-module-command';
    const mode = this.config.get<string>(directive);
    if (mode === 'yes' || (mode === 'local' && this.isLocal(c))) return undefined;
    return errorText(
      `ERR ${isDebug ? 'DEBUG' : 'MODULE'} command not allowed. If the ${directive} option is set to "local", ` +
        'you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
  }

  /** A loopback or unix-socket client. */
  isLocal(c: Client): boolean {
    if ((c.flags & CLIENT_UNIX_SOCKET) !== 0) return true;
    const host = c.addr.startsWith('[')
      ? c.addr.slice(1, c.addr.indexOf(']'))
      : c.addr.slice(0, c.addr.lastIndexOf(':'));
    // Exactly Redis's islocalClient: 127.0.0.5 is not "local" for protected settings.
    return host === '::1' || host === '127.0.0.1';
  }

  private lastSecurityWarning = 0;
  private suppressedSecurityWarnings = 0;

  /** Log a cross-protocol attack, at most once a minute (any peer can trigger it). */
  securityWarning(c: Client, word = ''): void {
    this.security.crossProtocol(c, word);
    const t = Date.now();
    if (t - this.lastSecurityWarning < 60_000) {
      this.suppressedSecurityWarnings++;
      return;
    }
    const suppressed = this.suppressedSecurityWarnings;
    this.lastSecurityWarning = t;
    this.suppressedSecurityWarnings = 0;
    this.logger.warning(
      'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. ' +
        'This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. ' +
        `Connection from ${c.addr} aborted.${suppressed > 0 ? ` (${suppressed} similar warnings suppressed)` : ''}`,
    );
  }

  countError(err: ErrorReply): void {
    const msg = err.message;
    const sp = msg.indexOf(' ');
    const code = sp === -1 ? msg : msg.slice(0, sp);
    this.stats.totalErrorReplies++;
    // Hardening beyond Redis 7.0 (which tracks every code it sees): at most 128
    // distinct codes, so error text chosen by clients cannot grow this map.
    const errors = this.stats.errors;
    const n = errors.get(code);
    if (n !== undefined) errors.set(code, n + 1);
    else if (errors.size < 128) errors.set(code, 1);
  }

  /** Show a command to MONITOR clients; `argv` is already redacted (see dispatcher `call`). */
  feedMonitors(c: Client, argv: readonly string[]): void {
    const where =
      (c.flags & CLIENT_UNIX_SOCKET) !== 0 ? `unix:${this.config.get<string>('unixsocket')}` : c.addr;
    let line = `+${formatTimeval(nowMicros())} [${c.db.id} ${where}]`;
    for (const a of argv) line += ` ${repr(a)}`;
    for (const m of this.monitors) m.send(encodeReply(new StatusReply(line.slice(1)), m.resp));
  }

  // ---- output scheduling ----

  scheduleFlush(c: Client): void {
    this.flushQueue.push(c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flushAll());
    }
  }

  private flushAll(): void {
    this.flushScheduled = false;
    const q = this.flushQueue;
    this.flushQueue = [];
    for (const c of q) c.flush();
  }

  // ---- connections ----

  /** A connection the accept-time gates of src/net let through becomes a client. */
  acceptClient(socket: Socket, kind: 'tcp' | 'tls' | 'unix'): Client {
    const unix = kind === 'unix';
    const id = this.nextClientId++;
    const path = unix ? `${this.network.unixPath() ?? ''}:0` : '';
    const client = new Client(
      id,
      this,
      socket,
      this.dbs[0] as Database,
      unix ? path : formatPeer(socket.remoteAddress, socket.remotePort),
      unix ? path : formatPeer(socket.localAddress, socket.localPort),
    );
    if (unix) client.flags |= CLIENT_UNIX_SOCKET;
    this.clients.set(id, client);
    this.stats.connections++;
    this.logger.verbose(`Accepted ${client.addr}${kind === 'tls' ? ' (TLS)' : ''}`);
    return client;
  }

  unlinkClient(c: Client): void {
    if (this.clients.delete(c.id)) {
      this.logger.verbose(`Client closed connection ${c.describe()}`);
      this.stats.netInputBytes += c.socket?.bytesRead ?? 0;
      this.stats.netOutputBytes += c.socket?.bytesWritten ?? 0;
    }
    this.monitors.delete(c);
    this.pubsub.removeClient(c);
    this.blocking.disconnected(c);
    this.transactions.unwatchAll(c);
  }

  /**
   * Open the listeners, write the pidfile, run `beforeAccept` (the command line
   * drops its privileges there), make an explicitly configured `dir` 0700 when
   * this process owns it, then serve connections (those that arrived meanwhile
   * waited, unread) and start the cron.
   */
  async listen(hooks: { beforeAccept?: () => void } = {}): Promise<void> {
    const config = this.config;
    // The dataset comes first (throws RdbLoadError on a bad file), so no client
    // ever sees it half loaded. With appendonly yes the AOF is the source instead.
    if (this.options.inMemory === true) {
      // An embedded server nobody asked to persist starts empty.
    } else if (!config.get<boolean>('appendonly')) loadAtStartup(this);
    else openAofAtStartup(this);
    await this.network.open();
    try {
      if (this.network.addresses().length === 0)
        this.logger.warning('No TCP, TLS or unix socket listener is configured: nobody can connect.');
      const pidfile = config.get<string>('pidfile');
      // Relative to `dir`, where Redis (which chdirs there) writes it.
      if (pidfile !== '') {
        this.pidfilePath = resolvePath(config.get<string>('dir'), pidfile);
        writeFileAtomic(this.pidfilePath, `${process.pid}\n`);
      }
      hooks.beforeAccept?.();
      // The working directory (the default `dir`) is left as it is.
      if (config.explicit.has('dir')) {
        const dir = config.get<string>('dir');
        try {
          const changed = tightenOwnedDir(dir);
          if (changed !== undefined) this.logger.notice(changed);
        } catch (err) {
          this.logger.warning(`Data directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        }
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.network.startAccepting();
    // From now on CONFIG SET appendonly turns the AOF on and off.
    this.aof.live = true;
    this.startCron();
  }

  /** `hz` changed: run the cron at the new frequency. */
  rescheduleCron(): void {
    if (this.cronTimer === null || this.closing !== null) return;
    clearInterval(this.cronTimer);
    this.startCron();
  }

  /** TCP and TLS addresses and the unix socket actually listened on. */
  addresses(): { host: string; port: number; path?: string; kind: 'tcp' | 'tls' | 'unix' }[] {
    return this.network.addresses();
  }

  private startCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.get<number>('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  /** Periodic work: LRU clock, active expiry, save points, idle client timeouts. */
  cron(): void {
    refreshLru();
    const hz = Math.max(1, this.config.get<number>('hz'));
    const start = performance.now();
    const budgetMs = (1000 / hz) * ACTIVE_EXPIRE_TIME_SHARE;
    let sampled = 0;
    let expiredTotal = 0;
    if (this.activeExpireEnabled) {
      for (const db of this.dbs) {
        if (db.volatileCount === 0) continue;
        // Keep going while a good share of what we look at is expired, like Redis.
        for (let loops = 0; loops < 1000; loops++) {
          const [checked, expired] = db.activeExpire(ACTIVE_EXPIRE_KEYS_PER_LOOP);
          sampled += checked;
          expiredTotal += expired;
          if (checked === 0 || expired * 10 < checked) break;
          if (performance.now() - start > budgetMs) {
            this.stats.expiredTimeCapReached++;
            break;
          }
        }
      }
      // Running average, this cycle weighing 5%, as Redis's stat_expired_stale_perc.
      const perc = sampled > 0 ? expiredTotal / sampled : 0;
      this.stats.expiredStalePerc = perc * 0.05 + this.stats.expiredStalePerc * 0.95;
    }
    const cycleMs = performance.now() - start;
    this.stats.expireCycleMs += cycleMs;
    if (this.activeExpireEnabled) this.latency.addSampleIfNeeded('expire-cycle', Math.floor(cycleMs));
    // Instantaneous metrics every 100 ms (every run when the period is longer), as Redis.
    const period = 1000 / Math.max(1, Math.min(500, hz));
    if (period >= 100 || this.cronLoops % Math.round(100 / period) === 0) this.metrics.sample(this);
    this.cronLoops++;
    persistenceCron(this);
    this.aof.cron();
    if (this.memory.active) {
      this.memory.measureClients();
      this.memory.evictClients();
    }
    const timeout = this.config.get<number>('timeout');
    if (timeout > 0) {
      for (const c of this.clients.values()) {
        // As Redis: no timeout for MONITOR, blocked (they have their own; CLIENT
        // PAUSE holds count as blocked) and pub/sub clients.
        if (
          c.idleSeconds() > timeout &&
          !this.monitors.has(c) &&
          (c.flags & (CLIENT_BLOCKED | CLIENT_PUBSUB)) === 0 &&
          !c.paused
        ) {
          this.logger.verbose(`Closing idle client ${c.describe()}`);
          c.flags |= CLIENT_CLOSE_ASAP;
          c.flush();
        }
      }
    }
  }

  /** Stop listening, disconnect clients, remove the pidfile. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      if (this.cronTimer !== null) clearInterval(this.cronTimer);
      // As Redis kills its saving child on exit: no snapshot writes on after the server is gone.
      this.snapshot?.cancel();
      this.pauses.dispose();
      this.blocking.dispose();
      const closes = this.network.close();
      for (const c of this.clients.values()) c.destroy();
      await closes;
      this.security.close();
      this.aof.close();
      const pidfile = this.pidfilePath;
      if (pidfile !== undefined) {
        try {
          unlinkSync(pidfile);
        } catch {
          // Already gone.
        }
      }
    })();
    return this.closing;
  }

  get version(): string {
    return VERSION;
  }
}

/**
 * The server: configuration, databases, command table, clients, listeners and the
 * cron. One thread owns the data; every command runs synchronously to completion.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { ALL_COMMANDS } from '../commands/all.js';
import { errorText } from '../commands/errors.js';
import { type Command, CommandTable } from '../commands/registry.js';
import type { Config } from '../config/config.js';
import { ConfigValueError } from '../config/kinds.js';
import { ConfigFileError } from '../config/parser.js';
import { DIRECTIVES } from '../config/table.js';
import {
  formatPeer,
  type OpenedListener,
  openTcpListeners,
  openUnixListener,
  parseBind,
} from '../net/listeners.js';
import { encodeReply } from '../protocol/encoder.js';
import { type ErrorReply, StatusReply } from '../protocol/reply.js';
import { Database, type KeyspaceObserver } from '../store/database.js';
import { refreshLru } from '../util/clock.js';
import { repr } from '../util/repr.js';
import { CLIENT_CLOSE_ASAP, CLIENT_UNIX_SOCKET, Client } from './client.js';
import { execute } from './dispatcher.js';
import { LatencyMonitor } from './latency.js';
import type { Logger } from './logger.js';
import { formatTimeval, nowMicros, ServerMetrics } from './metrics.js';
import { PauseState } from './pause.js';
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
  readonly dbs: Database[];
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  readonly slowlog = new Slowlog();
  readonly latency = new LatencyMonitor();
  readonly metrics = new ServerMetrics();
  readonly pauses = new PauseState();
  stats: ServerStats = newStats();
  readonly runId = createHash('sha1').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex');
  /** Replication ID (INFO `master_replid`), new at every start as in Redis. */
  replId = randomBytes(20).toString('hex');
  /** Unix time (s) of the last successful save; start-up counts as saved, as in Redis. */
  lastSave = Math.floor(Date.now() / 1000);
  /** DEBUG SET-ACTIVE-EXPIRE. */
  activeExpireEnabled = true;

  /** performance.now() at the end of the last command (or the start of the current input batch). */
  lastTick = performance.now();

  // Hot configuration, cached from the config table by directive `apply` hooks.
  protoMaxBulkLen = 512 * 1024 * 1024;
  queryBufferLimit = 1024 * 1024 * 1024;
  slowlogThreshold = 10000;

  private requirePassHash: Buffer | null = null;
  private nextClientId = 1;
  private listeners: OpenedListener[] = [];
  /** Port and bind the TCP listeners were opened with (undefined until listen()). */
  private tcpBound: { port: number; bind: readonly string[] } | undefined;
  private rebindGeneration = 0;
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
    /** Embedding: `port 0` means "any free port" rather than "no TCP listener". */
    private readonly options: { ephemeralPort?: boolean } = {},
  ) {
    this.commands = new CommandTable(ALL_COMMANDS);
    this.observer = {
      expired: () => {
        this.stats.expiredKeys++;
        // The modified() that follows is not a change a save must capture (Redis does not count it).
        this.stats.dirty--;
      },
      modified: () => {
        this.stats.dirty++;
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
      logger.notice(
        to === ''
          ? `Command '${from}' disabled by rename-command`
          : `Command '${from}' renamed by rename-command`,
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
    for (const line of config.ignored) {
      logger.notice(`Deprecated directive '${line.name}' ignored (${line.file}:${line.line})`);
    }
  }

  /** CONFIG RESETSTAT: Redis's resetServerStats plus command and error statistics; uptime and dirty are kept. */
  resetStats(): void {
    const { startTime, dirty } = this.stats;
    this.stats = { ...newStats(), startTime, dirty };
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

  // ---- authentication (the default user; ACL users build on this) ----

  setRequirePass(pass: string): void {
    this.requirePassHash = pass === '' ? null : sha256(pass);
  }

  /** Whether an ACL user of that name exists. */
  userExists(name: string): boolean {
    return name === 'default';
  }

  /**
   * True when the default user can be used without a password (Redis's
   * `DefaultUser->flags & USER_FLAG_NOPASS`): what protected mode checks.
   */
  defaultUserIsOpen(): boolean {
    return this.requirePassHash === null;
  }

  authRequired(): boolean {
    return this.requirePassHash !== null;
  }

  /** Compare in constant time against the stored SHA-256. */
  checkPassword(user: string, pass: string): boolean {
    if (user !== 'default') return false;
    if (this.requirePassHash === null) return true;
    return timingSafeEqual(sha256(pass), this.requirePassHash);
  }

  // ---- request handling ----

  execute(c: Client, argv: string[]): void {
    execute(this, c, argv);
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
    return host === '::1' || host.startsWith('127.');
  }

  private lastSecurityWarning = 0;
  private suppressedSecurityWarnings = 0;

  /** Log a cross-protocol attack, at most once a minute (any peer can trigger it). */
  securityWarning(c: Client): void {
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

  private onSocket(socket: Socket, unix: boolean): void {
    const maxclients = this.config.get<number>('maxclients');
    if (this.clients.size >= maxclients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const id = this.nextClientId++;
    const addr = unix
      ? `${socket.localAddress ?? ''}:0`
      : formatPeer(socket.remoteAddress, socket.remotePort);
    const laddr = unix ? `${this.unixPath() ?? ''}:0` : formatPeer(socket.localAddress, socket.localPort);
    socket.setNoDelay(true);
    const keepalive = this.config.get<number>('tcp-keepalive');
    if (!unix && keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const client = new Client(
      id,
      this,
      socket,
      this.dbs[0] as Database,
      unix ? `${this.unixPath()}:0` : addr,
      laddr,
    );
    if (unix) client.flags |= CLIENT_UNIX_SOCKET;
    this.clients.set(id, client);
    this.stats.connections++;
    this.logger.verbose(`Accepted ${client.addr}`);
  }

  unlinkClient(c: Client): void {
    if (this.clients.delete(c.id)) {
      this.logger.verbose(`Client closed connection ${c.describe()}`);
      this.stats.netInputBytes += c.socket?.bytesRead ?? 0;
      this.stats.netOutputBytes += c.socket?.bytesWritten ?? 0;
    }
    this.monitors.delete(c);
  }

  private unixPath(): string | undefined {
    return this.listeners.find((l) => l.kind === 'unix')?.path;
  }

  /** Open the listeners, write the pidfile and start the cron. */
  async listen(): Promise<void> {
    const config = this.config;
    const port = config.get<number>('port');
    const bind = config.get<string[]>('bind');
    const backlog = config.get<number>('tcp-backlog');
    const listeners: OpenedListener[] = [];
    try {
      const tcp =
        bind.length > 0 &&
        !(bind.length === 1 && bind[0] === '') &&
        (port !== 0 || this.options.ephemeralPort === true);
      if (tcp) {
        const opened = await openTcpListeners(
          parseBind(bind),
          port,
          backlog,
          (s) => this.onSocket(s, false),
          this.logger,
        );
        listeners.push(...opened);
        if (port === 0 && opened[0] !== undefined) config.setParsed('port', opened[0].port);
      }
      const unixsocket = config.get<string>('unixsocket');
      if (unixsocket !== '') {
        listeners.push(
          await openUnixListener(unixsocket, config.get<number>('unixsocketperm'), backlog, (s) =>
            this.onSocket(s, true),
          ),
        );
      }
    } catch (err) {
      for (const l of listeners) l.server.close();
      throw err;
    }
    this.listeners = listeners;
    this.tcpBound = { port: config.num('port'), bind: [...bind] };
    if (listeners.length === 0)
      this.logger.warning('No TCP or unix socket listener is configured: nobody can connect.');
    const pidfile = config.get<string>('pidfile');
    // Relative to `dir`, where Redis (which chdirs there) writes it.
    if (pidfile !== '') {
      this.pidfilePath = resolvePath(config.get<string>('dir'), pidfile);
      writeFileSync(this.pidfilePath, `${process.pid}\n`, { mode: 0o600 });
    }
    this.startCron();
  }

  /**
   * CONFIG SET port/bind (the directives' apply hook): close the TCP listeners and
   * open the new ones, as Redis's changeBindAddr. Node binds asynchronously, so
   * only a malformed address fails the CONFIG SET; a bind failure is logged and
   * the previous port, bind and listeners are restored.
   */
  rebindTcp(): void {
    const prev = this.tcpBound;
    if (prev === undefined || this.closing !== null) return;
    const bind = [...this.config.get<readonly string[]>('bind')];
    const port = this.config.num('port');
    for (const b of bind) {
      const host = b.startsWith('-') ? b.slice(1) : b;
      if (host !== '*' && host !== '::*' && host !== 'localhost' && isIP(host) === 0)
        throw new ConfigValueError('Failed to bind to specified addresses.');
    }
    const generation = ++this.rebindGeneration;
    this.tcpBound = { port, bind };
    const open = (b: readonly string[], p: number): Promise<OpenedListener[]> =>
      b.length === 0 || p === 0
        ? Promise.resolve([])
        : openTcpListeners(
            parseBind(b),
            p,
            this.config.num('tcp-backlog'),
            (s) => this.onSocket(s, false),
            this.logger,
          );
    const old = this.listeners.filter((l) => l.kind === 'tcp');
    for (const l of old) l.server.close();
    this.listeners = this.listeners.filter((l) => l.kind !== 'tcp');
    void (async () => {
      await new Promise((r) => setImmediate(r));
      let opened: OpenedListener[];
      try {
        opened = await open(bind, port);
      } catch (err) {
        this.logger.warning(
          `Failed to bind to ${bind.join(' ')} port ${port} (${err instanceof Error ? err.message : String(err)}); restoring bind ${prev.bind.join(' ')} and port ${prev.port}`,
        );
        if (generation !== this.rebindGeneration) return;
        this.config.setParsed('bind', prev.bind);
        this.config.setParsed('port', prev.port);
        this.tcpBound = prev;
        opened = await open(prev.bind, prev.port).catch(() => []);
      }
      if (this.closing !== null || generation !== this.rebindGeneration) {
        for (const l of opened) l.server.close();
        return;
      }
      this.listeners.push(...opened);
    })();
  }

  /** `hz` changed: run the cron at the new frequency. */
  rescheduleCron(): void {
    if (this.cronTimer === null || this.closing !== null) return;
    clearInterval(this.cronTimer);
    this.startCron();
  }

  /** TCP addresses and unix socket actually listened on. */
  addresses(): { host: string; port: number; path?: string; kind: 'tcp' | 'unix' }[] {
    return this.listeners.map((l) =>
      l.path !== undefined
        ? { host: l.host, port: l.port, path: l.path, kind: l.kind }
        : { host: l.host, port: l.port, kind: l.kind },
    );
  }

  private startCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.get<number>('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  /** Periodic work: LRU clock, active expiry, idle client timeouts. */
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
    const timeout = this.config.get<number>('timeout');
    if (timeout > 0) {
      for (const c of this.clients.values()) {
        if (c.idleSeconds() > timeout && !this.monitors.has(c)) {
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
      this.pauses.dispose();
      const closes = this.listeners.map(
        (l) => new Promise<void>((resolve) => l.server.close(() => resolve())),
      );
      for (const c of this.clients.values()) c.destroy();
      await Promise.all(closes);
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

function sha256(s: string): Buffer {
  return createHash('sha256').update(Buffer.from(s, 'latin1')).digest();
}

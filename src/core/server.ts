/**
 * The server: configuration, databases, command table, clients, listeners and the
 * cron. One thread owns the data; every command runs synchronously to completion.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ALL_COMMANDS } from '../commands/all.js';
import { errorText } from '../commands/errors.js';
import { type Command, CommandTable } from '../commands/registry.js';
import type { Config } from '../config/config.js';
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
import type { Logger } from './logger.js';
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
  expireCycleMs: number;
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
    expireCycleMs: 0,
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
  readonly pauses = new PauseState();
  stats: ServerStats = newStats();
  readonly runId = createHash('sha1').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex');

  // Hot configuration, cached from the config table by directive `apply` hooks.
  protoMaxBulkLen = 512 * 1024 * 1024;
  queryBufferLimit = 1024 * 1024 * 1024;
  slowlogThreshold = 10000;

  private requirePassHash: Buffer | null = null;
  private nextClientId = 1;
  private listeners: OpenedListener[] = [];
  private flushQueue: Client[] = [];
  private flushScheduled = false;
  private cronTimer: NodeJS.Timeout | null = null;
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
      },
      modified: () => {},
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
      if (err !== undefined) throw new Error(`${line.file}:${line.line}: ${err}`);
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
  }

  // ---- authentication (the default user; ACL users build on this) ----

  setRequirePass(pass: string): void {
    this.requirePassHash = pass === '' ? null : sha256(pass);
  }

  /** Whether an ACL user of that name exists. */
  userExists(name: string): boolean {
    return name === 'default';
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

  countError(err: ErrorReply): void {
    const msg = err.message;
    const sp = msg.indexOf(' ');
    const code = sp === -1 ? msg : msg.slice(0, sp);
    this.stats.totalErrorReplies++;
    // Like Redis, stop tracking new error codes past 128 distinct ones.
    const errors = this.stats.errors;
    const n = errors.get(code);
    if (n !== undefined) errors.set(code, n + 1);
    else if (errors.size < 128) errors.set(code, 1);
  }

  feedMonitors(c: Client, argv: readonly string[]): void {
    const t = Date.now() / 1000;
    const where = (c.flags & CLIENT_UNIX_SOCKET) !== 0 ? `unix:${c.laddr}` : c.addr;
    let line = `+${t.toFixed(6)} [${c.db.id} ${where}]`;
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
    if (this.clients.delete(c.id)) this.logger.verbose(`Client closed connection ${c.describe()}`);
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
    if (listeners.length === 0)
      this.logger.warning('No TCP or unix socket listener is configured: nobody can connect.');
    const pidfile = config.get<string>('pidfile');
    if (pidfile !== '') writeFileSync(pidfile, `${process.pid}\n`, { mode: 0o600 });
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
    for (const db of this.dbs) {
      if (db.volatileCount === 0) continue;
      // Keep going while a good share of what we look at is expired, like Redis.
      for (let loops = 0; loops < 1000; loops++) {
        const [checked, expired] = db.activeExpire(ACTIVE_EXPIRE_KEYS_PER_LOOP);
        if (checked === 0 || expired * 10 < checked) break;
        if (performance.now() - start > budgetMs) break;
      }
    }
    this.stats.expireCycleMs += performance.now() - start;
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
      const pidfile = this.config.get<string>('pidfile');
      if (pidfile !== '') {
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

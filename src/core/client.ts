/**
 * One connected client: its socket, decoder, selected database, protocol version,
 * authentication state and pending output. Output is accumulated as a latin1
 * string and written once per event-loop turn.
 */
import type { Socket } from 'node:net';
import type { User } from '../acl/user.js';
import type { Command } from '../commands/registry.js';
import { readShared } from '../net/shared-read.js';
import { type DecoderLimits, ProtocolError, RespDecoder } from '../protocol/decoder.js';
import { type Protocol, writeReply } from '../protocol/encoder.js';
import { OutputBuffer } from '../protocol/output.js';
import { ErrorReply, type Reply } from '../protocol/reply.js';
import type { Database } from '../store/database.js';
import type { BlockedClient } from './blocking.js';
import type { MultiState, WatchedKey } from './multi.js';
import { PushFrames } from './pubsub.js';
import type { Server } from './server.js';

/** Client flags (CLIENT LIST `flags=`). */
export const CLIENT_MULTI = 1 << 0;
export const CLIENT_MONITOR = 1 << 1;
export const CLIENT_CLOSE_AFTER_REPLY = 1 << 2;
export const CLIENT_CLOSE_ASAP = 1 << 3;
export const CLIENT_NO_EVICT = 1 << 4;
export const CLIENT_NO_TOUCH = 1 << 5;
export const CLIENT_PUBSUB = 1 << 6;
export const CLIENT_BLOCKED = 1 << 7;
export const CLIENT_DIRTY_EXEC = 1 << 8;
export const CLIENT_UNIX_SOCKET = 1 << 9;
export const CLIENT_READONLY = 1 << 10;
/** A watched key was touched: EXEC will reply a null array (CLIENT LIST `d`). */
export const CLIENT_DIRTY_CAS = 1 << 11;
/** Blocking commands answer at once instead of blocking (inside EXEC). */
export const CLIENT_DENY_BLOCKING = 1 << 12;

/**
 * Commands one client runs per event-loop turn before others get theirs (a
 * pipeline of a million commands is served a thousand at a time). Redis gets
 * the same effect by reading at most 16 KB per client per turn.
 */
export const COMMANDS_PER_TURN = 1000;

/**
 * Pending output past this is written at once instead of at the end of the
 * turn, so the output limits (checked on what the socket could not take) see
 * a client that does not read before a turn's replies or a PUBLISH flood pile
 * up far past them: Redis checks them on every reply it adds.
 */
const EARLY_FLUSH_BYTES = 64 * 1024;

export class Client implements DecoderLimits {
  readonly decoder = new RespDecoder();
  resp: Protocol = 2;
  name = '';
  libName = '';
  libVer = '';
  flags = 0;
  authenticated: boolean;
  /** The ACL user commands are checked against (the default user until AUTH). */
  aclUser: User;
  /** CLIENT REPLY OFF. */
  replyOff = false;
  /** Set by CLIENT REPLY SKIP: the next command's reply is dropped. */
  skipNext = false;
  private skipping = false;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand: Command | undefined;
  /** Pending output, written by `flush`; allocated on first use. */
  private output: OutputBuffer | null = null;
  private queued = false;
  private processing = false;
  closed = false;
  /** Unix time (s) pending output first stayed over the soft output limit; 0 when under (src/net/limits.ts). */
  obufSoftLimitSince = 0;
  /** Queued commands while in MULTI (src/core/multi.ts). */
  multi: MultiState | null = null;
  /** Keys this client WATCHes, in WATCH order; null when none. */
  watched: WatchedKey[] | null = null;
  /** What the client waits for while CLIENT_BLOCKED (src/core/blocking.ts). */
  blockState: BlockedClient | null = null;

  constructor(
    readonly id: number,
    readonly server: Server,
    readonly socket: Socket | null,
    public db: Database,
    /** `ip:port`, `[ip6]:port` style as Redis prints, or `/path:0` for unix sockets. */
    readonly addr: string,
    readonly laddr: string,
  ) {
    this.aclUser = server.acl.defaultUser;
    this.authenticated = !server.authRequired();
    if (socket !== null) {
      const shared = readShared(socket, (chunk) => {
        this.onData(chunk);
        this.decoder.retain();
      });
      if (!shared) socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', () => this.destroy());
      socket.on('close', () => this.onClose());
      // EOF is ours to act on (onEnd): a yielded backlog is still served first.
      socket.allowHalfOpen = true;
      socket.on('end', () => this.onEnd());
    }
  }

  /** The ACL user's name (CLIENT LIST `user=`). */
  get user(): string {
    return this.aclUser.name;
  }

  get maxBulkLen(): number {
    return this.server.protoMaxBulkLen;
  }

  /** Authentication is required and not yet done: protocol limits are tighter. */
  get restricted(): boolean {
    return !this.authenticated && this.server.authRequired();
  }

  get inMulti(): boolean {
    return (this.flags & CLIENT_MULTI) !== 0;
  }

  onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastInteraction = Date.now();
    this.decoder.push(chunk);
    // A blocked, paused or yielded client's input waits in the decoder.
    if (this.canRun) this.processInput(null);
    else this.checkQueryBuffer();
  }

  /** Input may run now: not closed, blocked, held by CLIENT PAUSE, or waiting for its next turn. */
  private get canRun(): boolean {
    return !this.closed && this.postponed === null && !this.yielded && (this.flags & CLIENT_BLOCKED) === 0;
  }

  /** Set while the client gave up the rest of its turn (COMMANDS_PER_TURN): its input waits. */
  private yielded = false;

  /**
   * Fair scheduling: stop reading this client and continue with its buffered
   * commands from a setImmediate, which runs after the I/O callbacks of the
   * current poll phase (or, when already in the check phase, after the next
   * poll), so other clients get their turn between two shares of a huge
   * pipeline. Pausing the socket also stops the backlog from growing meanwhile.
   */
  private yieldTurn(): void {
    this.yielded = true;
    this.socket?.pause();
    setImmediate(() => {
      this.yielded = false;
      if (this.closed) return;
      if (this.postponed === null) this.socket?.resume();
      if (this.canRun) this.processInput(null);
    });
  }

  /** Commands held by CLIENT PAUSE: the first one, still to run. */
  private postponed: string[] | null = null;

  /** Stop processing input until `resume` (CLIENT PAUSE). */
  postpone(argv: string[]): void {
    this.postponed = argv;
    this.socket?.pause();
    this.server.pauses.postpone(this);
  }

  resume(): void {
    const argv = this.postponed;
    if (argv === null || this.closed) return;
    this.postponed = null;
    this.socket?.resume();
    this.processInput(argv);
  }

  /** Held by CLIENT PAUSE (CLIENT LIST shows it blocked, as Redis 7.0). */
  get paused(): boolean {
    return this.postponed !== null;
  }

  /**
   * A blocking command ends (served, timed out, CLIENT UNBLOCK): send its reply
   * (a CLIENT REPLY SKIP before it still applies), then run the input that
   * arrived meanwhile on a later turn, as Redis's unblocked-clients queue.
   */
  unblocked(reply: Reply): void {
    this.sendReply(reply);
    this.skipping = false;
    setImmediate(() => {
      if (this.canRun) this.processInput(null);
    });
  }

  /**
   * Run `first` (if any), then the complete commands buffered in the decoder:
   * all of them, or COMMANDS_PER_TURN before yielding to other clients.
   */
  private processInput(first: string[] | null): void {
    const server = this.server;
    const decoder = this.decoder;
    let ran = 0;
    this.processing = true;
    server.lastTick = performance.now();
    try {
      let argv: string[] | null = first;
      for (;;) {
        if (argv === null) {
          try {
            argv = decoder.next(this);
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw err;
            server.logger.verbose(`Protocol error (${err.message}) from client: ${this.describe()}`);
            server.stats.protocolErrors++;
            const reply = new ErrorReply(err.message);
            // Redis counts protocol errors in INFO errorstats / total_error_replies too.
            server.countError(reply);
            this.sendReply(reply);
            this.flags |= CLIENT_CLOSE_AFTER_REPLY;
            break;
          }
          if (argv === null) break;
        }
        this.skipping = this.skipNext;
        this.skipNext = false;
        server.execute(this, argv);
        argv = null;
        if (this.pendingOutput >= EARLY_FLUSH_BYTES) this.flush();
        if ((this.flags & CLIENT_BLOCKED) !== 0) break;
        this.skipping = false;
        if (
          (this.flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP)) !== 0 ||
          this.closed ||
          this.postponed !== null
        )
          break;
        if (++ran >= COMMANDS_PER_TURN && decoder.midCommand) {
          this.yieldTurn();
          break;
        }
      }
      this.checkQueryBuffer();
    } finally {
      this.processing = false;
    }
    if (this.eof && !this.yielded) this.flags |= CLIENT_CLOSE_AFTER_REPLY;
    this.flush();
  }

  /** The peer closed its side (EOF). */
  private eof = false;

  /**
   * EOF: as Redis, the connection closes once what was read has been answered.
   * A yielded client still has commands buffered: the end of its backlog closes it.
   */
  private onEnd(): void {
    this.eof = true;
    if (this.yielded) return;
    this.flags |= CLIENT_CLOSE_AFTER_REPLY;
    this.flush();
  }

  /** client-query-buffer-limit (1 MiB before authentication): close a client whose unprocessed input grew past it. */
  private checkQueryBuffer(): void {
    if (this.closed || (this.flags & CLIENT_CLOSE_AFTER_REPLY) !== 0) return;
    const server = this.server;
    const limit = this.restricted ? 1024 * 1024 : server.queryBufferLimit;
    if (this.decoder.bufferedBytes > limit) {
      server.logger.warning(`Closing client that reached max query buffer length: ${this.describe()}`);
      server.stats.queryBufferCloses++;
      this.flags |= CLIENT_CLOSE_ASAP;
      if (!this.processing) this.flush();
    }
  }

  /** Encode and queue a reply, honouring CLIENT REPLY OFF|SKIP. */
  sendReply(r: Reply): void {
    // (Un)subscription confirmations get through CLIENT REPLY OFF|SKIP, as Redis's CLIENT_PUSHING replies.
    if ((this.replyOff || this.skipping || this.closed) && (this.closed || !(r instanceof PushFrames)))
      return;
    writeReply((this.output ??= new OutputBuffer()), r, this.resp);
    this.scheduled();
  }

  /** Queue raw RESP bytes (a latin1 string); written at the end of this turn. */
  send(resp: string): void {
    if (this.closed || resp === '') return;
    const output = (this.output ??= new OutputBuffer());
    output.latin1(resp);
    if (output.length >= EARLY_FLUSH_BYTES && !this.processing) this.flush();
    else this.scheduled();
  }

  private scheduled(): void {
    if (!this.processing && !this.queued) {
      this.queued = true;
      this.server.scheduleFlush(this);
    }
  }

  /** Bytes of replies not yet handed to the socket. */
  get pendingOutput(): number {
    return this.output?.length ?? 0;
  }

  /** Drop replies not yet written (a connection about to be closed without answer). */
  discardOutput(): void {
    this.output?.reset(true);
  }

  /** Write pending output in one socket write, then act on close flags. */
  flush(): void {
    this.queued = false;
    // Replies wait for the AOF write of this event-loop turn (one write, and under
    // appendfsync always one fdatasync, for every client): a reply means "on disk".
    if (this.server.aof.holdReplies(this)) return;
    if (this.closed) return;
    const socket = this.socket;
    if ((this.flags & CLIENT_CLOSE_ASAP) !== 0) {
      this.destroy();
      return;
    }
    const output = this.output;
    if (output !== null && output.length > 0 && socket !== null) {
      const bytes = output.view();
      if ((this.flags & CLIENT_CLOSE_AFTER_REPLY) !== 0) {
        socket.end(bytes);
        this.output = null;
        this.closed = true;
        return;
      }
      socket.write(bytes);
      // Reuse the memory when the kernel took everything synchronously.
      const pending = socket.writableLength;
      output.reset(pending === 0);
      // Output limits (client-output-buffer-limit, unauthenticated cap): only with output piling up.
      const limits = this.server.outputLimits;
      if (pending > limits.checkFrom || this.obufSoftLimitSince !== 0)
        limits.check(this.server, this, pending);
    } else if ((this.flags & CLIENT_CLOSE_AFTER_REPLY) !== 0) {
      socket?.end();
      this.closed = true;
    }
  }

  /** Close now, dropping pending output. */
  destroy(): void {
    if (!this.closed) {
      this.closed = true;
      this.output = null;
    }
    // Subscriptions go at once, as Redis's freeClient: a PUBLISH right after no longer counts this client.
    this.server.pubsub.removeClient(this);
    this.socket?.destroy();
  }

  private onClose(): void {
    this.closed = true;
    this.server.unlinkClient(this);
  }

  /** Seconds since the last command. */
  idleSeconds(): number {
    return Math.floor((Date.now() - this.lastInteraction) / 1000);
  }

  /** `addr=... laddr=... name=...` summary for logs (never arguments or secrets). */
  describe(): string {
    return `id=${this.id} addr=${this.addr} laddr=${this.laddr} name=${this.name} user=${this.user}`;
  }
}

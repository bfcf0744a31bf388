/**
 * What write commands record, as Redis 7.0's propagation (server.c `call`,
 * `alsoPropagate`, `propagatePendingCommands`): the AOF must replay to the same
 * state, so a command is recorded in a deterministic form.
 *
 * - A command that changed the dataset (`stats.dirty` moved) records its own
 *   arguments after everything it caused (an expired key's DEL found during
 *   its lookups comes first), unless its handler rewrote them (`rewrite`:
 *   SET EX -> SET PXAT, BLPOP -> LPOP ...) or replaced them (`prevent` plus
 *   `also`: SPOP count -> one SREM per member).
 * - Everything one top-level command (or EXEC, or one served blocked client)
 *   records is written together; more than one command is wrapped in
 *   MULTI/EXEC, exactly as Redis 7.0 wraps its `also_propagate` array.
 * - Outside any command (the active expiry cycle) each record is written alone.
 * When nothing consumes the records (AOF off) a handler's hook costs one test.
 */
import type { Client } from '../../core/client.js';

/** Where records go (the AOF); `feed` gets each command with the database it ran in. */
export interface PropagationSink {
  feed(db: number, argv: readonly string[]): void;
}

interface Op {
  readonly db: number;
  readonly argv: readonly string[];
}

const MULTI: readonly string[] = ['MULTI'];
const EXEC: readonly string[] = ['EXEC'];

/** What the running command records instead of its own argv: null for nothing. */
type Replacement = readonly string[] | null | undefined;

export class Propagation {
  /** The consumer, or null when nothing records (every hook is then one test). */
  sink: PropagationSink | null = null;
  private ops: Op[] = [];
  private depth = 0;
  private replacement: Replacement;

  /** A command starts (call() and serving a blocked client nest): returns the outer command's state. */
  enter(): Replacement {
    this.depth++;
    const outer = this.replacement;
    this.replacement = undefined;
    return outer;
  }

  /**
   * The command ends: when it `dirtied` the dataset its record is queued (its
   * rewrite, or `argv`); at the outermost level the queue is written.
   */
  leave(db: number, argv: readonly string[], dirtied: boolean, outer: Replacement): void {
    const own = this.replacement;
    this.replacement = outer;
    if (dirtied && own !== null && this.sink !== null) this.ops.push({ db, argv: own ?? argv });
    if (--this.depth === 0 && this.ops.length !== 0) this.flush();
  }

  /** Redis's rewriteClientCommandVector: the running command records `argv` instead. */
  rewrite(argv: readonly string[]): void {
    this.replacement = argv;
  }

  /** Redis's preventCommandPropagation: the running command records nothing itself. */
  prevent(): void {
    this.replacement = null;
  }

  /** Redis's alsoPropagate: record `argv` in database `db` (before the running command's own record). */
  also(db: number, argv: readonly string[]): void {
    if (this.sink === null) return;
    this.ops.push({ db, argv });
    if (this.depth === 0) this.flush();
  }

  /** propagatePendingCommands: several records are one transaction (SELECT before MULTI, none before EXEC). */
  private flush(): void {
    const ops = this.ops;
    this.ops = [];
    const sink = this.sink;
    if (sink === null) return;
    const wrap = ops.length > 1;
    if (wrap) sink.feed((ops[0] as Op).db, MULTI);
    for (const op of ops) sink.feed(op.db, op.argv);
    if (wrap) sink.feed((ops[ops.length - 1] as Op).db, EXEC);
  }
}

// ---- the hooks handlers call (each a single test when nothing records) ----

/** The running command records `argv` instead of its own (Redis's rewriteClientCommandVector). */
export function rewriteCommand(c: Client, argv: readonly string[]): void {
  const p = c.server.propagation;
  if (p.sink !== null) p.rewrite(argv);
}

/** The running command records `argv` in its client's database as well (Redis's alsoPropagate). */
export function alsoPropagate(c: Client, argv: readonly string[]): void {
  const p = c.server.propagation;
  if (p.sink !== null) p.also(c.db.id, argv);
}

/** The running command records nothing itself (Redis's preventCommandPropagation). */
export function preventPropagation(c: Client): void {
  const p = c.server.propagation;
  if (p.sink !== null) p.prevent();
}

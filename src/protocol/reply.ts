/**
 * Reply values produced by command handlers. The encoder turns them into RESP2 or
 * RESP3 bytes. Plain JS values cover the hot cases without allocation:
 *   string  -> bulk string (bytes held as a latin1 "binary" string)
 *   Buffer  -> bulk string from bytes (e.g. a view of a stored value: it is
 *              copied out when the reply is encoded, before the next command)
 *   number / bigint -> integer
 *   null    -> null bulk (RESP2 `$-1`) / null (RESP3 `_`)
 *   Reply[] -> array
 */
export class StatusReply {
  constructor(readonly text: string) {}
}

/** An error reply; `message` includes the code prefix, e.g. `ERR syntax error`. */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/** RESP3 double (`,`); a bulk string in RESP2. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** RESP3 map (`%`) of alternating keys and values; a flat array in RESP2. */
export class MapReply {
  constructor(readonly items: Reply[]) {}
}

/** RESP3 set (`~`); an array in RESP2. */
export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** RESP3 verbatim string (`=`) with a 3-letter format; a bulk string in RESP2. */
export class VerbatimReply {
  constructor(
    readonly format: string,
    readonly text: string,
  ) {}
}

/** RESP3 boolean (`#`); integer 1/0 in RESP2. */
export class BooleanReply {
  constructor(readonly value: boolean) {}
}

/** RESP3 push (`>`) for out-of-band messages; an array in RESP2. */
export class PushReply {
  constructor(readonly items: Reply[]) {}
}

/** Null array: `*-1` in RESP2, `_` in RESP3. */
export class NullArrayReply {
  private constructor() {}
  static readonly instance = new NullArrayReply();
}

/** Bytes already encoded in RESP, passed through unchanged (same in both protocols). */
export class RawReply {
  constructor(readonly resp: string) {}
}

/** Nothing is written (QUIT handled separately, blocked clients, MONITOR...). */
export class NoReply {
  private constructor() {}
  static readonly instance = new NoReply();
}

export type Reply =
  | string
  | Buffer
  | number
  | bigint
  | null
  | StatusReply
  | ErrorReply
  | DoubleReply
  | MapReply
  | SetReply
  | VerbatimReply
  | BooleanReply
  | PushReply
  | NullArrayReply
  | RawReply
  | NoReply
  | Reply[];

export const OK = new StatusReply('OK');
export const QUEUED = new StatusReply('QUEUED');
export const PONG = new StatusReply('PONG');
export const NULL_ARRAY = NullArrayReply.instance;
export const NO_REPLY = NoReply.instance;

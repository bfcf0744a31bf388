/**
 * The shape of a command's facts. One `CommandSpec` per command and subcommand is
 * the single source of truth: lookup, arity checks, ACL categories, key
 * extraction, COMMAND INFO/DOCS/LIST/GETKEYS and `rename-command` derive from it.
 */
import type { Client } from '../core/client.js';
import type { Reply } from '../protocol/reply.js';

export type CommandGroup =
  | 'generic'
  | 'string'
  | 'list'
  | 'set'
  | 'sorted-set'
  | 'hash'
  | 'pubsub'
  | 'transactions'
  | 'connection'
  | 'server'
  | 'scripting'
  | 'hyperloglog'
  | 'cluster'
  | 'sentinel'
  | 'geo'
  | 'stream'
  | 'bitmap';

/** Command flags, in the order COMMAND INFO prints them. `movablekeys` is derived from key specs. */
export const COMMAND_FLAGS = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'may_replicate',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
  // Not printed by COMMAND INFO: refused unless enabled by a directive.
  'protected',
] as const;
export type CommandFlag = (typeof COMMAND_FLAGS)[number];

/** ACL categories, in Redis's table order (which is also the COMMAND INFO order). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;
export type AclCategory = (typeof ACL_CATEGORIES)[number];

export const KEY_SPEC_FLAGS = [
  'RO',
  'RW',
  'OW',
  'RM',
  'access',
  'update',
  'insert',
  'delete',
  'not_key',
  'incomplete',
  'variable_flags',
] as const;
export type KeySpecFlag = (typeof KEY_SPEC_FLAGS)[number];

/** A key found in a command's arguments: its argv position and access flags. */
export interface KeyRef {
  readonly pos: number;
  readonly flags: readonly KeySpecFlag[];
}

export type BeginSearch = { index: number } | { keyword: string; startfrom: number } | 'unknown';
export type FindKeys =
  | { range: readonly [lastkey: number, keystep: number, limit: number] }
  | { keynum: readonly [keynumidx: number, firstkey: number, keystep: number] }
  | 'unknown';

export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly KeySpecFlag[];
  readonly begin: BeginSearch;
  readonly find: FindKeys;
}

export type ArgType =
  | 'string'
  | 'integer'
  | 'double'
  | 'key'
  | 'pattern'
  | 'unix-time'
  | 'pure-token'
  | 'oneof'
  | 'block';

export type ArgFlag = 'optional' | 'multiple' | 'multiple_token';

/** A documented argument, as COMMAND DOCS reports it (fields in Redis's order). */
export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly display_text?: string;
  readonly key_spec_index?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly flags?: readonly ArgFlag[];
  readonly deprecated_since?: string;
  readonly arguments?: readonly ArgSpec[];
}

/**
 * A handler parses its own arguments (everything after arity), calls typed store
 * accessors and returns a reply. It throws an `ErrorReply` (from errors.ts) for
 * errors. It never touches sockets, authentication or arity.
 */
export type Handler = (client: Client, argv: string[]) => Reply;

export interface CommandSpec {
  /** Lower-case name; for a subcommand, only the subcommand word (`get` under `config`). */
  readonly name: string;
  readonly group: CommandGroup;
  readonly summary: string;
  readonly since: string;
  readonly complexity?: string;
  readonly docFlags?: readonly ('deprecated' | 'syscmd')[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly history?: readonly (readonly [version: string, change: string])[];
  /** Redis's sign rule: n means exactly n words, -n at least n; the name counts. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Categories beyond those derived from flags (write, read, admin, ...). */
  readonly acl?: readonly AclCategory[];
  readonly tips?: readonly string[];
  readonly keySpecs?: readonly KeySpec[];
  readonly args?: readonly ArgSpec[];
  /** Absent only on containers (commands with subcommands). */
  readonly handler?: Handler;
  readonly subcommands?: readonly CommandSpec[];
  /**
   * Positions of arguments that are secrets (passwords, sensitive config values):
   * MONITOR and SLOWLOG show them as "(redacted)", whatever the command's outcome.
   */
  readonly secretArgs?: (argv: readonly string[]) => readonly number[];
  /**
   * Keys of commands whose key specs are incomplete or have variable flags
   * (Redis's getkeys_proc): argv positions with their flags, or undefined for
   * invalid arguments.
   */
  readonly getKeys?: (argv: readonly string[]) => KeyRef[] | undefined;
}

/** Every group module exports its specs as `readonly CommandSpec[]`. */
export type CommandTable = readonly CommandSpec[];

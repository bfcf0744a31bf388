/**
 * Stream commands (Redis 7.0 group "stream"): XADD, XTRIM, XLEN, XRANGE,
 * XREVRANGE, XDEL, XSETID, XREAD, XREADGROUP, XGROUP, XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM, XINFO. Values are StreamObject (src/store/types/stream.ts).
 * Handlers follow t_stream.c's order of checks so errors come out as Redis's;
 * XREAD / XREADGROUP BLOCK use the generic blocking core (src/core/blocking.ts).
 * Empty streams stay in the keyspace, as in Redis.
 */

import { parseBlockTimeoutMs } from '../core/blocking.js';
import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { alsoPropagate, preventPropagation, rewriteCommand } from '../persistence/aof/propagation.js';
import { ErrorReply, MapReply, NO_REPLY, NULL_ARRAY, OK, type Reply } from '../protocol/reply.js';
import {
  type Consumer,
  type ConsumerGroup,
  formatId,
  ID_MAX,
  ID_MIN,
  INVALID_ENTRIES_READ,
  idMs,
  idSeq,
  makeId,
  type PendingEntry,
  type StreamEntry,
  type StreamId,
  type StreamLimits,
  StreamObject,
  type TrimArgs,
} from '../store/types/stream.js';
import { now } from '../util/clock.js';
import { parseInt64, parseInt64Number } from '../util/number.js';
import { optionWord } from '../util/words.js';
import { longLongArg } from './args.js';
import { limits, rangeLong, readObj, touched } from './collections.js';
import {
  cString,
  ERR,
  nogroupForKey,
  nogroupKeyOrGroup,
  nogroupXreadgroup,
  STREAM_ERR,
  subcommandSyntax,
  wrongArity,
  xclaimUnrecognized,
} from './errors.js';
import { helpReply } from './help.js';
import type { ArgSpec, CommandSpec } from './spec.js';

/** XADD's and XTRIM's trimming arguments (MAXLEN|MINID [=|~] threshold [LIMIT count]). */
const TRIM_ARGUMENTS: ArgSpec[] = [
  {
    name: 'strategy',
    type: 'oneof',
    arguments: [
      { name: 'maxlen', type: 'pure-token', token: 'MAXLEN' },
      {
        name: 'minid',
        type: 'pure-token',
        token: 'MINID',
        since: '6.2.0',
      },
    ],
  },
  {
    name: 'operator',
    type: 'oneof',
    flags: ['optional'],
    arguments: [
      { name: 'equal', type: 'pure-token', token: '=' },
      { name: 'approximately', type: 'pure-token', token: '~' },
    ],
  },
  { name: 'threshold', type: 'string' },
  {
    name: 'count',
    type: 'integer',
    token: 'LIMIT',
    since: '6.2.0',
    flags: ['optional'],
  },
];

export const streamCommands = [
  {
    name: 'xadd',
    group: 'stream',
    summary: 'Appends a new entry to a stream',
    since: '5.0.0',
    complexity:
      'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.',
    history: [
      ['6.2.0', 'Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.'],
      ['7.0.0', 'Added support for the `<ms>-*` explicit ID form.'],
    ],
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        notes: 'UPDATE instead of INSERT because of the optional trimming feature',
        flags: ['RW', 'update'],
        begin: { index: 1 },
        find: { range: [0, 1, 0] },
      },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'nomkstream',
        type: 'pure-token',
        token: 'NOMKSTREAM',
        since: '6.2.0',
        flags: ['optional'],
      },
      {
        name: 'trim',
        type: 'block',
        flags: ['optional'],
        arguments: TRIM_ARGUMENTS,
      },
      {
        name: 'id_or_auto',
        type: 'oneof',
        arguments: [
          { name: 'auto_id', type: 'pure-token', token: '*' },
          { name: 'id', type: 'string' },
        ],
      },
      {
        name: 'field_value',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'field', type: 'string' },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: xaddCommand,
  },
  {
    name: 'xlen',
    group: 'stream',
    summary: 'Return the number of entries in a stream',
    since: '5.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: xlenCommand,
  },
  {
    name: 'xrange',
    group: 'stream',
    summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    history: [['6.2.0', 'Added exclusive ranges.']],
    arity: -4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'string' },
      { name: 'end', type: 'string' },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: (c, argv) => xrangeGeneric(c, argv, false),
  },
  {
    name: 'xrevrange',
    group: 'stream',
    summary:
      'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    history: [['6.2.0', 'Added exclusive ranges.']],
    arity: -4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'end', type: 'string' },
      { name: 'start', type: 'string' },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: (c, argv) => xrangeGeneric(c, argv, true),
  },
  {
    name: 'xdel',
    group: 'stream',
    summary:
      'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    since: '5.0.0',
    complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'id', type: 'string', flags: ['multiple'] },
    ],
    handler: xdelCommand,
  },
  {
    name: 'xtrim',
    group: 'stream',
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    since: '5.0.0',
    complexity:
      'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.',
    history: [['6.2.0', 'Added the `MINID` trimming strategy and the `LIMIT` option.']],
    arity: -4,
    flags: ['write'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'trim',
        type: 'block',
        arguments: TRIM_ARGUMENTS,
      },
    ],
    handler: xtrimCommand,
  },
  {
    name: 'xsetid',
    group: 'stream',
    summary: 'An internal command for replicating stream values',
    since: '5.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the `entries_added` and `max_deleted_entry_id` arguments.']],
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'last-id', type: 'string' },
      {
        name: 'entries_added',
        type: 'integer',
        token: 'ENTRIESADDED',
        since: '7.0.0',
        flags: ['optional'],
      },
      {
        name: 'max_deleted_entry_id',
        type: 'string',
        token: 'MAXDELETEDID',
        since: '7.0.0',
        flags: ['optional'],
      },
    ],
    handler: xsetidCommand,
  },
  {
    name: 'xread',
    group: 'stream',
    summary:
      'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.',
    arity: -4,
    flags: ['readonly', 'blocking'],
    acl: ['stream'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { keyword: 'STREAMS', startfrom: 1 },
        find: { range: [-1, 1, 2] },
      },
    ],
    args: [
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
      { name: 'milliseconds', type: 'integer', token: 'BLOCK', flags: ['optional'] },
      {
        name: 'streams',
        type: 'block',
        token: 'STREAMS',
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
          { name: 'id', type: 'string', flags: ['multiple'] },
        ],
      },
    ],
    handler: xreadCommand,
  },
  {
    name: 'xgroup',
    group: 'stream',
    summary: 'A container for consumer groups commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'create',
        group: 'stream',
        summary: 'Create a consumer group.',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the `entries_read` named argument.']],
        arity: -5,
        flags: ['write', 'denyoom'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'groupname', type: 'string' },
          {
            name: 'id',
            type: 'oneof',
            arguments: [
              { name: 'id', type: 'string' },
              { name: 'new_id', type: 'pure-token', token: '$' },
            ],
          },
          { name: 'mkstream', type: 'pure-token', token: 'MKSTREAM', flags: ['optional'] },
          { name: 'entries_read', type: 'integer', token: 'ENTRIESREAD', flags: ['optional'] },
        ],
        handler: xgroupCreateCommand,
      },
      {
        name: 'createconsumer',
        group: 'stream',
        summary: 'Create a consumer in a consumer group.',
        since: '6.2.0',
        complexity: 'O(1)',
        arity: 5,
        flags: ['write', 'denyoom'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'groupname', type: 'string' },
          { name: 'consumername', type: 'string' },
        ],
        handler: xgroupCreateconsumerCommand,
      },
      {
        name: 'delconsumer',
        group: 'stream',
        summary: 'Delete a consumer from a consumer group.',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 5,
        flags: ['write'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'groupname', type: 'string' },
          { name: 'consumername', type: 'string' },
        ],
        handler: xgroupDelconsumerCommand,
      },
      {
        name: 'destroy',
        group: 'stream',
        summary: 'Destroy a consumer group.',
        since: '5.0.0',
        complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        arity: 4,
        flags: ['write'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'groupname', type: 'string' },
        ],
        handler: xgroupDestroyCommand,
      },
      {
        name: 'help',
        group: 'stream',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['stream'],
        handler: xgroupHelpCommand,
      },
      {
        name: 'setid',
        group: 'stream',
        summary: 'Set a consumer group to an arbitrary last delivered ID value.',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the optional `entries_read` argument.']],
        arity: -5,
        flags: ['write'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RW', 'update'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'groupname', type: 'string' },
          {
            name: 'id',
            type: 'oneof',
            arguments: [
              { name: 'id', type: 'string' },
              { name: 'new_id', type: 'pure-token', token: '$' },
            ],
          },
          { name: 'entries_read', type: 'integer', token: 'ENTRIESREAD', flags: ['optional'] },
        ],
        handler: xgroupSetidCommand,
      },
    ],
  },
  {
    name: 'xreadgroup',
    group: 'stream',
    summary:
      'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.',
    arity: -7,
    flags: ['write', 'blocking'],
    acl: ['stream'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { keyword: 'STREAMS', startfrom: 4 },
        find: { range: [-1, 1, 2] },
      },
    ],
    args: [
      {
        name: 'group_consumer',
        type: 'block',
        token: 'GROUP',
        arguments: [
          { name: 'group', type: 'string' },
          { name: 'consumer', type: 'string' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
      { name: 'milliseconds', type: 'integer', token: 'BLOCK', flags: ['optional'] },
      { name: 'noack', type: 'pure-token', token: 'NOACK', flags: ['optional'] },
      {
        name: 'streams',
        type: 'block',
        token: 'STREAMS',
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
          { name: 'id', type: 'string', flags: ['multiple'] },
        ],
      },
    ],
    handler: xreadgroupCommand,
  },
  {
    name: 'xack',
    group: 'stream',
    summary:
      'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    since: '5.0.0',
    complexity: 'O(1) for each message ID processed.',
    arity: -4,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      { name: 'id', type: 'string', flags: ['multiple'] },
    ],
    handler: xackCommand,
  },
  {
    name: 'xpending',
    group: 'stream',
    summary:
      'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.',
    history: [['6.2.0', 'Added the `IDLE` option and exclusive range intervals.']],
    arity: -3,
    flags: ['readonly'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      {
        name: 'filters',
        type: 'block',
        flags: ['optional'],
        arguments: [
          {
            name: 'min-idle-time',
            type: 'integer',
            token: 'IDLE',
            since: '6.2.0',
            flags: ['optional'],
          },
          { name: 'start', type: 'string' },
          { name: 'end', type: 'string' },
          { name: 'count', type: 'integer' },
          { name: 'consumer', type: 'string', flags: ['optional'] },
        ],
      },
    ],
    handler: xpendingCommand,
  },
  {
    name: 'xclaim',
    group: 'stream',
    summary:
      'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    since: '5.0.0',
    complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
      { name: 'min-idle-time', type: 'string' },
      { name: 'id', type: 'string', flags: ['multiple'] },
      { name: 'ms', type: 'integer', token: 'IDLE', flags: ['optional'] },
      { name: 'unix-time-milliseconds', type: 'unix-time', token: 'TIME', flags: ['optional'] },
      { name: 'count', type: 'integer', token: 'RETRYCOUNT', flags: ['optional'] },
      { name: 'force', type: 'pure-token', token: 'FORCE', flags: ['optional'] },
      { name: 'justid', type: 'pure-token', token: 'JUSTID', flags: ['optional'] },
      { name: 'id', type: 'string', token: 'LASTID', flags: ['optional'] },
    ],
    handler: xclaimCommand,
  },
  {
    name: 'xautoclaim',
    group: 'stream',
    summary:
      'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    since: '6.2.0',
    complexity: 'O(1) if COUNT is small.',
    history: [
      [
        '7.0.0',
        'Added an element to the reply array, containing deleted entries the command cleared from the PEL',
      ],
    ],
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
      { name: 'min-idle-time', type: 'string' },
      { name: 'start', type: 'string' },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
      { name: 'justid', type: 'pure-token', token: 'JUSTID', flags: ['optional'] },
    ],
    handler: xautoclaimCommand,
  },
  {
    name: 'xinfo',
    group: 'stream',
    summary: 'A container for stream introspection commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'consumers',
        group: 'stream',
        summary: 'List the consumers in a consumer group',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 4,
        flags: ['readonly'],
        acl: ['stream'],
        tips: ['nondeterministic_output'],
        keySpecs: [{ flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'groupname', type: 'string' },
        ],
        handler: xinfoConsumersCommand,
      },
      {
        name: 'groups',
        group: 'stream',
        summary: 'List the consumer groups of a stream',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the `entries-read` and `lag` fields']],
        arity: 3,
        flags: ['readonly'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
        handler: xinfoGroupsCommand,
      },
      {
        name: 'help',
        group: 'stream',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['stream'],
        handler: xinfoHelpCommand,
      },
      {
        name: 'stream',
        group: 'stream',
        summary: 'Get information about a stream',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [
          ['6.0.0', 'Added the `FULL` modifier.'],
          [
            '7.0.0',
            'Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields',
          ],
        ],
        arity: -3,
        flags: ['readonly'],
        acl: ['stream'],
        keySpecs: [{ flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [0, 1, 0] } }],
        args: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          {
            name: 'full',
            type: 'block',
            token: 'FULL',
            flags: ['optional'],
            arguments: [{ name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] }],
          },
        ],
        handler: xinfoStreamCommand,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

// ---- IDs (streamGenericParseIDOrReply) ----

const ULLONG_MAX = (1n << 64n) - 1n;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/** Redis's string2ull: string2ll when it fits (negatives refused), else strtoull (spaces, sign, leading zeros). */
function string2ull(s: string): bigint | undefined {
  const v = parseInt64(s);
  if (v !== undefined) return v < 0 ? undefined : BigInt(v);
  const m = STRTOULL.exec(s);
  if (m === null) return undefined;
  const mag = BigInt(m[2] as string);
  if (mag > ULLONG_MAX) return undefined;
  // strtoull negates in unsigned arithmetic.
  return m[1] === '-' ? (ULLONG_MAX + 1n - mag) & ULLONG_MAX : mag;
}

/**
 * `<ms>[-<seq>]`, `-` and `+` (unless strict); a missing seq is `missingSeq`.
 * With `seqStar`, `<ms>-*` is accepted and reported by `seqGiven` false.
 */
function parseIdGeneric(
  arg: string,
  missingSeq: bigint,
  strict: boolean,
  seqStar = false,
): { id: StreamId; seqGiven: boolean } {
  // Redis copies the argument into a 128-byte buffer, then reads it as a C string.
  if (arg.length > 127) throw STREAM_ERR.invalidId;
  const s = cString(arg);
  if (s === '-' || s === '+') {
    if (strict) throw STREAM_ERR.invalidId;
    return { id: s === '-' ? ID_MIN : ID_MAX, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const ms = string2ull(dash === -1 ? s : s.slice(0, dash));
  if (ms === undefined) throw STREAM_ERR.invalidId;
  if (dash === -1) return { id: makeId(ms, missingSeq), seqGiven: true };
  const rest = s.slice(dash + 1);
  if (seqStar && rest === '*') return { id: makeId(ms, 0n), seqGiven: false };
  const seq = string2ull(rest);
  if (seq === undefined) throw STREAM_ERR.invalidId;
  return { id: makeId(ms, seq), seqGiven: true };
}

/** streamParseStrictIDOrReply: no `-` / `+`. */
const parseStrictId = (arg: string): StreamId => parseIdGeneric(arg, 0n, true).id;

/** streamParseIntervalIDOrReply: `(id` excludes (strict), else `-`, `+` or an ID. */
function parseIntervalId(arg: string, missingSeq: bigint): { id: StreamId; exclusive: boolean } {
  if (arg.length > 1 && arg[0] === '(')
    return { id: parseIdGeneric(arg.slice(1), missingSeq, true).id, exclusive: true };
  return { id: parseIdGeneric(arg, missingSeq, false).id, exclusive: false };
}

/** The start of an interval, `(` excluded by incrementing (streamIncrID). */
function parseRangeStart(arg: string): StreamId {
  const { id, exclusive } = parseIntervalId(arg, 0n);
  if (!exclusive) return id;
  if (id === ID_MAX) throw STREAM_ERR.invalidStartId;
  return id + 1n;
}

/** The end of an interval, `(` excluded by decrementing (streamDecrID). */
function parseRangeEnd(arg: string): StreamId {
  const { id, exclusive } = parseIntervalId(arg, ULLONG_MAX);
  if (!exclusive) return id;
  if (id === ID_MIN) throw STREAM_ERR.invalidEndId;
  return id - 1n;
}

// ---- shared helpers ----

function streamLimits(c: Client): StreamLimits {
  const l = limits(c);
  return { nodeMaxBytes: l.streamNodeMaxBytes, nodeMaxEntries: l.streamNodeMaxEntries };
}

/**
 * A change Redis counts in server.dirty without signalling the key (consumer
 * group state): WATCH and blocked clients must not see it, so no `touched()`.
 */
function dirty(c: Client, n = 1): void {
  c.server.stats.dirty += n;
}

/** lookupKeyWrite + checkType. */
const writeStream = (c: Client, key: string): StreamObject | null => c.db.getObject(key, StreamObject);
/** lookupKeyRead + checkType. */
const readStream = (c: Client, key: string): StreamObject | null => readObj(c.db, key, StreamObject);

/** One entry as Redis emits it: [id, [field, value, ...]]. */
const entryReply = (e: StreamEntry): Reply => [formatId(e.id), e.fields];

/** Consumer lookup that refreshes seen-time (SLC_DEFAULT), creating it (with its event) when missing. */
function consumerFor(c: Client, s: StreamObject, g: ConsumerGroup, name: string, key: string): Consumer {
  const t = now();
  const found = g.consumers.get(name);
  if (found !== undefined) {
    found.seenTime = t;
    return found;
  }
  const created = s.createConsumer(g, name, t) as Consumer;
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xgroup-createconsumer', key);
  return created;
}

/**
 * streamReplyWithRange: entries in [start, end]; with a group, advance its
 * last-delivered ID and read counter and, unless NOACK, record each delivery
 * in the PELs (taking an entry over from another consumer if it had it).
 */
function deliver(
  s: StreamObject,
  start: StreamId,
  end: StreamId,
  count: number,
  group?: { g: ConsumerGroup; consumer: Consumer; noack: boolean; record?: ClaimRecorder },
): Reply[] {
  const entries = s.range(start, end, count);
  const out: Reply[] = new Array(entries.length);
  const t = group === undefined ? 0 : now();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as StreamEntry;
    out[i] = entryReply(e);
    if (group === undefined) continue;
    const { g, consumer } = group;
    if (e.id > g.lastId) {
      if (g.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(e.id)) g.entriesRead++;
      else if (s.entriesAdded !== 0) g.entriesRead = s.estimateDistance(e.id);
      g.lastId = e.id;
    }
    if (group.noack) continue;
    let p = g.pel.get(e.id);
    if (p === undefined) {
      p = s.addPending(g, consumer, e.id, t, 1);
    } else {
      p.consumer?.pel.delete(e.id);
      p.consumer = consumer;
      p.deliveryTime = t;
      p.deliveryCount = 1;
      consumer.pel.add(e.id, p);
    }
    group.record?.claimed(e.id, p);
  }
  if (group?.noack && entries.length !== 0) group.record?.lastId();
  return out;
}

/**
 * How consumer-group changes are recorded (AOF), as Redis 7.0's
 * streamPropagateXCLAIM and streamPropagateGroupID: each delivery or claim as
 * an XCLAIM ... FORCE JUSTID that recreates the pending entry exactly (owner,
 * delivery time and count, the group's last ID), a NOACK read as XGROUP SETID.
 */
interface ClaimRecorder {
  claimed(id: StreamId, p: PendingEntry): void;
  lastId(): void;
}

function claimRecorder(c: Client, key: string, groupName: string, g: ConsumerGroup): ClaimRecorder {
  return {
    claimed: (id, p) =>
      alsoPropagate(c, [
        'XCLAIM',
        key,
        groupName,
        p.consumer?.name ?? '',
        '0',
        formatId(id),
        'TIME',
        String(p.deliveryTime),
        'RETRYCOUNT',
        String(p.deliveryCount),
        'FORCE',
        'JUSTID',
        'LASTID',
        formatId(g.lastId),
      ]),
    lastId: () =>
      alsoPropagate(c, [
        'XGROUP',
        'SETID',
        key,
        groupName,
        formatId(g.lastId),
        'ENTRIESREAD',
        String(g.entriesRead),
      ]),
  };
}

/** XREADGROUP records what it did to the group, never itself (a replay must not read anew). */
function groupRead(
  c: Client,
  s: StreamObject,
  key: string,
  g: ConsumerGroup,
  group: ReadGroup,
  count: number,
): Reply[] {
  preventPropagation(c);
  const isNew = !g.consumers.has(group.consumer);
  const consumer = consumerFor(c, s, g, group.consumer, key);
  // Only a NOACK read records the consumer's creation (others create it by their XCLAIM), as 7.0.
  if (isNew && group.noack) alsoPropagate(c, ['XGROUP', 'CREATECONSUMER', key, group.name, group.consumer]);
  const record = claimRecorder(c, key, group.name, g);
  return deliver(s, g.lastId + 1n, ID_MAX, count, { g, consumer, noack: group.noack, record });
}

/**
 * streamReplyWithRangeFromConsumerPEL: the consumer's own pending entries from
 * `start`, each counted as delivered again; a deleted one is [id, nil].
 */
function deliverHistory(s: StreamObject, consumer: Consumer, start: StreamId, count: number): Reply[] {
  const out: Reply[] = [];
  const t = now();
  for (const [id, p] of consumer.pel.range(start, ID_MAX, count)) {
    const e = s.find(id);
    if (e === undefined) {
      out.push([formatId(id), NULL_ARRAY]);
      continue;
    }
    out.push(entryReply(e));
    p.deliveryTime = t;
    p.deliveryCount++;
  }
  return out;
}

// ---- XADD, XTRIM ----

interface AddTrimArgs {
  trim: TrimArgs | null;
  /** XADD: index of the ID argument (the fields follow it). */
  idPos: number;
  id: StreamId | null;
  seqGiven: boolean;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply. */
function parseAddTrim(c: Client, argv: readonly string[], xadd: boolean): AddTrimArgs {
  let strategy: 'maxlen' | 'minid' | null = null;
  let approx = false;
  let maxlen = 0;
  let minid = ID_MIN;
  let limit = 0;
  let limitGiven = false;
  let noMkstream = false;
  let id: StreamId | null = null;
  let seqGiven = true;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const raw = argv[i] as string;
    if (xadd && cString(raw) === '*') break;
    const opt = optionWord(raw);
    if ((opt === 'maxlen' || opt === 'minid') && more > 0) {
      if (strategy !== null) throw STREAM_ERR.maxlenAndMinid;
      approx = false;
      const next = cString(argv[i + 1] as string);
      if (more >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      const arg = argv[i + 1] as string;
      if (opt === 'maxlen') {
        maxlen = longLongArg(arg);
        if (maxlen < 0) throw STREAM_ERR.maxlenNegative;
      } else {
        minid = parseStrictId(arg);
      }
      i++;
      strategy = opt;
    } else if (opt === 'limit' && more > 0) {
      limit = longLongArg(argv[i + 1] as string);
      if (limit < 0) throw STREAM_ERR.limitNegative;
      limitGiven = true;
      i++;
    } else if (xadd && opt === 'nomkstream') {
      noMkstream = true;
    } else if (xadd) {
      const parsed = parseIdGeneric(raw, 0n, true, true);
      id = parsed.id;
      seqGiven = parsed.seqGiven;
      break;
    } else {
      throw ERR.syntax;
    }
  }
  if (limit !== 0 && strategy === null) throw STREAM_ERR.limitWithoutStrategy;
  if (!xadd && strategy === null) throw STREAM_ERR.xtrimNoStrategy;
  if (limitGiven) {
    if (!approx) throw STREAM_ERR.limitWithoutApprox;
  } else if (approx) {
    // Without LIMIT, `~` does at most 100 nodes' worth of work.
    limit = 100 * limits(c).streamNodeMaxEntries;
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
  }
  const trim = strategy === null ? null : { strategy, maxlen, minid, approx, limit };
  return { trim, idPos: i, id, seqGiven, noMkstream };
}

/** streamAppendItem's ID choice: `*` from the clock, `<ms>-*` after the top item, or the given ID. */
function nextId(s: StreamObject, a: AddTrimArgs): StreamId {
  const last = s.lastId;
  let id: StreamId;
  if (a.id === null) {
    const ms = BigInt(now());
    id = ms > idMs(last) ? makeId(ms, 0n) : last + 1n;
  } else if (a.seqGiven || idMs(a.id) !== idMs(last)) {
    id = a.id;
  } else {
    // Redis reports this overflow as ERANGE, hence its wording.
    if (idSeq(last) === ULLONG_MAX) throw STREAM_ERR.tooLarge;
    id = last + 1n;
  }
  if (id <= last) throw STREAM_ERR.xaddIdTooSmall;
  return id;
}

function xaddCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const a = parseAddTrim(c, argv, true);
  const fieldPos = a.idPos + 1;
  const n = argv.length - fieldPos;
  if (n < 2 || n % 2 === 1) throw wrongArity('xadd');
  if (a.id === ID_MIN && a.seqGiven) throw STREAM_ERR.xaddIdZero;
  let s = writeStream(c, key);
  if (s === null) {
    if (a.noMkstream) return null;
    s = new StreamObject();
    c.db.add(key, s);
  }
  if (s.lastId === ID_MAX) throw STREAM_ERR.exhausted;
  const id = nextId(s, a);
  s.append(id, argv.slice(fieldPos), streamLimits(c));
  s.readyGeneration++;
  // Trimmed before the size is re-accounted (the events keep Redis's order: xadd, then xtrim).
  const trimmed = a.trim !== null ? s.trim(a.trim) : 0;
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.STREAM, 'xadd', key);
  if (trimmed > 0) keyspaceEvent(c, NOTIFY.STREAM, 'xtrim', key);
  const record = exactTrimRecord(argv, a.idPos, s);
  record[a.idPos] = formatId(id);
  rewriteCommand(c, record);
  return formatId(id);
}

/**
 * What XADD and XTRIM record, as Redis 7.0: an approximate trim (`~`) as the
 * exact one it amounted to (the length, or the first ID, the stream was left
 * with), so a replay ends with the same entries; the options are before `end`.
 * (XADD also records the ID it generated instead of `*`.)
 */
function exactTrimRecord(argv: readonly string[], end: number, s: StreamObject): string[] {
  const out = argv.slice();
  for (let i = 2; i + 2 < end; i++) {
    const word = optionWord(out[i] as string);
    if ((word === 'maxlen' || word === 'minid') && out[i + 1] === '~') {
      out[i + 1] = '=';
      out[i + 2] = word === 'maxlen' ? String(s.length) : formatId(s.firstId);
      break;
    }
  }
  return out;
}

function xtrimCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const a = parseAddTrim(c, argv, false);
  const s = writeStream(c, key);
  if (s === null) return 0;
  const deleted = s.trim(a.trim as TrimArgs);
  if (deleted > 0) {
    keyspaceEvent(c, NOTIFY.STREAM, 'xtrim', key);
    touched(c.db, key);
    dirty(c, deleted - 1);
    rewriteCommand(c, exactTrimRecord(argv, argv.length, s));
  }
  return deleted;
}

// ---- XLEN, XRANGE, XREVRANGE, XDEL, XSETID ----

function xlenCommand(c: Client, argv: string[]): Reply {
  return readStream(c, argv[1] as string)?.length ?? 0;
}

function xrangeGeneric(c: Client, argv: string[], rev: boolean): Reply {
  const start = parseRangeStart(argv[rev ? 3 : 2] as string);
  const end = parseRangeEnd(argv[rev ? 2 : 3] as string);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (optionWord(argv[j] as string) === 'count' && j + 1 < argv.length) {
      count = longLongArg(argv[++j] as string);
      if (count < 0) count = 0;
    } else {
      throw ERR.syntax;
    }
  }
  const s = readStream(c, argv[1] as string);
  if (s === null) return [];
  if (count === 0) return NULL_ARRAY;
  return s.range(start, end, Math.max(count, 0), rev).map(entryReply);
}

function xdelCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const s = writeStream(c, key);
  if (s === null) return 0;
  const ids = argv.slice(2).map(parseStrictId);
  let deleted = 0;
  let first = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (id === s.firstId) first = true;
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted === 0) return 0;
  if (s.length === 0 || first) s.refreshFirstId();
  touched(c.db, key);
  // Redis counts each deleted entry as a change.
  dirty(c, deleted - 1);
  keyspaceEvent(c, NOTIFY.STREAM, 'xdel', key);
  return deleted;
}

function xsetidCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const id = parseStrictId(argv[2] as string);
  let entriesAdded = -1;
  let maxDeleted = ID_MIN;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = optionWord(argv[i] as string);
    const arg = argv[i + 1];
    if (opt === 'entriesadded' && arg !== undefined) {
      entriesAdded = longLongArg(arg);
      if (entriesAdded < 0) throw STREAM_ERR.entriesAddedNegative;
    } else if (opt === 'maxdeletedid' && arg !== undefined) {
      maxDeleted = parseStrictId(arg);
      if (id < maxDeleted) throw STREAM_ERR.xsetidBelowGivenMaxDeleted;
    } else {
      throw ERR.syntax;
    }
  }
  const s = writeStream(c, key);
  if (s === null) throw ERR.noKey;
  if (s.length > 0) {
    if (id < s.lastValidId()) throw STREAM_ERR.xsetidBelowTop;
    if (entriesAdded !== -1 && s.length > entriesAdded) throw STREAM_ERR.xsetidEntriesAdded;
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDeleted !== ID_MIN) s.maxDeletedId = maxDeleted;
  // Redis 7.0 neither touches WATCH nor wakes readers here.
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xsetid', key);
  return OK;
}

// ---- XREAD, XREADGROUP ----

/** XREAD_BLOCKED_DEFAULT_COUNT: a blocked read without COUNT gets at most this many entries. */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadGroup {
  readonly name: string;
  readonly consumer: string;
  readonly noack: boolean;
  /** Per key, resolved while parsing. */
  readonly groups: ConsumerGroup[];
}

interface ReadArgs {
  readonly timeout: bigint | null;
  readonly count: number;
  readonly keys: string[];
  /** Per key: entries after this ID; ID_MAX is XREADGROUP's `>`. */
  readonly ids: StreamId[];
  readonly group: ReadGroup | null;
}

/** The reply of several streams: RESP2 [[key, entries] ...], RESP3 a map. */
function streamsReply(c: Client, items: [string, Reply[]][]): Reply {
  if (c.resp === 2) return items;
  return new MapReply(items.flat());
}

/** xreadCommand's parsing: options, then each key's ID (and group), in Redis's order of errors. */
function parseRead(c: Client, argv: string[], xreadgroup: boolean): ReadArgs {
  let timeout: bigint | null = null;
  let count = 0;
  let streamsArg = 0;
  let n = 0;
  let groupName: string | null = null;
  let consumerName = '';
  let noack = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = optionWord(argv[i] as string);
    if (o === 'block' && more > 0) {
      timeout = parseBlockTimeoutMs(argv[++i] as string);
    } else if (o === 'count' && more > 0) {
      count = Math.max(0, longLongArg(argv[++i] as string));
    } else if (o === 'streams' && more > 0) {
      streamsArg = i + 1;
      n = argv.length - streamsArg;
      if (n % 2 !== 0) throw STREAM_ERR.unbalanced;
      n /= 2;
      break;
    } else if (o === 'group' && more >= 2) {
      if (!xreadgroup) throw STREAM_ERR.groupOnlyXreadgroup;
      groupName = argv[i + 1] as string;
      consumerName = argv[i + 2] as string;
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) throw STREAM_ERR.noackOnlyXreadgroup;
      noack = true;
    } else {
      throw ERR.syntax;
    }
  }
  if (streamsArg === 0) throw ERR.syntax;
  if (xreadgroup && groupName === null) throw STREAM_ERR.missingGroup;
  const keys = argv.slice(streamsArg, streamsArg + n);
  const ids: StreamId[] = [];
  const groups: ConsumerGroup[] = [];
  for (let k = 0; k < n; k++) {
    const key = keys[k] as string;
    const arg = cString(argv[streamsArg + n + k] as string);
    const s = readStream(c, key);
    if (groupName !== null) {
      const g = s?.groups.get(groupName);
      if (g === undefined) throw nogroupXreadgroup(key, groupName);
      groups.push(g);
    }
    if (arg === '$') {
      if (xreadgroup) throw STREAM_ERR.dollarInXreadgroup;
      ids.push(s === null ? ID_MIN : s.lastId);
    } else if (arg === '>') {
      if (!xreadgroup) throw STREAM_ERR.gtOnlyXreadgroup;
      ids.push(ID_MAX);
    } else {
      ids.push(parseStrictId(argv[streamsArg + n + k] as string));
    }
  }
  const group = groupName === null ? null : { name: groupName, consumer: consumerName, noack, groups };
  return { timeout, count, keys, ids, group };
}

/** xreadCommand after parsing: serve what is there, else block (or a null array). */
function xreadGeneric(c: Client, argv: string[], xreadgroup: boolean): Reply {
  const a = parseRead(c, argv, xreadgroup);
  const items: [string, Reply[]][] = [];
  for (let k = 0; k < a.keys.length; k++) {
    const key = a.keys[k] as string;
    const s = readStream(c, key);
    if (s === null) continue;
    const served =
      a.group === null ? readNow(s, a.ids[k] as StreamId, a.count) : readGroupNow(c, s, key, a, k);
    if (served !== null) items.push([key, served]);
  }
  if (items.length !== 0) return streamsReply(c, items);
  if (a.timeout === null) return NULL_ARRAY;
  return blockRead(c, a) ? NO_REPLY : NULL_ARRAY;
}

/** XREAD on one stream: entries after `gt`, or null when there is none yet. */
function readNow(s: StreamObject, gt: StreamId, count: number): Reply[] | null {
  if (s.length === 0 || s.lastValidId() <= gt) return null;
  return deliver(s, gt + 1n, ID_MAX, count);
}

/** XREADGROUP on one stream: the consumer's history for an explicit ID, new entries for `>` (null: none). */
function readGroupNow(c: Client, s: StreamObject, key: string, a: ReadArgs, k: number): Reply[] | null {
  const group = a.group as ReadGroup;
  const g = group.groups[k] as ConsumerGroup;
  const gt = a.ids[k] as StreamId;
  const history = gt !== ID_MAX;
  if (!history && (s.length === 0 || s.lastValidId() <= g.lastId)) return null;
  if (!history) {
    dirty(c);
    return groupRead(c, s, key, g, group, a.count);
  }
  preventPropagation(c);
  const consumer = consumerFor(c, s, g, group.consumer, key);
  dirty(c);
  return deliverHistory(s, consumer, gt + 1n, a.count);
}

/**
 * Block on the streams (blocked.c's BLOCKED_STREAM). Redis wakes stream waiters
 * only when the key is signalled as ready (XADD, XGROUP DESTROY, a stream
 * stored under the key): `serve` skips other writes by comparing the stream's
 * readyGeneration and identity with what it saw last.
 */
function blockRead(c: Client, a: ReadArgs): boolean {
  const count = a.count === 0 ? BLOCKED_DEFAULT_COUNT : a.count;
  // For a key given twice, the first ID counts (blockForKeys keeps the first).
  const idOf = new Map<string, StreamId>();
  const seen = new Map<string, { s: StreamObject | null; generation: number }>();
  a.keys.forEach((key, k) => {
    if (idOf.has(key)) return;
    idOf.set(key, a.ids[k] as StreamId);
    const s = c.db.get(key);
    const stream = s instanceof StreamObject ? s : null;
    seen.set(key, { s: stream, generation: stream?.readyGeneration ?? 0 });
  });
  return c.server.blocking.block(c, {
    keys: a.keys,
    timeout: a.timeout as bigint,
    serve: (rc, key) => {
      const v = rc.db.get(key);
      // 7.0's unblockDeletedStreamReadgroupClients: XREAD keeps waiting, XREADGROUP ends.
      if (!(v instanceof StreamObject)) return a.group === null ? undefined : STREAM_ERR.keyGone;
      const last = seen.get(key) as { s: StreamObject | null; generation: number };
      if (last.s === v && last.generation === v.readyGeneration) return undefined;
      seen.set(key, { s: v, generation: v.readyGeneration });
      const entries = serveBlocked(rc, v, key, idOf.get(key) as StreamId, count, a.group);
      return entries === undefined || entries instanceof ErrorReply
        ? entries
        : streamsReply(rc, [[key, entries]]);
    },
  });
}

/** serveClientsBlockedOnStreamKey for one waiter. */
function serveBlocked(
  c: Client,
  s: StreamObject,
  key: string,
  gt: StreamId,
  count: number,
  group: ReadGroup | null,
): Reply[] | ErrorReply | undefined {
  if (group === null) return s.lastId > gt ? deliver(s, gt + 1n, ID_MAX, count) : undefined;
  const g = s.groups.get(group.name);
  if (g === undefined) return STREAM_ERR.groupGone;
  if (s.lastId <= g.lastId) return undefined;
  dirty(c);
  return groupRead(c, s, key, g, group, count);
}

function xreadCommand(c: Client, argv: string[]): Reply {
  return xreadGeneric(c, argv, false);
}

function xreadgroupCommand(c: Client, argv: string[]): Reply {
  return xreadGeneric(c, argv, true);
}

// ---- XGROUP ----

/** The options after the ID of CREATE (MKSTREAM, ENTRIESREAD) and SETID (ENTRIESREAD). */
function parseGroupOptions(argv: string[], create: boolean): { mkstream: boolean; entriesRead: number } {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length; ) {
    const opt = optionWord(argv[i] as string);
    if (create && opt === 'mkstream') {
      mkstream = true;
      i++;
    } else if (opt === 'entriesread' && i + 1 < argv.length) {
      entriesRead = longLongArg(argv[i + 1] as string);
      if (entriesRead < 0 && entriesRead !== INVALID_ENTRIES_READ) throw STREAM_ERR.entriesRead;
      i += 2;
    } else {
      throw subcommandSyntax(argv[1] as string, 'xgroup');
    }
  }
  return { mkstream, entriesRead };
}

/** The stream of an XGROUP subcommand: it must exist (unless CREATE ... MKSTREAM). */
function groupStream(c: Client, argv: string[], mkstream = false): StreamObject | null {
  const s = writeStream(c, argv[2] as string);
  if (s === null && !mkstream) throw STREAM_ERR.xgroupNoKey;
  return s;
}

/** The group SETID, CREATECONSUMER and DELCONSUMER act on. */
function existingGroup(c: Client, argv: string[]): [StreamObject, ConsumerGroup] {
  const s = groupStream(c, argv) as StreamObject;
  const g = s.groups.get(argv[3] as string);
  if (g === undefined) throw nogroupForKey(argv[3] as string, argv[2] as string);
  return [s, g];
}

function xgroupCreateCommand(c: Client, argv: string[]): Reply {
  const key = argv[2] as string;
  const { mkstream, entriesRead } = parseGroupOptions(argv, true);
  let s = groupStream(c, argv, mkstream);
  if (argv.length > 8) throw subcommandSyntax(argv[1] as string, 'xgroup');
  let id: StreamId;
  if (cString(argv[4] as string) === '$') id = s?.lastId ?? ID_MIN;
  else id = parseStrictId(argv[4] as string);
  if (s === null) {
    s = new StreamObject();
    c.db.add(key, s);
    touched(c.db, key);
  }
  if (s.createGroup(argv[3] as string, id, entriesRead) === null) throw STREAM_ERR.busyGroup;
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xgroup-create', key);
  return OK;
}

function xgroupSetidCommand(c: Client, argv: string[]): Reply {
  const { entriesRead } = parseGroupOptions(argv, false);
  const [s, g] = existingGroup(c, argv);
  if (argv.length !== 5 && argv.length !== 7) throw subcommandSyntax(argv[1] as string, 'xgroup');
  const id = cString(argv[4] as string) === '$' ? s.lastId : parseIdGeneric(argv[4] as string, 0n, false).id;
  g.lastId = id;
  g.entriesRead = entriesRead;
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xgroup-setid', argv[2] as string);
  return OK;
}

function xgroupDestroyCommand(c: Client, argv: string[]): Reply {
  const key = argv[2] as string;
  const s = groupStream(c, argv) as StreamObject;
  if (!s.groups.delete(argv[3] as string)) return 0;
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xgroup-destroy', key);
  // Blocked XREADGROUP clients of the group get NOGROUP (signalKeyAsReady, no WATCH touch).
  s.readyGeneration++;
  c.server.blocking.signal(c.db, key);
  return 1;
}

function xgroupCreateconsumerCommand(c: Client, argv: string[]): Reply {
  const [s, g] = existingGroup(c, argv);
  if (s.createConsumer(g, argv[4] as string, now()) === null) return 0;
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xgroup-createconsumer', argv[2] as string);
  return 1;
}

function xgroupDelconsumerCommand(c: Client, argv: string[]): Reply {
  const [, g] = existingGroup(c, argv);
  const consumer = g.consumers.get(argv[4] as string);
  if (consumer === undefined) return 0;
  const pending = consumer.pel.size;
  g.deleteConsumer(consumer);
  dirty(c);
  keyspaceEvent(c, NOTIFY.STREAM, 'xgroup-delconsumer', argv[2] as string);
  return pending;
}

function xgroupHelpCommand(): Reply {
  return helpReply('XGROUP', [
    'CREATE <key> <groupname> <id|$> [option]',
    '    Create a new consumer group. Options are:',
    '    * MKSTREAM',
    '      Create the empty stream if it does not exist.',
    '    * ENTRIESREAD entries_read',
    "      Set the group's entries_read counter (internal use).",
    'CREATECONSUMER <key> <groupname> <consumer>',
    '    Create a new consumer in the specified group.',
    'DELCONSUMER <key> <groupname> <consumer>',
    '    Remove the specified consumer.',
    'DESTROY <key> <groupname>',
    '    Remove the specified group.',
    'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
    '    Set the current group ID and entries_read counter.',
  ]);
}

// ---- XACK, XPENDING ----

/** The group of XPENDING / XCLAIM / XAUTOCLAIM: key and group must exist. */
function requireGroup(c: Client, key: string, name: string): [StreamObject, ConsumerGroup] {
  const s = readStream(c, key);
  const g = s?.groups.get(name);
  if (s === null || g === undefined) throw nogroupKeyOrGroup(key, name);
  return [s, g];
}

function xackCommand(c: Client, argv: string[]): Reply {
  const g = readStream(c, argv[1] as string)?.groups.get(argv[2] as string);
  if (g === undefined) return 0;
  // All IDs are parsed first: the command acknowledges all or nothing.
  const ids = argv.slice(3).map(parseStrictId);
  let acked = 0;
  for (const id of ids) if (g.ack(id)) acked++;
  dirty(c, acked);
  return acked;
}

function xpendingCommand(c: Client, argv: string[]): Reply {
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) throw ERR.syntax;
  if (argv.length === 3) {
    const [, g] = requireGroup(c, argv[1] as string, argv[2] as string);
    return pendingSummary(g);
  }
  let startIdx = 3;
  let minIdle = 0;
  if (optionWord(argv[3] as string) === 'idle') {
    minIdle = longLongArg(argv[4] as string);
    if (argv.length < 8) throw ERR.syntax;
    startIdx += 2;
  }
  const count = Math.max(0, longLongArg(argv[startIdx + 2] as string));
  const start = parseRangeStart(argv[startIdx] as string);
  const end = parseRangeEnd(argv[startIdx + 1] as string);
  const consumerName = argv[startIdx + 3];
  const [, g] = requireGroup(c, argv[1] as string, argv[2] as string);
  let pel = g.pel;
  if (consumerName !== undefined) {
    const consumer = g.consumers.get(consumerName);
    if (consumer === undefined) return [];
    pel = consumer.pel;
  }
  const t = now();
  const out: Reply[] = [];
  if (count === 0) return out;
  for (const [id, p] of pel.range(start, end, 0)) {
    if (minIdle !== 0 && t - p.deliveryTime < minIdle) continue;
    out.push([formatId(id), (p.consumer as Consumer).name, Math.max(0, t - p.deliveryTime), p.deliveryCount]);
    if (out.length === count) break;
  }
  return out;
}

/** XPENDING <key> <group>: count, smallest and greatest IDs, consumers with pending entries. */
function pendingSummary(g: ConsumerGroup): Reply {
  const first = g.pel.first();
  const last = g.pel.last();
  if (first === undefined || last === undefined) return [0, null, null, NULL_ARRAY];
  const consumers: Reply[] = [];
  for (const consumer of g.sortedConsumers()) {
    if (consumer.pel.size !== 0) consumers.push([consumer.name, String(consumer.pel.size)]);
  }
  return [g.pel.size, formatId(first), formatId(last), consumers];
}

// ---- XCLAIM, XAUTOCLAIM ----

interface ClaimOptions {
  /** Delivery time to set (ms). */
  deliveryTime: number;
  /** -1: not given. */
  retryCount: number;
  force: boolean;
  justId: boolean;
  lastId: StreamId;
}

/** XCLAIM's options after the IDs. */
function parseClaimOptions(argv: string[], from: number, t: number): ClaimOptions {
  const o: ClaimOptions = { deliveryTime: -1, retryCount: -1, force: false, justId: false, lastId: ID_MIN };
  for (let j = from; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = optionWord(argv[j] as string);
    if (opt === 'force') {
      o.force = true;
    } else if (opt === 'justid') {
      o.justId = true;
    } else if (opt === 'idle' && more > 0) {
      o.deliveryTime = t - longLongArgOr(argv[++j] as string, STREAM_ERR.xclaimIdle);
    } else if (opt === 'time' && more > 0) {
      o.deliveryTime = longLongArgOr(argv[++j] as string, STREAM_ERR.xclaimTime);
    } else if (opt === 'retrycount' && more > 0) {
      o.retryCount = longLongArgOr(argv[++j] as string, STREAM_ERR.xclaimRetryCount);
    } else if (opt === 'lastid' && more > 0) {
      o.lastId = parseStrictId(argv[++j] as string);
    } else {
      throw xclaimUnrecognized(argv[j] as string);
    }
  }
  // A bogus delivery time (negative, in the future) becomes now, as in Redis.
  if (o.deliveryTime < 0 || o.deliveryTime > t) o.deliveryTime = t;
  return o;
}

/** getLongLongFromObjectOrReply with the command's own message. */
function longLongArgOr(s: string, msg: ErrorReply): number {
  const v = parseInt64Number(s);
  if (v === undefined) throw msg;
  return v;
}

/** Hand a pending entry to `consumer` (both PELs). */
function assign(p: PendingEntry, id: StreamId, consumer: Consumer): void {
  if (p.consumer === consumer) return;
  p.consumer?.pel.delete(id);
  consumer.pel.add(id, p);
  p.consumer = consumer;
}

/** A claimed entry in the reply: its ID (JUSTID) or the entry. */
function claimedReply(s: StreamObject, id: StreamId, justId: boolean): Reply {
  if (justId) return formatId(id);
  const e = s.find(id);
  return e === undefined ? NULL_ARRAY : entryReply(e);
}

function xclaimCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const [s, g] = requireGroup(c, key, argv[2] as string);
  const minIdle = Math.max(0, longLongArgOr(argv[4] as string, STREAM_ERR.xclaimMinIdle));
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    try {
      ids.push(parseStrictId(argv[j] as string));
    } catch {
      break;
    }
  }
  const t = now();
  const o = parseClaimOptions(argv, j, t);
  if (o.lastId > g.lastId) g.lastId = o.lastId;
  let consumer: Consumer | null = null;
  const out: Reply[] = [];
  preventPropagation(c);
  const record = claimRecorder(c, key, argv[2] as string, g);
  for (const id of ids) {
    let p = g.pel.get(id);
    if (s.find(id) === undefined) {
      // The entry is gone: its pending entry goes too (recorded as it was: a replay drops it likewise).
      if (p !== undefined) record.claimed(id, p);
      if (p !== undefined && g.ack(id)) dirty(c);
      continue;
    }
    if (o.force && p === undefined) p = s.addPending(g, null, id, t, 1);
    if (p === undefined) continue;
    if (p.consumer !== null && minIdle !== 0 && t - p.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(c, s, g, argv[3] as string, key);
    assign(p, id, consumer);
    p.deliveryTime = o.deliveryTime;
    if (o.retryCount >= 0) p.deliveryCount = o.retryCount;
    else if (!o.justId) p.deliveryCount++;
    out.push(claimedReply(s, id, o.justId));
    record.claimed(id, p);
    dirty(c);
  }
  return out;
}

/** COUNT's upper bound: LONG_MAX / max(sizeof(streamID), attempts factor). */
const AUTOCLAIM_MAX_COUNT = 576460752303423487n;
/** XAUTOCLAIM scans at most COUNT * 10 pending entries. */
const AUTOCLAIM_ATTEMPTS_FACTOR = 10;

function xautoclaimCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const minIdle = Math.max(0, longLongArgOr(argv[4] as string, STREAM_ERR.xautoclaimMinIdle));
  const start = parseRangeStart(argv[5] as string);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const opt = optionWord(argv[j] as string);
    if (opt === 'count' && j + 1 < argv.length) {
      count = rangeLong(argv[++j] as string, 1n, AUTOCLAIM_MAX_COUNT, STREAM_ERR.countPositive);
    } else if (opt === 'justid') {
      justId = true;
    } else {
      throw ERR.syntax;
    }
  }
  const [s, g] = requireGroup(c, key, argv[2] as string);
  let attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
  const t = now();
  let consumer: Consumer | null = null;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let i = g.pel.lowerBound(start);
  preventPropagation(c);
  const record = claimRecorder(c, key, argv[2] as string, g);
  for (; attempts > 0 && count > 0; attempts--) {
    const id = g.pel.at(i);
    if (id === undefined) break;
    const p = g.pel.get(id) as PendingEntry;
    if (s.find(id) === undefined) {
      // Deleted entries leave the PEL and are reported; they count against COUNT.
      record.claimed(id, p);
      g.ack(id);
      dirty(c);
      deleted.push(formatId(id));
      count--;
      continue;
    }
    i++;
    if (minIdle !== 0 && t - p.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(c, s, g, argv[3] as string, key);
    assign(p, id, consumer);
    p.deliveryTime = t;
    if (!justId) p.deliveryCount++;
    claimed.push(claimedReply(s, id, justId));
    record.claimed(id, p);
    dirty(c);
    count--;
  }
  const next = g.pel.at(i);
  return [next === undefined ? '0-0' : formatId(next), claimed, deleted];
}

// ---- XINFO ----

function xinfoHelpCommand(): Reply {
  return helpReply('XINFO', [
    'CONSUMERS <key> <groupname>',
    '    Show consumers of <groupname>.',
    'GROUPS <key>',
    '    Show the stream consumer groups.',
    'STREAM <key> [FULL [COUNT <count>]',
    '    Show information about the stream.',
  ]);
}

/** lookupKeyReadOrReply(nokeyerr) + checkType. */
function infoStream(c: Client, key: string): StreamObject {
  const s = readStream(c, key);
  if (s === null) throw ERR.noKey;
  return s;
}

function xinfoConsumersCommand(c: Client, argv: string[]): Reply {
  const s = infoStream(c, argv[2] as string);
  const g = s.groups.get(argv[3] as string);
  if (g === undefined) throw nogroupForKey(argv[3] as string, argv[2] as string);
  const t = now();
  return g
    .sortedConsumers()
    .map((k) => new MapReply(['name', k.name, 'pending', k.pel.size, 'idle', Math.max(0, t - k.seenTime)]));
}

const entriesReadReply = (g: ConsumerGroup): Reply =>
  g.entriesRead === INVALID_ENTRIES_READ ? null : g.entriesRead;

function xinfoGroupsCommand(c: Client, argv: string[]): Reply {
  const s = infoStream(c, argv[2] as string);
  return s
    .sortedGroups()
    .map(
      ([name, g]) =>
        new MapReply([
          'name',
          name,
          'consumers',
          g.consumers.size,
          'pending',
          g.pel.size,
          'last-delivered-id',
          formatId(g.lastId),
          'entries-read',
          entriesReadReply(g),
          'lag',
          s.lag(g),
        ]),
    );
}

function xinfoStreamCommand(c: Client, argv: string[]): Reply {
  const s = infoStream(c, argv[2] as string);
  // Only `FULL` and `FULL COUNT <n>` may follow the key.
  const full = argv.length > 3;
  const malformed =
    (full && optionWord(argv[3] as string) !== 'full') ||
    argv.length === 5 ||
    argv.length > 6 ||
    (argv.length === 6 && optionWord(argv[4] as string) !== 'count');
  if (malformed) throw subcommandSyntax(argv[1] as string, 'xinfo');
  let count = 10;
  if (argv.length === 6) {
    count = longLongArg(argv[5] as string);
    if (count < 0) count = 10;
  }
  const head: Reply[] = [
    'length',
    s.length,
    'radix-tree-keys',
    s.nodes.length,
    'radix-tree-nodes',
    s.radixTreeNodes(),
    'last-generated-id',
    formatId(s.lastId),
    'max-deleted-entry-id',
    formatId(s.maxDeletedId),
    'entries-added',
    s.entriesAdded,
    'recorded-first-entry-id',
    formatId(s.firstId),
  ];
  if (!full) {
    const first = s.range(ID_MIN, ID_MAX, 1)[0];
    const last = s.range(ID_MIN, ID_MAX, 1, true)[0];
    return new MapReply([
      ...head,
      'groups',
      s.groups.size,
      'first-entry',
      first === undefined ? null : entryReply(first),
      'last-entry',
      last === undefined ? null : entryReply(last),
    ]);
  }
  const groups = s.sortedGroups().map(([name, g]) => groupInfoFull(s, name, g, count));
  return new MapReply([...head, 'entries', s.range(ID_MIN, ID_MAX, count).map(entryReply), 'groups', groups]);
}

/** One group of XINFO STREAM FULL; `count` bounds each PEL listed (0: all). */
function groupInfoFull(s: StreamObject, name: string, g: ConsumerGroup, count: number): Reply {
  const pending = g.pel
    .range(ID_MIN, ID_MAX, count)
    .map(([id, p]): Reply => [formatId(id), (p.consumer as Consumer).name, p.deliveryTime, p.deliveryCount]);
  const consumers = g
    .sortedConsumers()
    .map(
      (k) =>
        new MapReply([
          'name',
          k.name,
          'seen-time',
          k.seenTime,
          'pel-count',
          k.pel.size,
          'pending',
          k.pel
            .range(ID_MIN, ID_MAX, count)
            .map(([id, p]): Reply => [formatId(id), p.deliveryTime, p.deliveryCount]),
        ]),
    );
  return new MapReply([
    'name',
    name,
    'last-delivered-id',
    formatId(g.lastId),
    'entries-read',
    entriesReadReply(g),
    'lag',
    s.lag(g),
    'pel-count',
    g.pel.size,
    'pending',
    pending,
    'consumers',
    consumers,
  ]);
}

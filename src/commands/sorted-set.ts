/**
 * Sorted-set commands (Redis 7.0 group "sorted-set"), the blocking ones in their own section at the end.
 * Values are ZSetObject (src/store/types/zset.ts): a counted B+tree plus a
 * member dictionary, with Redis's listpack/skiplist encoding decisions tracked
 * exactly. Scores are read with glibc strtod's rules (src/store/types/score.ts)
 * and replied with %.17g, as Redis 7.0 does. ZRANK/ZREVRANK accept Redis 7.2's
 * WITHSCORE.
 */

import { parseBlockTimeout } from '../core/blocking.js';
import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { rewriteCommand } from '../persistence/aof/propagation.js';
import { DoubleReply, NO_REPLY, NULL_ARRAY, type Reply } from '../protocol/reply.js';
import {
  LEX_MAX,
  LEX_MIN,
  type LexBound,
  type LexRange,
  lexGteMin,
  lexLteMax,
  lexRangeEmpty,
  type ScoreRange,
  scoreRangeEmpty,
  valueGteMin,
  valueLteMax,
} from '../store/types/ranges.js';
import { parseRangeScore, parseScore } from '../store/types/score.js';
import { SetObject } from '../store/types/set.js';
import { ZSetObject } from '../store/types/zset.js';
import type { ZCursor } from '../store/types/ztree.js';
import { formatDouble17 } from '../util/number.js';
import { randomInt } from '../util/random.js';
import { optionWord } from '../util/words.js';
import {
  checkRandomCount,
  EMPTY_SCAN,
  LONG_MAX,
  limits,
  longArg,
  parseScanOptions,
  positiveLong,
  randomCountArgs,
  rangeLong,
  readObj,
  scanReply,
  touched,
} from './collections.js';
import { ERR, wrongArity, ZSET_ERR, zsetNeedsKeys } from './errors.js';
import { parseScanCursor } from './generic.js';
import type { ArgSpec, CommandSpec } from './spec.js';

/** ZUNION/ZINTER and their STORE forms: `[WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]`. */
const WEIGHTS_AGGREGATE: ArgSpec[] = [
  { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] },
  {
    name: 'aggregate',
    type: 'oneof',
    token: 'AGGREGATE',
    flags: ['optional'],
    arguments: [
      { name: 'sum', type: 'pure-token', token: 'SUM' },
      { name: 'min', type: 'pure-token', token: 'MIN' },
      { name: 'max', type: 'pure-token', token: 'MAX' },
    ],
  },
];

export const sortedSetCommands = [
  {
    name: 'zadd',
    group: 'sorted-set',
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    since: '1.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [
      ['2.4.0', 'Accepts multiple elements.'],
      ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
      ['6.2.0', 'Added the `GT` and `LT` options.'],
    ],
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'condition',
        type: 'oneof',
        since: '3.0.2',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      {
        name: 'comparison',
        type: 'oneof',
        since: '6.2.0',
        flags: ['optional'],
        arguments: [
          { name: 'gt', type: 'pure-token', token: 'GT' },
          { name: 'lt', type: 'pure-token', token: 'LT' },
        ],
      },
      { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', flags: ['optional'] },
      { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', flags: ['optional'] },
      {
        name: 'score_member',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'score', type: 'double' },
          { name: 'member', type: 'string' },
        ],
      },
    ],
    handler: zaddCommand,
  },
  {
    name: 'zincrby',
    group: 'sorted-set',
    summary: 'Increment the score of a member in a sorted set',
    since: '1.2.0',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'integer' },
      { name: 'member', type: 'string' },
    ],
    handler: zincrbyCommand,
  },
  {
    name: 'zrem',
    group: 'sorted-set',
    summary: 'Remove one or more members from a sorted set',
    since: '1.2.0',
    complexity:
      'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history: [['2.4.0', 'Accepts multiple elements.']],
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: zremCommand,
  },
  {
    name: 'zcard',
    group: 'sorted-set',
    summary: 'Get the number of members in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: zcardCommand,
  },
  {
    name: 'zcount',
    group: 'sorted-set',
    summary: 'Count the members in a sorted set with scores within the given values',
    since: '2.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arity: 4,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
    ],
    handler: zcountCommand,
  },
  {
    name: 'zlexcount',
    group: 'sorted-set',
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    since: '2.8.9',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arity: 4,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
    ],
    handler: zlexcountCommand,
  },
  {
    name: 'zscore',
    group: 'sorted-set',
    summary: 'Get the score associated with the given member in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
    ],
    handler: zscoreCommand,
  },
  {
    name: 'zmscore',
    group: 'sorted-set',
    summary: 'Get the score associated with the given members in a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of members being requested.',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: zmscoreCommand,
  },
  {
    name: 'zrank',
    group: 'sorted-set',
    summary: 'Determine the index of a member in a sorted set',
    since: '2.0.0',
    complexity: 'O(log(N))',
    history: [['7.2.0', 'Added the optional `WITHSCORE` argument.']],
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
      { name: 'withscore', type: 'pure-token', token: 'WITHSCORE', since: '7.2.0', flags: ['optional'] },
    ],
    handler: zrankCommand,
  },
  {
    name: 'zrevrank',
    group: 'sorted-set',
    summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low',
    since: '2.0.0',
    complexity: 'O(log(N))',
    history: [['7.2.0', 'Added the optional `WITHSCORE` argument.']],
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
      { name: 'withscore', type: 'pure-token', token: 'WITHSCORE', since: '7.2.0', flags: ['optional'] },
    ],
    handler: zrevrankCommand,
  },
  {
    name: 'zrange',
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set',
    since: '1.2.0',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'string' },
      { name: 'stop', type: 'string' },
      {
        name: 'sortby',
        type: 'oneof',
        since: '6.2.0',
        flags: ['optional'],
        arguments: [
          { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
          { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
        ],
      },
      { name: 'rev', type: 'pure-token', token: 'REV', since: '6.2.0', flags: ['optional'] },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        since: '6.2.0',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
    ],
    handler: zrangeCommand,
  },
  {
    name: 'zrangestore',
    group: 'sorted-set',
    summary: 'Store a range of members from sorted set into another key',
    since: '6.2.0',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'dst', type: 'key', key_spec_index: 0 },
      { name: 'src', type: 'key', key_spec_index: 1 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      {
        name: 'sortby',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
          { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
        ],
      },
      { name: 'rev', type: 'pure-token', token: 'REV', flags: ['optional'] },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
    ],
    handler: zrangestoreCommand,
  },
  {
    name: 'zrangebyscore',
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by score',
    since: '1.0.5',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
      {
        name: 'withscores',
        type: 'pure-token',
        token: 'WITHSCORES',
        since: '2.0.0',
        flags: ['optional'],
      },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
    ],
    handler: zrangebyscoreCommand,
  },
  {
    name: 'zrevrangebyscore',
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    since: '2.2.0',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
    history: [['2.1.6', '`min` and `max` can be exclusive.']],
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'max', type: 'double' },
      { name: 'min', type: 'double' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
    ],
    handler: zrevrangebyscoreCommand,
  },
  {
    name: 'zrangebylex',
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by lexicographical range',
    since: '2.8.9',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
    ],
    handler: zrangebylexCommand,
  },
  {
    name: 'zrevrangebylex',
    group: 'sorted-set',
    summary:
      'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    since: '2.8.9',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'max', type: 'string' },
      { name: 'min', type: 'string' },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
    ],
    handler: zrevrangebylexCommand,
  },
  {
    name: 'zremrangebyrank',
    group: 'sorted-set',
    summary: 'Remove all members in a sorted set within the given indexes',
    since: '2.0.0',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arity: 4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: zremrangebyrankCommand,
  },
  {
    name: 'zremrangebyscore',
    group: 'sorted-set',
    summary: 'Remove all members in a sorted set within the given scores',
    since: '1.2.0',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arity: 4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
    ],
    handler: zremrangebyscoreCommand,
  },
  {
    name: 'zremrangebylex',
    group: 'sorted-set',
    summary: 'Remove all members in a sorted set between the given lexicographical range',
    since: '2.8.9',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arity: 4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
    ],
    handler: zremrangebylexCommand,
  },
  {
    name: 'zpopmin',
    group: 'sorted-set',
    summary: 'Remove and return members with the lowest scores in a sorted set',
    since: '5.0.0',
    complexity:
      'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', flags: ['optional'] },
    ],
    handler: zpopminCommand,
  },
  {
    name: 'zpopmax',
    group: 'sorted-set',
    summary: 'Remove and return members with the highest scores in a sorted set',
    since: '5.0.0',
    complexity:
      'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', flags: ['optional'] },
    ],
    handler: zpopmaxCommand,
  },
  {
    name: 'zmpop',
    group: 'sorted-set',
    summary: 'Remove and return members with scores in a sorted set',
    since: '7.0.0',
    complexity:
      'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arity: -4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: zmpopCommand,
  },
  {
    name: 'zunion',
    group: 'sorted-set',
    summary: 'Add multiple sorted sets',
    since: '6.2.0',
    complexity:
      'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      ...WEIGHTS_AGGREGATE,
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
    ],
    handler: zunionCommand,
  },
  {
    name: 'zunionstore',
    group: 'sorted-set',
    summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity:
      'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { keynum: [0, 1, 1] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
      ...WEIGHTS_AGGREGATE,
    ],
    handler: zunionstoreCommand,
  },
  {
    name: 'zinter',
    group: 'sorted-set',
    summary: 'Intersect multiple sorted sets',
    since: '6.2.0',
    complexity:
      'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      ...WEIGHTS_AGGREGATE,
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
    ],
    handler: zinterCommand,
  },
  {
    name: 'zinterstore',
    group: 'sorted-set',
    summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity:
      'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { keynum: [0, 1, 1] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
      ...WEIGHTS_AGGREGATE,
    ],
    handler: zinterstoreCommand,
  },
  {
    name: 'zdiff',
    group: 'sorted-set',
    summary: 'Subtract multiple sorted sets',
    since: '6.2.0',
    complexity:
      'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
    ],
    handler: zdiffCommand,
  },
  {
    name: 'zdiffstore',
    group: 'sorted-set',
    summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    since: '6.2.0',
    complexity:
      'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { keynum: [0, 1, 1] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: zdiffstoreCommand,
  },
  {
    name: 'zintercard',
    group: 'sorted-set',
    summary: 'Intersect multiple sorted sets and return the cardinality of the result',
    since: '7.0.0',
    complexity:
      'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] },
    ],
    handler: zintercardCommand,
  },
  {
    name: 'zrandmember',
    group: 'sorted-set',
    summary: 'Get one or multiple random elements from a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements returned',
    arity: -2,
    flags: ['readonly'],
    acl: ['sortedset'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'options',
        type: 'block',
        flags: ['optional'],
        arguments: [
          { name: 'count', type: 'integer' },
          {
            name: 'withscores',
            type: 'pure-token',
            token: 'WITHSCORES',
            flags: ['optional'],
          },
        ],
      },
    ],
    handler: zrandmemberCommand,
  },
  {
    name: 'zscan',
    group: 'sorted-set',
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: zscanCommand,
  },
  {
    name: 'zrevrange',
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    since: '1.2.0',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    arity: -4,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
    ],
    handler: zrevrangeCommand,
  },
] as const satisfies readonly CommandSpec[];

function getZset(c: Client, key: string): ZSetObject | null {
  return c.db.getObject(key, ZSetObject);
}

/** After members were removed: the command's event, and the key deleted when its zset is empty (Redis never keeps empty sorted sets). */
function afterRemove(c: Client, key: string, z: ZSetObject, event: string): void {
  keyspaceEvent(c, NOTIFY.ZSET, event, key);
  if (z.size === 0) {
    c.db.delete(key);
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
  } else {
    touched(c.db, key);
  }
}

/** A member and its score, as collected for a reply. */
interface Entry {
  ele: string;
  score: number;
}

const entry = (cur: ZCursor): Entry => ({ ele: cur.ele, score: cur.score });

/** Members with scores as Redis replies them: flat in RESP2, [member, score] pairs in RESP3. */
function withScoresReply(c: Client, entries: readonly Entry[], withScores: boolean): Reply[] {
  const out: Reply[] = [];
  if (!withScores) {
    for (const n of entries) out.push(n.ele);
  } else if (c.resp === 3) {
    for (const n of entries) out.push([n.ele, new DoubleReply(n.score)]);
  } else {
    for (const n of entries) out.push(n.ele, new DoubleReply(n.score));
  }
  return out;
}

// ---- ZADD, ZINCRBY ----

const Z_NX = 1;
const Z_XX = 2;
const Z_INCR = 4;
const Z_GT = 8;
const Z_LT = 16;

/** `zaddGenericCommand` (ZINCRBY is ZADD with INCR: its increment may even be taken for an option word). */
function zaddGeneric(c: Client, argv: string[], initial: number): Reply {
  let flags = initial;
  let ch = false;
  let scoreIdx = 2;
  while (scoreIdx < argv.length) {
    const arg = argv[scoreIdx] as string;
    // A score that starts like a number cannot be an option word (skips a lower-casing copy).
    const c0 = arg.charCodeAt(0);
    if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46) break;
    const opt = optionWord(arg);
    if (opt === 'nx') flags |= Z_NX;
    else if (opt === 'xx') flags |= Z_XX;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') flags |= Z_INCR;
    else if (opt === 'gt') flags |= Z_GT;
    else if (opt === 'lt') flags |= Z_LT;
    else break;
    scoreIdx++;
  }
  const incr = (flags & Z_INCR) !== 0;
  const nx = (flags & Z_NX) !== 0;
  const xx = (flags & Z_XX) !== 0;
  const gt = (flags & Z_GT) !== 0;
  const lt = (flags & Z_LT) !== 0;
  const pairs = argv.length - scoreIdx;
  if (pairs % 2 !== 0 || pairs === 0) throw ERR.syntax;
  const elements = pairs / 2;
  if (nx && xx) throw ZSET_ERR.nxAndXx;
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw ZSET_ERR.gtLtNx;
  if (incr && elements > 1) throw ZSET_ERR.incrPair;
  const scores: number[] = new Array(elements);
  for (let j = 0; j < elements; j++) {
    const v = parseScore(argv[scoreIdx + j * 2] as string);
    if (v === undefined) throw ERR.notFloat;
    scores[j] = v;
  }
  const key = argv[1] as string;
  let z = getZset(c, key);
  const lim = limits(c);
  if (z === null) {
    if (xx) return incr ? null : 0;
    z = ZSetObject.create((argv[scoreIdx + 1] as string).length, lim);
    c.db.add(key, z);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  for (let j = 0; j < elements; j++) {
    const ele = argv[scoreIdx + 1 + j * 2] as string;
    let s = scores[j] as number;
    const cur = z.score(ele);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        s += cur;
        if (Number.isNaN(s)) throw ZSET_ERR.nan;
      }
      if ((lt && s >= cur) || (gt && s <= cur)) continue;
      processed++;
      score = s;
      if (s !== cur) {
        z.update(ele, cur, s);
        updated++;
      }
    } else if (!xx) {
      z.insert(s, ele, lim);
      added++;
      processed++;
      score = s;
    }
  }
  if (added + updated > 0) {
    touched(c.db, key);
    keyspaceEvent(c, NOTIFY.ZSET, incr ? 'zincr' : 'zadd', key);
  }
  if (incr) return processed > 0 ? new DoubleReply(score) : null;
  return ch ? added + updated : added;
}

function zaddCommand(c: Client, argv: string[]): Reply {
  return zaddGeneric(c, argv, 0);
}

function zincrbyCommand(c: Client, argv: string[]): Reply {
  return zaddGeneric(c, argv, Z_INCR);
}

// ---- simple reads ----

function zremCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const z = getZset(c, key);
  if (z === null) return 0;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j] as string)) deleted++;
    if (z.size === 0) break;
  }
  if (deleted > 0) afterRemove(c, key, z, 'zrem');
  return deleted;
}

function zcardCommand(c: Client, argv: string[]): Reply {
  return getZset(c, argv[1] as string)?.size ?? 0;
}

function zscoreCommand(c: Client, argv: string[]): Reply {
  const s = getZset(c, argv[1] as string)?.score(argv[2] as string);
  return s === undefined ? null : new DoubleReply(s);
}

function zmscoreCommand(c: Client, argv: string[]): Reply {
  const z = getZset(c, argv[1] as string);
  const out: Reply[] = new Array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j] as string);
    out[j - 2] = s === undefined ? null : new DoubleReply(s);
  }
  return out;
}

/** ZRANK/ZREVRANK, with Redis 7.2's WITHSCORE. */
function zrankGeneric(c: Client, argv: string[], reverse: boolean): Reply {
  if (argv.length > 4) throw wrongArity(reverse ? 'zrevrank' : 'zrank');
  let withScore = false;
  if (argv.length > 3) {
    if (optionWord(argv[3] as string) !== 'withscore') throw ERR.syntax;
    withScore = true;
  }
  const missing = withScore ? NULL_ARRAY : null;
  const z = getZset(c, argv[1] as string);
  if (z === null) return missing;
  const member = argv[2] as string;
  const score = z.score(member);
  if (score === undefined) return missing;
  const rank1 = z.tree.rank(score, member);
  const rank = reverse ? z.size - rank1 : rank1 - 1;
  return withScore ? [rank, new DoubleReply(score)] : rank;
}

function zrankCommand(c: Client, argv: string[]): Reply {
  return zrankGeneric(c, argv, false);
}

function zrevrankCommand(c: Client, argv: string[]): Reply {
  return zrankGeneric(c, argv, true);
}

// ---- ranges ----

/** `zslParseRange`. */
function scoreRange(minArg: string, maxArg: string): ScoreRange {
  const min = parseRangeScore(minArg);
  const max = parseRangeScore(maxArg);
  if (min === undefined || max === undefined) throw ZSET_ERR.notFloatRange;
  return { min: min[0], minex: min[1], max: max[0], maxex: max[1] };
}

/** `zslParseLexRangeItem`: "+" and "-" (up to a NUL byte), or "(" / "[" and a string. */
function lexItem(s: string): [LexBound, boolean] | undefined {
  const c0 = s.charCodeAt(0);
  const alone = s.length === 1 || s.charCodeAt(1) === 0;
  if (c0 === 43 /* + */) return alone ? [LEX_MAX, true] : undefined;
  if (c0 === 45 /* - */) return alone ? [LEX_MIN, true] : undefined;
  if (c0 === 40 /* ( */) return [s.slice(1), true];
  if (c0 === 91 /* [ */) return [s.slice(1), false];
  return undefined;
}

function lexRange(minArg: string, maxArg: string): LexRange {
  const min = lexItem(minArg);
  const max = lexItem(maxArg);
  if (min === undefined || max === undefined) throw ZSET_ERR.notLexRange;
  return { min: min[0], minex: min[1], max: max[0], maxex: max[1] };
}

function rankOf(z: ZSetObject, cur: ZCursor): number {
  return z.tree.rank(cur.score, cur.ele);
}

/** `zslFirstInRange`: the first element in the score range, or null. */
function firstInRange(z: ZSetObject, r: ScoreRange): ZCursor | null {
  if (scoreRangeEmpty(r)) return null;
  const cur = z.tree.lowerBound((s) => valueGteMin(s, r));
  return cur.valid && valueLteMax(cur.score, r) ? cur : null;
}

/** `zslLastInRange`. */
function lastInRange(z: ZSetObject, r: ScoreRange): ZCursor | null {
  if (scoreRangeEmpty(r)) return null;
  const cur = z.tree.upperBound((s) => valueLteMax(s, r));
  return cur.valid && valueGteMin(cur.score, r) ? cur : null;
}

/** `count = length - (rank(first) - 1) - (length - rank(last))`, as Redis computes it from ranks. */
function countFromRanks(z: ZSetObject, first: ZCursor, last: ZCursor | null): number {
  let count = z.size - (rankOf(z, first) - 1);
  if (last !== null) count -= z.size - rankOf(z, last);
  return count;
}

function zcountCommand(c: Client, argv: string[]): Reply {
  const r = scoreRange(argv[2] as string, argv[3] as string);
  const z = getZset(c, argv[1] as string);
  if (z === null) return 0;
  const first = firstInRange(z, r);
  if (first === null) return 0;
  return countFromRanks(z, first, lastInRange(z, r));
}

/*
 * Lex ranges only make sense when all scores are equal, but Redis answers for
 * any contents, and a listpack answers by walking its entries in order: the
 * first entry >= min from the head, the last <= max from the tail. For a
 * listpack we walk the same way, so even mixed-score replies match. (A
 * skiplist's answer then depends on its random node levels, in Redis itself.)
 */

/** `zzlIsInLexRange` / `zslIsInLexRange`. */
function lexInRange(z: ZSetObject, r: LexRange): boolean {
  if (lexRangeEmpty(r) || z.size === 0) return false;
  return lexGteMin(z.tree.last().ele, r) && lexLteMax(z.tree.first().ele, r);
}

function firstInLex(z: ZSetObject, r: LexRange): ZCursor | null {
  if (!lexInRange(z, r)) return null;
  if (!z.listpack) {
    const cur = z.tree.lowerBound((_, e) => lexGteMin(e, r));
    return cur.valid && lexLteMax(cur.ele, r) ? cur : null;
  }
  for (const cur = z.tree.first(); cur.valid; cur.next()) {
    if (lexGteMin(cur.ele, r)) return lexLteMax(cur.ele, r) ? cur : null;
  }
  return null;
}

function lastInLex(z: ZSetObject, r: LexRange): ZCursor | null {
  if (!lexInRange(z, r)) return null;
  if (!z.listpack) {
    const cur = z.tree.upperBound((_, e) => lexLteMax(e, r));
    return cur.valid && lexGteMin(cur.ele, r) ? cur : null;
  }
  for (const cur = z.tree.last(); cur.valid; cur.prev()) {
    if (lexLteMax(cur.ele, r)) return lexGteMin(cur.ele, r) ? cur : null;
  }
  return null;
}

function zlexcountCommand(c: Client, argv: string[]): Reply {
  const r = lexRange(argv[2] as string, argv[3] as string);
  const z = getZset(c, argv[1] as string);
  if (z === null) return 0;
  const first = firstInLex(z, r);
  if (first === null) return 0;
  if (!z.listpack) return countFromRanks(z, first, lastInLex(z, r));
  // A listpack counts the entries from the first one while they stay <= max.
  let count = 0;
  for (; first.valid && lexLteMax(first.ele, r); first.next()) count++;
  return count;
}

const AUTO = 0;
const BY_RANK = 1;
const BY_SCORE = 2;
const BY_LEX = 3;
const FORWARD = 1;
const REVERSE = 2;

/** `addListRangeReply`-style index normalisation: [start, end] or null when empty. */
function rankRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/**
 * `zrangeGenericCommand`: ZRANGE and its older forms, and ZRANGESTORE (`dst`).
 * The options are parsed before the key is looked up; a reversed score or lex
 * range is given as max, min.
 */
function zrangeGeneric(
  c: Client,
  argv: string[],
  argStart: number,
  dst: string | null,
  initialType: number,
  initialDirection: number,
): Reply {
  let rangeType = initialType;
  let direction = initialDirection;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const opt = optionWord(argv[j] as string);
    const left = argv.length - j - 1;
    if (dst === null && opt === 'withscores') {
      withScores = true;
    } else if (opt === 'limit' && left >= 2) {
      offset = longArg(argv[j + 1] as string);
      limit = longArg(argv[j + 2] as string);
      j += 2;
    } else if (direction === AUTO && opt === 'rev') {
      direction = REVERSE;
    } else if (rangeType === AUTO && opt === 'bylex') {
      rangeType = BY_LEX;
    } else if (rangeType === AUTO && opt === 'byscore') {
      rangeType = BY_SCORE;
    } else {
      throw ERR.syntax;
    }
  }
  if (direction === AUTO) direction = FORWARD;
  if (rangeType === AUTO) rangeType = BY_RANK;
  if (limit !== -1 && rangeType === BY_RANK) throw ZSET_ERR.limitNeedsBy;
  if (withScores && rangeType === BY_LEX) throw ZSET_ERR.withScoresByLex;
  const reverse = direction === REVERSE;
  if (reverse && rangeType !== BY_RANK) [minIdx, maxIdx] = [maxIdx, minIdx];
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (rangeType === BY_RANK) {
    start = longArg(argv[minIdx] as string);
    end = longArg(argv[maxIdx] as string);
  } else if (rangeType === BY_SCORE) {
    score = scoreRange(argv[minIdx] as string, argv[maxIdx] as string);
  } else {
    lex = lexRange(argv[minIdx] as string, argv[maxIdx] as string);
  }
  const z = readObj(c.db, argv[argStart] as string, ZSetObject);
  if (z === null) return dst === null ? [] : storeZset(c, dst, new ZSetObject(), 'zrangestore');
  const entries: Entry[] = [];
  let rankLength = -1;
  if (rangeType === BY_RANK) {
    const r = rankRange(start, end, z.size);
    if (r !== null) {
      rankLength = r[1] - r[0] + 1;
      const cur = z.tree.at(reverse ? z.size - r[0] : r[0] + 1);
      for (let i = 0; i < rankLength && cur.valid; i++) {
        entries.push(entry(cur));
        if (reverse) cur.prev();
        else cur.next();
      }
    }
  } else if (!(offset > 0 && offset >= z.size)) {
    let cur: ZCursor | null;
    if (score !== null) cur = reverse ? lastInRange(z, score) : firstInRange(z, score);
    else cur = reverse ? lastInLex(z, lex as LexRange) : firstInLex(z, lex as LexRange);
    // A negative offset skips everything, as Redis's `while (ln && offset--)` does.
    if (cur !== null && offset < 0) cur = null;
    for (let k = 0; k < offset && cur !== null && cur.valid; k++) {
      if (reverse) cur.prev();
      else cur.next();
    }
    // A negative limit means no limit.
    for (let k = 0; cur?.valid && (limit < 0 || k < limit); k++) {
      if (score !== null) {
        if (reverse ? !valueGteMin(cur.score, score) : !valueLteMax(cur.score, score)) break;
      } else if (reverse ? !lexGteMin(cur.ele, lex as LexRange) : !lexLteMax(cur.ele, lex as LexRange)) {
        break;
      }
      entries.push(entry(cur));
      if (reverse) cur.prev();
      else cur.next();
    }
  }
  if (dst === null) return withScoresReply(c, entries, withScores);
  // zrangeResultBeginStore: a skiplist up front when the rank range is known to be too long.
  const lim = limits(c);
  const result = new ZSetObject();
  if (rankLength > lim.zsetMaxListpackEntries) result.listpack = false;
  for (const n of entries) result.insert(n.score, n.ele, lim);
  return storeZset(c, dst, result, 'zrangestore');
}

/** Store a computed zset (replacing the key and its TTL), or delete the key when it is empty. */
function storeZset(c: Client, dst: string, result: ZSetObject, event: string): Reply {
  if (result.size === 0) {
    if (c.db.delete(dst)) keyspaceEvent(c, NOTIFY.GENERIC, 'del', dst);
    return 0;
  }
  c.db.set(dst, result);
  keyspaceEvent(c, NOTIFY.ZSET, event, dst);
  return result.size;
}

function zrangeCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 1, null, AUTO, AUTO);
}

function zrangestoreCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 2, argv[1] as string, AUTO, AUTO);
}

function zrevrangeCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 1, null, BY_RANK, REVERSE);
}

function zrangebyscoreCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 1, null, BY_SCORE, FORWARD);
}

function zrevrangebyscoreCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 1, null, BY_SCORE, REVERSE);
}

function zrangebylexCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 1, null, BY_LEX, FORWARD);
}

function zrevrangebylexCommand(c: Client, argv: string[]): Reply {
  return zrangeGeneric(c, argv, 1, null, BY_LEX, REVERSE);
}

// ---- ZREMRANGEBY* ----

/** The members from `first` on while `inRange` holds. */
function collectFrom(first: ZCursor | null, inRange: (cur: ZCursor) => boolean): string[] {
  const out: string[] = [];
  for (const cur = first; cur?.valid && inRange(cur); cur.next()) out.push(cur.ele);
  return out;
}

function zremrangeGeneric(c: Client, argv: string[], type: number): Reply {
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (type === BY_RANK) {
    start = longArg(argv[2] as string);
    end = longArg(argv[3] as string);
  } else if (type === BY_SCORE) {
    score = scoreRange(argv[2] as string, argv[3] as string);
  } else {
    lex = lexRange(argv[2] as string, argv[3] as string);
  }
  const key = argv[1] as string;
  const z = getZset(c, key);
  if (z === null) return 0;
  let doomed: string[];
  if (type === BY_RANK) {
    const r = rankRange(start, end, z.size);
    if (r === null) return 0;
    let n = r[1] - r[0] + 1;
    doomed = collectFrom(z.tree.at(r[0] + 1), () => n-- > 0);
  } else if (score !== null) {
    const r = score;
    doomed = collectFrom(firstInRange(z, r), (cur) => valueLteMax(cur.score, r));
  } else {
    const r = lex as LexRange;
    doomed = collectFrom(firstInLex(z, r), (cur) => lexLteMax(cur.ele, r));
  }
  for (const m of doomed) z.remove(m);
  if (doomed.length > 0) {
    afterRemove(
      c,
      key,
      z,
      type === BY_RANK ? 'zremrangebyrank' : type === BY_SCORE ? 'zremrangebyscore' : 'zremrangebylex',
    );
  }
  return doomed.length;
}

function zremrangebyrankCommand(c: Client, argv: string[]): Reply {
  return zremrangeGeneric(c, argv, BY_RANK);
}

function zremrangebyscoreCommand(c: Client, argv: string[]): Reply {
  return zremrangeGeneric(c, argv, BY_SCORE);
}

function zremrangebylexCommand(c: Client, argv: string[]): Reply {
  return zremrangeGeneric(c, argv, BY_LEX);
}

// ---- ZPOPMIN, ZPOPMAX, ZMPOP ----

/**
 * `genericZpopCommand`: pop from the first existing key (type-checked; the keys
 * after it are not). `count` -1 means "not given".
 */
function zpopGeneric(
  c: Client,
  keys: readonly string[],
  max: boolean,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): Reply {
  let z: ZSetObject | null = null;
  let key = '';
  for (const k of keys) {
    z = getZset(c, k);
    if (z !== null) {
      key = k;
      break;
    }
  }
  if (z === null) return nilWhenEmpty ? NULL_ARRAY : [];
  if (count === 0) return [];
  const n = Math.min(count === -1 ? 1 : count, z.size);
  const out: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const cur = max ? z.tree.last() : z.tree.first();
    const ele = cur.ele;
    const score = cur.score;
    z.remove(ele);
    if (nested) out.push([ele, new DoubleReply(score)]);
    else out.push(ele, new DoubleReply(score));
  }
  afterRemove(c, key, z, max ? 'zpopmax' : 'zpopmin');
  return emitKey ? [key, out] : out;
}

function zpopMinMax(c: Client, argv: string[], max: boolean): Reply {
  if (argv.length > 3) throw ERR.syntax;
  const count = argv.length === 3 ? positiveLong(argv[2] as string) : -1;
  return zpopGeneric(c, [argv[1] as string], max, false, count, c.resp === 3 && count !== -1, false);
}

function zpopminCommand(c: Client, argv: string[]): Reply {
  return zpopMinMax(c, argv, false);
}

function zpopmaxCommand(c: Client, argv: string[]): Reply {
  return zpopMinMax(c, argv, true);
}

/** ZMPOP/BZMPOP arguments from `numkeysIdx` on (zmpopGenericCommand). */
function zmpopArgs(
  argv: readonly string[],
  numkeysIdx: number,
): { keys: string[]; max: boolean; count: number } {
  const numkeys = rangeLong(argv[numkeysIdx] as string, 1n, LONG_MAX, ZSET_ERR.numkeys);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw ERR.syntax;
  const where = optionWord(argv[whereIdx] as string);
  if (where !== 'min' && where !== 'max') throw ERR.syntax;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && optionWord(argv[j] as string) === 'count' && j < argv.length - 1) {
      count = rangeLong(argv[++j] as string, 1n, LONG_MAX, ZSET_ERR.countPositive);
    } else {
      throw ERR.syntax;
    }
  }
  return {
    keys: argv.slice(numkeysIdx + 1, whereIdx),
    max: where === 'max',
    count: count === -1 ? 1 : count,
  };
}

function zmpopCommand(c: Client, argv: string[]): Reply {
  const { keys, max, count } = zmpopArgs(argv, 1);
  return recordZpop(c, zpopGeneric(c, keys, max, true, count, true, true), max, true);
}

/**
 * ZMPOP and the blocking pops are recorded as ZPOPMIN/ZPOPMAX of the key
 * popped from (with the count popped for the *MPOP forms), as Redis 7.0.
 */
function recordZpop(c: Client, reply: Reply, max: boolean, withCount: boolean): Reply {
  if (Array.isArray(reply) && reply.length >= 2) {
    const argv = [max ? 'ZPOPMAX' : 'ZPOPMIN', reply[0] as string];
    if (withCount) argv.push(String((reply[1] as Reply[]).length));
    rewriteCommand(c, argv);
  }
  return reply;
}

// ---- ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD ----

interface Source {
  obj: ZSetObject | SetObject | null;
  weight: number;
}

function sourceLength(s: Source): number {
  return s.obj?.size ?? 0;
}

/** Iterate a source in order (a set's members all score 1); stop when `fn` returns false. */
function sourceForEach(s: Source, fn: (member: string, score: number) => boolean): void {
  const o = s.obj;
  if (o instanceof ZSetObject) {
    for (const cur = o.tree.first(); cur.valid; cur.next()) if (!fn(cur.ele, cur.score)) return;
  } else if (o instanceof SetObject) {
    for (const m of o.members()) if (!fn(m, 1)) return;
  }
}

function sourceFind(s: Source, member: string): number | undefined {
  const o = s.obj;
  if (o instanceof ZSetObject) return o.score(member);
  if (o instanceof SetObject) return o.has(member) ? 1 : undefined;
  return undefined;
}

const AGGR_SUM = 0;
const AGGR_MIN = 1;
const AGGR_MAX = 2;

function aggregate(target: number, value: number, how: number): number {
  if (how === AGGR_SUM) {
    const sum = target + value;
    // +inf plus -inf is NaN: Redis's convention is 0.
    return Number.isNaN(sum) ? 0 : sum;
  }
  // Not Math.min/max: a NaN weight product must leave the target alone, as in C.
  // biome-ignore lint/complexity/useMathMinMax: NaN semantics differ
  if (how === AGGR_MIN) return value < target ? value : target;
  // biome-ignore lint/complexity/useMathMinMax: NaN semantics differ
  return value > target ? value : target;
}

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;

/** `zunionInterDiffGenericCommand`: sets are accepted as sources, with score 1. */
function zsetOpGeneric(
  c: Client,
  argv: string[],
  dst: string | null,
  numkeysIdx: number,
  op: number,
  cardinalityOnly: boolean,
  name: string,
): Reply {
  const setnum = longArg(argv[numkeysIdx] as string);
  if (setnum < 1) throw zsetNeedsKeys(name);
  if (setnum > argv.length - (numkeysIdx + 1)) throw ERR.syntax;
  const db = c.db;
  const src: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const slot = db.lookupRead(argv[j] as string);
    let obj: ZSetObject | SetObject | null = null;
    if (slot !== -1) {
      const v = db.isStringAt(slot) ? null : db.value(slot);
      if (!(v instanceof ZSetObject || v instanceof SetObject)) throw ERR.wrongType;
      obj = v;
    }
    src.push({ obj, weight: 1 });
  }
  let how = AGGR_SUM;
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const opt = optionWord(argv[j] as string);
    if (op !== OP_DIFF && !cardinalityOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseScore(argv[j] as string);
        if (w === undefined) throw ZSET_ERR.weightNotFloat;
        (src[i] as Source).weight = w;
      }
    } else if (op !== OP_DIFF && !cardinalityOnly && remaining >= 2 && opt === 'aggregate') {
      const a = optionWord(argv[j + 1] as string);
      if (a === 'sum') how = AGGR_SUM;
      else if (a === 'min') how = AGGR_MIN;
      else if (a === 'max') how = AGGR_MAX;
      else throw ERR.syntax;
      j += 2;
      remaining -= 2;
    } else if (dst === null && !cardinalityOnly && opt === 'withscores') {
      withScores = true;
      j++;
      remaining--;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'limit') {
      limit = positiveLong(argv[j + 1] as string, ZSET_ERR.limitNegative);
      j += 2;
      remaining -= 2;
    } else {
      throw ERR.syntax;
    }
  }
  // Smallest first (a stable sort, as glibc's qsort is for small arrays).
  if (op !== OP_DIFF) src.sort((a, b) => sourceLength(a) - sourceLength(b));
  const result = new ZSetObject();
  result.listpack = false;
  let maxLength = 0;
  let cardinality = 0;
  const first = src[0] as Source;
  if (op === OP_INTER) {
    if (sourceLength(first) > 0) {
      sourceForEach(first, (member, s0) => {
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < src.length; k++) {
          const other = src[k] as Source;
          let value: number;
          if (other.obj === first.obj) {
            value = s0 * other.weight;
          } else {
            const found = sourceFind(other, member);
            if (found === undefined) return true;
            value = found * other.weight;
          }
          score = aggregate(score, value, how);
        }
        if (cardinalityOnly) {
          cardinality++;
          if (limit !== 0 && cardinality >= limit) return false;
        } else {
          result.add(score, member);
          if (member.length > maxLength) maxLength = member.length;
        }
        return true;
      });
    }
  } else if (op === OP_UNION) {
    const acc = new Map<string, number>();
    for (const s of src) {
      if (sourceLength(s) === 0) continue;
      sourceForEach(s, (member, v) => {
        let score = s.weight * v;
        if (Number.isNaN(score)) score = 0;
        const existing = acc.get(member);
        if (existing === undefined) {
          acc.set(member, score);
          if (member.length > maxLength) maxLength = member.length;
        } else {
          acc.set(member, aggregate(existing, score, how));
        }
        return true;
      });
    }
    for (const [member, score] of acc) result.add(score, member);
  } else if (sourceLength(first) > 0 && !src.some((s, k) => k > 0 && s.obj === first.obj)) {
    sourceForEach(first, (member, score) => {
      for (let k = 1; k < src.length; k++)
        if (sourceFind(src[k] as Source, member) !== undefined) return true;
      result.add(score, member);
      if (member.length > maxLength) maxLength = member.length;
      return true;
    });
  }
  if (dst !== null) {
    if (result.size > 0) result.convertToListpackIfNeeded(maxLength, limits(c));
    return storeZset(c, dst, result, name);
  }
  if (cardinalityOnly) return cardinality;
  const entries: Entry[] = [];
  for (const cur = result.tree.first(); cur.valid; cur.next()) entries.push(entry(cur));
  return withScoresReply(c, entries, withScores);
}

function zunionCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, null, 1, OP_UNION, false, 'zunion');
}

function zunionstoreCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, argv[1] as string, 2, OP_UNION, false, 'zunionstore');
}

function zinterCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, null, 1, OP_INTER, false, 'zinter');
}

function zinterstoreCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, argv[1] as string, 2, OP_INTER, false, 'zinterstore');
}

function zintercardCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, null, 1, OP_INTER, true, 'zintercard');
}

function zdiffCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, null, 1, OP_DIFF, false, 'zdiff');
}

function zdiffstoreCommand(c: Client, argv: string[]): Reply {
  return zsetOpGeneric(c, argv, argv[1] as string, 2, OP_DIFF, false, 'zdiffstore');
}

// ---- ZRANDMEMBER ----

function zrandmemberCommand(c: Client, argv: string[]): Reply {
  if (argv.length >= 3) {
    const { count, withPairs } = randomCountArgs(argv, 'withscores', ZSET_ERR.outOfRange);
    return zrandmemberWithCount(c, argv[1] as string, count, withPairs);
  }
  const z = getZset(c, argv[1] as string);
  if (z === null) return null;
  return z.dict.keyAt(z.dict.randomPos(randomInt)) as string;
}

function zrandmemberWithCount(c: Client, key: string, l: number, withScores: boolean): Reply {
  const z = getZset(c, key);
  if (z === null || l === 0) return [];
  const d = z.dict;
  const count = Math.abs(l);
  const pick = (): Entry => {
    const pos = d.randomPos(randomInt);
    return { ele: d.keyAt(pos) as string, score: d.valueAt(pos) };
  };
  const entries: Entry[] = [];
  // CASE 1: negative count (repetitions allowed), or a single member.
  if (l < 0 || count === 1) {
    checkRandomCount(count);
    for (let i = 0; i < count; i++) entries.push(pick());
    return withScoresReply(c, entries, withScores);
  }
  // CASE 2: the whole zset, from the highest score down (Redis 7.0's zuiNext
  // iterates sorted sets from the tail).
  if (count >= z.size) {
    for (const cur = z.tree.last(); cur.valid; cur.prev()) entries.push(entry(cur));
    return withScoresReply(c, entries, withScores);
  }
  if (z.listpack || count * 3 > z.size) {
    // Selection sampling in rank order: a listpack replies in its order, a
    // skiplist in no particular order (shuffled).
    let needed = count;
    let left = z.size;
    for (const cur = z.tree.first(); cur.valid && needed > 0; cur.next(), left--) {
      if (randomInt(left) < needed) {
        entries.push(entry(cur));
        needed--;
      }
    }
    if (!z.listpack) shuffle(entries);
  } else {
    const picked = new Set<number>();
    while (picked.size < count) picked.add(d.randomPos(randomInt));
    for (const pos of picked) entries.push({ ele: d.keyAt(pos) as string, score: d.valueAt(pos) });
  }
  return withScoresReply(c, entries, withScores);
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
}

// ---- ZSCAN ----

function zscanCommand(c: Client, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2] as string);
  const z = getZset(c, argv[1] as string);
  if (z === null) return EMPTY_SCAN;
  const { count, pattern } = parseScanOptions(argv, 3);
  const items: string[] = [];
  if (z.listpack) {
    for (const cur = z.tree.first(); cur.valid; cur.next()) items.push(cur.ele, formatDouble17(cur.score));
    return scanReply(0, items, pattern, true);
  }
  const next = z.dict.scan(cursor, count, (m, s) => {
    items.push(m, formatDouble17(s));
  });
  return scanReply(next, items, pattern, true);
}

// ---- blocking commands: BZPOPMIN, BZPOPMAX, BZMPOP ----
//
// Each pops at once like ZPOPMIN/ZMPOP when a sorted set has members; otherwise
// it blocks the client on its keys (src/core/blocking.ts) with a `serve`
// callback doing the same pop when one of them is written, or, inside EXEC,
// answers a null array at once.

export const sortedSetBlockingCommands = [
  {
    name: 'bzpopmin',
    group: 'sorted-set',
    summary:
      'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [-2, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'timeout', type: 'double' },
    ],
    handler: (c, argv) => bzpopGeneric(c, argv, false),
  },
  {
    name: 'bzpopmax',
    group: 'sorted-set',
    summary:
      'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [-2, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'timeout', type: 'double' },
    ],
    handler: (c, argv) => bzpopGeneric(c, argv, true),
  },
  {
    name: 'bzmpop',
    group: 'sorted-set',
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    since: '7.0.0',
    complexity:
      'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['sortedset'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 2 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: bzmpopCommand,
  },
] as const satisfies readonly CommandSpec[];

/**
 * One pop as BZPOPMIN/BZPOPMAX reply it, [key, member, score] (`count` -1), or
 * up to `count` as ZMPOP does, [key, [[member, score], ...]] (BZMPOP).
 */
function blockingZpop(c: Client, key: string, max: boolean, count: number): Reply {
  if (count !== -1) return recordZpop(c, zpopGeneric(c, [key], max, true, count, true, true), max, true);
  return recordZpop(
    c,
    [key, ...(zpopGeneric(c, [key], max, false, -1, false, false) as Reply[])],
    max,
    false,
  );
}

/** Redis's blockingGenericZpopCommand: the timeout is checked first, then each key in order (WRONGTYPE stops). */
function blockingZpopGeneric(
  c: Client,
  keys: string[],
  max: boolean,
  timeoutArg: string,
  count: number,
): Reply {
  const timeout = parseBlockTimeout(timeoutArg);
  for (const key of keys) {
    if (getZset(c, key) !== null) return blockingZpop(c, key, max, count);
  }
  const blocked = c.server.blocking.block(c, {
    keys,
    timeout,
    serve: (rc, key) =>
      rc.db.get(key) instanceof ZSetObject ? blockingZpop(rc, key, max, count) : undefined,
  });
  return blocked ? NO_REPLY : NULL_ARRAY;
}

function bzpopGeneric(c: Client, argv: string[], max: boolean): Reply {
  return blockingZpopGeneric(c, argv.slice(1, -1), max, argv[argv.length - 1] as string, -1);
}

function bzmpopCommand(c: Client, argv: string[]): Reply {
  const { keys, max, count } = zmpopArgs(argv, 2);
  return blockingZpopGeneric(c, keys, max, argv[1] as string, count);
}

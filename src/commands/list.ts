/**
 * List commands (Redis 7.0 group "list"), the blocking ones in their own section at the end. Values are
 * ListObject (src/store/types/list.ts), a ring-buffer deque: O(1) push and pop
 * at both ends and O(1) access by index. Empty lists are deleted, as in Redis.
 */

import { parseBlockTimeout } from '../core/blocking.js';
import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { preventPropagation, rewriteCommand } from '../persistence/aof/propagation.js';
import { NO_REPLY, NULL_ARRAY, OK, type Reply } from '../protocol/reply.js';
import { ListObject } from '../store/types/list.js';
import { LLONG_MIN, parseInt64 } from '../util/number.js';
import { optionWord } from '../util/words.js';
import { LONG_MAX, longArg, positiveLong, rangeLong, touched } from './collections.js';
import { ERR, LIST_ERR, wrongArity } from './errors.js';
import type { CommandSpec } from './spec.js';

export const listCommands = [
  {
    name: 'lpush',
    group: 'list',
    summary: 'Prepend one or multiple elements to a list',
    since: '1.0.0',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', flags: ['multiple'] },
    ],
    handler: lpushCommand,
  },
  {
    name: 'rpush',
    group: 'list',
    summary: 'Append one or multiple elements to a list',
    since: '1.0.0',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', flags: ['multiple'] },
    ],
    handler: rpushCommand,
  },
  {
    name: 'lpushx',
    group: 'list',
    summary: 'Prepend an element to a list, only if the list exists',
    since: '2.2.0',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', flags: ['multiple'] },
    ],
    handler: lpushxCommand,
  },
  {
    name: 'rpushx',
    group: 'list',
    summary: 'Append an element to a list, only if the list exists',
    since: '2.2.0',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', flags: ['multiple'] },
    ],
    handler: rpushxCommand,
  },
  {
    name: 'lpop',
    group: 'list',
    summary: 'Remove and get the first elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] },
    ],
    handler: lpopCommand,
  },
  {
    name: 'rpop',
    group: 'list',
    summary: 'Remove and get the last elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] },
    ],
    handler: rpopCommand,
  },
  {
    name: 'llen',
    group: 'list',
    summary: 'Get the length of a list',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['list'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: llenCommand,
  },
  {
    name: 'lrange',
    group: 'list',
    summary: 'Get a range of elements from a list',
    since: '1.0.0',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    arity: 4,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: lrangeCommand,
  },
  {
    name: 'lindex',
    group: 'list',
    summary: 'Get an element from a list by its index',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    arity: 3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'index', type: 'integer' },
    ],
    handler: lindexCommand,
  },
  {
    name: 'lset',
    group: 'list',
    summary: 'Set the value of an element in a list by its index',
    since: '1.0.0',
    complexity:
      'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'index', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
    handler: lsetCommand,
  },
  {
    name: 'linsert',
    group: 'list',
    summary: 'Insert an element before or after another element in a list',
    since: '2.2.0',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'before', type: 'pure-token', token: 'BEFORE' },
          { name: 'after', type: 'pure-token', token: 'AFTER' },
        ],
      },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
    handler: linsertCommand,
  },
  {
    name: 'lrem',
    group: 'list',
    summary: 'Remove elements from a list',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
    handler: lremCommand,
  },
  {
    name: 'ltrim',
    group: 'list',
    summary: 'Trim a list to the specified range',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: ltrimCommand,
  },
  {
    name: 'lpos',
    group: 'list',
    summary: 'Return the index of matching elements on a list',
    since: '6.0.6',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    arity: -3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', flags: ['optional'] },
      { name: 'num-matches', type: 'integer', token: 'COUNT', flags: ['optional'] },
      { name: 'len', type: 'integer', token: 'MAXLEN', flags: ['optional'] },
    ],
    handler: lposCommand,
  },
  {
    name: 'lmove',
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      {
        name: 'wherefrom',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      {
        name: 'whereto',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
    ],
    handler: lmoveCommand,
  },
  {
    name: 'rpoplpush',
    group: 'list',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    since: '1.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
    ],
    handler: rpoplpushCommand,
  },
  {
    name: 'lmpop',
    group: 'list',
    summary: 'Pop elements from a list',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    arity: -4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: lmpopCommand,
  },
] as const satisfies readonly CommandSpec[];

const HEAD = 0;
const TAIL = 1;
type Where = typeof HEAD | typeof TAIL;

function getList(c: Client, key: string): ListObject | null {
  return c.db.getObject(key, ListObject);
}

/** Delete the key when its list is empty (Redis never keeps empty lists). */
function afterRemove(c: Client, key: string, l: ListObject): void {
  if (l.length === 0) {
    c.db.delete(key);
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', key);
  } else {
    touched(c.db, key);
  }
}

/** After a pop from one end (Redis's listElementsRemoved): its event, then the key goes if empty. */
function afterPop(c: Client, key: string, l: ListObject, where: Where): void {
  keyspaceEvent(c, NOTIFY.LIST, where === HEAD ? 'lpop' : 'rpop', key);
  afterRemove(c, key, l);
}

/** `getListPositionFromObjectOrReply`. */
function position(s: string): Where {
  const w = optionWord(s);
  if (w === 'left') return HEAD;
  if (w === 'right') return TAIL;
  throw ERR.syntax;
}

// ---- push ----

function pushGeneric(c: Client, argv: string[], where: Where, xx: boolean): Reply {
  const key = argv[1] as string;
  let l = getList(c, key);
  if (l === null) {
    if (xx) return 0;
    l = new ListObject();
    c.db.add(key, l);
  }
  if (where === HEAD) for (let j = 2; j < argv.length; j++) l.pushFront(argv[j] as string);
  else for (let j = 2; j < argv.length; j++) l.pushBack(argv[j] as string);
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.LIST, where === HEAD ? 'lpush' : 'rpush', key);
  return l.length;
}

function lpushCommand(c: Client, argv: string[]): Reply {
  return pushGeneric(c, argv, HEAD, false);
}

function rpushCommand(c: Client, argv: string[]): Reply {
  return pushGeneric(c, argv, TAIL, false);
}

function lpushxCommand(c: Client, argv: string[]): Reply {
  return pushGeneric(c, argv, HEAD, true);
}

function rpushxCommand(c: Client, argv: string[]): Reply {
  return pushGeneric(c, argv, TAIL, true);
}

// ---- pop ----

/** Pop up to `count` elements from one end, in pop order. */
function popRange(l: ListObject, where: Where, count: number): string[] {
  const n = Math.min(count, l.length);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = (where === HEAD ? l.popFront() : l.popBack()) as string;
  return out;
}

function popGeneric(c: Client, argv: string[], where: Where): Reply {
  const hasCount = argv.length === 3;
  if (argv.length > 3) throw wrongArity(where === HEAD ? 'lpop' : 'rpop');
  const count = hasCount ? positiveLong(argv[2] as string) : 0;
  const key = argv[1] as string;
  const l = getList(c, key);
  if (l === null) return hasCount ? NULL_ARRAY : null;
  if (hasCount && count === 0) return [];
  if (!hasCount) {
    const v = (where === HEAD ? l.popFront() : l.popBack()) as string;
    afterPop(c, key, l, where);
    return v;
  }
  const out = popRange(l, where, count);
  afterPop(c, key, l, where);
  return out;
}

function lpopCommand(c: Client, argv: string[]): Reply {
  return popGeneric(c, argv, HEAD);
}

function rpopCommand(c: Client, argv: string[]): Reply {
  return popGeneric(c, argv, TAIL);
}

// ---- reads ----

function llenCommand(c: Client, argv: string[]): Reply {
  return getList(c, argv[1] as string)?.length ?? 0;
}

/** `addListRangeReply`'s index normalisation: [start, end] within the list, or null when empty. */
function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

function lrangeCommand(c: Client, argv: string[]): Reply {
  const start = longArg(argv[2] as string);
  const end = longArg(argv[3] as string);
  const l = getList(c, argv[1] as string);
  if (l === null) return [];
  const r = clampRange(start, end, l.length);
  return r === null ? [] : l.range(r[0], r[1]);
}

function lindexCommand(c: Client, argv: string[]): Reply {
  const l = getList(c, argv[1] as string);
  if (l === null) return null;
  let index = longArg(argv[2] as string);
  if (index < 0) index += l.length;
  return index >= 0 && index < l.length ? l.at(index) : null;
}

function lposCommand(c: Client, argv: string[]): Reply {
  const ele = argv[2] as string;
  let rank = 1;
  let wrapped = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionWord(argv[j] as string);
    const more = j < argv.length - 1;
    if (opt === 'rank' && more) {
      const arg = argv[++j] as string;
      rank = longArg(arg);
      if (rank === 0) throw LIST_ERR.rankZero;
      wrapped = parseInt64(arg) === LLONG_MIN;
    } else if (opt === 'count' && more) {
      count = positiveLong(argv[++j] as string, LIST_ERR.countNegative);
    } else if (opt === 'maxlen' && more) {
      maxlen = positiveLong(argv[++j] as string, LIST_ERR.maxlenNegative);
    } else {
      throw ERR.syntax;
    }
  }
  const fromTail = rank < 0;
  // Redis negates a LONG_MIN rank in C, where it stays negative: every match
  // then counts from the tail and COUNT never stops the search.
  if (fromTail) rank = wrapped ? 1 : -rank;
  const l = getList(c, argv[1] as string);
  if (l === null) return count !== -1 ? [] : null;
  const len = l.length;
  const found: number[] = [];
  let matches = 0;
  for (let index = 0; index < len && (maxlen === 0 || index < maxlen); index++) {
    const i = fromTail ? len - 1 - index : index;
    if (l.at(i) !== ele) continue;
    matches++;
    if (matches < rank) continue;
    found.push(i);
    if (count === -1 || (count !== 0 && !wrapped && matches - rank + 1 >= count)) break;
  }
  if (count !== -1) return found;
  return found.length > 0 ? (found[0] as number) : null;
}

// ---- writes in place ----

function lsetCommand(c: Client, argv: string[]): Reply {
  const key = argv[1] as string;
  const l = getList(c, key);
  if (l === null) throw ERR.noKey;
  let index = longArg(argv[2] as string);
  if (index < 0) index += l.length;
  if (index < 0 || index >= l.length) throw ERR.outOfRange;
  l.setAt(index, argv[3] as string);
  touched(c.db, key);
  keyspaceEvent(c, NOTIFY.LIST, 'lset', key);
  return OK;
}

function linsertCommand(c: Client, argv: string[]): Reply {
  const w = optionWord(argv[2] as string);
  let after: boolean;
  if (w === 'after') after = true;
  else if (w === 'before') after = false;
  else throw ERR.syntax;
  const key = argv[1] as string;
  const l = getList(c, key);
  if (l === null) return 0;
  const pivot = argv[3] as string;
  for (let i = 0; i < l.length; i++) {
    if (l.at(i) === pivot) {
      l.insertAt(after ? i + 1 : i, argv[4] as string);
      touched(c.db, key);
      keyspaceEvent(c, NOTIFY.LIST, 'linsert', key);
      return l.length;
    }
  }
  return -1;
}

function lremCommand(c: Client, argv: string[]): Reply {
  let toRemove = longArg(argv[2] as string);
  const key = argv[1] as string;
  const l = getList(c, key);
  if (l === null) return 0;
  const ele = argv[3] as string;
  const fromTail = toRemove < 0;
  if (fromTail) toRemove = -toRemove;
  const len = l.length;
  // Positions of the matches that go, scanning from the chosen end (0: all of them).
  const doomed: number[] = [];
  for (let k = 0; k < len && (toRemove === 0 || doomed.length < toRemove); k++) {
    const i = fromTail ? len - 1 - k : k;
    if (l.at(i) === ele) doomed.push(i);
  }
  const n = doomed.length;
  if (n === 0) return 0;
  const first = doomed[0] as number;
  if (n === 1 && first === 0) l.popFront();
  else if (n === 1 && first === len - 1) l.popBack();
  else {
    const gone = new Set(doomed);
    l.filter((_, i) => !gone.has(i));
  }
  keyspaceEvent(c, NOTIFY.LIST, 'lrem', key);
  afterRemove(c, key, l);
  return n;
}

function ltrimCommand(c: Client, argv: string[]): Reply {
  const start = longArg(argv[2] as string);
  const end = longArg(argv[3] as string);
  const key = argv[1] as string;
  const l = getList(c, key);
  if (l === null) return OK;
  const r = clampRange(start, end, l.length);
  // Redis reports "ltrim" even when nothing goes.
  keyspaceEvent(c, NOTIFY.LIST, 'ltrim', key);
  if (r === null) l.trim(1, 0);
  // A trim that keeps everything still signals the key, as Redis does (WATCH sees it).
  else if (r[0] !== 0 || r[1] !== l.length - 1) l.trim(r[0], r[1]);
  // ...but is no change to record (Redis adds the removed count to dirty).
  else preventPropagation(c);
  afterRemove(c, key, l);
  return OK;
}

// ---- moves ----

function lmoveGeneric(c: Client, src: string, dst: string, from: Where, to: Where): Reply {
  const sl = getList(c, src);
  if (sl === null) return null;
  let dl = getList(c, dst);
  const v = (from === HEAD ? sl.popFront() : sl.popBack()) as string;
  if (dl === null) {
    dl = new ListObject();
    c.db.add(dst, dl);
  }
  if (to === HEAD) dl.pushFront(v);
  else dl.pushBack(v);
  touched(c.db, dst);
  // Redis's order: the push, then the pop, then the source's deletion.
  keyspaceEvent(c, NOTIFY.LIST, to === HEAD ? 'lpush' : 'rpush', dst);
  keyspaceEvent(c, NOTIFY.LIST, from === HEAD ? 'lpop' : 'rpop', src);
  if (sl !== dl) afterRemove(c, src, sl);
  return v;
}

function lmoveCommand(c: Client, argv: string[]): Reply {
  const from = position(argv[3] as string);
  const to = position(argv[4] as string);
  return lmoveGeneric(c, argv[1] as string, argv[2] as string, from, to);
}

function rpoplpushCommand(c: Client, argv: string[]): Reply {
  return lmoveGeneric(c, argv[1] as string, argv[2] as string, TAIL, HEAD);
}

/** LMPOP/BLMPOP arguments from `numkeysIdx` on (lmpopGenericCommand). */
function mpopArgs(
  argv: readonly string[],
  numkeysIdx: number,
): { keys: string[]; where: Where; count: number } {
  const numkeys = rangeLong(argv[numkeysIdx] as string, 1n, LONG_MAX, LIST_ERR.numkeys);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw ERR.syntax;
  const where = position(argv[whereIdx] as string);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && optionWord(argv[j] as string) === 'count' && j < argv.length - 1) {
      count = rangeLong(argv[++j] as string, 1n, LONG_MAX, LIST_ERR.countPositive);
    } else {
      throw ERR.syntax;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where, count: count === -1 ? 1 : count };
}

function lmpopCommand(c: Client, argv: string[]): Reply {
  const { keys, where, count } = mpopArgs(argv, 1);
  for (const key of keys) {
    const l = getList(c, key);
    if (l === null || l.length === 0) continue;
    const out = popRange(l, where, count);
    afterPop(c, key, l, where);
    rewriteCommand(c, [popName(where), key, String(out.length)]);
    return [key, out];
  }
  return NULL_ARRAY;
}

// ---- blocking commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP ----
//
// Each tries to act at once like its non-blocking form; otherwise it blocks the
// client on its keys (src/core/blocking.ts) with a `serve` callback that does
// the same work when a key is written, or, inside EXEC, answers nil at once.

export const listBlockingCommands = [
  {
    name: 'blpop',
    group: 'list',
    summary: 'Remove and get the first element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [-2, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'timeout', type: 'double' },
    ],
    handler: (c, argv) => blockingPopGeneric(c, argv.slice(1, -1), HEAD, argv[argv.length - 1] as string, -1),
  },
  {
    name: 'brpop',
    group: 'list',
    summary: 'Remove and get the last element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [-2, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'timeout', type: 'double' },
    ],
    handler: (c, argv) => blockingPopGeneric(c, argv.slice(1, -1), TAIL, argv[argv.length - 1] as string, -1),
  },
  {
    name: 'blmove',
    group: 'list',
    summary:
      'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      {
        name: 'wherefrom',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      {
        name: 'whereto',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      { name: 'timeout', type: 'double' },
    ],
    handler: blmoveCommand,
  },
  {
    name: 'brpoplpush',
    group: 'list',
    summary:
      'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'timeout', type: 'double' },
    ],
    handler: (c, argv) =>
      blmoveGeneric(
        c,
        argv[1] as string,
        argv[2] as string,
        TAIL,
        HEAD,
        parseBlockTimeout(argv[3] as string),
        ['RPOPLPUSH', argv[1] as string, argv[2] as string],
      ),
  },
  {
    name: 'blmpop',
    group: 'list',
    summary: 'Pop elements from a list, or block until one is available',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['list'],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 2 }, find: { keynum: [0, 1, 1] } }],
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: (c, argv) => {
      const { keys, where, count } = mpopArgs(argv, 2);
      return blockingPopGeneric(c, keys, where, argv[1] as string, count);
    },
  },
] as const satisfies readonly CommandSpec[];

/** The list to serve a blocked client from, or undefined when `key` holds none (keep waiting). */
function readyList(c: Client, key: string): ListObject | undefined {
  const v = c.db.get(key);
  return v instanceof ListObject ? v : undefined;
}

/** One element as [key, element] (BLPOP, BRPOP: `count` -1), or up to `count` as [key, [elements]] (BLMPOP). */
function blockingPop(c: Client, key: string, l: ListObject, where: Where, count: number): Reply {
  if (count === -1) {
    const v = (where === HEAD ? l.popFront() : l.popBack()) as string;
    afterPop(c, key, l, where);
    rewriteCommand(c, [popName(where), key]);
    return [key, v];
  }
  const out = popRange(l, where, count);
  afterPop(c, key, l, where);
  rewriteCommand(c, [popName(where), key, String(out.length)]);
  return [key, out];
}

/** LMPOP and the blocking pops are recorded as LPOP/RPOP (with the count popped for the *MPOP forms). */
const popName = (where: Where): string => (where === HEAD ? 'LPOP' : 'RPOP');

/** Redis's blockingPopGenericCommand: the timeout is checked first, then each key in order (WRONGTYPE stops). */
function blockingPopGeneric(
  c: Client,
  keys: string[],
  where: Where,
  timeoutArg: string,
  count: number,
): Reply {
  const timeout = parseBlockTimeout(timeoutArg);
  for (const key of keys) {
    const l = getList(c, key);
    if (l !== null) return blockingPop(c, key, l, where, count);
  }
  const blocked = c.server.blocking.block(c, {
    keys,
    timeout,
    serve: (rc, key) => {
      const l = readyList(rc, key);
      return l === undefined ? undefined : blockingPop(rc, key, l, where, count);
    },
  });
  return blocked ? NO_REPLY : NULL_ARRAY;
}

function blmoveCommand(c: Client, argv: string[]): Reply {
  const from = position(argv[3] as string);
  const to = position(argv[4] as string);
  const timeout = parseBlockTimeout(argv[5] as string);
  const record = ['LMOVE', argv[1] as string, argv[2] as string, argv[3] as string, argv[4] as string];
  return blmoveGeneric(c, argv[1] as string, argv[2] as string, from, to, timeout, record);
}

/** Redis's blmoveGenericCommand: LMOVE when the source has elements, else block on it (nil inside EXEC). */
function blmoveGeneric(
  c: Client,
  src: string,
  dst: string,
  from: Where,
  to: Where,
  timeout: bigint,
  /** What is recorded (AOF): the non-blocking form. */
  record: readonly string[],
): Reply {
  const move = (rc: Client): Reply => {
    rewriteCommand(rc, record);
    return lmoveGeneric(rc, src, dst, from, to);
  };
  if (getList(c, src) !== null) return move(c);
  const blocked = c.server.blocking.block(c, {
    keys: [src],
    timeout,
    // A destination of another type ends the wait with WRONGTYPE, as in Redis.
    serve: (rc) => (readyList(rc, src) === undefined ? undefined : move(rc)),
  });
  return blocked ? NO_REPLY : null;
}

/**
 * SORT and SORT_RO (Redis 7.0 group "generic", sort.c): sort a list, set or
 * sorted set numerically or lexicographically (ALPHA), by the element itself
 * or by weights looked up through a BY pattern (`weight_*`, `hash_*->field`),
 * optionally skipping the sort (`BY nosort`), returning elements or GET
 * patterns (`#` is the element), with LIMIT, ASC|DESC, and STORE into a list.
 *
 * Exactly as Redis:
 * - weights are read with C `strtod` on the C string ("12abc" fails, "" is 0,
 *   bytes after a NUL are ignored); any failure gives "One or more scores
 *   can't be converted into double" once the whole vector is read. One
 *   deliberate difference: Redis tests `errno == ERANGE` without clearing
 *   errno, so after one weight overflows, every later numeric SORT of that
 *   process fails until something else resets errno; here each weight is
 *   judged by its own parse;
 * - equal numeric weights are ordered by the elements' bytes; ALPHA compares
 *   as `strcoll` does in the C and C.UTF-8 locales (byte order up to the
 *   first NUL) unless STORE is given, which compares whole binary strings.
 *   Redis collates in the LC_COLLATE of its environment, so under another
 *   locale (en_US.UTF-8...) its ALPHA order differs: Redoubt always uses C's;
 * - a full sort is stable (glibc's merge sort), a BY sort with LIMIT uses
 *   Redis's partial quicksort (src/util/pqsort.ts), which decides the order of
 *   equal weights;
 * - BY and GET patterns need access to every key: a user whose selectors do
 *   not grant it is refused with Redis's "denied due to insufficient ACL
 *   permissions" errors (there is no cluster mode, so no slot rule);
 * - SORT converts a listpack sorted set to a skiplist (OBJECT ENCODING says so
 *   afterwards), as Redis's zsetConvert does.
 *
 * SORT's key specs are incomplete ("unknown" for BY/GET and STORE), so key
 * extraction uses `sortGetKeys`, Redis's function of the same name: the sorted
 * key and the last STORE key.
 */
import { allowsOnEveryKey } from '../acl/check.js';
import { KEY_READ } from '../acl/rules.js';
import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import type { Reply } from '../protocol/reply.js';
import { type Database, NONE } from '../store/database.js';
import { HashObject } from '../store/types/hash.js';
import { ListObject } from '../store/types/list.js';
import { strtod } from '../store/types/score.js';
import { SetObject } from '../store/types/set.js';
import { ZSetObject } from '../store/types/zset.js';
import { pqsort } from '../util/pqsort.js';
import { optionWord } from '../util/words.js';
import { longArg } from './collections.js';
import { cString, ERR, SORT_ERR } from './errors.js';
import type { ArgSpec, CommandSpec, KeyRef, KeySpecFlag } from './spec.js';

const SORT_SUMMARY_COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

const BY_GET_KEYSPEC = {
  notes:
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  begin: 'unknown',
  find: 'unknown',
} as const;

const SORT_ARGS: readonly ArgSpec[] = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'pattern', type: 'pattern', key_spec_index: 1, token: 'BY', flags: ['optional'] },
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
  {
    name: 'pattern',
    type: 'pattern',
    key_spec_index: 1,
    token: 'GET',
    flags: ['optional', 'multiple', 'multiple_token'],
  },
  {
    name: 'order',
    type: 'oneof',
    flags: ['optional'],
    arguments: [
      { name: 'asc', type: 'pure-token', token: 'ASC' },
      { name: 'desc', type: 'pure-token', token: 'DESC' },
    ],
  },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', flags: ['optional'] },
];

export const sortCommands = [
  {
    name: 'sort',
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    complexity: SORT_SUMMARY_COMPLEXITY,
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      BY_GET_KEYSPEC,
      {
        notes:
          "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
        flags: ['OW', 'update'],
        begin: 'unknown',
        find: 'unknown',
      },
    ],
    args: [
      ...SORT_ARGS,
      { name: 'destination', type: 'key', key_spec_index: 2, token: 'STORE', flags: ['optional'] },
    ],
    handler: sortCommand,
    getKeys: sortGetKeys,
  },
  {
    name: 'sort_ro',
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    complexity: SORT_SUMMARY_COMPLEXITY,
    arity: -2,
    flags: ['readonly'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }, BY_GET_KEYSPEC],
    args: SORT_ARGS,
    handler: sortRoCommand,
    getKeys: sortRoGetKeys,
  },
] as const satisfies readonly CommandSpec[];

// ---- key extraction ----

const SORT_KEY_FLAGS: readonly KeySpecFlag[] = ['RO', 'access'];
const STORE_KEY_FLAGS: readonly KeySpecFlag[] = ['OW', 'update'];

/**
 * Redis's `sortGetKeys`: the sorted key, plus the key after the last STORE.
 * Unknown words are taken as options without arguments; LIMIT skips two
 * words, GET and BY one, as SORT parses them.
 */
export function sortGetKeys(argv: readonly string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: SORT_KEY_FLAGS }];
  let store: KeyRef | undefined;
  for (let i = 2; i < argv.length; i++) {
    const w = optionWord(argv[i] as string);
    if (w === 'limit') i += 2;
    else if (w === 'get' || w === 'by') i += 1;
    else if (w === 'store' && i + 1 < argv.length) store = { pos: i + 1, flags: STORE_KEY_FLAGS };
  }
  if (store !== undefined) keys.push(store);
  return keys;
}

/** Redis's `sortROGetKeys`: only the sorted key. */
export function sortRoGetKeys(): KeyRef[] {
  return [{ pos: 1, flags: SORT_KEY_FLAGS }];
}

// ---- ACL: BY and GET need access to every key ----

/** May the client's user read every key with this command (Redis's user_has_full_key_access)? */
function hasFullKeyAccess(c: Client, argv: readonly string[], readonly: boolean): boolean {
  const cmd = c.server.commands.byName(readonly ? 'sort_ro' : 'sort');
  return cmd !== undefined && allowsOnEveryKey(c.aclUser, cmd, argv, KEY_READ);
}

// ---- patterns ----

/** `strchr(pattern, '*')` on the C string. */
function hasStar(pattern: string): boolean {
  return cString(pattern).includes('*');
}

/**
 * `lookupKeyByPattern`: "#" is the element itself; otherwise the first '*' is
 * replaced by the element and the key looked up (a string value), or with
 * "->field" after the '*', the field of a hash. Null when there is nothing to
 * read. The '*', '->' and '#' tests stop at a NUL byte as in C; the key and
 * field names keep every byte.
 */
function lookupKeyByPattern(db: Database, pattern: string, subst: string): string | null {
  if (pattern.charCodeAt(0) === 35 /* # */ && (pattern.length === 1 || pattern.charCodeAt(1) === 0))
    return subst;
  const nul = pattern.indexOf('\0');
  const cEnd = nul === -1 ? pattern.length : nul;
  const p = pattern.indexOf('*');
  if (p === -1 || p >= cEnd) return null;
  const f = pattern.indexOf('->', p + 1);
  let field: string | null = null;
  let fieldlen = 0;
  if (f !== -1 && f + 2 < cEnd) {
    fieldlen = pattern.length - f - 2;
    field = pattern.slice(f + 2);
  }
  const postfixlen = pattern.length - (p + 1) - (fieldlen !== 0 ? fieldlen + 2 : 0);
  const key = pattern.slice(0, p) + subst + pattern.slice(p + 1, p + 1 + postfixlen);
  const slot = db.lookupRead(key);
  if (slot === NONE) return null;
  if (field !== null) {
    const v = db.value(slot);
    if (!(v instanceof HashObject)) return null;
    return v.dict.get(field) ?? null;
  }
  if (!db.isStringAt(slot)) return null;
  return db.value(slot) as string;
}

// ---- the sort ----

/** One element to sort (redisSortObject): the element, and its numeric weight or compare string. */
interface SortItem {
  obj: string;
  score: number;
  cmpobj: string | null;
}

/** `compareStringObjects`: binary comparison of whole strings. */
function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `strcoll` in the C / C.UTF-8 locale: `strcmp`, which stops at a NUL byte. */
function collate(a: string, b: string): number {
  return binaryCompare(cString(a), cString(b));
}

/** C `strtod` of the C string, as SORT reads weights: undefined when it fails. */
function weightOf(s: string): number | undefined {
  const r = strtod(s);
  if (r.end < s.length && s.charCodeAt(r.end) !== 0) return undefined;
  if (r.erange || Number.isNaN(r.value)) return undefined;
  return r.value;
}

/** The elements of the sorted value, in its native order (a set's iteration order). */
function loadAll(v: ListObject | SetObject | ZSetObject): string[] {
  if (v instanceof ListObject) return v.range(0, v.length - 1);
  if (v instanceof SetObject) return v.members();
  const out: string[] = [];
  v.tree.forEach((_s, e) => {
    out.push(e);
  });
  return out;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): Reply {
  const db = c.db;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  let fullAccess: boolean | undefined;
  const mayReadAnyKey = (): boolean => {
    fullAccess ??= hasFullKeyAccess(c, argv, readonly);
    return fullAccess;
  };
  for (let j = 2; j < argv.length; j++) {
    const leftargs = argv.length - j - 1;
    const opt = optionWord(argv[j] as string);
    if (opt === 'asc') desc = false;
    else if (opt === 'desc') desc = true;
    else if (opt === 'alpha') alpha = true;
    else if (opt === 'limit' && leftargs >= 2) {
      limitStart = longArg(argv[j + 1] as string);
      limitCount = longArg(argv[j + 2] as string);
      j += 2;
    } else if (!readonly && opt === 'store' && leftargs >= 1) {
      storekey = argv[j + 1] as string;
      j++;
    } else if (opt === 'by' && leftargs >= 1) {
      sortby = argv[j + 1] as string;
      // A pattern without '*' is constant: nothing to sort by.
      if (!hasStar(sortby)) dontsort = true;
      else if (!mayReadAnyKey()) throw SORT_ERR.byDenied;
      j++;
    } else if (opt === 'get' && leftargs >= 1) {
      if (!mayReadAnyKey()) throw SORT_ERR.getDenied;
      gets.push(argv[j + 1] as string);
      j++;
    } else {
      throw ERR.syntax;
    }
  }

  const key = argv[1] as string;
  const slot = db.lookupRead(key);
  let sortval: ListObject | SetObject | ZSetObject;
  if (slot === NONE) {
    sortval = new ListObject();
  } else {
    const v = db.isStringAt(slot) ? null : db.value(slot);
    if (!(v instanceof ListObject || v instanceof SetObject || v instanceof ZSetObject)) throw ERR.wrongType;
    sortval = v;
  }
  // A set has no order of its own: when storing, sort it alphabetically so the result is deterministic.
  // (Redis does the same inside scripts.)
  if (dontsort && sortval instanceof SetObject && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // zsetConvert(sortval, OBJ_ENCODING_SKIPLIST).
  if (sortval instanceof ZSetObject) sortval.listpack = false;

  const total = sortval instanceof ListObject ? sortval.length : sortval.size;
  let start = Math.min(Math.max(limitStart, 0), total);
  const count = Math.min(Math.max(limitCount, -1), total);
  let end = count < 0 ? total - 1 : start + count - 1;
  if (start >= total) {
    start = total - 1;
    end = total - 2;
  }
  if (end >= total) end = total - 1;

  let elements: string[];
  if (dontsort && !(sortval instanceof SetObject)) {
    // Lists and sorted sets are ordered already: load just the range.
    const ranged = start !== 0 || end !== total - 1;
    const n = ranged ? end - start + 1 : total;
    elements = [];
    if (sortval instanceof ListObject) {
      if (end >= start) {
        for (let k = 0; k < n; k++) elements.push(sortval.at(desc ? total - start - 1 - k : start + k));
        end -= start;
        start = 0;
      }
    } else {
      const cur = sortval.tree.at(desc ? total - start : start + 1);
      for (let k = 0; k < n && cur.valid; k++) {
        elements.push(cur.ele);
        if (desc) cur.prev();
        else cur.next();
      }
      end -= start;
      start = 0;
    }
  } else {
    elements = loadAll(sortval);
  }

  const vector: SortItem[] = elements.map((obj) => ({ obj, score: 0, cmpobj: null }));
  let conversionError = false;
  if (!dontsort) {
    for (const item of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupKeyByPattern(db, sortby, item.obj);
        if (byval === null) continue;
      } else {
        byval = item.obj;
      }
      if (alpha) {
        if (sortby !== null) item.cmpobj = byval;
      } else {
        const w = weightOf(byval);
        if (w === undefined) conversionError = true;
        else item.score = w;
      }
    }
    const bypattern = sortby !== null;
    const store = storekey !== null;
    const cmp = (a: SortItem, b: SortItem): number => {
      let r: number;
      if (!alpha) {
        r = a.score > b.score ? 1 : a.score < b.score ? -1 : binaryCompare(a.obj, b.obj);
      } else if (bypattern) {
        if (a.cmpobj === null || b.cmpobj === null)
          r = a.cmpobj === b.cmpobj ? 0 : a.cmpobj === null ? -1 : 1;
        else r = store ? binaryCompare(a.cmpobj, b.cmpobj) : collate(a.cmpobj, b.cmpobj);
      } else {
        r = store ? binaryCompare(a.obj, b.obj) : collate(a.obj, b.obj);
      }
      return desc ? -r : r;
    };
    if (bypattern && (start !== 0 || end !== vector.length - 1)) pqsort(vector, cmp, start, end);
    else vector.sort(cmp);
  }

  const span = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * span : span;
  if (conversionError) throw SORT_ERR.notDouble;
  if (storekey === null) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      const obj = (vector[j] as SortItem).obj;
      if (gets.length === 0) out.push(obj);
      for (const pattern of gets) out.push(lookupKeyByPattern(db, pattern, obj));
    }
    return out;
  }
  const result = new ListObject();
  for (let j = start; j <= end; j++) {
    const obj = (vector[j] as SortItem).obj;
    if (gets.length === 0) result.pushBack(obj);
    else for (const pattern of gets) result.pushBack(lookupKeyByPattern(db, pattern, obj) ?? '');
  }
  if (outputlen > 0) {
    db.set(storekey, result);
    keyspaceEvent(c, NOTIFY.LIST, 'sortstore', storekey);
  } else if (db.delete(storekey)) {
    keyspaceEvent(c, NOTIFY.GENERIC, 'del', storekey);
  }
  return outputlen;
}

function sortCommand(c: Client, argv: string[]): Reply {
  return sortGeneric(c, argv, false);
}

function sortRoCommand(c: Client, argv: string[]): Reply {
  return sortGeneric(c, argv, true);
}

/**
 * Geo commands (Redis 7.0 group "geo"): GEOADD, GEOPOS, GEODIST, GEOHASH,
 * GEOSEARCH, GEOSEARCHSTORE and the deprecated GEORADIUS family, which Redis
 * still serves. A geo index is a sorted set whose scores are 52-bit geohashes
 * (src/util/geohash.ts holds the arithmetic, ported from Redis so scores,
 * coordinates, distances and searched cells are the same doubles).
 *
 * Replies are formatted as Redis does: distances with `%.4f`, coordinates as
 * `addReplyHumanLongDouble` (`%.17Lf` trimmed; a RESP3 double), results sorted
 * with a stable sort, or Redis's partial quicksort when COUNT cuts them short
 * (which of equally distant members are returned depends on it).
 */

import type { Client } from '../core/client.js';
import { keyspaceEvent, NOTIFY } from '../core/notify.js';
import { rewriteCommand } from '../persistence/aof/propagation.js';
import { NULL_ARRAY, RawReply, type Reply } from '../protocol/reply.js';
import { parseScore } from '../store/types/score.js';
import { ZSetObject } from '../store/types/zset.js';
import { formatFixed, formatHumanDouble } from '../util/format-fixed.js';
import {
  decodeScore,
  distance,
  distanceIfInRectangle,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  geohashString,
  type HashBits,
  type Shape,
  sameCell,
  scoreOf,
  scoreRangeOf,
  searchCells,
} from '../util/geohash.js';
import { parseInt64Number } from '../util/number.js';
import { pqsort } from '../util/pqsort.js';
import { optionWord } from '../util/words.js';
import { limits, readObj, touched } from './collections.js';
import {
  ERR,
  GEO_ERR,
  geoExactlyOneBy,
  geoExactlyOneFrom,
  geoInvalidLonLat,
  geoStoreIncompatible,
} from './errors.js';
import type { ArgSpec, CommandSpec } from './spec.js';

const UNIT: ArgSpec = {
  name: 'unit',
  type: 'oneof',
  arguments: [
    { name: 'm', type: 'pure-token', token: 'M' },
    { name: 'km', type: 'pure-token', token: 'KM' },
    { name: 'ft', type: 'pure-token', token: 'FT' },
    { name: 'mi', type: 'pure-token', token: 'MI' },
  ],
};

const FROM: ArgSpec = {
  name: 'from',
  type: 'oneof',
  arguments: [
    { name: 'member', type: 'string', token: 'FROMMEMBER' },
    {
      name: 'longitude_latitude',
      type: 'block',
      token: 'FROMLONLAT',
      arguments: [
        { name: 'longitude', type: 'double' },
        { name: 'latitude', type: 'double' },
      ],
    },
  ],
};

const BY: ArgSpec = {
  name: 'by',
  type: 'oneof',
  arguments: [
    {
      name: 'circle',
      type: 'block',
      arguments: [{ name: 'radius', type: 'double', token: 'BYRADIUS' }, UNIT],
    },
    {
      name: 'box',
      type: 'block',
      arguments: [
        { name: 'width', type: 'double', token: 'BYBOX' },
        { name: 'height', type: 'double' },
        UNIT,
      ],
    },
  ],
};

const ORDER: ArgSpec = {
  name: 'order',
  type: 'oneof',
  flags: ['optional'],
  arguments: [
    { name: 'asc', type: 'pure-token', token: 'ASC' },
    { name: 'desc', type: 'pure-token', token: 'DESC' },
  ],
};

const COUNT: ArgSpec = {
  name: 'count',
  type: 'block',
  flags: ['optional'],
  arguments: [
    { name: 'count', type: 'integer', token: 'COUNT' },
    { name: 'any', type: 'pure-token', token: 'ANY', flags: ['optional'] },
  ],
};

/** COUNT with ANY documented as added in 6.2.0 (GEORADIUS, GEORADIUS_RO). */
const COUNT_ANY_SINCE: ArgSpec = {
  name: 'count',
  type: 'block',
  flags: ['optional'],
  arguments: [
    { name: 'count', type: 'integer', token: 'COUNT' },
    { name: 'any', type: 'pure-token', token: 'ANY', since: '6.2.0', flags: ['optional'] },
  ],
};

const WITH: readonly ArgSpec[] = [
  { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] },
  { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] },
  { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] },
];

const STORE_ARGS: readonly ArgSpec[] = [
  { name: 'key', type: 'key', key_spec_index: 1, token: 'STORE', flags: ['optional'] },
  { name: 'key', type: 'key', key_spec_index: 2, token: 'STOREDIST', flags: ['optional'] },
];

const RADIUS_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const SEARCH_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';

export const geoCommands = [
  {
    name: 'geoadd',
    group: 'geo',
    summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set',
    since: '3.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [['6.2.0', 'Added the `CH`, `NX` and `XX` options.']],
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'condition',
        type: 'oneof',
        since: '6.2.0',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      { name: 'change', type: 'pure-token', token: 'CH', since: '6.2.0', flags: ['optional'] },
      {
        name: 'longitude_latitude_member',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'longitude', type: 'double' },
          { name: 'latitude', type: 'double' },
          { name: 'member', type: 'string' },
        ],
      },
    ],
    handler: geoaddCommand,
  },
  {
    name: 'geopos',
    group: 'geo',
    summary: 'Returns longitude and latitude of members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(N) where N is the number of members requested.',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: geoposCommand,
  },
  {
    name: 'geodist',
    group: 'geo',
    summary: 'Returns the distance between two members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(log(N))',
    arity: -4,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member1', type: 'string' },
      { name: 'member2', type: 'string' },
      { ...UNIT, flags: ['optional'] },
    ],
    handler: geodistCommand,
  },
  {
    name: 'geohash',
    group: 'geo',
    summary: 'Returns members of a geospatial index as standard geohash strings',
    since: '3.2.0',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string', flags: ['multiple'] },
    ],
    handler: geohashCommand,
  },
  {
    name: 'geosearch',
    group: 'geo',
    summary:
      'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    arity: -7,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }, FROM, BY, ORDER, COUNT, ...WITH],
    handler: geosearchCommand,
  },
  {
    name: 'geosearchstore',
    group: 'geo',
    summary:
      'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    arity: -8,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'source', type: 'key', key_spec_index: 1 },
      FROM,
      BY,
      ORDER,
      COUNT,
      { name: 'storedist', type: 'pure-token', token: 'STOREDIST', flags: ['optional'] },
    ],
    handler: geosearchstoreCommand,
  },
  {
    name: 'georadius',
    group: 'geo',
    summary:
      'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument',
    history: [
      ['6.2.0', 'Added the `ANY` option for `COUNT`.'],
      ['7.0.0', 'Added support for uppercase unit names.'],
    ],
    arity: -6,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'update'], begin: { keyword: 'STORE', startfrom: 6 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'update'], begin: { keyword: 'STOREDIST', startfrom: 6 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'longitude', type: 'double' },
      { name: 'latitude', type: 'double' },
      { name: 'radius', type: 'double' },
      UNIT,
      ...WITH,
      COUNT_ANY_SINCE,
      ORDER,
      ...STORE_ARGS,
    ],
    handler: georadiusCommand,
  },
  {
    name: 'georadiusbymember',
    group: 'geo',
    summary:
      'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments',
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'update'], begin: { keyword: 'STORE', startfrom: 5 }, find: { range: [0, 1, 0] } },
      { flags: ['OW', 'update'], begin: { keyword: 'STOREDIST', startfrom: 5 }, find: { range: [0, 1, 0] } },
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
      { name: 'radius', type: 'double' },
      UNIT,
      ...WITH,
      COUNT,
      ORDER,
      ...STORE_ARGS,
    ],
    handler: georadiusbymemberCommand,
  },
  {
    name: 'georadius_ro',
    group: 'geo',
    summary: 'A read-only variant for GEORADIUS',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument',
    history: [['6.2.0', 'Added the `ANY` option for `COUNT`.']],
    arity: -6,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'longitude', type: 'double' },
      { name: 'latitude', type: 'double' },
      { name: 'radius', type: 'double' },
      UNIT,
      ...WITH,
      COUNT_ANY_SINCE,
      ORDER,
    ],
    handler: georadiusRoCommand,
  },
  {
    name: 'georadiusbymember_ro',
    group: 'geo',
    summary: 'A read-only variant for GEORADIUSBYMEMBER',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments',
    arity: -5,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'member', type: 'string' },
      { name: 'radius', type: 'double' },
      UNIT,
      ...WITH,
      COUNT,
      ORDER,
    ],
    handler: georadiusbymemberRoCommand,
  },
] as const satisfies readonly CommandSpec[];

// ---- argument helpers ----

/** `extractLongLatOrReply`: two doubles, then the valid range. */
function extractLongLat(argv: readonly string[], i: number): [number, number] {
  const lon = parseScore(argv[i] as string);
  if (lon === undefined) throw ERR.notFloat;
  const lat = parseScore(argv[i + 1] as string);
  if (lat === undefined) throw ERR.notFloat;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX)
    throw geoInvalidLonLat(formatFixed(lon, 6), formatFixed(lat, 6));
  return [lon, lat];
}

/** `extractUnitOrReply`: meters per unit. */
function extractUnit(s: string): number {
  switch (optionWord(s)) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      throw GEO_ERR.unsupportedUnit;
  }
}

/** `extractDistanceOrReply`: [radius, meters per unit]. */
function extractDistance(argv: readonly string[], i: number): [number, number] {
  const d = parseScore(argv[i] as string);
  if (d === undefined) throw GEO_ERR.needNumericRadius;
  if (d < 0) throw GEO_ERR.radiusNegative;
  return [d, extractUnit(argv[i + 1] as string)];
}

/** `extractBoxOrReply`: [width, height, meters per unit]. */
function extractBox(argv: readonly string[], i: number): [number, number, number] {
  const w = parseScore(argv[i] as string);
  if (w === undefined) throw GEO_ERR.needNumericWidth;
  const h = parseScore(argv[i + 1] as string);
  if (h === undefined) throw GEO_ERR.needNumericHeight;
  if (h < 0 || w < 0) throw GEO_ERR.boxNegative;
  return [w, h, extractUnit(argv[i + 2] as string)];
}

/** `longLatFromMember`: the position of a member, or undefined when absent. */
function memberPosition(z: ZSetObject, member: string): [number, number] | undefined {
  const score = z.score(member);
  return score === undefined ? undefined : decodeScore(score);
}

/** `addReplyHumanLongDouble`: a bulk string in RESP2, a double in RESP3. */
function humanDouble(c: Client, x: number): Reply {
  const text = formatHumanDouble(x);
  return c.resp === 3 ? new RawReply(`,${text}\r\n`) : text;
}

/** `addReplyDoubleDistance`: `%.4f` as a bulk string. */
const distanceReply = (d: number): string => formatFixed(d, 4);

// ---- GEOADD, GEOPOS, GEODIST, GEOHASH ----

/** GEOADD: ZADD of the encoded positions (Redis rewrites the command into ZADD with NX/XX/CH). */
function geoaddCommand(c: Client, argv: string[]): Reply {
  let xx = false;
  let nx = false;
  let ch = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const opt = optionWord(argv[longidx] as string);
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'ch') ch = true;
    else break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) throw ERR.syntax;
  const elements = (argv.length - longidx) / 3;
  const scores: number[] = new Array(elements);
  for (let i = 0; i < elements; i++) {
    const [lon, lat] = extractLongLat(argv, longidx + i * 3);
    scores[i] = scoreOf(lon, lat);
  }
  // From here on this is zaddGenericCommand with the rewritten arguments.
  if (elements === 0) throw ERR.syntax;
  const key = argv[1] as string;
  let z = c.db.getObject(key, ZSetObject);
  const lim = limits(c);
  if (z === null) {
    if (xx) return 0;
    z = ZSetObject.create((argv[longidx + 2] as string).length, lim);
    c.db.add(key, z);
  }
  let added = 0;
  let updated = 0;
  for (let i = 0; i < elements; i++) {
    const member = argv[longidx + i * 3 + 2] as string;
    const score = scores[i] as number;
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (score !== cur) {
        z.update(member, cur, score);
        updated++;
      }
    } else if (!xx) {
      z.insert(score, member, lim);
      added++;
    }
  }
  if (added + updated > 0) {
    touched(c.db, key);
    keyspaceEvent(c, NOTIFY.ZSET, 'zadd', key);
    // Recorded as the ZADD Redis rewrites GEOADD into (options kept, scores as integers).
    const record = ['zadd', ...argv.slice(1, longidx)];
    for (let i = 0; i < elements; i++) record.push(String(scores[i]), argv[longidx + i * 3 + 2] as string);
    rewriteCommand(c, record);
  }
  return ch ? added + updated : added;
}

function geoposCommand(c: Client, argv: string[]): Reply {
  const z = readObj(c.db, argv[1] as string, ZSetObject);
  const out: Reply[] = new Array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const pos = z === null ? undefined : memberPosition(z, argv[j] as string);
    out[j - 2] = pos === undefined ? NULL_ARRAY : [humanDouble(c, pos[0]), humanDouble(c, pos[1])];
  }
  return out;
}

function geodistCommand(c: Client, argv: string[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) toMeter = extractUnit(argv[4] as string);
  else if (argv.length > 5) throw ERR.syntax;
  const z = readObj(c.db, argv[1] as string, ZSetObject);
  if (z === null) return null;
  const a = memberPosition(z, argv[2] as string);
  const b = memberPosition(z, argv[3] as string);
  if (a === undefined || b === undefined) return null;
  return distanceReply(distance(a[0], a[1], b[0], b[1]) / toMeter);
}

function geohashCommand(c: Client, argv: string[]): Reply {
  const z = readObj(c.db, argv[1] as string, ZSetObject);
  const out: Reply[] = new Array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j] as string);
    out[j - 2] = score === undefined ? null : geohashString(score);
  }
  return out;
}

// ---- searches ----

const RADIUS_COORDS = 1 << 0;
const RADIUS_MEMBER = 1 << 1;
const RADIUS_NOSTORE = 1 << 2;
const GEOSEARCH = 1 << 3;
const GEOSEARCHSTORE = 1 << 4;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

/** A member found by a search (Redis's geoPoint). */
interface GeoPoint {
  longitude: number;
  latitude: number;
  dist: number;
  score: number;
  member: string;
}

/**
 * `geoAppendIfWithinShape` for every member of the cell's score range
 * (`geoGetPointsInRange`), stopping at `limit` results (ANY) when non-zero.
 */
function pointsInCell(z: ZSetObject, cell: HashBits, s: Shape, out: GeoPoint[], limit: number): void {
  const [min, max] = scoreRangeOf(cell);
  const cur = z.tree.lowerBound((score) => score >= min);
  const radius = s.radius * s.conversion;
  const width = s.width * s.conversion;
  const height = s.height * s.conversion;
  for (; cur.valid && cur.score < max; cur.next()) {
    const score = cur.score;
    const [lon, lat] = decodeScore(score);
    let dist: number;
    if (s.circle) {
      dist = distance(s.lon, s.lat, lon, lat);
      if (dist > radius) continue;
    } else {
      dist = distanceIfInRectangle(width, height, s.lon, s.lat, lon, lat);
      if (dist < 0) continue;
    }
    out.push({ longitude: lon, latitude: lat, dist, score, member: cur.ele });
    if (limit !== 0 && out.length >= limit) break;
  }
}

/** `membersOfAllNeighbors`: the centre cell and its neighbours, skipping a repeat of the previous cell. */
function membersOfAllNeighbors(z: ZSetObject, s: Shape, limit: number): GeoPoint[] {
  const cells = searchCells(s);
  const out: GeoPoint[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined) continue;
    // Redis compares with the previous cell only once one was processed past the centre.
    const prev = cells[lastProcessed];
    if (lastProcessed !== 0 && prev !== null && prev !== undefined && sameCell(cell, prev)) continue;
    if (out.length > 0 && limit !== 0 && out.length >= limit) break;
    pointsInCell(z, cell, s, out, limit);
    lastProcessed = i;
  }
  return out;
}

const ascending = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const descending = (a: GeoPoint, b: GeoPoint): number => -ascending(a, b);

/**
 * `georadiusGeneric`: GEORADIUS[BYMEMBER][_RO], GEOSEARCH and GEOSEARCHSTORE.
 * Arguments are checked in Redis's order (source type, centre, options,
 * option conflicts) before the source is searched.
 */
function georadiusGeneric(c: Client, argv: string[], srcKeyIndex: number, flags: number): Reply {
  const z = readObj(c.db, argv[srcKeyIndex] as string, ZSetObject);
  const shape: Shape = { circle: true, lon: 0, lat: 0, conversion: 0, radius: 0, width: 0, height: 0 };
  let storekey: string | null = null;
  let storedist = false;
  let baseArgs: number;
  if ((flags & RADIUS_COORDS) !== 0) {
    baseArgs = 6;
    [shape.lon, shape.lat] = extractLongLat(argv, 2);
    [shape.radius, shape.conversion] = extractDistance(argv, baseArgs - 2);
  } else if ((flags & RADIUS_MEMBER) !== 0 && z === null) {
    // No source key: parse the options anyway to know which empty reply to give.
    baseArgs = 5;
  } else if ((flags & RADIUS_MEMBER) !== 0) {
    baseArgs = 5;
    const pos = memberPosition(z as ZSetObject, argv[2] as string);
    if (pos === undefined) throw GEO_ERR.decodeMember;
    [shape.lon, shape.lat] = pos;
    [shape.radius, shape.conversion] = extractDistance(argv, baseArgs - 2);
  } else {
    baseArgs = 2;
    if ((flags & GEOSEARCHSTORE) !== 0) {
      baseArgs = 3;
      storekey = argv[1] as string;
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const search = (flags & GEOSEARCH) !== 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = optionWord(argv[at] as string);
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = SORT_ASC;
    else if (arg === 'desc') sort = SORT_DESC;
    else if (arg === 'count' && i + 1 < remaining) {
      const v = parseInt64Number(argv[at + 1] as string);
      if (v === undefined) throw ERR.notInteger;
      if (v <= 0) throw GEO_ERR.countPositive;
      count = v;
      i++;
    } else if (arg === 'store' && i + 1 < remaining && (flags & RADIUS_NOSTORE) === 0 && !search) {
      storekey = argv[at + 1] as string;
      storedist = false;
      i++;
    } else if (arg === 'storedist' && i + 1 < remaining && (flags & RADIUS_NOSTORE) === 0 && !search) {
      storekey = argv[at + 1] as string;
      storedist = true;
      i++;
    } else if (arg === 'storedist' && search && (flags & GEOSEARCHSTORE) !== 0) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && search && !fromloc) {
      if (z !== null) {
        const pos = memberPosition(z, argv[at + 1] as string);
        if (pos === undefined) throw GEO_ERR.decodeMember;
        [shape.lon, shape.lat] = pos;
      }
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && search && !frommember) {
      [shape.lon, shape.lat] = extractLongLat(argv, at + 1);
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && search && !bybox) {
      [shape.radius, shape.conversion] = extractDistance(argv, at + 1);
      shape.circle = true;
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && search && !byradius) {
      [shape.width, shape.height, shape.conversion] = extractBox(argv, at + 1);
      shape.circle = false;
      bybox = true;
      i += 3;
    } else {
      throw ERR.syntax;
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords))
    throw geoStoreIncompatible(
      (flags & GEOSEARCHSTORE) !== 0 ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS',
    );
  if (search && !(frommember || fromloc)) throw geoExactlyOneFrom(argv[0] as string);
  if (search && !(byradius || bybox)) throw geoExactlyOneBy(argv[0] as string);
  if (any && count === 0) throw GEO_ERR.anyNeedsCount;

  if (z === null) {
    if (storekey === null) return [];
    if (c.db.delete(storekey)) keyspaceEvent(c, NOTIFY.GENERIC, 'del', storekey);
    return 0;
  }
  // COUNT without ANY returns the nearest ones: sort ascending unless told otherwise.
  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  const ga = membersOfAllNeighbors(z, shape, any ? count : 0);
  if (ga.length === 0 && storekey === null) return [];
  const resultLength = ga.length;
  const returned = count === 0 || resultLength < count ? resultLength : count;
  if (sort !== SORT_NONE) {
    const cmp = sort === SORT_ASC ? ascending : descending;
    if (returned === resultLength) ga.sort(cmp);
    else pqsort(ga, cmp, 0, returned - 1);
  }

  if (storekey === null) {
    const options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    const out: Reply[] = new Array(returned);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i] as GeoPoint;
      const dist = gp.dist / shape.conversion;
      if (options === 0) {
        out[i] = gp.member;
        continue;
      }
      const item: Reply[] = [gp.member];
      if (withdist) item.push(distanceReply(dist));
      if (withhash) item.push(hashReply(gp.score));
      if (withcoords) item.push([humanDouble(c, gp.longitude), humanDouble(c, gp.latitude)]);
      out[i] = item;
    }
    return out;
  }

  if (returned === 0) {
    if (c.db.delete(storekey)) keyspaceEvent(c, NOTIFY.GENERIC, 'del', storekey);
    return 0;
  }
  const lim = limits(c);
  const result = new ZSetObject();
  result.listpack = false;
  let maxelelen = 0;
  for (let i = 0; i < returned; i++) {
    const gp = ga[i] as GeoPoint;
    const dist = gp.dist / shape.conversion;
    if (gp.member.length > maxelelen) maxelelen = gp.member.length;
    result.add(storedist ? dist : gp.score, gp.member);
  }
  result.convertToListpackIfNeeded(maxelelen, lim);
  c.db.set(storekey, result);
  keyspaceEvent(c, NOTIFY.ZSET, search ? 'geosearchstore' : 'georadiusstore', storekey);
  return returned;
}

/** WITHHASH: the score as a C `long long` (truncated). */
function hashReply(score: number): Reply {
  const t = Math.trunc(score);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

function georadiusCommand(c: Client, argv: string[]): Reply {
  return georadiusGeneric(c, argv, 1, RADIUS_COORDS);
}

function georadiusbymemberCommand(c: Client, argv: string[]): Reply {
  return georadiusGeneric(c, argv, 1, RADIUS_MEMBER);
}

function georadiusRoCommand(c: Client, argv: string[]): Reply {
  return georadiusGeneric(c, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE);
}

function georadiusbymemberRoCommand(c: Client, argv: string[]): Reply {
  return georadiusGeneric(c, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
}

function geosearchCommand(c: Client, argv: string[]): Reply {
  return georadiusGeneric(c, argv, 1, GEOSEARCH);
}

function geosearchstoreCommand(c: Client, argv: string[]): Reply {
  return georadiusGeneric(c, argv, 2, GEOSEARCH | GEOSEARCHSTORE);
}

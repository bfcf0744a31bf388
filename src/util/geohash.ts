/**
 * Geohash arithmetic exactly as Redis 7.0 computes it (geohash.c,
 * geohash_helper.c, geo.c), so that scores, decoded coordinates, distances and
 * the cells a search visits are the same doubles:
 *
 * - A position is a 52-bit interleaved hash at step 26: latitude bits in the
 *   even positions, longitude bits in the odd ones, over the Web Mercator
 *   range (latitude +-85.05112878). It is stored as the sorted-set score.
 * - Decoding returns the centre of the cell, clamped to the range; a score
 *   that is not a valid hash is converted to a 64-bit integer the way x86-64
 *   code compiled by gcc does (`(uint64_t)double`), so even odd scores decode
 *   as in Redis.
 * - Distances use the haversine formula on Redis's Earth radius, with
 *   correctly rounded sin/cos/asin (src/util/crmath.ts), which agree with
 *   glibc's far more often than Math.* does.
 * - A radius or box search covers the query with the cell of the centre and
 *   its 8 neighbours at a step chosen from the radius, then filters by distance.
 *
 * Cell hashes of searches use BigInt (a handful per query); per-point work uses
 * plain numbers.
 */
import { crAsin, crCos, crSin } from './crmath.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

/** A cell: its hash bits (`step` * 2 bits, plus the overflow bits Redis can produce) and step. */
export interface HashBits {
  bits: bigint;
  step: number;
}

export interface Range {
  min: number;
  max: number;
}

export interface Area {
  longitude: Range;
  latitude: Range;
}

const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash ranges GEOHASH re-encodes with. */
const STD_LONG_RANGE: Range = { min: -180, max: 180 };
const STD_LAT_RANGE: Range = { min: -90, max: 90 };

// ---- bit interleaving ----

/** Spread the low 16 bits of `x` to the even positions of a 32-bit word. */
function spread16(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Gather the even bits of a 32-bit word into 16 bits. */
function squash16(v: number): number {
  let x = v & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** `interleave64(xlo, ylo)` of two uint32 values as a BigInt: x in the even bits, y in the odd. */
function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** `deinterleave64`: [even bits (x), odd bits (y)] as uint32 values. */
function deinterleave64(bits: bigint): [number, number] {
  const lo = Number(bits & 0xffffffffn);
  const hi = Number((bits >> 32n) & 0xffffffffn);
  const x = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const y = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

// ---- encode / decode ----

/**
 * `geohashEncode`: the cell of (longitude, latitude) at `step` in the given
 * ranges, or null outside them. The offsets are truncated to uint32 as C does;
 * a coordinate equal to a range's maximum gives the index 2^step (an overflow
 * bit above the hash), as in Redis.
 */
export function encode(
  longitude: number,
  latitude: number,
  step: number,
  longRange: Range = LONG_RANGE,
  latRange: Range = LAT_RANGE,
): HashBits | null {
  if (step > 32 || step === 0) return null;
  if (
    longitude > GEO_LONG_MAX ||
    longitude < GEO_LONG_MIN ||
    latitude > GEO_LAT_MAX ||
    latitude < GEO_LAT_MIN
  )
    return null;
  if (
    latitude < latRange.min ||
    latitude > latRange.max ||
    longitude < longRange.min ||
    longitude > longRange.max
  )
    return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(latOffset >>> 0, longOffset >>> 0), step };
}

/** `geohashAlign52Bits`: a cell's hash as a 52-bit score prefix (a uint64). */
function align52(h: HashBits): bigint {
  return BigInt.asUintN(64, h.bits << BigInt(52 - h.step * 2));
}

/** The sorted-set score of a position (GEOADD): the step-26 hash, as ZADD reads its decimal form. */
export function scoreOf(longitude: number, latitude: number): number {
  const h = encode(longitude, latitude, GEO_STEP_MAX) as HashBits;
  return Number(align52(h));
}

/** `geohashDecode`: the area of a cell. */
function decodeArea(h: HashBits, longRange: Range = LONG_RANGE, latRange: Range = LAT_RANGE): Area {
  const [ilato, ilono] = deinterleave64(h.bits);
  return areaOf(ilato, ilono, h.step, longRange, latRange);
}

function areaOf(ilato: number, ilono: number, step: number, longRange: Range, latRange: Range): Area {
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const cells = 2 ** step;
  // (ilato + 1) is unsigned int arithmetic in C: it wraps at 2^32.
  return {
    latitude: {
      min: latRange.min + (ilato / cells) * latScale,
      max: latRange.min + (((ilato + 1) >>> 0) / cells) * latScale,
    },
    longitude: {
      min: longRange.min + (ilono / cells) * longScale,
      max: longRange.min + (((ilono + 1) >>> 0) / cells) * longScale,
    },
  };
}

/** `geohashDecodeAreaToLongLat`: the centre of an area, clamped to the valid range. */
function centerOf(area: Area): [number, number] {
  let lon = (area.longitude.min + area.longitude.max) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (area.latitude.min + area.latitude.max) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

const TWO52 = 4503599627370496;
const TWO63 = 2 ** 63;

/** `(uint64_t)score` as gcc compiles it for x86-64 (cvttsd2si, out of range gives 2^63 or 0). */
function toUint64(score: number): bigint {
  if (score < TWO63) {
    if (score > -TWO63) return BigInt.asUintN(64, BigInt(Math.trunc(score)));
    return 1n << 63n;
  }
  const y = score - TWO63;
  if (y < TWO63) return BigInt(Math.trunc(y)) + (1n << 63n);
  return 0n;
}

/** `decodeGeohash`: the position [longitude, latitude] a score stands for (centre of its step-26 cell). */
export function decodeScore(score: number): [number, number] {
  let ilato: number;
  let ilono: number;
  if (score >= 0 && score < TWO52) {
    // The common case, without BigInt: two 26-bit halves of the 52-bit hash.
    const bits = Math.trunc(score);
    const lo = bits % 67108864;
    const hi = (bits - lo) / 67108864;
    ilato = squash13(lo) | (squash13(hi) << 13);
    ilono = squash13(lo >>> 1) | (squash13(hi >>> 1) << 13);
  } else {
    [ilato, ilono] = deinterleave64(toUint64(score));
  }
  return centerOf(areaOf(ilato, ilono, GEO_STEP_MAX, LONG_RANGE, LAT_RANGE));
}

/** The even bits of a 26-bit value, as 13 bits. */
function squash13(v: number): number {
  return squash16(v & 0x3ffffff);
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH: the standard 11-character geohash of a score (re-encoded over +-90 latitude). */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = encode(lon, lat, 26, STD_LONG_RANGE, STD_LAT_RANGE);
  const bits = h === null ? 0n : h.bits;
  let out = '';
  for (let i = 0; i < 11; i++) {
    // 52 bits make 10 characters; the 11th is always '0', as Redis has it.
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}

// ---- distances ----

/** The last cosine computed for a first point (a search centre is the first point of every distance). */
let cosArg = 0;
let cosValue = 1;

/** `geohashGetDistance`: haversine distance in meters. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = crSin((lat2r - lat1r) / 2);
  const v = crSin((lon2r - lon1r) / 2);
  if (lat1r !== cosArg) {
    cosArg = lat1r;
    cosValue = crCos(lat1r);
  }
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(u * u + cosValue * crCos(lat2r) * v * v));
}

/** `geohashGetDistanceIfInRectangle`: the distance, or -1 when outside the box centred at (x1, y1). */
export function distanceIfInRectangle(
  widthM: number,
  heightM: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const lonDistance = distance(x2, y2, x1, y2);
  const latDistance = distance(x2, y2, x2, y1);
  if (lonDistance > widthM / 2 || latDistance > heightM / 2) return -1;
  return distance(x1, y1, x2, y2);
}

// ---- search areas ----

/** A search shape (Redis's GeoShape): a circle of `radius` or a `width` x `height` box, in `conversion` meters. */
export interface Shape {
  circle: boolean;
  lon: number;
  lat: number;
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

/** `geohashEstimateStepsByRadius`. */
function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let range = rangeMeters;
  let step = 1;
  while (range < MERCATOR_MAX) {
    range *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** `geohashBoundingBox`: [min lon, min lat, max lon, max lat] of the shape. */
function boundingBox(s: Shape): [number, number, number, number] {
  const height = s.conversion * (s.circle ? s.radius : s.height / 2);
  const width = s.conversion * (s.circle ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat - latDelta)));
  const southern = s.lat < 0;
  return [
    southern ? s.lon - longDeltaBottom : s.lon - longDeltaTop,
    s.lat - latDelta,
    southern ? s.lon + longDeltaBottom : s.lon + longDeltaTop,
    s.lat + latDelta,
  ];
}

const STEP_MASK_ODD = 0xaaaaaaaaaaaaaaaan;
const STEP_MASK_EVEN = 0x5555555555555555n;

/** `geohash_move_x` / `geohash_move_y`: the neighbouring cell east/west (x) or north/south (y). */
function move(h: HashBits, dx: number, dy: number): HashBits {
  let bits = h.bits;
  const shift = BigInt(64 - h.step * 2);
  if (dx !== 0) {
    let x = bits & STEP_MASK_ODD;
    const y = bits & STEP_MASK_EVEN;
    const zz = STEP_MASK_EVEN >> shift;
    if (dx > 0) x = x + (zz + 1n);
    else {
      x = x | zz;
      x = x - (zz + 1n);
    }
    x = BigInt.asUintN(64, x) & (STEP_MASK_ODD >> shift);
    bits = x | y;
  }
  if (dy !== 0) {
    const x = bits & STEP_MASK_ODD;
    let y = bits & STEP_MASK_EVEN;
    const zz = STEP_MASK_ODD >> shift;
    if (dy > 0) y = y + (zz + 1n);
    else {
      y = y | zz;
      y = y - (zz + 1n);
    }
    y = BigInt.asUintN(64, y) & (STEP_MASK_EVEN >> shift);
    bits = x | y;
  }
  return { bits, step: h.step };
}

/**
 * `geohashCalculateAreasByShapeWGS84` + `membersOfAllNeighbors`'s order: the
 * cells to scan, centre first then N, S, E, W, NE, NW, SE, SW, with the ones
 * Redis excludes as null.
 */
export function searchCells(s: Shape): (HashBits | null)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  let radiusMeters = s.circle
    ? s.radius
    : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radiusMeters *= s.conversion;
  let steps = estimateStepsByRadius(radiusMeters, s.lat);
  let hash = encode(s.lon, s.lat, steps) as HashBits;
  let n = neighbors(hash);
  let area = decodeArea(hash);
  const north = decodeArea(n.north);
  const south = decodeArea(n.south);
  const east = decodeArea(n.east);
  const west = decodeArea(n.west);
  const decreaseStep =
    north.latitude.max < maxLat ||
    south.latitude.min > minLat ||
    east.longitude.max < maxLon ||
    west.longitude.min > minLon;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = encode(s.lon, s.lat, steps) as HashBits;
    n = neighbors(hash);
    area = decodeArea(hash);
  }
  const cells: (HashBits | null)[] = [
    hash,
    n.north,
    n.south,
    n.east,
    n.west,
    n.northEast,
    n.northWest,
    n.southEast,
    n.southWest,
  ];
  if (steps >= 2) {
    const drop = (...idx: number[]): void => {
      for (const i of idx) cells[i] = null;
    };
    if (area.latitude.min < minLat) drop(2, 8, 7);
    if (area.latitude.max > maxLat) drop(1, 5, 6);
    if (area.longitude.min < minLon) drop(4, 8, 6);
    if (area.longitude.max > maxLon) drop(3, 7, 5);
  }
  return cells;
}

function neighbors(h: HashBits) {
  return {
    east: move(h, 1, 0),
    west: move(h, -1, 0),
    south: move(h, 0, -1),
    north: move(h, 0, 1),
    northWest: move(h, -1, 1),
    northEast: move(h, 1, 1),
    southEast: move(h, 1, -1),
    southWest: move(h, -1, -1),
  };
}

/** `scoresOfGeoHashBox`: the score range [min, max) of a cell, as the doubles Redis searches with. */
export function scoreRangeOf(h: HashBits): [number, number] {
  const min = align52(h);
  const max = align52({ bits: h.bits + 1n, step: h.step });
  return [Number(min), Number(max)];
}

/** Two cells are the same (membersOfAllNeighbors skips a repeat of the previous one). */
export function sameCell(a: HashBits, b: HashBits): boolean {
  return a.bits === b.bits && a.step === b.step;
}

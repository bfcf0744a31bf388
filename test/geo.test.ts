/**
 * Geo commands, differential against a real redis-server 7.0: GEOADD and its
 * options (the scores it stores, the edges of the valid range), GEOPOS,
 * GEOHASH and GEODIST over a grid of points covering the whole range
 * (coordinates and distances byte for byte), GEOSEARCH / GEOSEARCHSTORE and
 * the GEORADIUS family with every option and error, odd scores (negative,
 * infinite, beyond 52 bits) decoded as Redis decodes them, encodings of the
 * stored results, RESP3, and seeded randomized searches.
 *
 * One named loose comparator, `nearTies`: Redis computes distances with glibc's
 * libm, which is not correctly rounded in ~0.1% of calls and takes FMA or
 * SSE2 code paths depending on the CPU, so Redis itself gives last-bit
 * different distances on different machines. Redoubt rounds correctly. When
 * two members of a sorted reply lie at the same distance to the printed
 * precision (a symmetric grid), their order may then differ; `nearTies`
 * accepts exactly that and nothing else (it is used with WITHDIST, on the grid);
 * `nearScores` lets STOREDIST's stored distances differ in their last bits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inResp3 } from './helpers/collections.js';
import { type Comparator, Differential, exact } from './helpers/diff.js';
import { prng, testSeed } from './helpers/random.js';
import { type Arg, parse, type Value } from './helpers/resp.js';
import { SubscriberPair } from './helpers/subscriber.js';

const key = (v: Value): string => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));

/**
 * Sorted WITHDIST replies equal up to the order of members at equal printed
 * distance: the same distances position by position, and in each run of equal
 * distances the same items, except in the last run, which COUNT may cut.
 */
const nearTies: Comparator = (a, b, args) => {
  if (a.equals(b)) return;
  const x = parse(a)[0];
  const y = parse(b)[0];
  const label = JSON.stringify(args.map(String));
  assert.ok(Array.isArray(x) && Array.isArray(y), `${label}: ${key(x)} vs ${key(y)}`);
  assert.equal(x.length, y.length, `${label}: length`);
  const dist = (item: Value): string => {
    assert.ok(Array.isArray(item), `${label}: nearTies needs WITHDIST`);
    return item[1] as string;
  };
  let i = 0;
  while (i < x.length) {
    let j = i;
    while (j < x.length && dist(x[j] as Value) === dist(x[i] as Value)) j++;
    for (let k = i; k < j; k++)
      assert.equal(dist(y[k] as Value), dist(x[i] as Value), `${label}: distance at ${k}`);
    if (j < x.length) {
      const gx = x.slice(i, j).map(key).sort();
      const gy = y.slice(i, j).map(key).sort();
      assert.deepEqual(gx, gy, `${label}: members at distance ${dist(x[i] as Value)}`);
    }
    i = j;
  }
};

/**
 * ZRANGE ... WITHSCORES of a STOREDIST result: the same members in the same
 * order, and distances within a few ulps (STOREDIST exposes every bit of a
 * distance, where libm rounding differs; see above).
 */
const nearScores: Comparator = (a, b, args) => {
  if (a.equals(b)) return;
  const x = parse(a)[0];
  const y = parse(b)[0];
  const label = JSON.stringify(args.map(String));
  assert.ok(
    Array.isArray(x) && Array.isArray(y) && x.length === y.length,
    `${label}: ${key(x)} vs ${key(y)}`,
  );
  for (let i = 0; i < x.length; i += 2) {
    assert.equal(x[i], y[i], `${label}: member at ${i / 2}`);
    const p = Number(x[i + 1]);
    const q = Number(y[i + 1]);
    assert.ok(Math.abs(p - q) <= Math.abs(q) * 1e-15, `${label}: score of ${String(x[i])}: ${p} vs ${q}`);
  }
};

/** The grid: every 15 degrees of longitude, every 5 of latitude, plus the range's edges. */
function gridCommands(): { adds: Arg[][]; members: string[] } {
  const adds: Arg[][] = [];
  const members: string[] = [];
  for (let lon = -180; lon <= 180; lon += 15) {
    const a: Arg[] = ['GEOADD', 'grid'];
    for (let lat = -85; lat <= 85; lat += 5) {
      a.push(String(lon), String(lat), `p${lon},${lat}`);
      members.push(`p${lon},${lat}`);
    }
    adds.push(a);
  }
  const edges: [string, string][] = [
    ['180', '85.05112878'],
    ['-180', '-85.05112878'],
    ['180', '-85.05112878'],
    ['-180', '85.05112878'],
    ['0', '85.05112878'],
    ['180', '0'],
    ['-0', '-0'],
    ['179.99999999', '85.05112877'],
    ['0.000001', '-0.000001'],
  ];
  const a: Arg[] = ['GEOADD', 'grid'];
  for (const [lon, lat] of edges) {
    a.push(lon, lat, `e${lon},${lat}`);
    members.push(`e${lon},${lat}`);
  }
  adds.push(a);
  return { adds, members };
}

describe('geo commands (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('arity errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['GEOADD', 'g', '1', '2'],
      ['GEOPOS'],
      ['GEODIST', 'g', 'a'],
      ['GEOHASH'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '1', '2', 'BYRADIUS'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '1', '2', 'BYRADIUS'],
      ['GEORADIUS', 'g', '1', '2', '3'],
      ['GEORADIUSBYMEMBER', 'g', 'm', '3'],
      ['GEORADIUS_RO', 'g', '1', '2', '3'],
      ['GEORADIUSBYMEMBER_RO', 'g', 'm', '3'],
    ]);
  });

  it('COMMAND GETKEYS: the STORE / STOREDIST destination of the GEORADIUS family', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'g', '1', '2', '3', 'km', 'STORE', 'a'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'g', '1', '2', '3', 'km', 'STOREDIST', 'a', 'STORE', 'b'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'g', '1', '2', '3', 'km', 'STORE'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'g', '1', '2', '3', 'km', 'COUNT', 'STORE', 'x'],
      ['COMMAND', 'GETKEYS', 'GEORADIUSBYMEMBER', 'g', 'm', '3', 'km', 'STORE', 'a'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'GEORADIUS', 'g', '1', '2', '3', 'km', 'STORE', 'a'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS_RO', 'g', '1', '2', '3', 'km'],
      [
        'COMMAND',
        'GETKEYSANDFLAGS',
        'GEOSEARCHSTORE',
        'd',
        'g',
        'FROMLONLAT',
        '1',
        '2',
        'BYRADIUS',
        '1',
        'km',
      ],
    ]);
  });

  it('GEOADD: options, replies, errors, and the scores it stores', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
      ['ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'Sicily'],
      ['TYPE', 'Sicily'],
      ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo'],
      ['GEOADD', 'Sicily', 'CH', '13.361389', '38.115556', 'Palermo', '1', '1', 'new'],
      ['GEOADD', 'Sicily', 'XX', 'CH', '13.4', '38.2', 'Palermo', '1', '1', 'new2'],
      ['GEOADD', 'Sicily', 'NX', 'CH', '13.5', '38.3', 'Palermo', '2', '2', 'new3'],
      ['GEOADD', 'Sicily', 'nx', 'ch', '2', '2', 'new3'],
      ['GEOADD', 'Sicily', 'xx', '2', '2', 'nothere'],
      ['GEOADD', 'nokey', 'XX', '1', '1', 'm'],
      ['EXISTS', 'nokey'],
      ['ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES'],
      ['GEOADD', 'Sicily', 'NX', 'XX', '1', '2', 'm'],
      ['GEOADD', 'Sicily', 'NX', 'CH', 'XX'],
      ['GEOADD', 'Sicily', 'CH', 'CH', 'CH'],
      ['GEOADD', 'Sicily', 'GT', '1', '2', 'm'],
      ['GEOADD', 'Sicily', '1', '2'],
      ['GEOADD', 'Sicily', '1', '2', 'm', '3'],
      ['GEOADD', 'Sicily', '200', '100', 'x'],
      ['GEOADD', 'Sicily', '180.0000001', '0', 'x'],
      ['GEOADD', 'Sicily', '0', '85.05112879', 'x'],
      ['GEOADD', 'Sicily', '-0', '90', 'x'],
      ['GEOADD', 'Sicily', 'inf', '1', 'x'],
      ['GEOADD', 'Sicily', '1', '-inf', 'x'],
      ['GEOADD', 'Sicily', '1e400', '1', 'x'],
      ['GEOADD', 'Sicily', '123456789012345678901234567890', '1', 'x'],
      ['GEOADD', 'Sicily', '0.0000005', '1000', 'x'],
      ['GEOADD', 'Sicily', '1', 'x', 'm'],
      ['GEOADD', 'Sicily', 'nan', '1', 'm'],
      ['GEOADD', 'Sicily', ' 1', '1', 'm'],
      ['GEOADD', 'Sicily', '0x10', '0x1p2', 'hex'],
      ['GEOADD', 'Sicily', '1', '1', 'ok', '1000', '1', 'bad'],
      ['EXISTS', 'ok'],
      ['ZSCORE', 'Sicily', 'ok'],
      ['SET', 'str', 'x'],
      ['GEOADD', 'str', '1', '1', 'm'],
      ['GEOADD', 'str', '1000', '1', 'm'],
    ]);
    // Encodings: listpack until zset-max-listpack-entries / -value, as ZADD.
    const many: Arg[] = ['GEOADD', 'many'];
    for (let i = 0; i < 129; i++) many.push(String((i % 360) - 179), String((i % 170) - 84), `m${i}`);
    await d.all([
      many,
      ['OBJECT', 'ENCODING', 'many'],
      ['GEOADD', 'longname', '1', '1', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'longname'],
    ]);
  });

  it('a grid of points: scores, GEOPOS, GEOHASH and GEODIST byte for byte', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const { adds, members } = gridCommands();
    await d.same(['FLUSHALL']);
    await d.all(adds);
    await d.same(['ZRANGE', 'grid', '0', '-1', 'WITHSCORES']);
    for (let i = 0; i < members.length; i += 25) {
      await d.same(['GEOPOS', 'grid', ...members.slice(i, i + 25), 'missing']);
      await d.same(['GEOHASH', 'grid', ...members.slice(i, i + 25), 'missing']);
    }
    const units = ['m', 'km', 'mi', 'ft', 'M', 'KM', 'Mi', 'fT'];
    for (let i = 0; i < members.length; i += 3) {
      const a = members[i] as string;
      const b = members[(i * 7 + 11) % members.length] as string;
      await d.same(['GEODIST', 'grid', a, b]);
      await d.same(['GEODIST', 'grid', a, b, units[i % units.length] as string]);
    }
    await d.all([
      ['GEODIST', 'grid', 'p0,0', 'p0,0'],
      ['GEODIST', 'grid', 'p-180,0', 'p180,0'],
      ['GEODIST', 'grid', 'p0,85', 'p180,-85', 'km'],
      ['GEODIST', 'grid', 'p0,0', 'missing'],
      ['GEODIST', 'grid', 'p0,0', 'p0,5', 'yd'],
      ['GEODIST', 'grid', 'p0,0', 'p0,5', 'km', 'extra'],
      ['GEODIST', 'nokey', 'a', 'b'],
      ['GEODIST', 'nokey', 'a', 'b', 'parsecs'],
      ['GEOPOS', 'nokey', 'a', 'b'],
      ['GEOHASH', 'nokey', 'a'],
    ]);
  });

  it('odd scores decode as in Redis (negative, infinite, beyond 52 bits, fractional)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const scores = [
      '-1',
      'inf',
      '-inf',
      '9007199254740992',
      '18446744073709551616',
      '1e30',
      '4503599627370496',
      '4503599627370495',
      '0',
      '1.5',
      '9223372036854775808',
      '-9223372036854775808',
      '-1e30',
      '0.5',
      '3471579339700058',
    ];
    await d.same(['FLUSHALL']);
    const names: string[] = [];
    for (const [i, s] of scores.entries()) {
      await d.same(['ZADD', 'odd', s, `s${i}`]);
      names.push(`s${i}`);
    }
    await d.all([
      ['GEOPOS', 'odd', ...names],
      ['GEOHASH', 'odd', ...names],
      ['GEODIST', 'odd', 's0', 's1'],
      ['GEODIST', 'odd', 's8', 's9', 'km'],
      [
        'GEOSEARCH',
        'odd',
        'FROMMEMBER',
        's9',
        'BYRADIUS',
        '30000',
        'km',
        'WITHHASH',
        'WITHCOORD',
        'WITHDIST',
        'ASC',
      ],
      ['GEOSEARCH', 'odd', 'FROMMEMBER', 's1', 'BYBOX', '1000', '1000', 'km', 'WITHHASH', 'ASC'],
    ]);
  });

  it('GEOSEARCH, GEOSEARCHSTORE and GEORADIUS*: options, replies and errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
      ['GEOADD', 'Sicily', '13.583333', '37.316667', 'Agrigento', '12.758489', '38.788135', 'edge1'],
      [
        'GEOADD',
        'Sicily',
        '17.241510',
        '38.788135',
        'edge2',
        '15',
        '37',
        'dup1',
        '15',
        '37',
        'dup2',
        '15',
        '37',
        'dup3',
      ],
      ['GEORADIUS', 'Sicily', '15', '37', '100', 'km'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH', 'ASC'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHHASH', 'WITHCOORD', 'DESC'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'DESC', 'COUNT', '1'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '2'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '2', 'DESC'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '2', 'ANY'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '2', 'ANY', 'ASC'],
      ['GEORADIUS', 'Sicily', '15', '37', '0', 'm', 'WITHDIST'],
      ['GEORADIUS', 'Sicily', '15', '37', 'inf', 'km', 'COUNT', '3'],
      ['GEORADIUS', 'Sicily', '15', '37', '1e10', 'km', 'COUNT', '3', 'WITHDIST'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'KM', 'count', '3', 'withdist', 'asc'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'dst', 'COUNT', '3'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'a', 'STOREDIST', 'b'],
      ['EXISTS', 'a', 'b'],
      ['GEORADIUS', 'Sicily', '0', '0', '1', 'km', 'STORE', 'dst'],
      ['EXISTS', 'dst'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'Agrigento', '100', 'km'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'Agrigento', '100', 'km', 'WITHDIST', 'WITHCOORD'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'nomember', '100', 'km'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'Agrigento', '100', 'km', 'STORE', 'dst2'],
      ['ZRANGE', 'dst2', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'ASC'],
      ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd'],
      ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '200', 'km', 'STOREDIST', 'd'],
      ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '200', 'km', 'ASC', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
      [
        'GEOSEARCH',
        'Sicily',
        'FROMLONLAT',
        '15',
        '37',
        'BYBOX',
        '400',
        '400',
        'km',
        'ASC',
        'WITHCOORD',
        'WITHDIST',
      ],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '40', '400', 'km', 'DESC', 'WITHDIST'],
      [
        'GEOSEARCH',
        'Sicily',
        'FROMMEMBER',
        'Palermo',
        'BYBOX',
        '400',
        '400',
        'km',
        'DESC',
        'COUNT',
        '2',
        'ANY',
      ],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '10', 'mi', 'WITHHASH'],
      ['GEOSEARCH', 'Sicily', 'BYRADIUS', '200', 'km', 'FROMMEMBER', 'Catania'],
      [
        'GEOSEARCHSTORE',
        'dst',
        'Sicily',
        'FROMLONLAT',
        '15',
        '37',
        'BYBOX',
        '400',
        '400',
        'km',
        'ASC',
        'COUNT',
        '3',
      ],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'STOREDIST'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'm'],
      ['EXISTS', 'dst'],
      ['GEOSEARCHSTORE', 'Sicily', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km'],
      ['ZRANGE', 'Sicily', '0', '-1'],
    ]);
  });

  it('search errors, in Redis order', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['GEOADD', 'g', '15', '37', 'a', '15.1', '37.1', 'b'],
      ['GEORADIUS', 'g', '15', '37', '-1', 'km'],
      ['GEORADIUS', 'g', '15', '37', 'x', 'km'],
      ['GEORADIUS', 'g', '15', '37', '1', 'lightyears'],
      ['GEORADIUS', 'g', '15', '100', '1', 'lightyears'],
      ['GEORADIUS', 'g', 'x', '37', '1', 'km'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '0'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '-3'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', 'x'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ANY'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd', 'WITHDIST'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'WITHHASH', 'STOREDIST', 'd'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'BOGUS'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'FROMMEMBER', 'a'],
      ['GEORADIUSBYMEMBER', 'g', 'a', '-5', 'km'],
      ['GEORADIUSBYMEMBER', 'g', 'nope', '-5', 'km'],
      ['GEORADIUSBYMEMBER', 'nokey', 'm', 'x', 'y', 'WITHDIST'],
      ['GEORADIUSBYMEMBER', 'nokey', 'm', 'x', 'y', 'STORE', 'dd'],
      ['GEORADIUSBYMEMBER', 'nokey', 'm', 'x', 'y', 'BOGUS'],
      ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
      ['GEORADIUS', 'nokey', '15', '37', '200', 'km', 'STORE', 'g'],
      ['EXISTS', 'g'],
      ['GEOADD', 'g', '15', '37', 'a', '15.1', '37.1', 'b'],
      ['GEOSEARCH', 'g', 'BYRADIUS', '10', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'COUNT', '1'],
      ['geosearch', 'g', 'FROMLONLAT', '15', '37', 'FROMMEMBER', 'a', 'BYRADIUS', '10', 'km'],
      ['GeoSearch', 'g', 'BYRADIUS', '10', 'km', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'a', 'FROMLONLAT', '1', '2', 'BYRADIUS', '10', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'BYBOX', '1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '10', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '-1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', 'x', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'x', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1', 'yards'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'STORE', 'x'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'STOREDIST'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '370', 'BYRADIUS', '10', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'nope', 'BYRADIUS', '10', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'ANY'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'WITHDIST\0x'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'WITHDIST'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'STORE', 'x'],
      ['GEOSEARCHSTORE', 'd', 'g', 'BYRADIUS', '10', 'km', 'STOREDIST'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '10', 'km'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 'x', 'km'],
      ['GEOSEARCH', 'nokey', 'BYRADIUS', '10', 'km'],
      ['SET', 'dst', 'x'],
      ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '10', 'km'],
      ['EXISTS', 'dst'],
      ['SET', 'str', 'x'],
      ['GEOPOS', 'str', 'm'],
      ['GEOHASH', 'str', 'm'],
      ['GEODIST', 'str', 'a', 'b'],
      ['GEODIST', 'str', 'a', 'b', 'bad'],
      ['GEOSEARCH', 'str', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'str', 'BOGUS'],
      ['GEORADIUS', 'str', 'x', 'y', 'z', 'w'],
      ['GEOSEARCHSTORE', 'd', 'str', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCHSTORE', 'str', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km'],
      ['TYPE', 'str'],
    ]);
  });

  it('grid searches: every shape, unit and order near the poles and the antimeridian', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const { adds } = gridCommands();
    await d.same(['FLUSHALL']);
    await d.all(adds);
    const centers = ['89', '85.05112878', '-85.05112878', '80.5', '-70', '45', '0', '-5'];
    for (const lat of centers.filter((l) => Number(l) <= 85.05112878 && Number(l) >= -85.05112878)) {
      for (const lon of ['180', '-180', '179.9', '0', '-97.5']) {
        await d.same(
          ['GEOSEARCH', 'grid', 'FROMLONLAT', lon, lat, 'BYRADIUS', '2000', 'km', 'WITHDIST', 'ASC'],
          nearTies,
        );
        await d.same(
          ['GEOSEARCH', 'grid', 'FROMLONLAT', lon, lat, 'BYBOX', '4000', '1000', 'km', 'WITHDIST', 'DESC'],
          nearTies,
        );
        await d.same(
          ['GEORADIUS', 'grid', lon, lat, '8000', 'km', 'WITHDIST', 'COUNT', '5', 'DESC'],
          nearTies,
        );
        await d.same(['GEORADIUS', 'grid', lon, lat, '20000', 'km', 'WITHDIST', 'COUNT', '7'], nearTies);
        await d.same(['GEORADIUS', 'grid', lon, lat, '500', 'mi', 'COUNT', '50', 'ANY']);
        await d.same(['GEOSEARCH', 'grid', 'FROMLONLAT', lon, lat, 'BYBOX', '3000', '3000', 'mi']);
      }
    }
  });

  it('keyspace events: zadd for GEOADD, geosearchstore / georadiusstore, del for an empty result', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([['FLUSHALL'], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
    const sub = await SubscriberPair.open(d);
    try {
      await sub.same(['PSUBSCRIBE', '__key*__:*']);
      for (const cmd of [
        ['GEOADD', 'g', '15', '37', 'a', '15.1', '37.1', 'b'],
        ['GEOADD', 'g', '15', '37', 'a'],
        ['GEOADD', 'g', 'XX', 'CH', '15.2', '37', 'a'],
        ['GEOADD', 'g', 'NX', '15.2', '37', 'a'],
        ['GEOADD', 'g', '1000', '37', 'bad'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km', 'STOREDIST'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
        ['GEORADIUS', 'g', '15', '37', '100', 'km', 'STORE', 'r'],
        ['GEORADIUSBYMEMBER', 'g', 'a', '100', 'km', 'STOREDIST', 'r'],
        ['GEORADIUS', 'g', '0', '0', '1', 'km', 'STORE', 'r'],
        ['GEOSEARCH', 'g', 'FROMMEMBER', 'a', 'BYRADIUS', '100', 'km'],
        ['GEOPOS', 'g', 'a'],
      ]) {
        await sub.command(d, cmd);
      }
    } finally {
      sub.close();
      await d.same(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    }
  });

  it('RESP3: coordinates as doubles, distances as strings', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['FLUSHALL'],
      ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ]);
    await inResp3(d, [
      ['GEOPOS', 'Sicily', 'Palermo', 'nope'],
      ['GEOPOS', 'nokey', 'a'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania'],
      ['GEODIST', 'Sicily', 'Palermo', 'nope'],
      ['GEODIST', 'nokey', 'a', 'b'],
      ['GEOHASH', 'Sicily', 'Palermo', 'nope'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH', 'ASC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
    ]);
  });

  it('seeded randomized searches over clustered points', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const seed = testSeed();
    const rnd = prng(seed);
    t.diagnostic(`seed ${seed} (REDOUBT_SEED to replay)`);
    const f = (x: number): string => String(Math.round(x * 1e6) / 1e6);
    await d.same(['FLUSHALL']);
    const add: Arg[] = ['GEOADD', 'pts'];
    for (let i = 0; i < 800; i++) {
      const clon = (i % 5) * 60 - 150;
      const clat = (i % 3) * 40 - 40;
      add.push(f(clon + (rnd() - 0.5) * 4), f(clat + (rnd() - 0.5) * 4), `m${i}`);
    }
    await d.same(add);
    const units = ['m', 'km', 'mi', 'ft'] as const;
    const scale = { m: 1, km: 1000, mi: 1609.34, ft: 0.3048 };
    for (let i = 0; i < 300; i++) {
      const u = units[i % 4] as (typeof units)[number];
      const r = f((rnd() ** 3 * 3000000) / scale[u]);
      const lon = f((i % 5) * 60 - 150 + (rnd() - 0.5) * 6);
      const lat = f((i % 3) * 40 - 40 + (rnd() - 0.5) * 6);
      const opts: Arg[] = [];
      if (rnd() < 0.5) opts.push('WITHDIST');
      if (rnd() < 0.3) opts.push('WITHCOORD');
      if (rnd() < 0.3) opts.push('WITHHASH');
      const o = rnd();
      if (o < 0.3) opts.push('ASC');
      else if (o < 0.6) opts.push('DESC');
      if (rnd() < 0.4) {
        opts.push('COUNT', String(1 + Math.floor(rnd() * 20)));
        if (rnd() < 0.3) opts.push('ANY');
      }
      if (i % 4 === 0) await d.same(['GEORADIUS', 'pts', lon, lat, r, u, ...opts]);
      else if (i % 4 === 1)
        await d.same([
          'GEOSEARCH',
          'pts',
          'FROMLONLAT',
          lon,
          lat,
          'BYBOX',
          r,
          f(Number(r) * (0.2 + rnd() * 2)),
          u,
          ...opts,
        ]);
      else if (i % 4 === 2)
        await d.same([
          'GEOSEARCH',
          'pts',
          'FROMMEMBER',
          `m${Math.floor(rnd() * 800)}`,
          'BYRADIUS',
          r,
          u,
          ...opts,
        ]);
      else {
        const store = rnd() < 0.5 ? 'STOREDIST' : '';
        const plain = opts.filter((x) => typeof x !== 'string' || !x.startsWith('WITH'));
        await d.same([
          'GEOSEARCHSTORE',
          'dst',
          'pts',
          'FROMLONLAT',
          lon,
          lat,
          'BYRADIUS',
          r,
          u,
          ...plain,
          ...(store ? [store] : []),
        ]);
        await d.same(['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], store ? nearScores : exact);
      }
    }
  });
});

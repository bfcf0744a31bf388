/**
 * A dataset covering every type in both of its encodings (small and large),
 * expiries and several databases, written by the same commands to any server;
 * and a walk that reads a server's whole keyspace back into a comparable form
 * (type, encoding, absolute expiry, contents), for persistence round trips.
 */
import type { Arg, RespConnection, Value } from './resp.js';

/** Commands that build the dataset (run in order on one connection). */
export function datasetCommands(): Arg[][] {
  const cmds: Arg[][] = [];
  const far = String(Date.now() + 86_400_000 * 365);
  cmds.push(['SELECT', '0']);
  // Strings: integer encodings of every width, short, compressible, incompressible, binary, empty.
  for (const v of ['0', '-1', '127', '-128', '300', '-40000', '2147483647', '-2147483649', '12345678901234'])
    cmds.push(['SET', `int:${v}`, v]);
  cmds.push(['SET', 'str:short', 'hello']);
  cmds.push(['SET', 'str:empty', '']);
  cmds.push(['SET', 'str:compressible', 'abc'.repeat(200)]);
  cmds.push(['SET', 'str:binary', Buffer.from([0, 255, 13, 10, 128, 1, 2, 3])]);
  let noise = '';
  for (let i = 0; i < 300; i++) noise += String.fromCharCode(33 + ((i * 7919) % 90));
  cmds.push(['SET', 'str:noise', noise]);
  cmds.push(['SET', 'str:big', 'x'.repeat(100_000)]);
  cmds.push(['SET', 'str:00123', '00123']);
  // Lists: small, several quicklist nodes, big elements, integers.
  cmds.push(['RPUSH', 'list:small', 'a', '1', '-7', '100000', 'b'.repeat(70), '']);
  const many: Arg[] = ['RPUSH', 'list:many'];
  for (let i = 0; i < 2500; i++) many.push(`element-${i}`);
  cmds.push(many);
  cmds.push(['RPUSH', 'list:huge-elements', 'y'.repeat(9000), 'z'.repeat(5000), 'short']);
  // Sets: intset (16, 32 and 64-bit members), hashtable, too many integers for an intset.
  cmds.push(['SADD', 'set:int16', '1', '2', '-3', '300']);
  cmds.push(['SADD', 'set:int32', '1', '70000', '-70000']);
  cmds.push(['SADD', 'set:int64', '1', '5000000000', '-9223372036854775808']);
  cmds.push(['SADD', 'set:strings', 'a', 'b', 'c']);
  const ints: Arg[] = ['SADD', 'set:many-ints'];
  for (let i = 0; i < 600; i++) ints.push(String(i * 3));
  cmds.push(ints);
  // Sorted sets: listpack (integer and fractional scores, infinities), skiplist (count and length).
  cmds.push([
    'ZADD',
    'zset:small',
    '1',
    'a',
    '2.5',
    'b',
    '-3',
    'c',
    '1e300',
    'd',
    'inf',
    'e',
    '-inf',
    'f',
    '0',
    'g',
  ]);
  const zl: Arg[] = ['ZADD', 'zset:many'];
  for (let i = 0; i < 200; i++) zl.push(String(i / 7), `m${i}`);
  cmds.push(zl);
  cmds.push(['ZADD', 'zset:long-member', '1', 'q'.repeat(100), '2', 'r']);
  // Hashes: listpack, hashtable by count, by value length.
  cmds.push(['HSET', 'hash:small', 'f1', 'v1', 'n', '42', 'neg', '-5', 'empty', '']);
  const hl: Arg[] = ['HSET', 'hash:many'];
  for (let i = 0; i < 600; i++) hl.push(`field${i}`, `value${i}`);
  cmds.push(hl);
  cmds.push(['HSET', 'hash:long-value', 'f', 'v'.repeat(100)]);
  // Streams: several nodes, tombstones, differing field sets, an empty stream with a
  // group, and consumer groups with pending entries (their times vary by server).
  const xs: Arg[][] = [];
  for (let i = 1; i <= 300; i++)
    xs.push(['XADD', 'stream:plain', `${i}-1`, 'field', `value${i}`, 'n', String(i)]);
  cmds.push(...xs);
  cmds.push(['XDEL', 'stream:plain', '5-1', '6-1', '150-1']);
  cmds.push(['XTRIM', 'stream:plain', 'MAXLEN', '250']);
  cmds.push(['XADD', 'stream:fields', '1-1', 'a', '1']);
  cmds.push(['XADD', 'stream:fields', '1-2', 'b', 'x', 'c', 'y']);
  cmds.push(['XADD', 'stream:fields', '18446744073709551615-5', 'a', '2']);
  cmds.push(['XGROUP', 'CREATE', 'stream:empty', 'g', '$', 'MKSTREAM']);
  cmds.push(['XADD', 'stream:pel', '1-0', 'k', 'v1']);
  cmds.push(['XADD', 'stream:pel', '2-0', 'k', 'v2']);
  cmds.push(['XADD', 'stream:pel', '3-0', 'k', 'v3']);
  cmds.push(['XGROUP', 'CREATE', 'stream:pel', 'g1', '0']);
  cmds.push(['XGROUP', 'CREATE', 'stream:pel', 'g2', '$']);
  cmds.push(['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '2', 'STREAMS', 'stream:pel', '>']);
  cmds.push(['XGROUP', 'CREATECONSUMER', 'stream:pel', 'g1', 'bob']);
  cmds.push(['XACK', 'stream:pel', 'g1', '1-0']);
  // Expiries.
  cmds.push(['SET', 'ttl:string', 'v']);
  cmds.push(['PEXPIREAT', 'ttl:string', far]);
  cmds.push(['RPUSH', 'ttl:list', 'x']);
  cmds.push(['PEXPIREAT', 'ttl:list', far]);
  // Other databases.
  cmds.push(['SELECT', '1']);
  cmds.push(['SET', 'db1:key', 'one']);
  cmds.push(['HSET', 'db1:hash', 'a', '1']);
  cmds.push(['SELECT', '9']);
  cmds.push(['SADD', 'db9:set', 'x']);
  cmds.push(['SELECT', '0']);
  return cmds;
}

export async function populate(c: RespConnection): Promise<void> {
  for (const cmd of datasetCommands()) {
    const r = await c.call(...cmd);
    if (r !== null && typeof r === 'object' && 'error' in r) throw new Error(`${cmd[0]}: ${r.error}`);
  }
}

const asString = (v: Value): string => {
  if (typeof v !== 'string') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
  return v;
};

const sortedStrings = (v: Value): string[] => (v as string[]).slice().sort();

/** Field/value pairs sorted by field (hashtable order is not meaningful). */
function pairs(v: Value): string[][] {
  const a = v as string[];
  const out: string[][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i] as string, a[i + 1] as string]);
  return out.sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1));
}

/**
 * A stream's entries and metadata; with `full`, XINFO STREAM FULL (delivery
 * and seen times included: equal only between a server and a copy of its data).
 */
async function streamValue(c: RespConnection, key: string, full: boolean): Promise<unknown> {
  if (full) return c.call('XINFO', 'STREAM', key, 'FULL');
  return [
    await c.call('XRANGE', key, '-', '+'),
    await c.call('XINFO', 'STREAM', key),
    await c.call('XINFO', 'GROUPS', key),
  ];
}

/**
 * Everything in databases 0..`dbs`-1: per key its type, encoding, absolute
 * expiry and contents (`full`: streams with their consumer times).
 */
export async function walk(c: RespConnection, dbs = 16, full = false): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < dbs; db++) {
    await c.call('SELECT', String(db));
    const keys = ((await c.call('KEYS', '*')) as string[]).slice().sort();
    for (const key of keys) {
      const type = ((await c.call('TYPE', key)) as { status: string }).status;
      const encoding = await c.call('OBJECT', 'ENCODING', key);
      const expire = await c.call('PEXPIRETIME', key);
      let value: unknown;
      if (type === 'string') value = asString(await c.call('GET', key));
      else if (type === 'list') value = await c.call('LRANGE', key, '0', '-1');
      else if (type === 'set') value = sortedStrings(await c.call('SMEMBERS', key));
      else if (type === 'zset') value = await c.call('ZRANGE', key, '0', '-1', 'WITHSCORES');
      else if (type === 'hash') value = pairs(await c.call('HGETALL', key));
      else if (type === 'stream') value = await streamValue(c, key, full);
      else value = `unsupported type ${type}`;
      out[`${db}:${key}`] = { type, encoding, expire, value };
    }
  }
  await c.call('SELECT', '0');
  return out;
}

/**
 * Whether two servers given the same commands DUMP a key identically:
 * hashtables iterate in a per-process order, and consumer groups record
 * delivery and seen times.
 */
export function deterministicDump(key: string, encoding: Value): boolean {
  return encoding !== 'hashtable' && key !== 'stream:pel';
}

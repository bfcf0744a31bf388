/**
 * `redoubt check-rdb <file>`: reads an RDB file through the loader (every
 * value decoded and validated, none kept) and reports as redis-check-rdb
 * does: aux fields and databases with their offsets, the checksum, then
 * either "RDB looks OK" or the offset and reason of the first error with what
 * was being read; keys per type, expires and already expired keys last.
 */
import type { ExpireTime } from '../store/database.js';
import { limitsOf } from '../store/types/limits.js';
import { RdbError, TYPE_NAMES } from './rdb/format.js';
import { type LoadResult, loadRdb } from './rdb/loader.js';
import { FileSource } from './rdb/reader.js';

export function checkRdb(path: string, print: (line: string) => void): number {
  print(`[offset 0] Checking RDB file ${path}`);
  let src: FileSource;
  try {
    src = new FileSource(path);
  } catch (err) {
    print(`Cannot open ${path}: ${(err as Error).message}`);
    return 1;
  }
  let keys = 0;
  let expires = 0;
  let alreadyExpired = 0;
  const byType = new Map<string, number>();
  let doing = 'start';
  let lastKey: string | undefined;
  let lastType: number | undefined;
  const now = Date.now();
  let result: LoadResult | undefined;
  let failure: RdbError | undefined;
  try {
    result = loadRdb(src, {
      databases: Number.MAX_SAFE_INTEGER,
      // A default server's limits: they only choose encodings, and nothing is kept.
      limits: limitsOf({}),
      verifyChecksum: true,
      evictionInfo: 'none',
      dropExpired: false,
      discardValues: true,
      observer: {
        aux: (offset, name, value) => print(`[offset ${offset}] AUX FIELD ${name} = '${value}'`),
        selectDb: (offset, id) => print(`[offset ${offset}] Selecting DB ID ${id}`),
        keyStart: (_offset: number, type: number, expire: ExpireTime) => {
          doing = 'read-key';
          lastType = type;
          lastKey = undefined;
          if (expire !== -1) {
            expires++;
            if (expire < now) alreadyExpired++;
          }
        },
        keyName: (key) => {
          doing = 'read-object-value';
          lastKey = key;
        },
        keyDone: () => {
          keys++;
          const name = TYPE_NAMES[lastType as number] ?? String(lastType);
          byType.set(name, (byType.get(name) ?? 0) + 1);
          doing = 'read-type';
          lastType = undefined;
          lastKey = undefined;
        },
      },
    });
  } catch (err) {
    if (!(err instanceof RdbError)) throw err;
    failure = err;
  } finally {
    src.close();
  }
  if (result !== undefined) {
    const end = src.offset;
    const words = {
      ok: 'Checksum OK',
      'not-computed': 'RDB file was saved with checksum disabled: no check performed.',
      skipped: 'Checksum not verified',
      absent: 'No checksum (RDB version before 5)',
    };
    print(`[offset ${end}] ${words[result.checksum]}`);
    print(`[offset ${end}] \\o/ RDB looks OK! \\o/`);
  } else if (failure !== undefined) {
    print('--- RDB ERROR DETECTED ---');
    print(`[offset ${failure.offset}] ${failure.reason}`);
    print(`[additional info] While doing: ${doing}`);
    if (lastKey !== undefined) print(`[additional info] Reading key '${lastKey}'`);
    if (lastType !== undefined)
      print(`[additional info] Reading type ${lastType} (${TYPE_NAMES[lastType] ?? 'unknown'})`);
  }
  print(`[info] ${keys} keys read`);
  print(`[info] ${expires} expires`);
  print(`[info] ${alreadyExpired} already expired`);
  for (const [name, n] of [...byType].sort()) print(`[info] ${name}: ${n}`);
  return result !== undefined ? 0 : 1;
}

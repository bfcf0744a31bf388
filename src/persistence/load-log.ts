/**
 * What Redis logs while it loads an RDB stream (rdbLoadRio), at start-up, as
 * an AOF base and for DEBUG RELOAD alike: the aux fields it understands as
 * they are read, then the key counts.
 */
import type { Logger } from '../core/logger.js';
import type { LoadObserver, LoadResult } from './rdb/loader.js';

/** C's strtol/strtoll on a decimal aux value: the leading integer, 0 when there is none. */
function leadingInt(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number.parseInt(m[1] as string, 10);
}

/** A load observer that logs the aux fields as Redis 7.0 does. */
export function auxFieldLogger(log: Logger): LoadObserver {
  return {
    aux(_offset, name, value) {
      switch (name.toLowerCase()) {
        case 'redis-ver':
          log.notice(`Loading RDB produced by version ${value}`);
          break;
        case 'ctime':
          log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - leadingInt(value))} seconds`);
          break;
        case 'used-mem':
          log.notice(`RDB memory usage when created ${(leadingInt(value) / (1024 * 1024)).toFixed(2)} Mb`);
          break;
        case 'aof-preamble':
          if (leadingInt(value) !== 0) log.notice('RDB has an AOF tail');
          break;
        case 'aof-base':
          if (leadingInt(value) !== 0) log.notice('RDB is base AOF');
          break;
        default:
          // Other fields are ignored, as the aux field contract says.
          break;
      }
    },
  };
}

/** rdbLoadRio's last line. */
export function logLoadDone(log: Logger, result: LoadResult): void {
  if (result.emptyKeysSkipped > 0)
    log.warning(
      `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}, empty keys skipped: ${result.emptyKeysSkipped}.`,
    );
  else
    log.notice(`Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}.`);
}

/**
 * Constants of Redis's RDB format (rdb.h): the version we write, opcodes, value
 * type bytes and the special length encodings.
 */

/** What Redis 7.0 writes (and the newest it reads). */
export const RDB_VERSION = 10;
/** Redis 7.2's version: loaded too (its SET_LISTPACK and the rest of 7.0's types). */
export const RDB_MAX_LOAD_VERSION = 11;

export const OP = {
  FUNCTION2: 0xf5,
  FUNCTION_PRE_GA: 0xf6,
  MODULE_AUX: 0xf7,
  IDLE: 0xf8,
  FREQ: 0xf9,
  AUX: 0xfa,
  RESIZEDB: 0xfb,
  EXPIRETIME_MS: 0xfc,
  EXPIRETIME: 0xfd,
  SELECTDB: 0xfe,
  EOF: 0xff,
} as const;

export const TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

/** Type bytes as names, for reports (redis-check-rdb's names). */
export const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'string',
  1: 'list-linked',
  2: 'set-hashtable',
  3: 'zset-v1',
  4: 'hash-hashtable',
  5: 'zset-v2',
  6: 'module-pre-release',
  7: 'module-value',
  9: 'hash-zipmap',
  10: 'list-ziplist',
  11: 'set-intset',
  12: 'zset-ziplist',
  13: 'hash-ziplist',
  14: 'quicklist',
  15: 'stream',
  16: 'hash-listpack',
  17: 'zset-listpack',
  18: 'quicklist-v2',
  19: 'stream-v2',
  20: 'set-listpack',
  21: 'stream-v3',
};

/** Top two bits of a length byte. */
export const LEN_6BIT = 0;
export const LEN_14BIT = 1;
export const LEN_ENCVAL = 3;
export const LEN_32BIT = 0x80;
export const LEN_64BIT = 0x81;

/** Special string encodings (after LEN_ENCVAL). */
export const ENC_INT8 = 0;
export const ENC_INT16 = 1;
export const ENC_INT32 = 2;
export const ENC_LZF = 3;

/** Quicklist 2 node containers. */
export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;

/** An RDB file or DUMP payload that cannot be read: where and why. */
export class RdbError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

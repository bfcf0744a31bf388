/**
 * Every error reply text, word for word as Redis 7 sends it. Handlers throw these
 * (`throw ERR.syntax`) or return them; the dispatcher encodes them. Parameterised
 * errors are functions. Nothing else in the code base spells an error message.
 */
import { ErrorReply } from '../protocol/reply.js';

const e = (message: string): ErrorReply => new ErrorReply(message);

/** Redis truncates user text in error messages with `%.128s`. */
export const clip = (s: string, n = 128): string => {
  // C's %s also stops at a NUL byte.
  const nul = s.indexOf('\0');
  const end = nul === -1 ? n : Math.min(nul, n);
  return s.length > end ? s.slice(0, end) : s;
};

export const ERR = {
  // Shared errors (server.c `createSharedObjects`).
  wrongType: e('WRONGTYPE Operation against a key holding the wrong kind of value'),
  noKey: e('ERR no such key'),
  syntax: e('ERR syntax error'),
  sameObject: e('ERR source and destination objects are the same'),
  outOfRange: e('ERR index out of range'),
  noAuth: e('NOAUTH Authentication required.'),
  oom: e("OOM command not allowed when used memory > 'maxmemory'."),
  execAbort: e('EXECABORT Transaction discarded because of previous errors.'),
  busyKey: e('BUSYKEY Target key name already exists.'),
  loading: e('LOADING Redis is loading the dataset in memory'),
  // Argument parsing (object.c / t_string.c / util.c).
  notInteger: e('ERR value is not an integer or out of range'),
  notFloat: e('ERR value is not a valid float'),
  overflow: e('ERR increment or decrement would overflow'),
  nanOrInfinity: e('ERR increment would produce NaN or Infinity'),
  mustBePositive: e('ERR value is out of range, must be positive'),
  invalidCursor: e('ERR invalid cursor'),
  dbIndexOutOfRange: e('ERR DB index is out of range'),
  invalidFirstDbIndex: e('ERR invalid first DB index'),
  invalidSecondDbIndex: e('ERR invalid second DB index'),
  stringTooLong: e('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  bitOffset: e('ERR bit offset is not an integer or out of range'),
  bitValue: e('ERR bit is not an integer or out of range'),
  timeoutNotFloat: e('ERR timeout is not a float or out of range'),
  timeoutNegative: e('ERR timeout is negative'),
  // COMMAND GETKEYS.
  invalidCommandSpecified: e('ERR Invalid command specified'),
  commandHasNoKeys: e('ERR The command has no key arguments'),
  invalidNumberOfArgsSpecified: e('ERR Invalid number of arguments specified for command'),
  invalidArgsSpecified: e('ERR Invalid arguments specified for command'),
  internal: e('ERR internal error'),
} as const;

export const wrongArity = (fullName: string): ErrorReply =>
  e(`ERR wrong number of arguments for '${fullName}' command`);

export const unknownCommand = (argv: readonly string[]): ErrorReply => {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${clip(argv[i] as string, 128 - args.length)}' `;
  }
  return e(`ERR unknown command '${clip(argv[0] as string)}', with args beginning with: ${args}`);
};

export const unknownSubcommand = (sub: string, container: string): ErrorReply =>
  e(`ERR unknown subcommand '${clip(sub)}'. Try ${container.toUpperCase()} HELP.`);

/** `addReplySubcommandSyntaxError`. */
export const subcommandSyntax = (sub: string, container: string): ErrorReply =>
  e(
    `ERR unknown subcommand or wrong number of arguments for '${clip(sub)}'. Try ${container.toUpperCase()} HELP.`,
  );

export const invalidExpireTime = (command: string): ErrorReply =>
  e(`ERR invalid expire time in '${command}' command`);

export const errorText = (message: string): ErrorReply => e(message);

// ---- generic (keyspace) commands: expire.c, object.c, db.c ----

/** `%s` of a C string stops at the first NUL byte. */
export const cString = (s: string): string => {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
};

/**
 * `addReplyErrorFormat`: the formatted text is trimmed of CR/LF at both ends (the
 * encoder turns the ones left inside into spaces).
 */
const formatted = (message: string): ErrorReply => e(message.replace(/^[\r\n]+|[\r\n]+$/g, ''));

export const unsupportedOption = (opt: string): ErrorReply =>
  formatted(`ERR Unsupported option ${cString(opt)}`);

export const GENERIC_ERR = {
  expireNxAndOthers: e('ERR NX and XX, GT or LT options at the same time are not compatible'),
  expireGtAndLt: e('ERR GT and LT options at the same time are not compatible'),
  lfuNotSelected: e(
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  ),
  lfuSelected: e(
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  ),
} as const;

/** `getRangeLongFromObjectOrReply` without a custom message (e.g. a C `int` argument). */
export const valueOutOfRange = (min: number | bigint, max: number | bigint): ErrorReply =>
  e(`ERR value is out of range, value must between ${min} and ${max}`);

/** String commands (t_string.c). */
export const ERR_STRING = {
  offsetOutOfRange: e('ERR offset is out of range'),
  decrementOverflow: e('ERR decrement would overflow'),
  lcsNotStrings: e('ERR The specified keys must contain string values'),
  lcsLenAndIdx: e('ERR If you want both the length and indexes, please just use IDX.'),
  lcsTooMuchMemory: e('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
  lcsAllocFailed: e('ERR Insufficient memory, failed allocating transient memory for LCS'),
} as const;

/** Bitmap commands (bitops.c). */
export const ERR_BITMAP = {
  bitArgument: e('ERR The bit argument must be 1 or 0.'),
  bitopNotSingleKey: e('ERR BITOP NOT must be called with a single source key.'),
  invalidOverflow: e('ERR Invalid OVERFLOW type specified'),
  bitfieldType: e(
    'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  ),
  bitfieldRoGetOnly: e('ERR BITFIELD_RO only supports the GET subcommand'),
} as const;

/** Server commands (server.c, slowlog.c, debug.c). */
export const SERVER_ERR = {
  slowlogCount: e('ERR count should be greater than or equal to -1'),
  noShutdownInProgress: e('ERR No shutdown in progress.'),
  shutdownFailed: e('ERR Errors trying to SHUTDOWN. Check logs.'),
  monitorDenyBlocking: e("ERR MONITOR isn't allowed for DENY BLOCKING client"),
  resp2NotSupported: e('ERR RESP2 is not supported by this command'),
  wrongProtocolType: e(
    'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
  ),
  debugReloadOptions: e('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.'),
  /** DEBUG RELOAD: the RDB file is missing or could not be loaded (the log says why). */
  debugReloadFailed: e('ERR Error trying to load the RDB dump'),
} as const;

export const noLatencySamples = (event: string): ErrorReply =>
  formatted(`ERR No samples available for event '${cString(event)}'`);

/** CONFIG (config.c). The reasons after " - " come from the directive kinds (src/config/kinds.ts). */
export const configSetUnknown = (name: string): ErrorReply =>
  e(`ERR Unknown option or number of arguments for CONFIG SET - '${cString(name)}'`);
export const configSetFailed = (name: string, reason: string): ErrorReply =>
  e(`ERR CONFIG SET failed (possibly related to argument '${cString(name)}') - ${reason}`);
export const CONFIG_ERR = {
  noConfigFile: e('ERR The server is running without a config file'),
  rewriteFailed: (why: string): ErrorReply => e(`ERR Rewriting config file: ${why}`),
} as const;

/** Hash commands (t_hash.c). */
export const HASH_ERR = {
  notInteger: e('ERR hash value is not an integer'),
  notFloat: e('ERR hash value is not a float'),
  nanOrInfinity: e('ERR value is NaN or Infinity'),
  outOfRange: e('ERR value is out of range'),
} as const;

/** Authentication and ACL (acl.c, server.c). */
export const ACL_ERR = {
  wrongPass: e('WRONGPASS invalid username-password pair or user is disabled.'),
  noPasswordConfigured: e(
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  ),
  usernameSpaces: e("ERR Usernames can't contain spaces or null characters"),
  defaultCannotBeRemoved: e("ERR The 'default' user cannot be removed"),
  noAclFile: e(
    'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
  ),
  saveFailed: e(
    'ERR There was an error trying to save the ACLs. Please check the server logs for more information',
  ),
  genpassRange: e(
    'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096',
  ),
} as const;

/** Gate 5 refusals; `reason` is acl/check.ts's DENIED_CMD (1), DENIED_KEY (2) or DENIED_CHANNEL (4). */
export const noPermission = (reason: number, fullName: string): ErrorReply =>
  reason === 1
    ? e(`NOPERM this user has no permissions to run the '${fullName}' command`)
    : reason === 2
      ? e('NOPERM this user has no permissions to access one of the keys used as arguments')
      : e('NOPERM this user has no permissions to access one of the channels used as arguments');

/** EXEC re-checks each queued command (multi.c): the same reasons, worded for a transaction. */
export const execNoPermission = (reason: number): ErrorReply =>
  e(
    'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. ' +
      'This command is no longer allowed for the following reason: ' +
      (reason === 1
        ? 'no permission to execute the command or subcommand'
        : reason === 2
          ? 'no permission to touch the specified keys'
          : 'no permission to access one of the channels used as arguments'),
  );

export const aclSetuserUnmatched = (word: string): ErrorReply =>
  formatted(`ERR Unmatched parenthesis in acl selector starting at '${cString(word)}'.`);
export const aclSetuserModifier = (op: string, why: string): ErrorReply =>
  formatted(`ERR Error in ACL SETUSER modifier '${cString(op)}': ${why}`);
/** ACL LOAD: every problem of the file in one line (acl/file.ts words them). */
export const aclLoadFailed = (errors: string): ErrorReply => e(`ERR ${errors}`);
export const aclUnknownCategory = (name: string): ErrorReply =>
  formatted(`ERR Unknown category '${clip(name)}'`);
export const aclDryrunNoUser = (name: string): ErrorReply =>
  formatted(`ERR User '${cString(name)}' not found`);
export const aclDryrunNoCommand = (name: string): ErrorReply =>
  formatted(`ERR Command '${cString(name)}' not found`);

// ---- accept-time refusals (networking.c acceptCommonHandler, clientAcceptHandler) ----

export const maxClientsReached = e('ERR max number of clients reached');
/** Redis 7.0's protected-mode refusal, word for word (its typo "Setup a an" included). */
export const protectedModeDenied = e(
  'DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
    'In this mode connections are only accepted from the loopback interface. ' +
    'If you want to connect from external computers to Redis you may adopt one of the following solutions: ' +
    "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface " +
    'by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. ' +
    'Use CONFIG REWRITE to make this change permanent. ' +
    "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
    "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
    '4) Setup a an authentication password for the default user. ' +
    'NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.',
);

/** Random replies with repetitions beyond Redoubt's limit (see MAX_RANDOM_REPLY); the text Redis uses for the neighbouring HRANDFIELD check. */
export const RANDOM_ERR = {
  outOfRange: e('ERR value is out of range'),
} as const;

/** List commands (t_list.c). */
export const LIST_ERR = {
  rankZero: e(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  ),
  countNegative: e("ERR COUNT can't be negative"),
  maxlenNegative: e("ERR MAXLEN can't be negative"),
  numkeys: e('ERR numkeys should be greater than 0'),
  countPositive: e('ERR count should be greater than 0'),
} as const;

/** Set commands (t_set.c). */
export const SET_ERR = {
  numkeys: e('ERR numkeys should be greater than 0'),
  tooManyKeys: e("ERR Number of keys can't be greater than number of args"),
  limitNegative: e("ERR LIMIT can't be negative"),
} as const;

/** Sorted-set commands (t_zset.c). */
export const ZSET_ERR = {
  nxAndXx: e('ERR XX and NX options at the same time are not compatible'),
  gtLtNx: e('ERR GT, LT, and/or NX options at the same time are not compatible'),
  incrPair: e('ERR INCR option supports a single increment-element pair'),
  nan: e('ERR resulting score is not a number (NaN)'),
  notFloatRange: e('ERR min or max is not a float'),
  notLexRange: e('ERR min or max not valid string range item'),
  limitNeedsBy: e('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'),
  withScoresByLex: e('ERR syntax error, WITHSCORES not supported in combination with BYLEX'),
  weightNotFloat: e('ERR weight value is not a float'),
  limitNegative: e("ERR LIMIT can't be negative"),
  numkeys: e('ERR numkeys should be greater than 0'),
  countPositive: e('ERR count should be greater than 0'),
  outOfRange: e('ERR value is out of range'),
} as const;

export const zsetNeedsKeys = (command: string): ErrorReply =>
  e(`ERR at least 1 input key is needed for '${command}' command`);

// ---- Redoubt's own security features (src/security) ----

/** auth-max-failures: AUTH / HELLO AUTH from an address past its failures this minute. */
export const authThrottled = (seconds: number): ErrorReply =>
  e(
    `ERR Too many failed authentication attempts from this address (auth-max-failures): try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
  );

// ---- HyperLogLog (hyperloglog.c) ----

export const HLL_ERR = {
  notHll: e('WRONGTYPE Key is not a valid HyperLogLog string value.'),
  corrupted: e('INVALIDOBJ Corrupted HLL object detected'),
  noSuchKey: e('ERR The specified key does not exist'),
  notSparse: e('ERR HLL encoding is not sparse'),
} as const;

export const pfdebugUnknown = (sub: string): ErrorReply =>
  formatted(`ERR Unknown PFDEBUG subcommand '${cString(sub)}'`);
/** PFSELFTEST's failures: addReplyError without a code, so "ERR TESTFAILED ...". */
export const pfselftestFailed = (why: string): ErrorReply => e(`ERR TESTFAILED ${why}`);

// ---- Geo (geo.c) ----

export const GEO_ERR = {
  unsupportedUnit: e('ERR unsupported unit provided. please use M, KM, FT, MI'),
  needNumericRadius: e('ERR need numeric radius'),
  radiusNegative: e('ERR radius cannot be negative'),
  needNumericWidth: e('ERR need numeric width'),
  needNumericHeight: e('ERR need numeric height'),
  boxNegative: e('ERR height or width cannot be negative'),
  countPositive: e('ERR COUNT must be > 0'),
  decodeMember: e('ERR could not decode requested zset member'),
  anyNeedsCount: e('ERR the ANY argument requires COUNT argument'),
} as const;

/** Longitude and latitude as `%f` prints them (the caller formats them). */
export const geoInvalidLonLat = (lon: string, lat: string): ErrorReply =>
  formatted(`ERR invalid longitude,latitude pair ${lon},${lat}`);
export const geoStoreIncompatible = (what: string): ErrorReply =>
  e(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
/** `%s` of argv[0] as the client spelled it. */
export const geoExactlyOneFrom = (command: string): ErrorReply =>
  formatted(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cString(command)}`);
export const geoExactlyOneBy = (command: string): ErrorReply =>
  formatted(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${cString(command)}`);

// ---- SORT (sort.c) ----

export const SORT_ERR = {
  notDouble: e("ERR One or more scores can't be converted into double"),
  byDenied: e('ERR BY option of SORT denied due to insufficient ACL permissions.'),
  getDenied: e('ERR GET option of SORT denied due to insufficient ACL permissions.'),
} as const;

/** Transactions (multi.c, server.c processCommand). */
export const TX_ERR = {
  notAllowedInMulti: e('ERR Command not allowed inside a transaction'),
  nestedMulti: e('ERR MULTI calls can not be nested'),
  execWithoutMulti: e('ERR EXEC without MULTI'),
  discardWithoutMulti: e('ERR DISCARD without MULTI'),
  watchInMulti: e('ERR WATCH inside MULTI is not allowed'),
} as const;

/** A refused EXEC (execCommandAbort): `why` is the refusal without its "-". */
export const execAbortBecause = (why: string): ErrorReply =>
  formatted(`EXECABORT Transaction discarded because of: ${why}`);

/** Blocking commands (blocked.c) and CLIENT UNBLOCK (networking.c). */
export const BLOCK_ERR = {
  unblockedByClient: e('UNBLOCKED client unblocked via CLIENT UNBLOCK'),
  unblockReason: e('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'),
  timeoutNotInteger: e('ERR timeout is not an integer or out of range'),
} as const;

/** Pub/sub (server.c processCommand, pubsub.c). */
export const pubsubContext = (fullName: string): ErrorReply =>
  e(
    `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  );
/** `command` upper case: SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE. */
export const subscribeDenyBlocking = (command: string): ErrorReply =>
  e(`ERR ${command} isn't allowed for a DENY BLOCKING client`);

// ---- Streams (t_stream.c, blocked.c) ----

export const STREAM_ERR = {
  invalidId: e('ERR Invalid stream ID specified as stream command argument'),
  xaddIdTooSmall: e('ERR The ID specified in XADD is equal or smaller than the target stream top item'),
  xaddIdZero: e('ERR The ID specified in XADD must be greater than 0-0'),
  exhausted: e('ERR The stream has exhausted the last possible ID, unable to add more items'),
  tooLarge: e('ERR Elements are too large to be stored'),
  /** The same text for XREADGROUP. */
  unbalanced: e("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
  maxlenAndMinid: e('ERR syntax error, MAXLEN and MINID options at the same time are not compatible'),
  maxlenNegative: e('ERR The MAXLEN argument must be >= 0.'),
  limitNegative: e('ERR The LIMIT argument must be >= 0.'),
  limitWithoutStrategy: e('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy'),
  xtrimNoStrategy: e('ERR syntax error, XTRIM must be called with a trimming strategy'),
  limitWithoutApprox: e('ERR syntax error, LIMIT cannot be used without the special ~ option'),
  invalidStartId: e('ERR invalid start ID for the interval'),
  invalidEndId: e('ERR invalid end ID for the interval'),
  groupOnlyXreadgroup: e('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.'),
  noackOnlyXreadgroup: e('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.'),
  missingGroup: e('ERR Missing GROUP option for XREADGROUP'),
  dollarInXreadgroup: e(
    'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  ),
  gtOnlyXreadgroup: e(
    'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  ),
  groupGone: e('NOGROUP the consumer group this client was blocked on no longer exists'),
  keyGone: e('UNBLOCKED the stream key no longer exists'),
  xgroupNoKey: e(
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  ),
  busyGroup: e('BUSYGROUP Consumer Group name already exists'),
  entriesRead: e('ERR value for ENTRIESREAD must be positive or -1'),
  xclaimMinIdle: e('ERR Invalid min-idle-time argument for XCLAIM'),
  xclaimIdle: e('ERR Invalid IDLE option argument for XCLAIM'),
  xclaimTime: e('ERR Invalid TIME option argument for XCLAIM'),
  xclaimRetryCount: e('ERR Invalid RETRYCOUNT option argument for XCLAIM'),
  xautoclaimMinIdle: e('ERR Invalid min-idle-time argument for XAUTOCLAIM'),
  countPositive: e('ERR COUNT must be > 0'),
  entriesAddedNegative: e('ERR entries_added must be positive'),
  xsetidBelowGivenMaxDeleted: e(
    'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  ),
  xsetidBelowTop: e('ERR The ID specified in XSETID is smaller than the target stream top item'),
  xsetidEntriesAdded: e('ERR The entries_added specified in XSETID is smaller than the target stream length'),
} as const;

export const nogroupXreadgroup = (key: string, group: string): ErrorReply =>
  formatted(
    `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}' in XREADGROUP with GROUP option`,
  );
export const nogroupForKey = (group: string, key: string): ErrorReply =>
  formatted(`NOGROUP No such consumer group '${cString(group)}' for key name '${cString(key)}'`);
export const nogroupKeyOrGroup = (key: string, group: string): ErrorReply =>
  formatted(`NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}'`);
export const xclaimUnrecognized = (opt: string): ErrorReply =>
  formatted(`ERR Unrecognized XCLAIM option '${cString(opt)}'`);

/** DUMP, RESTORE (cluster.c) and SAVE (rdb.c). */
export const PERSIST_ERR = {
  payloadVersionOrChecksum: e('ERR DUMP payload version or checksum are wrong'),
  badDataFormat: e('ERR Bad data format'),
  invalidTtl: e('ERR Invalid TTL value, must be >= 0'),
  invalidIdletime: e('ERR Invalid IDLETIME value, must be >= 0'),
  invalidFreq: e('ERR Invalid FREQ value, must be >= 0 and <= 255'),
  /** shared.err: a failed SAVE answers a bare "ERR" (the log says why). */
  saveFailed: e('ERR'),
  bgsaveInProgress: e('ERR Background save already in progress'),
  bgsaveChildActive: e(
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  ),
  /** shared.bgsaveerr: writes refused while the last background save failed (stop-writes-on-bgsave-error). */
  misconf: e(
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  ),
} as const;

/** BGREWRITEAOF (aof.c / server.c). */
export const AOF_ERR = {
  rewriteInProgress: e('ERR Background append only file rewriting already in progress'),
  rewriteFailed: e(
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  ),
  /** writeCommandsGetDiskErrorMessage: writes refused while the last AOF write (or fsync) failed; `why` is strerror's text. */
  writeError: (why: string): ErrorReply => e(`MISCONF Errors writing to the AOF file: ${why}`),
} as const;

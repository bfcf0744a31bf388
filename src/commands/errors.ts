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

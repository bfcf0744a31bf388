/**
 * Every error reply text, word for word as Redis 7 sends it. Handlers throw these
 * (`throw ERR.syntax`) or return them; the dispatcher encodes them. Parameterised
 * errors are functions. Nothing else in the code base spells an error message.
 */
import { ErrorReply } from '../protocol/reply.js';

const e = (message: string): ErrorReply => new ErrorReply(message);

/** Redis truncates user text in error messages with `%.128s`. */
export const clip = (s: string, n = 128): string => (s.length > n ? s.slice(0, n) : s);

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

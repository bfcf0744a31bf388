import { type Reply, StatusReply } from '../protocol/reply.js';

/** Redis's `addReplyHelp`: a header line, the command's lines, then HELP. */
export function helpReply(command: string, lines: readonly string[]): Reply {
  return [
    new StatusReply(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map((l) => new StatusReply(l)),
    new StatusReply('HELP'),
    new StatusReply('    Prints this help.'),
  ];
}

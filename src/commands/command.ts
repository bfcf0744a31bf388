/**
 * COMMAND and its subcommands. Every reply is derived from the command specs
 * (never hard-coded): COMMAND INFO from flags, categories, key specs and tips;
 * COMMAND DOCS from summaries, history and argument docs.
 */
import type { Client } from '../core/client.js';
import { MapReply, type Reply, SetReply, StatusReply } from '../protocol/reply.js';
import { globMatch } from '../util/glob.js';
import { ERR } from './errors.js';
import { helpReply } from './help.js';
import { getKeys } from './keyspecs.js';
import { CMD_NO_MANDATORY_KEYS, type Command } from './registry.js';
import type { ArgSpec, CommandSpec, KeySpec } from './spec.js';

export const commandCommands = [
  {
    name: 'command',
    group: 'server',
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['connection'],
    tips: ['nondeterministic_output_order'],
    handler: commandCommand,
    subcommands: [
      {
        name: 'count',
        group: 'server',
        summary: 'Get total number of Redis commands',
        since: '2.8.13',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        handler: commandCountCommand,
      },
      {
        name: 'docs',
        group: 'server',
        summary: 'Get array of specific Redis command documentation',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands to look up',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        tips: ['nondeterministic_output_order'],
        args: [{ name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }],
        handler: commandDocsCommand,
      },
      {
        name: 'getkeys',
        group: 'server',
        summary: 'Extract keys given a full Redis command',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of arguments to the command',
        arity: -4,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        handler: commandGetkeysCommand,
      },
      {
        name: 'getkeysandflags',
        group: 'server',
        summary: 'Extract keys and access flags given a full Redis command',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of arguments to the command',
        arity: -4,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        handler: commandGetkeysandflagsCommand,
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        handler: commandHelpCommand,
      },
      {
        name: 'info',
        group: 'server',
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of commands to look up',
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        tips: ['nondeterministic_output_order'],
        args: [{ name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }],
        handler: commandInfoCommand,
      },
      {
        name: 'list',
        group: 'server',
        summary: 'Get an array of Redis command names',
        since: '7.0.0',
        complexity: 'O(N) where N is the total number of Redis commands',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        tips: ['nondeterministic_output_order'],
        args: [
          {
            name: 'filterby',
            type: 'oneof',
            token: 'FILTERBY',
            flags: ['optional'],
            arguments: [
              { name: 'module-name', type: 'string', token: 'MODULE' },
              { name: 'category', type: 'string', token: 'ACLCAT' },
              { name: 'pattern', type: 'pattern', token: 'PATTERN' },
            ],
          },
        ],
        handler: commandListCommand,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

function commandCommand(c: Client): Reply {
  const out: Reply[] = [];
  for (const [, cmd] of c.server.commands.callable()) out.push(commandInfo(cmd));
  return out;
}

function commandInfoCommand(c: Client, argv: string[]): Reply {
  if (argv.length === 2) return commandCommand(c);
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const cmd = c.server.commands.byCurrentName(argv[i] as string);
    out.push(cmd === undefined ? null : commandInfo(cmd));
  }
  return out;
}

function commandCountCommand(c: Client): Reply {
  let n = 0;
  for (const _ of c.server.commands.callable()) n++;
  return n;
}

function commandDocsCommand(c: Client, argv: string[]): Reply {
  const out: Reply[] = [];
  if (argv.length === 2) {
    for (const [, cmd] of c.server.commands.callable()) out.push(cmd.fullName, commandDocs(cmd));
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = c.server.commands.byCurrentName(argv[i] as string);
      if (cmd !== undefined) out.push(cmd.fullName, commandDocs(cmd));
    }
  }
  return new MapReply(out);
}

function commandListCommand(c: Client, argv: string[]): Reply {
  let filter: ((cmd: Command) => boolean) | undefined;
  if (argv.length === 5 && (argv[2] as string).toLowerCase() === 'filterby') {
    const kind = (argv[3] as string).toLowerCase();
    const value = argv[4] as string;
    if (kind === 'module') filter = () => false;
    else if (kind === 'aclcat') filter = (cmd) => cmd.categoryNames().includes(value.toLowerCase() as never);
    else if (kind === 'pattern') filter = (cmd) => globMatch(value, cmd.fullName, true);
    else throw ERR.syntax;
  } else if (argv.length !== 2) {
    throw ERR.syntax;
  }
  const out: Reply[] = [];
  for (const [, cmd] of c.server.commands.callable()) {
    if (filter === undefined || filter(cmd)) out.push(cmd.fullName);
    if (cmd.subcommands !== undefined) {
      for (const sub of cmd.subcommands.values())
        if (filter === undefined || filter(sub)) out.push(sub.fullName);
    }
  }
  return out;
}

function getKeysReply(c: Client, argv: string[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const found = c.server.commands.lookup(target);
  if (found.kind !== 'found') throw ERR.invalidCommandSpecified;
  const cmd = found.command;
  if (cmd.keySpecs.length === 0 && cmd.spec.getKeys === undefined) throw ERR.commandHasNoKeys;
  if (!cmd.arityOk(target.length)) throw ERR.invalidNumberOfArgsSpecified;
  const keys = getKeys(cmd, target) ?? [];
  if (keys.length === 0) {
    if (cmd.has(CMD_NO_MANDATORY_KEYS)) return [];
    throw ERR.invalidArgsSpecified;
  }
  return keys.map((k) =>
    withFlags
      ? [target[k.pos] as string, new SetReply(k.flags.map((f) => new StatusReply(f)))]
      : (target[k.pos] as string),
  );
}

function commandGetkeysCommand(c: Client, argv: string[]): Reply {
  return getKeysReply(c, argv, false);
}

function commandGetkeysandflagsCommand(c: Client, argv: string[]): Reply {
  return getKeysReply(c, argv, true);
}

function commandHelpCommand(): Reply {
  return helpReply('COMMAND', [
    '(no subcommand)',
    '    Return details about all Redis commands.',
    'COUNT',
    '    Return the total number of commands in this Redis server.',
    'LIST',
    '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]',
    '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]',
    '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>',
    '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>',
    '    Return the keys and the access flags from a full Redis command.',
  ]);
}

const status = (s: string): StatusReply => new StatusReply(s);

/** COMMAND INFO entry: name, arity, flags, first/last/step, categories, tips, key specs, subcommands. */
export function commandInfo(cmd: Command): Reply {
  return [
    cmd.fullName,
    cmd.arity,
    new SetReply(cmd.flagNames().map(status)),
    cmd.firstKey,
    cmd.lastKey,
    cmd.keyStep,
    new SetReply(cmd.categoryNames().map((n) => status(`@${n}`))),
    new SetReply([...(cmd.spec.tips ?? [])]),
    // Redis 7.0 sends these as RESP3 sets.
    new SetReply(cmd.keySpecs.map(keySpecReply)),
    cmd.subcommands === undefined ? new SetReply([]) : [...cmd.subcommands.values()].map(commandInfo),
  ];
}

function keySpecReply(ks: KeySpec): Reply {
  const out: Reply[] = [];
  if (ks.notes !== undefined) out.push('notes', ks.notes);
  out.push('flags', new SetReply(ks.flags.map(status)));
  const b = ks.begin;
  out.push('begin_search');
  if (b === 'unknown') out.push(new MapReply(['type', 'unknown', 'spec', new MapReply([])]));
  else if ('index' in b) out.push(new MapReply(['type', 'index', 'spec', new MapReply(['index', b.index])]));
  else
    out.push(
      new MapReply([
        'type',
        'keyword',
        'spec',
        new MapReply(['keyword', b.keyword, 'startfrom', b.startfrom]),
      ]),
    );
  const f = ks.find;
  out.push('find_keys');
  if (f === 'unknown') out.push(new MapReply(['type', 'unknown', 'spec', new MapReply([])]));
  else if ('range' in f) {
    out.push(
      new MapReply([
        'type',
        'range',
        'spec',
        new MapReply(['lastkey', f.range[0], 'keystep', f.range[1], 'limit', f.range[2]]),
      ]),
    );
  } else {
    out.push(
      new MapReply([
        'type',
        'keynum',
        'spec',
        new MapReply(['keynumidx', f.keynum[0], 'firstkey', f.keynum[1], 'keystep', f.keynum[2]]),
      ]),
    );
  }
  return new MapReply(out);
}

/** COMMAND DOCS entry, fields in Redis's order. */
export function commandDocs(cmd: Command): Reply {
  const s: CommandSpec = cmd.spec;
  const out: Reply[] = ['summary', s.summary, 'since', s.since, 'group', s.group];
  if (s.complexity !== undefined) out.push('complexity', s.complexity);
  if (s.docFlags !== undefined) out.push('doc_flags', new SetReply(s.docFlags.map(status)));
  if (s.deprecatedSince !== undefined) out.push('deprecated_since', s.deprecatedSince);
  if (s.replacedBy !== undefined) out.push('replaced_by', s.replacedBy);
  // Redis 7.0 sends the history as a RESP3 set.
  if (s.history !== undefined) out.push('history', new SetReply(s.history.map(([v, d]) => [v, d])));
  if (s.args !== undefined) out.push('arguments', s.args.map(argDocs));
  if (cmd.subcommands !== undefined) {
    const subs: Reply[] = [];
    for (const sub of cmd.subcommands.values()) subs.push(sub.fullName, commandDocs(sub));
    out.push('subcommands', new MapReply(subs));
  }
  return new MapReply(out);
}

function argDocs(a: ArgSpec): Reply {
  const out: Reply[] = ['name', a.name, 'type', a.type];
  if (a.display_text !== undefined) out.push('display_text', a.display_text);
  if (a.key_spec_index !== undefined) out.push('key_spec_index', a.key_spec_index);
  if (a.token !== undefined) out.push('token', a.token);
  if (a.summary !== undefined) out.push('summary', a.summary);
  if (a.since !== undefined) out.push('since', a.since);
  if (a.deprecated_since !== undefined) out.push('deprecated_since', a.deprecated_since);
  if (a.flags !== undefined) out.push('flags', new SetReply(a.flags.map(status)));
  if (a.arguments !== undefined) out.push('arguments', a.arguments.map(argDocs));
  return new MapReply(out);
}

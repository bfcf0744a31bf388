/**
 * The CONFIG container: GET, SET, RESETSTAT, REWRITE and HELP. The directives,
 * their parsing and rendering live in src/config/; these handlers only word the
 * replies as Redis 7.0 does.
 */
import { Config } from '../config/config.js';
import { strerror } from '../config/kinds.js';
import { rewriteConfigFile } from '../config/rewrite.js';
import { SENSITIVE } from '../config/table.js';
import type { Client } from '../core/client.js';
import { MapReply, OK, type Reply } from '../protocol/reply.js';
import { CONFIG_ERR, configSetFailed, configSetUnknown, ERR } from './errors.js';
import { helpReply } from './help.js';
import type { CommandSpec } from './spec.js';

export const configCommands = [
  {
    name: 'config',
    group: 'server',
    summary: 'A container for server configuration commands',
    since: '2.0.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'get',
        group: 'server',
        summary: 'Get the values of configuration parameters',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        args: [
          {
            name: 'parameter',
            type: 'block',
            flags: ['multiple'],
            arguments: [{ name: 'parameter', type: 'string' }],
          },
        ],
        handler: configGetCommand,
      },
      {
        name: 'help',
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        handler: configHelpCommand,
      },
      {
        name: 'resetstat',
        group: 'server',
        summary: 'Reset the stats returned by INFO',
        since: '2.0.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        handler: configResetstatCommand,
      },
      {
        name: 'rewrite',
        group: 'server',
        summary: 'Rewrite the configuration file with the in memory configuration',
        since: '2.8.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        handler: configRewriteCommand,
      },
      {
        name: 'set',
        group: 'server',
        summary: 'Set configuration parameters to the given values',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        arity: -4,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [
          {
            name: 'parameter_value',
            type: 'block',
            flags: ['multiple'],
            arguments: [
              { name: 'parameter', type: 'string' },
              { name: 'value', type: 'string' },
            ],
          },
        ],
        secretArgs: configSetSecrets,
        handler: configSetCommand,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

function configGetCommand(c: Client, argv: string[]): Reply {
  const items: Reply[] = [];
  for (const [name, value] of c.server.config.getMatching(argv.slice(2))) items.push(name, value);
  return new MapReply(items);
}

/** Values of sensitive directives (requirepass, masterauth...) are secrets. */
function configSetSecrets(argv: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 2; i + 1 < argv.length; i += 2) {
    const e = Config.lookup(argv[i] as string);
    if (e !== undefined && ((e.directive.flags ?? 0) & SENSITIVE) !== 0) out.push(i + 1);
  }
  return out;
}

function configSetCommand(c: Client, argv: string[]): Reply {
  if (argv.length % 2 !== 0) throw ERR.syntax;
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i] as string, argv[i + 1] as string]);
  const server = c.server;
  const mode = server.config.get<string>('enable-protected-configs');
  const protectedAllowed = mode === 'yes' || (mode === 'local' && server.isLocal(c));
  const failure = server.config.set(server, pairs, protectedAllowed);
  // Directive names only: values may be secrets.
  server.security.adminCommand(c, 'config-set', {
    params: pairs.map(([name]) => name),
    result: failure === undefined ? 'ok' : 'error',
  });
  if (failure === undefined) return OK;
  return failure.kind === 'unknown'
    ? configSetUnknown(failure.name)
    : configSetFailed(failure.name, failure.reason);
}

function configResetstatCommand(c: Client): Reply {
  c.server.resetStats();
  return OK;
}

function configRewriteCommand(c: Client): Reply {
  const server = c.server;
  if (server.config.configFile === undefined) {
    server.security.adminCommand(c, 'config-rewrite', { result: 'error' });
    return CONFIG_ERR.noConfigFile;
  }
  try {
    rewriteConfigFile(server.config);
  } catch (err) {
    const why = strerror(err);
    server.logger.warning(`CONFIG REWRITE failed: ${why}`);
    server.security.adminCommand(c, 'config-rewrite', { result: 'error' });
    return CONFIG_ERR.rewriteFailed(why);
  }
  server.logger.warning('CONFIG REWRITE executed with success.');
  server.security.adminCommand(c, 'config-rewrite', { result: 'ok' });
  return OK;
}

function configHelpCommand(): Reply {
  return helpReply('CONFIG', [
    'GET <pattern>',
    '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>',
    '    Set the configuration <directive> to <value>.',
    'RESETSTAT',
    '    Reset statistics reported by the INFO command.',
    'REWRITE',
    '    Rewrite the configuration file.',
  ]);
}

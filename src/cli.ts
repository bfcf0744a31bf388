#!/usr/bin/env node
/**
 * `redoubt server [config] [--directive value ...]` and `redoubt-server` (same
 * arguments as redis-server: config file first, `--name value` overrides after).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Config } from './config/config.js';
import { strerror } from './config/kinds.js';
import {
  ConfigFileError,
  type ConfigLine,
  parseCommandLine,
  parseConfigText,
  readConfigFile,
} from './config/parser.js';
import { fileSink, Logger, type LogLevel, type LogSink, stdoutSink } from './core/logger.js';
import { Server } from './core/server.js';
import { REDIS_COMPAT_VERSION, VERSION } from './core/version.js';

const USAGE = `Usage: redoubt-server [/path/to/redis.conf] [options] [-]
       redoubt-server - (read config from stdin)
       redoubt-server -v or --version
       redoubt-server -h or --help

Examples:
       redoubt-server (run the server with secure embedded defaults)
       redoubt-server /etc/redis/6379.conf
       redoubt-server --port 7777
       redoubt-server /etc/myredis.conf --loglevel verbose --bind "127.0.0.1 ::1"
`;

const MAIN_USAGE = `Usage: redoubt <command> [arguments]

Commands:
  server [config] [--directive value ...]   start the server (redis-server conventions)
  version                                    print the version
`;

function versionLine(): string {
  return `Redoubt server v=${VERSION} redis_version=${REDIS_COMPAT_VERSION} node=${process.version} bits=64`;
}

export async function runServer(argv: readonly string[]): Promise<number> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let config: Config;
  let configPath: string | undefined;
  try {
    // Redis's order: the file, then standard input, then the command-line options.
    const { configFile, stdin, overrides } = parseCommandLine(argv);
    const lines: ConfigLine[] = [];
    if (configFile !== undefined) {
      configPath = resolve(configFile);
      lines.push(...readConfigFile(configPath));
    }
    if (stdin) lines.push(...parseConfigText(readFileSync(0, 'latin1'), '(stdin)'));
    config = Config.fromLines([...lines, ...overrides]);
    config.configFile = configPath;
  } catch (err) {
    if (err instanceof ConfigFileError) {
      process.stderr.write(err.report(VERSION));
      return 1;
    }
    throw err;
  }
  const logfile = config.get<string>('logfile');
  let sink: LogSink = stdoutSink;
  try {
    // Relative to `dir`, where Redis (which chdirs there) opens it.
    if (logfile !== '') sink = fileSink(resolve(config.get<string>('dir'), logfile));
  } catch (err) {
    process.stderr.write(
      new ConfigFileError(configPath ?? '', 0, '', `Can't open the log file: ${strerror(err)}`).report(
        VERSION,
      ),
    );
    return 1;
  }
  const logger = new Logger(sink);
  logger.level = config.get<LogLevel>('loglevel');
  logger.warning('oO0OoO0OoO0Oo Redoubt is starting oO0OoO0OoO0Oo');
  logger.warning(
    `Redoubt version=${VERSION}, redis_version=${REDIS_COMPAT_VERSION}, bits=64, node=${process.version}, pid=${process.pid}, just started`,
  );
  logger.warning(
    configPath === undefined
      ? 'No config file specified, using the secure embedded defaults'
      : `Configuration loaded from ${configPath}`,
  );
  let server: Server;
  try {
    server = new Server(config, logger);
    await server.listen();
  } catch (err) {
    if (err instanceof ConfigFileError) {
      process.stderr.write(err.report(VERSION));
      return 1;
    }
    logger.warning(`Failed to start: ${err instanceof Error ? err.message : String(err)}, aborting.`);
    return 1;
  }
  const where = server
    .addresses()
    .map((a) =>
      a.kind === 'unix'
        ? `unix:${a.path}`
        : a.host.includes(':')
          ? `[${a.host}]:${a.port}`
          : `${a.host}:${a.port}`,
    )
    .join(', ');
  logger.notice(
    `Redoubt ${VERSION} (Redis ${REDIS_COMPAT_VERSION} compatible) running in standalone mode, PID: ${process.pid}, port: ${config.get<number>('port')}, listening on ${where || 'nothing'}`,
  );
  logger.notice('Server initialized');
  logger.notice('Ready to accept connections');
  return await new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.warning(`Received ${signal} scheduling shutdown...`);
      logger.warning('User requested shutdown...');
      server.close().then(
        () => {
          logger.warning('Redoubt is now ready to exit, bye bye...');
          done(0);
        },
        () => done(1),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    server.onShutdown = (code) => {
      stopping = true;
      done(code);
    };
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'server':
      return runServer(rest);
    case 'version':
    case '-v':
    case '--version':
      process.stdout.write(`${versionLine()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(MAIN_USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`redoubt: unknown command '${command}'\n${MAIN_USAGE}`);
      return 1;
  }
}

const entry = process.argv[2];
if (entry === '--as-server') {
  runServer(process.argv.slice(3)).then((code) => process.exit(code));
} else {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

#!/usr/bin/env node
/**
 * `redoubt server [config] [--directive value ...]` and `redoubt-server` (same
 * arguments as redis-server: config file first, `--name value` overrides after).
 */
import { chownSync, lchownSync, readFileSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { runAudit } from './audit/command.js';
import { Config } from './config/config.js';
import { strerror } from './config/kinds.js';
import {
  ConfigFileError,
  type ConfigLine,
  parseCommandLine,
  parseConfigText,
  readConfigFile,
} from './config/parser.js';
import { SHUTDOWN_FORCE, SHUTDOWN_NOSAVE, SHUTDOWN_SAVE } from './config/table.js';
import { Logger, type LogLevel, type LogSink, stdoutSink } from './core/logger.js';
import { Server } from './core/server.js';
import { REDIS_COMPAT_VERSION, VERSION } from './core/version.js';
import { runHarden } from './harden/command.js';
import { checkAof } from './persistence/aof/check.js';
import { checkRdb } from './persistence/check-rdb.js';
import { shutdownSave } from './persistence/snapshot.js';
import { checkSecretFiles, privateLogSink, StrictPermissionsError } from './security/files.js';
import { decideRoot, dropPrivileges, PrivilegeError, type RootDecision } from './security/privilege.js';

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
  audit [--config FILE] [--url URL] [--host]  check a Redis, Valkey or Redoubt deployment
  harden --out DIR [--target T] [--tls] ...  write a hardened deployment that the audit passes
  check-aof [--fix|--truncate-to-timestamp T] <file.manifest|file.aof>
                                             check an AOF (as redis-check-aof)
  check-rdb <file>                           check an RDB file (as redis-check-rdb)
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
  const lines: ConfigLine[] = [];
  try {
    // Redis's order: the file, then standard input, then the command-line options.
    const { configFile, stdin, overrides } = parseCommandLine(argv);
    if (configFile !== undefined) {
      configPath = resolve(configFile);
      lines.push(...readConfigFile(configPath));
    }
    if (stdin) lines.push(...parseConfigText(readFileSync(0, 'latin1'), '(stdin)'));
    lines.push(...overrides);
    config = Config.fromLines(lines);
    config.configFile = configPath;
  } catch (err) {
    if (err instanceof ConfigFileError) {
      process.stderr.write(err.report(VERSION));
      return 1;
    }
    throw err;
  }
  // Root or not is decided before anything is created (the log file included).
  let decision: RootDecision;
  try {
    decision = decideRoot(config.get<string>('run-as'), config.get<boolean>('allow-root'));
  } catch (err) {
    if (!(err instanceof PrivilegeError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  if (decision.action === 'refuse') {
    process.stderr.write(`${decision.message}\n`);
    return 1;
  }
  const logfile = config.get<string>('logfile');
  const logPath = logfile === '' ? undefined : resolve(config.get<string>('dir'), logfile);
  let sink: LogSink = stdoutSink;
  let logNotes: readonly string[] = [];
  try {
    // Relative to `dir`, where Redis (which chdirs there) opens it.
    if (logPath !== undefined) {
      const fileSink = privateLogSink(logPath);
      sink = fileSink;
      logNotes = fileSink.notes;
      // The user it will run as keeps the log (and can reopen it after a rotation).
      if (decision.action === 'drop') chownSync(logPath, decision.to.uid, decision.to.gid);
    }
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
  for (const note of logNotes) logger.notice(note);
  for (const w of decision.warnings) logger.warning(w);
  let server: Server;
  try {
    checkSecretFiles(
      lines,
      {
        aclfile:
          config.get<string>('aclfile') === ''
            ? ''
            : resolve(config.get<string>('dir'), config.get<string>('aclfile')),
        tlsKeyFile: config.get<string>('tls-key-file'),
        strict: config.get<boolean>('strict-permissions'),
      },
      logger,
    );
    server = new Server(config, logger);
    const drop = decision.action === 'drop' ? decision.to : undefined;
    // As the log file: the user it will run as keeps the audit log (and can reopen it after a rotation).
    const audit = server.security.audit;
    if (drop !== undefined && audit.enabled) chownSync(audit.file, drop.uid, drop.gid);
    const pidfile = config.get<string>('pidfile');
    await server.listen(
      drop === undefined
        ? {}
        : {
            beforeAccept: () => {
              // What was created as root belongs to the user it runs as: the pidfile, and
              // the unix socket (0700 would otherwise let only root connect).
              if (pidfile !== '') chownSync(resolve(config.get<string>('dir'), pidfile), drop.uid, drop.gid);
              const unixsocket = config.get<string>('unixsocket');
              if (unixsocket !== '') lchownSync(unixsocket, drop.uid, drop.gid);
              dropPrivileges(drop, logger);
            },
          },
    );
  } catch (err) {
    if (err instanceof ConfigFileError) {
      process.stderr.write(err.report(VERSION));
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof StrictPermissionsError || err instanceof PrivilegeError)
      process.stderr.write(`${message}\n`);
    logger.warning(`Failed to start: ${message.replace(/\.$/, '')}, aborting.`);
    return 1;
  }
  const where = server
    .addresses()
    .map((a) =>
      a.kind === 'unix'
        ? `unix:${a.path}`
        : `${a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`}${a.kind === 'tls' ? ' (TLS)' : ''}`,
    )
    .join(', ');
  logger.notice(
    `Redoubt ${VERSION} (Redis ${REDIS_COMPAT_VERSION} compatible) running in standalone mode, PID: ${process.pid}, port: ${config.get<number>('port')}, listening on ${where || 'nothing'}`,
  );
  logger.notice('Server initialized');
  logger.notice('Ready to accept connections');
  return await new Promise<number>((done) => {
    let stopping = false;
    // Redis's SIGTERM/SIGINT shutdown: the final save as shutdown-on-sig* says
    // (by default when save points are set); when it fails the server runs on.
    const stop = (signal: 'SIGTERM' | 'SIGINT'): void => {
      if (stopping) return;
      logger.warning(`Received ${signal} scheduling shutdown...`);
      logger.warning('User requested shutdown...');
      const bits = config.get<number>(signal === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint');
      const flags = {
        save: (bits & SHUTDOWN_SAVE) !== 0,
        nosave: (bits & SHUTDOWN_NOSAVE) !== 0,
        force: (bits & SHUTDOWN_FORCE) !== 0,
      };
      if (!shutdownSave(server, flags)) {
        logger.warning(
          `${signal} received but errors trying to shut down the server, check the logs for more information`,
        );
        return;
      }
      stopping = true;
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

/** One line of standard input, read synchronously (check-aof's confirmation); null at its end. */
function readStdinLine(): string | null {
  const buf = Buffer.alloc(1);
  let line = '';
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, 1, null);
    } catch {
      return line === '' ? null : line;
    }
    if (n === 0) return line === '' ? null : line;
    if (buf[0] === 0x0a) return line;
    line += String.fromCharCode(buf[0] as number);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'server':
      return runServer(rest);
    case 'audit':
      return runAudit(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    case 'harden':
      return runHarden(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    case 'check-aof':
      return checkAof(rest, {
        print: (line) => process.stdout.write(`${line}\n`),
        ask: (prompt) => {
          process.stdout.write(prompt);
          return readStdinLine();
        },
      });
    case 'check-rdb':
      if (rest.length !== 1) {
        process.stderr.write('Usage: redoubt check-rdb <rdb-file-name>\n');
        return 1;
      }
      return checkRdb(rest[0] as string, (line) => process.stdout.write(`${line}\n`));
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

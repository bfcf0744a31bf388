/**
 * Embedding API.
 *
 *   import { createServer } from 'redoubt';
 *   const server = await createServer({ port: 0, requirepass: 's3cret' }).listen();
 *   const { host, port } = server.address();
 *   ...
 *   await server.close();
 *
 * Options are configuration directives, by their redis.conf name
 * (`'maxmemory-policy'`) or in camelCase (`maxmemoryPolicy`), validated exactly as
 * in a config file. Unlike redis.conf, `port: 0` here means "any free port" (as
 * Node's `listen(0)`), unless a `tlsPort` is set: then, as in redis.conf, it
 * means TLS only; use `bind: ''` for no TCP listener.
 *
 * Persistence is the host application's choice: without a `configFile`, an
 * embedded server is in memory only unless a persistence directive (`save`,
 * `dir`, `dbfilename`, `appendonly`, `appendfilename`, `appenddirname`) is
 * given: no save points (`save ""`), and nothing loaded at start-up, so a test
 * or an app never finds a dump.rdb written into, or read from, its working
 * directory. With any of them, Redis's rules apply.
 *
 * Privileges belong to the host application: `run-as` has no effect here, and a
 * server embedded in a root process only logs a warning (redoubt-server refuses
 * to run as root). Config files holding secrets that others can read are
 * reported (or refused with `strictPermissions: true`), as on the command line.
 */
import { resolve } from 'node:path';
import { Config } from './config/config.js';
import { ConfigFileError, type ConfigLine, readConfigFile } from './config/parser.js';
import { fileSink, Logger, type LogSink, nullSink, stdoutSink } from './core/logger.js';
import { Server } from './core/server.js';
import { checkSecretFiles, StrictPermissionsError } from './security/files.js';
import { warnEmbeddedRoot } from './security/privilege.js';

export type DirectiveValue = string | number | boolean | readonly string[];

export interface CreateServerOptions {
  /** Read this redis.conf first; the other options override it. */
  configFile?: string;
  /** Where log lines go: 'silent' (default when embedded), 'stdout', or a sink. `logfile` wins. */
  log?: 'silent' | 'stdout' | LogSink;
  [directive: string]: DirectiveValue | LogSink | undefined;
}

export interface ServerAddress {
  host: string;
  port: number;
}

export type ListenerKind = 'tcp' | 'tls' | 'unix';

export interface RedoubtServer {
  /** Open the listeners; resolves once clients can connect. */
  listen(): Promise<RedoubtServer>;
  /** The first TCP address listened on (host and actual port), or the first TLS one when TLS only. */
  address(): ServerAddress;
  /** Every listener: TCP and TLS addresses and the unix socket path. */
  addresses(): { kind: ListenerKind; host: string; port: number; path?: string }[];
  /** Disconnect clients and stop listening. */
  close(): Promise<void>;
  /** The underlying server (advanced use and tests). */
  readonly server: Server;
}

/** Directives that ask an embedded server to persist (see the header). */
const PERSISTENCE_OPTIONS = new Set([
  'save',
  'dir',
  'dbfilename',
  'appendonly',
  'appendfilename',
  'appenddirname',
]);

const kebab = (s: string): string => s.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);

function toArgs(v: DirectiveValue): string[] {
  if (typeof v === 'boolean') return [v ? 'yes' : 'no'];
  if (typeof v === 'number') return [String(v)];
  if (typeof v === 'string') return [v];
  return [...v];
}

/** Build a server from directives (nothing is opened until `listen()`). */
export function createServer(options: CreateServerOptions = {}): RedoubtServer {
  const lines: ConfigLine[] = options.configFile === undefined ? [] : readConfigFile(options.configFile);
  let ephemeral = false;
  const inMemory =
    options.configFile === undefined && !Object.keys(options).some((k) => PERSISTENCE_OPTIONS.has(kebab(k)));
  if (inMemory)
    lines.push({ name: 'save', args: [''], file: '(embedded default)', line: 0, text: 'save ""' });
  for (const [key, value] of Object.entries(options)) {
    if (key === 'configFile' || key === 'log' || value === undefined) continue;
    const name = kebab(key);
    if (name === 'port' && value === 0) ephemeral = true;
    const args = toArgs(value as DirectiveValue);
    lines.push({ name, args, file: '(createServer options)', line: 0, text: `${name} ${args.join(' ')}` });
  }
  const config = Config.fromLines(lines);
  if (options.configFile !== undefined) config.configFile = resolve(options.configFile);
  const logfile = config.get<string>('logfile');
  const sink: LogSink =
    logfile !== ''
      ? fileSink(resolve(config.get<string>('dir'), logfile))
      : options.log === 'stdout'
        ? stdoutSink
        : typeof options.log === 'object'
          ? options.log
          : nullSink;
  const logger = new Logger(sink);
  warnEmbeddedRoot(config.get<string>('run-as'), config.get<boolean>('allow-root'), logger);
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
  const server = new Server(config, logger, { ephemeralPort: ephemeral, inMemory });
  const handle: RedoubtServer = {
    server,
    async listen() {
      await server.listen();
      return handle;
    },
    address() {
      const all = server.addresses();
      const tcp = all.find((a) => a.kind === 'tcp') ?? all.find((a) => a.kind === 'tls');
      if (tcp === undefined) throw new Error('the server has no TCP listener');
      return { host: tcp.host, port: tcp.port };
    },
    addresses: () => server.addresses(),
    close: () => server.close(),
  };
  return handle;
}

export { ConfigFileError, Server, StrictPermissionsError };

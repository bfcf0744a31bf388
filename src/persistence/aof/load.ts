/**
 * Loading the AOF at start-up (Redis 7.0's loadAppendOnlyFiles): the
 * manifest's base (an RDB preamble, or commands) and then each incremental
 * file, replayed through the commands' handlers by a client that has no
 * socket, no ACL check and no replies. Keys do not expire while loading (as
 * in Redis: what a later command did to a key that was alive then must
 * replay the same way). A torn tail of the last file is cut at the last
 * complete command (MULTI without EXEC included) with `aof-load-truncated
 * yes`; otherwise, and for anything that is not a torn tail, start-up is
 * refused with the file, the offset and the reason.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_DENY_BLOCKING, Client } from '../../core/client.js';
import type { Server } from '../../core/server.js';
import { Database } from '../../store/database.js';
import { limitsOf } from '../../store/types/limits.js';
import { freeze, unfreeze } from '../../util/clock.js';
import { auxFieldLogger, logLoadDone } from '../load-log.js';
import { RdbError } from '../rdb/format.js';
import { loadRdb } from '../rdb/loader.js';
import { FileSource } from '../rdb/reader.js';
import { evictionInfo, persistenceOf } from '../snapshot.js';
import { upgradeOldAof } from './aof.js';
import { type AofFile, Manifest, ManifestError } from './manifest.js';
import { AofFormatError, AofReader } from './reader.js';

/** Start-up refused: the message names the file, the offset and the reason. */
export class AofLoadError extends Error {}

const RDB_MAGIC = Buffer.from('REDIS', 'latin1');

/** The manifest in the AOF directory, an upgraded old single-file AOF, or an empty manifest. */
export function readManifest(server: Server, dirPath: string, prefix: string): Manifest {
  const path = join(dirPath, Manifest.fileName(prefix));
  if (existsSync(path)) {
    try {
      return Manifest.parse(prefix, readFileSync(path, 'latin1'));
    } catch (err) {
      if (err instanceof ManifestError) throw new AofLoadError(`${err.message} (manifest ${path})`);
      throw err;
    }
  }
  return upgradeOldAof(server, dirPath, prefix) ?? new Manifest(prefix);
}

/** Load every file the manifest names, in order. Returns the manifest (for appending). */
export function loadAof(server: Server, dirPath: string, prefix: string): Manifest {
  const m = readManifest(server, dirPath, prefix);
  const files = m.loadOrder;
  if (files.length === 0) return m;
  for (const f of files) {
    if (!existsSync(join(dirPath, f.name))) throw new AofLoadError(`The AOF file ${f.name} doesn't exist`);
  }
  const started = performance.now();
  const loader = new AofLoader(server, dirPath);
  Database.loading = true;
  try {
    for (let i = 0; i < files.length; i++) loader.loadFile(files[i] as AofFile, i === files.length - 1);
  } finally {
    Database.loading = false;
    unfreeze();
  }
  server.stats.dirty = 0;
  const state = persistenceOf(server);
  state.lastLoadKeysLoaded = loader.keysAtStart;
  server.logger.notice(
    `DB loaded from append only file: ${((performance.now() - started) / 1000).toFixed(3)} seconds`,
  );
  return m;
}

class AofLoader {
  private readonly client: Client;
  /** Keys loaded from an RDB preamble (rdb_last_load_keys_loaded). */
  keysAtStart = 0;
  private readonly log;

  constructor(
    private readonly server: Server,
    private readonly dirPath: string,
  ) {
    // A client with no socket: Redis's fake AOF client (no ACL, replies dropped, never blocks).
    this.client = new Client(0, server, null, server.dbs[0] as Database, '', '');
    this.client.replyOff = true;
    this.client.flags |= CLIENT_DENY_BLOCKING;
    this.log = server.logger;
  }

  loadFile(f: AofFile, last: boolean): void {
    const path = join(this.dirPath, f.name);
    const started = performance.now();
    let from = 0;
    if (startsWithRdb(path)) from = this.loadPreamble(path, f);
    const reader = new AofReader(path, from);
    const empty = reader.size === 0;
    try {
      this.replay(reader, f, last);
    } finally {
      reader.close();
    }
    // An empty file is skipped without a word (loadSingleAppendOnlyFile's AOF_EMPTY).
    if (empty) return;
    const kind = f.type === 'b' ? 'base' : 'incr';
    this.log.notice(
      `DB loaded from ${kind} file ${f.name}: ${((performance.now() - started) / 1000).toFixed(3)} seconds`,
    );
  }

  /** An RDB base (or an old AOF's preamble): loaded into fresh databases; returns where commands may follow. */
  private loadPreamble(path: string, f: AofFile): number {
    const server = this.server;
    // An old single-file AOF (upgraded: the base keeps its name) has a "preamble" and a "tail".
    const oldStyle = f.name === server.config.get<string>('appendfilename');
    this.log.notice(
      oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...',
    );
    const src = new FileSource(path);
    try {
      const result = loadRdb(src, {
        databases: server.dbs.length,
        limits: limitsOf(server),
        verifyChecksum: server.config.get<boolean>('rdbchecksum'),
        evictionInfo: evictionInfo(server),
        // An AOF keeps expired keys: the commands after it may touch them.
        dropExpired: false,
        observer: auxFieldLogger(this.log),
      });
      for (const db of server.dbs) db.swapWith(result.dbs.get(db.id) ?? new Database(db.id));
      this.keysAtStart = result.keysLoaded;
      logLoadDone(this.log, result);
      if (oldStyle) this.log.notice('Reading the remaining AOF tail...');
      return src.offset;
    } catch (err) {
      if (err instanceof RdbError)
        throw new AofLoadError(
          `Error reading the RDB base file ${f.name}, AOF loading aborted: ${err.reason} at offset ${err.offset}`,
        );
      throw err;
    } finally {
      src.close();
    }
  }

  private replay(reader: AofReader, f: AofFile, last: boolean): void {
    const server = this.server;
    const c = this.client;
    const step = Math.max(1 << 20, server.config.num('loading-process-events-interval-bytes'));
    const progressEvery = reader.size >= 16 * step ? Math.max(step, Math.floor(reader.size / 20)) : Infinity;
    let nextProgress = progressEvery;
    let commands = 0;
    let lastTime = performance.now();
    let lastCommands = 0;
    /** Where the open MULTI began (-1: none): a transaction cut by the end is dropped whole. */
    let multiStart = -1;
    /** Commands of the open MULTI: run at its EXEC, as the fake client queues them. */
    let queued: { argv: string[]; start: number }[] = [];
    c.db = server.dbs[0] as Database;
    for (;;) {
      let item: ReturnType<AofReader['next']>;
      try {
        item = reader.next();
      } catch (err) {
        if (!(err instanceof AofFormatError)) throw err;
        const validUpTo = multiStart !== -1 ? multiStart : err.itemStart;
        if (!err.truncated)
          throw new AofLoadError(
            `Bad file format reading the append only file ${f.name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest> (offset ${err.at}: ${err.message})`,
          );
        this.torn(reader, f, last, validUpTo, err.message === '' ? 'short read' : err.message);
        return;
      }
      if (item.kind === 'eof') break;
      if (item.kind === 'annotation') continue;
      const argv = item.argv;
      const name = (argv[0] as string).toLowerCase();
      if (name === 'multi') {
        multiStart = item.start;
        queued = [];
        continue;
      }
      if (name === 'exec') {
        multiStart = -1;
        for (const q of queued) this.run(q.argv, f, q.start);
        commands += queued.length;
        queued = [];
        continue;
      }
      if (multiStart !== -1) {
        queued.push({ argv, start: item.start });
        continue;
      }
      this.run(argv, f, item.start);
      commands++;
      if (item.end >= nextProgress) {
        nextProgress += progressEvery;
        const t = performance.now();
        const rate = Math.round(((commands - lastCommands) * 1000) / Math.max(1, t - lastTime));
        lastTime = t;
        lastCommands = commands;
        this.log.notice(
          `Loading AOF ${f.name}: ${((item.end * 100) / reader.size).toFixed(1)}% (${commands} commands, ${rate} commands/sec)`,
        );
      }
    }
    if (multiStart !== -1) {
      this.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${f.name}`);
      this.torn(reader, f, last, multiStart, 'end of file inside MULTI/EXEC');
    }
  }

  /** Run one command as the fake client, at one frozen instant; its reply is dropped. */
  private run(argv: string[], f: AofFile, offset: number): void {
    const server = this.server;
    const found = server.commands.lookup(argv);
    const cmd = found.kind === 'found' ? found.command : server.commands.byName(argv[0] as string);
    const handler = cmd?.handler;
    if (cmd === undefined || handler === undefined)
      throw new AofLoadError(
        `Unknown command '${argv[0]}' reading the append only file ${f.name} (offset ${offset})`,
      );
    Database.countStats = false;
    freeze();
    try {
      handler(this.client, argv);
    } catch {
      // Redis ignores the reply of a replayed command, errors included.
    } finally {
      unfreeze();
    }
  }

  /** The file ends inside a command (or an open MULTI): cut it there, or refuse. */
  private torn(reader: AofReader, f: AofFile, last: boolean, validUpTo: number, why: string): void {
    const log = this.log;
    if (last && this.server.config.get<boolean>('aof-load-truncated')) {
      log.warning(`!!! Warning: short read while loading the AOF file ${f.name}!!!`);
      log.warning(`!!! Truncating the AOF ${f.name} at offset ${validUpTo} !!!`);
      try {
        truncateSync(join(this.dirPath, f.name), validUpTo);
      } catch (err) {
        throw new AofLoadError(`Error truncating the AOF file ${f.name}: ${(err as Error).message}`);
      }
      log.warning(`AOF ${f.name} loaded anyway because aof-load-truncated is enabled`);
      return;
    }
    throw new AofLoadError(
      `Unexpected end of file reading the append only file ${f.name} at offset ${validUpTo} (${why}, file size ${reader.size}). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
    );
  }
}

/** The file begins with an RDB magic (a base written with aof-use-rdb-preamble). */
export function startsWithRdb(path: string): boolean {
  const head = Buffer.alloc(RDB_MAGIC.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(RDB_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** appendonly yes at start-up: load the AOF (the RDB file is not read), then open it for appending. */
export function openAofAtStartup(server: Server): void {
  const aof = server.aof;
  try {
    const m = loadAof(server, aof.dirPath, aof.prefix);
    aof.openOnStart(m);
  } catch (err) {
    if (err instanceof AofLoadError) server.logger.warning(err.message);
    throw err;
  }
}

/**
 * `redoubt check-aof [--fix|--truncate-to-timestamp <time>] <file.manifest|file.aof>`,
 * as redis-check-aof 7.0: a manifest is checked file by file (an RDB base
 * through the check-rdb report, then its command tail), an old single file
 * (with or without an RDB preamble) on its own. For each file it reports where
 * the valid part ends (`ok_up_to`) and the first problem with its offset, in
 * redis-check-aof's words. `--fix` truncates a broken tail of the last file
 * after asking "Continue? [y/N]"; `--truncate-to-timestamp` cuts the last file
 * at the first `#TS:` annotation past that time; other files are never cut.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { strerror } from '../../config/kinds.js';
import { limitsOf } from '../../store/types/limits.js';
import { checkRdb } from '../check-rdb.js';
import { loadRdb } from '../rdb/loader.js';
import { FileSource } from '../rdb/reader.js';
import { startsWithRdb } from './load.js';
import { Manifest, ManifestError } from './manifest.js';
import { AofFormatError, AofReader } from './reader.js';

export interface CheckIo {
  print(line: string): void;
  /** The answer to "Continue? [y/N]: " (one line), or null at the end of input. */
  ask(prompt: string): string | null;
}

const USAGE = 'Usage: redis-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>';

type Outcome = 'ok' | 'empty' | 'truncated' | 'truncated-to-timestamp';

/** What to do beyond reporting. */
interface Mode {
  readonly fix: boolean;
  /** --truncate-to-timestamp (0: not given). */
  readonly toTimestamp: number;
}

/** Exit code 1: not valid, or a fix refused or impossible. */
class CheckExit extends Error {}

export function checkAof(argv: readonly string[], io: CheckIo): number {
  let mode: Mode = { fix: false, toTimestamp: 0 };
  let path: string | undefined;
  // redis-check-aof's rules: exactly `file`, `--fix file`, or `--truncate-to-timestamp time file`.
  if (argv.length === 1) path = argv[0];
  else if (argv.length === 2 && argv[0] === '--fix') {
    mode = { fix: true, toTimestamp: 0 };
    path = argv[1];
  } else if (argv.length === 3 && argv[0] === '--truncate-to-timestamp') {
    if (!/^[-+]?\d+$/.test(argv[1] as string)) {
      io.print('Invalid timestamp, aborting...');
      return 1;
    }
    mode = { fix: false, toTimestamp: Number(argv[1]) };
    path = argv[2];
  }
  if (path === undefined) {
    io.print(USAGE);
    return 1;
  }
  try {
    if (path.endsWith('.manifest')) checkMultiPart(path, mode, io);
    else checkOldStyle(path, mode, io);
    return 0;
  } catch (err) {
    if (err instanceof CheckExit) return 1;
    throw err;
  }
}

function checkOldStyle(path: string, mode: Mode, io: CheckIo): void {
  const preamble = startsWithRdbOrExit(path, io);
  io.print('Start checking Old-Style AOF');
  report('', path, checkSingle({ path, name: path, last: true, preamble }, mode, io), mode, io);
}

function checkMultiPart(path: string, mode: Mode, io: CheckIo): void {
  io.print('Start checking Multi Part AOF');
  const dir = dirname(path);
  let m: Manifest;
  try {
    m = Manifest.parse(basename(path).slice(0, -'.manifest'.length), readFileSync(path, 'latin1'));
  } catch (err) {
    const why = err instanceof ManifestError ? err.message : strerror(err);
    io.print(`Invalid AOF manifest file format: ${why}`);
    throw new CheckExit();
  }
  if (m.base !== undefined) {
    const f = join(dir, m.base.name);
    const preamble = startsWithRdbOrExit(f, io);
    io.print(`Start to check BASE AOF (${preamble ? 'RDB' : 'AOF'} format).`);
    const outcome = checkSingle(
      { path: f, name: m.base.name, last: m.incr.length === 0, preamble },
      mode,
      io,
    );
    report('BASE ', m.base.name, outcome, mode, io);
  }
  if (m.incr.length !== 0) {
    io.print('Start to check INCR files.');
    m.incr.forEach((f, i) => {
      const file = { path: join(dir, f.name), name: f.name, last: i === m.incr.length - 1, preamble: false };
      report('INCR ', f.name, checkSingle(file, mode, io), mode, io);
    });
  }
  io.print('All AOF files and manifest are valid');
}

function report(kind: string, name: string, outcome: Outcome, mode: Mode, io: CheckIo): void {
  if (outcome === 'ok') io.print(`${kind}AOF ${name} is valid`);
  else if (outcome === 'empty') io.print(`${kind}AOF ${name} is empty`);
  else if (outcome === 'truncated') io.print(`Successfully truncated AOF ${name}`);
  else io.print(`Successfully truncated AOF ${name} to timestamp ${mode.toTimestamp}`);
}

function startsWithRdbOrExit(path: string, io: CheckIo): boolean {
  try {
    return startsWithRdb(path);
  } catch (err) {
    io.print(`Cannot open file ${path}: ${strerror(err)}`);
    throw new CheckExit();
  }
}

const hexOffset = (n: number): string => `0x${n.toString(16).padStart(16)}`;

interface FileToCheck {
  readonly path: string;
  /** As reported: the path given, or the manifest's name. */
  readonly name: string;
  /** Only the last file may be cut. */
  readonly last: boolean;
  readonly preamble: boolean;
}

/** checkSingleAof: the report for one file; cuts it as `mode` says (last file only). */
function checkSingle(f: FileToCheck, mode: Mode, io: CheckIo): Outcome {
  const { path, name } = f;
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    io.print(`Cannot open file ${path}: ${strerror(err)}, aborting...`);
    throw new CheckExit();
  }
  if (size === 0) return 'empty';
  let from = 0;
  if (f.preamble) {
    // redis-check-aof names a manifest's file as the manifest does, not by its path.
    const named = (line: string): void => io.print(line.replace(`RDB file ${path}`, `RDB file ${name}`));
    if (checkRdb(path, named) !== 0) {
      io.print('RDB preamble of AOF file is not sane, aborting.');
      throw new CheckExit();
    }
    from = rdbEnd(path);
    io.print('RDB preamble is OK, proceeding with AOF tail...');
  }
  const reader = new AofReader(path, from);
  let pos = from;
  let error = '';
  let multi = false;
  try {
    for (;;) {
      if (!multi) pos = reader.pos;
      let item: ReturnType<AofReader['next']>;
      try {
        item = reader.next();
      } catch (err) {
        if (!(err instanceof AofFormatError)) throw err;
        if (err.message === 'format error') io.print(`AOF ${name} format error`);
        else if (err.message !== '') error = `${hexOffset(err.at)}: ${err.message}`;
        else if (multi) error = `${hexOffset(reader.lastAt)}: Reached EOF before reading EXEC for MULTI`;
        break;
      }
      if (item.kind === 'eof') {
        if (multi) error = `${hexOffset(reader.lastAt)}: Reached EOF before reading EXEC for MULTI`;
        break;
      }
      if (item.kind === 'annotation') {
        if (mode.toTimestamp !== 0 && pastTimestamp(item.text, item.start, f, mode.toTimestamp, io)) {
          truncate(path, item.start);
          return 'truncated-to-timestamp';
        }
        continue;
      }
      const cmd = (item.argv[0] as string).toLowerCase();
      if (cmd === 'multi' || cmd === 'exec') {
        if ((cmd === 'multi') === multi) {
          error = `${hexOffset(reader.lastAt)}: Unexpected ${cmd.toUpperCase()} in AOF ${path}`;
          break;
        }
        multi = cmd === 'multi';
      }
    }
  } finally {
    reader.close();
  }
  if (error !== '') io.print(error);
  const diff = size - pos;
  if (diff === 0 && mode.toTimestamp !== 0) {
    io.print(`Truncate nothing in AOF ${name} to timestamp ${mode.toTimestamp}`);
    return 'ok';
  }
  io.print(
    `AOF analyzed: filename=${name}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${reader.line}, diff=${diff}`,
  );
  if (diff === 0) return 'ok';
  if (!mode.fix) {
    io.print(`AOF ${name} is not valid. Use the --fix option to try fixing it.`);
    throw new CheckExit();
  }
  if (!f.last) {
    io.print(`Failed to truncate AOF ${name} because it is not the last file`);
    throw new CheckExit();
  }
  io.print(`This will shrink the AOF ${name} from ${size} bytes, with ${diff} bytes, to ${pos} bytes`);
  const answer = io.ask('Continue? [y/N]: ');
  if (answer === null || !/^y/i.test(answer)) {
    io.print('Aborting...');
    throw new CheckExit();
  }
  truncate(path, pos);
  return 'truncated';
}

function truncate(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * processAnnotations under --truncate-to-timestamp: true when `text` is a
 * `#TS:` past `to` and the file may be cut at `start`; exits otherwise.
 */
function pastTimestamp(text: string, start: number, f: FileToCheck, to: number, io: CheckIo): boolean {
  if (!text.startsWith('#TS:')) return false;
  const ts = text.slice(4);
  if (!/^[-+]?\d+$/.test(ts)) {
    io.print('Invalid timestamp annotation');
    throw new CheckExit();
  }
  if (Number(ts) <= to) return false;
  if (start === 0) {
    io.print(`AOF ${f.path} has nothing before timestamp ${to}, aborting...`);
    throw new CheckExit();
  }
  if (!f.last) {
    io.print(
      `Failed to truncate AOF ${f.path} to timestamp ${to} to offset ${start} because it is not the last file.`,
    );
    io.print(
      'If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.',
    );
    throw new CheckExit();
  }
  return true;
}

/** Where an RDB preamble ends (it was checked already). */
function rdbEnd(path: string): number {
  const src = new FileSource(path);
  try {
    loadRdb(src, {
      databases: Number.MAX_SAFE_INTEGER,
      limits: limitsOf({}),
      verifyChecksum: false,
      evictionInfo: 'none',
      dropExpired: false,
      discardValues: true,
    });
    return src.offset;
  } finally {
    src.close();
  }
}

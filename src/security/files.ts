/**
 * File-permission policy. Every file Redoubt creates or rewrites (CONFIG REWRITE
 * output, ACL file, pidfile, log file; later RDB and AOF) is 0600 and every
 * directory it creates 0700, whatever the process umask (Redis writes 0644 &
 * ~umask). Whole files are replaced atomically: written to a temporary file in the
 * same directory, fsynced, renamed over the old one, then the directory is fsynced,
 * so a crash leaves either the old or the new content, never a mix.
 *
 * At start-up, a config file, ACL file or TLS private key that holds secrets and is
 * readable by group or others is reported with the chmod that fixes it
 * (`strict-permissions yes` refuses to start instead).
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { ConfigLine } from '../config/parser.js';
import { DIRECTIVES, SENSITIVE } from '../config/table.js';
import type { Logger, LogSink } from '../core/logger.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

const geteuid = (): number | undefined => process.geteuid?.();

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/**
 * Replace `path` with `content` atomically and durably, mode 0600. When running as
 * root, the file keeps the owner it had (a config file owned by the service user
 * stays theirs).
 */
export function writeFileAtomic(path: string, content: string | Buffer): void {
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    owner = { uid: st.uid, gid: st.gid };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // O_EXCL: never follow or reuse something already at the temporary name.
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  let renamed = false;
  try {
    // The umask may have removed bits from the creation mode (or an odd umask kept
    // fewer): set exactly 0600.
    fchmodSync(fd, PRIVATE_FILE_MODE);
    const buf = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    if (owner !== undefined && geteuid() === 0) {
      try {
        chownSync(tmp, owner.uid, owner.gid);
      } catch {
        // Keep our ownership when the old owner cannot be restored.
      }
    }
    closeSync(fd);
    renameSync(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
      try {
        unlinkSync(tmp);
      } catch {
        // Already gone.
      }
    }
  }
  fsyncDir(dirname(path));
}

/** fsync a directory so a rename or a new entry in it survives a crash. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Create `path` (and missing parents) as 0700 directories, whatever the umask.
 * Returns true when the last component was created.
 */
export function ensurePrivateDir(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const parent = dirname(path);
  if (parent !== path) ensurePrivateDir(parent);
  try {
    mkdirSync(path, { mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  chmodSync(path, PRIVATE_DIR_MODE);
  fsyncDir(parent);
  return true;
}

/**
 * Tighten an existing directory to 0700 when this process owns it (the data
 * directory at start-up). Returns a sentence for the log when the mode changed.
 */
export function tightenOwnedDir(path: string): string | undefined {
  const st = statSync(path);
  if (!st.isDirectory() || st.uid !== geteuid()) return undefined;
  const mode = st.mode & 0o777;
  if (mode === PRIVATE_DIR_MODE) return undefined;
  chmodSync(path, PRIVATE_DIR_MODE);
  return `Data directory ${path}: mode changed from ${octal(mode)} to ${octal(PRIVATE_DIR_MODE)}`;
}

/**
 * Open a file for appending, creating it 0600 (exactly, whatever the umask). An
 * existing file this process owns that group or others can access is tightened to
 * 0600; `note` says so, for the log.
 */
export function openPrivateAppend(path: string): { fd: number; note?: string } {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
  let fd: number;
  let created = false;
  try {
    fd = openSync(path, flags | constants.O_EXCL, PRIVATE_FILE_MODE);
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fd = openSync(path, flags, PRIVATE_FILE_MODE);
  }
  try {
    const st = fstatSync(fd);
    const mode = st.mode & 0o777;
    if (created) {
      if (mode !== PRIVATE_FILE_MODE) fchmodSync(fd, PRIVATE_FILE_MODE);
      return { fd };
    }
    // Only regular files: never chmod a device or terminal (`logfile /dev/stdout` as root).
    if (st.isFile() && (mode & 0o077) !== 0 && st.uid === geteuid()) {
      fchmodSync(fd, PRIVATE_FILE_MODE);
      return { fd, note: `${path}: mode changed from ${octal(mode)} to ${octal(PRIVATE_FILE_MODE)}` };
    }
    return { fd };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * The log file: created 0600, kept open (so it stays writable after privileges
 * are dropped), and reopened when it was moved or removed (logrotate), as Redis,
 * which opens it for every line, notices a rotation. If the new file cannot be
 * opened (a rotated file created for another user), writing continues to the old
 * one.
 */
export function privateLogSink(path: string): LogSink & { readonly notes: string[] } {
  const first = openPrivateAppend(path);
  let fd = first.fd;
  let id = fstatSync(fd);
  const notes = first.note === undefined ? [] : [first.note];
  return {
    notes,
    write(line: string): void {
      try {
        const st = statSync(path, { throwIfNoEntry: false });
        if (st === undefined || st.ino !== id.ino || st.dev !== id.dev) {
          const next = openPrivateAppend(path).fd;
          closeSync(fd);
          fd = next;
          id = fstatSync(fd);
        }
      } catch {
        // Keep writing where we were.
      }
      try {
        writeSync(fd, line);
      } catch {
        // A full disk must not take the server down; Redis drops the line too.
      }
    },
  };
}

// ---- start-up checks of files holding secrets ----

/** Where config lines come from when they are not a file. */
const NOT_FILES = new Set(['(command line)', '(stdin)', '(createServer options)']);

const SENSITIVE_NAMES: ReadonlySet<string> = new Set(
  DIRECTIVES.filter((d) => (d.flags ?? 0) & SENSITIVE).flatMap((d) => [
    d.name,
    ...(d.alias ? [d.alias] : []),
  ]),
);

/** An ACL rule that sets a password: `>clear` or `#<sha256 hex>`. */
const PASSWORD_RULE = /(^|\s)(>|#[0-9a-fA-F]{64}(\s|$))/;

/** A line holding a secret: a sensitive directive with a value, or a `user` line with a password. */
export function lineHoldsSecret(l: ConfigLine): boolean {
  if (SENSITIVE_NAMES.has(l.name)) return l.args.some((a) => a !== '');
  return l.name === 'user' && l.args.some((a) => a.startsWith('>') || /^#[0-9a-fA-F]{64}$/.test(a));
}

/** Files among `lines` that hold a secret (`lineHoldsSecret`). */
export function filesWithSecrets(lines: readonly ConfigLine[]): Set<string> {
  const out = new Set<string>();
  for (const l of lines) if (!NOT_FILES.has(l.file) && lineHoldsSecret(l)) out.add(l.file);
  return out;
}

function aclFileHasSecrets(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return false;
  }
  return text.split('\n').some((l) => /^\s*user\s/i.test(l) && PASSWORD_RULE.test(l));
}

export interface SecretFileProblem {
  readonly path: string;
  readonly what: string;
  readonly mode: number;
  /** The whole sentence for the log. */
  readonly message: string;
}

/**
 * Files holding secrets that group or others can read: config files (and their
 * includes) with passwords, the ACL file with passwords, the TLS private key.
 */
export function exposedSecretFiles(
  lines: readonly ConfigLine[],
  aclfile: string,
  tlsKeyFile: string,
): SecretFileProblem[] {
  const candidates: [path: string, what: string][] = [];
  for (const f of filesWithSecrets(lines)) candidates.push([f, 'Config file']);
  if (aclfile !== '' && aclFileHasSecrets(aclfile)) candidates.push([aclfile, 'ACL file']);
  if (tlsKeyFile !== '') candidates.push([tlsKeyFile, 'TLS private key file']);
  const out: SecretFileProblem[] = [];
  const seen = new Set<string>();
  for (const [path, what] of candidates) {
    if (seen.has(path)) continue;
    seen.add(path);
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o044) === 0) continue;
    out.push({
      path,
      what,
      mode,
      message: `${what} ${path} holds secrets and is readable by ${(mode & 0o040) !== 0 ? ((mode & 0o004) !== 0 ? 'group and others' : 'group') : 'others'} (mode ${octal(mode)}): fix it with 'chmod 600 ${path}'`,
    });
  }
  return out;
}

export class StrictPermissionsError extends Error {}

/**
 * Report exposed secret files: a warning each, or with `strict` a refusal to start
 * (thrown after every problem is logged).
 */
export function checkSecretFiles(
  lines: readonly ConfigLine[],
  opts: { aclfile: string; tlsKeyFile: string; strict: boolean },
  logger: Logger,
): void {
  const problems = exposedSecretFiles(lines, opts.aclfile, opts.tlsKeyFile);
  for (const p of problems) logger.warning(`WARNING: ${p.message}`);
  if (problems.length > 0 && opts.strict) {
    throw new StrictPermissionsError(
      `strict-permissions is on and ${problems.length === 1 ? 'a file holding secrets is' : `${problems.length} files holding secrets are`} readable by group or others: ${problems.map((p) => `chmod 600 ${p.path}`).join('; ')}`,
    );
  }
}

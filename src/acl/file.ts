/**
 * aclfile reading and writing. Reading follows Redis's ACLLoadFromFile word for
 * word: lines split on single spaces (no quoting), `user <name> rules...`, every
 * problem of the whole file collected in one message naming file and line, and
 * nothing applied unless the whole file is valid. Writing goes to a temporary
 * file (mode 0600), fsynced, renamed over the old one, and the directory fsynced.
 */
import { readFileSync } from 'node:fs';
import { strerror } from '../config/kinds.js';
import { writeFileAtomic } from '../security/files.js';
import { hasSpaces, mergeSelectorArgs, parseUserRule, ruleErrorText } from './rules.js';
import { type RuleContext, UserState } from './user.js';

/** Users read from a file: name -> state (the default user included when present). */
export type LoadedUsers = Map<string, UserState>;

/** Redis reads with fgets into a 1024-byte buffer and appends with strlen: a NUL ends each chunk. */
function asCString(content: string): string {
  if (!content.includes('\0')) return content;
  let out = '';
  let i = 0;
  while (i < content.length) {
    const nl = content.indexOf('\n', i);
    const end = Math.min(nl === -1 ? content.length : nl + 1, i + 1023);
    const chunk = content.slice(i, end);
    const nul = chunk.indexOf('\0');
    out += nul === -1 ? chunk : chunk.slice(0, nul);
    i = end;
  }
  return out;
}

/** sdstrim with a character set. */
function trim(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s.charAt(a))) a++;
  while (b > a && chars.includes(s.charAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * Parse aclfile content. `shownName` is the file name as configured (Redis's
 * messages use server.acl_filename). Returns the users, or every error found.
 */
export function parseAclFile(
  content: string,
  shownName: string,
  ctx: RuleContext,
): { users: LoadedUsers } | { errors: string } {
  const users: LoadedUsers = new Map();
  let errors = '';
  const lines = asCString(content).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const linenum = i + 1;
    const line = trim(lines[i] as string, ' \t\r\n');
    if (line === '') continue;
    const argv = line.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${shownName}:${linenum} should start with user keyword followed by the username. `;
      continue;
    }
    const name = argv[1] as string;
    if (hasSpaces(name)) {
      errors += `'${shownName}:${linenum}: username '${name}' contains invalid characters. `;
      continue;
    }
    if (users.has(name)) {
      errors += `WARNING: Duplicate user '${name}' found on line ${linenum}. `;
      continue;
    }
    const state = UserState.empty(ctx);
    users.set(name, state);
    const merged = mergeSelectorArgs(argv.slice(2));
    if ('unmatched' in merged) {
      errors += `${shownName}:${linenum}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    let syntaxError = false;
    for (const raw of merged.rules) {
      const op = trim(raw, '\t\r\n');
      const err = state.apply(parseUserRule(op), ctx);
      if (err === undefined) continue;
      if (err === 'ENOENT') {
        // Safe to show: a rule naming an unknown command holds no secret.
        errors += `${shownName}:${linenum}: Error in applying operation '${op}': ${ruleErrorText(err)}. `;
      } else if (!syntaxError) {
        // Only the first other error: it may affect the rules after it.
        errors += `${shownName}:${linenum}: ${ruleErrorText(err)}. `;
        syntaxError = true;
      }
    }
  }
  if (errors !== '') {
    return {
      errors: `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
    };
  }
  return { users };
}

/** Read and parse an aclfile; an unreadable file is an error as in Redis. */
export function loadAclFile(
  path: string,
  shownName: string,
  ctx: RuleContext,
): { users: LoadedUsers } | { errors: string } {
  let content: string;
  try {
    content = readFileSync(path, 'latin1');
  } catch (err) {
    return { errors: `Error loading ACLs, opening file '${shownName}': ${strerror(err)}` };
  }
  return parseAclFile(content, shownName, ctx);
}

/**
 * Replace `path` with `content` durably and privately (writeFileAtomic: 0600
 * temporary file, fsync, rename, directory fsync). Throws with the reason, which
 * the caller logs as Redis does.
 */
export function writeAclFile(path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (err) {
    throw new Error(`Saving the ACL file '${path}' for ACL SAVE: ${strerror(err)}`);
  }
}

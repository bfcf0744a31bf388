/**
 * The ACL rule grammar of Redis 7 (`user` lines, ACL SETUSER, aclfiles), parsed
 * without side effects: one rule string becomes one `UserRule`. Applying rules to
 * a user (acl/user.ts) is separate, so the grammar is testable on its own and the
 * same parse serves config lines, aclfiles and ACL SETUSER.
 *
 * Redis compares rule keywords with strcasecmp on C strings, so a NUL byte ends
 * the word for keywords and command names; passwords and key patterns are
 * binary-safe. Both are kept here.
 */
import { createHash } from 'node:crypto';
import { splitInlineArgs } from '../protocol/inline.js';

/** Key-pattern permissions (%R~, %W~, ~ is both). */
export const KEY_READ = 1;
export const KEY_WRITE = 2;
export const KEY_ALL = KEY_READ | KEY_WRITE;

/** Why a rule failed: Redis's errno values, worded by `ruleErrorText`. */
export type RuleError =
  | 'EINVAL'
  | 'ENOENT'
  | 'EEXIST'
  | 'EISDIR'
  | 'ENODEV'
  | 'EBADMSG'
  | 'EALREADY'
  | 'ECHILD';

/** Rules valid inside a selector `( ... )` as well as at the top level (Redis's ACLSetSelector). */
export type SelectorRule =
  | { readonly op: 'allkeys' }
  | { readonly op: 'resetkeys' }
  | { readonly op: 'allchannels' }
  | { readonly op: 'resetchannels' }
  | { readonly op: 'allcommands' }
  | { readonly op: 'nocommands' }
  /** ~pattern, %R~pattern...; `invalid` is reported only after the allkeys check, as Redis does. */
  | { readonly op: 'key'; readonly flags: number; readonly pattern: string; readonly invalid: boolean }
  | { readonly op: 'channel'; readonly pattern: string; readonly invalid: boolean }
  /** +name, without `|`. */
  | { readonly op: 'allow'; readonly name: string }
  /** +base|sub: a subcommand, or a first argument of a command without subcommands. */
  | { readonly op: 'allowPiped'; readonly full: string; readonly base: string; readonly sub: string }
  | { readonly op: 'deny'; readonly name: string }
  | { readonly op: 'allowCategory'; readonly category: string }
  | { readonly op: 'denyCategory'; readonly category: string }
  | { readonly op: 'invalid' };

/** Any rule of a user (Redis's ACLSetUser). */
export type UserRule =
  | { readonly op: 'noop' }
  | { readonly op: 'on' }
  | { readonly op: 'off' }
  | { readonly op: 'skip-sanitize-payload' }
  | { readonly op: 'sanitize-payload' }
  | { readonly op: 'nopass' }
  | { readonly op: 'resetpass' }
  /** >password or #hash; `hash` is the SHA-256 hex (undefined: a malformed #hash). */
  | { readonly op: 'addPassword'; readonly hash: string | undefined }
  /** <password or !hash. */
  | { readonly op: 'removePassword'; readonly hash: string | undefined }
  /** ( ... ): the rules of a new selector, or the first failing one. */
  | { readonly op: 'selector'; readonly rules: readonly SelectorRule[] }
  | { readonly op: 'clearselectors' }
  | { readonly op: 'reset' }
  | SelectorRule;

/** ACLSetUserStringError. */
export function ruleErrorText(err: RuleError): string {
  switch (err) {
    case 'ENOENT':
      return 'Unknown command or category name in ACL';
    case 'EINVAL':
      return 'Syntax error';
    case 'EEXIST':
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case 'EISDIR':
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    case 'ENODEV':
      return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG':
      return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'EALREADY':
      return 'Duplicate user found. A user can only be defined once in config files';
    case 'ECHILD':
      return 'Allowing first-arg of a subcommand is not supported';
  }
}

/** The hex SHA-256 of a password's bytes, as Redis stores it. */
export function hashPassword(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

/** ACLCheckPasswordHash: 64 lower-case hex characters. */
export function isPasswordHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** A C string's view of `s`: up to the first NUL byte. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/** strcasecmp(s, word) === 0 for a lower-case ASCII `word`. */
export function caseEquals(s: string, word: string): boolean {
  const c = cString(s);
  if (c.length !== word.length) return false;
  for (let i = 0; i < c.length; i++) {
    let ch = c.charCodeAt(i);
    if (ch >= 65 && ch <= 90) ch += 32;
    if (ch !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** strcasecmp(a, b) === 0: C strings, ASCII case folding. */
export function sameIgnoringCase(a: string, b: string): boolean {
  return asciiLower(cString(a)) === asciiLower(cString(b));
}

/** ASCII-only lower case (C's tolower), for names compared case-insensitively. */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (m) => String.fromCharCode(m.charCodeAt(0) + 32)) : s;
}

/** ACLStringHasSpaces: isspace() or NUL anywhere (usernames, key and channel patterns). */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}

/** Parse one selector rule (Redis's ACLSetSelector). */
export function parseSelectorRule(op: string): SelectorRule {
  if (caseEquals(op, 'allkeys') || caseEquals(op, '~*')) return { op: 'allkeys' };
  if (caseEquals(op, 'resetkeys')) return { op: 'resetkeys' };
  if (caseEquals(op, 'allchannels') || caseEquals(op, '&*')) return { op: 'allchannels' };
  if (caseEquals(op, 'resetchannels')) return { op: 'resetchannels' };
  if (caseEquals(op, 'allcommands') || caseEquals(op, '+@all')) return { op: 'allcommands' };
  if (caseEquals(op, 'nocommands') || caseEquals(op, '-@all')) return { op: 'nocommands' };
  const first = op.charAt(0);
  if (first === '~' || first === '%') {
    let flags = 0;
    let offset = 1;
    let invalid = false;
    if (first === '%') {
      for (; offset < op.length; offset++) {
        const ch = op.charCodeAt(offset);
        if ((ch === 82 || ch === 114) /* R r */ && (flags & KEY_READ) === 0) {
          flags |= KEY_READ;
        } else if ((ch === 87 || ch === 119) /* W w */ && (flags & KEY_WRITE) === 0) {
          flags |= KEY_WRITE;
        } else if (ch === 126 /* ~ */) {
          offset++;
          break;
        } else {
          invalid = true;
          break;
        }
      }
      if (flags === 0) invalid = true;
    } else {
      flags = KEY_ALL;
    }
    const pattern = op.slice(offset);
    return { op: 'key', flags, pattern, invalid: invalid || hasSpaces(pattern) };
  }
  if (first === '&') {
    const pattern = op.slice(1);
    return { op: 'channel', pattern, invalid: hasSpaces(pattern) };
  }
  const c = cString(op);
  const second = c.charAt(1);
  if (first === '+' && second !== '@') {
    const bar = c.lastIndexOf('|');
    if (bar === -1) return { op: 'allow', name: c.slice(1) };
    return { op: 'allowPiped', full: c.slice(1), base: c.slice(1, bar), sub: c.slice(bar + 1) };
  }
  if (first === '-' && second !== '@') return { op: 'deny', name: c.slice(1) };
  if ((first === '+' || first === '-') && second === '@') {
    const category = c.slice(2);
    return first === '+' ? { op: 'allowCategory', category } : { op: 'denyCategory', category };
  }
  return { op: 'invalid' };
}

/** Parse one user rule (Redis's ACLSetUser). */
export function parseUserRule(op: string): UserRule {
  if (op.length === 0) return { op: 'noop' };
  if (caseEquals(op, 'on')) return { op: 'on' };
  if (caseEquals(op, 'off')) return { op: 'off' };
  if (caseEquals(op, 'skip-sanitize-payload')) return { op: 'skip-sanitize-payload' };
  if (caseEquals(op, 'sanitize-payload')) return { op: 'sanitize-payload' };
  if (caseEquals(op, 'nopass')) return { op: 'nopass' };
  if (caseEquals(op, 'resetpass')) return { op: 'resetpass' };
  const first = op.charAt(0);
  if (first === '>' || first === '#') {
    const rest = op.slice(1);
    return {
      op: 'addPassword',
      hash: first === '>' ? hashPassword(rest) : isPasswordHash(rest) ? rest : undefined,
    };
  }
  if (first === '<' || first === '!') {
    const rest = op.slice(1);
    return {
      op: 'removePassword',
      hash: first === '<' ? hashPassword(rest) : isPasswordHash(rest) ? rest : undefined,
    };
  }
  if (first === '(' && op.charAt(op.length - 1) === ')') {
    // aclCreateSelectorFromOpSet: the inside is split like a command line (quotes
    // allowed); unbalanced quotes leave no rules, an empty selector.
    const words = splitInlineArgs(op.slice(1, -1)) ?? [];
    return { op: 'selector', rules: words.map(parseSelectorRule) };
  }
  if (caseEquals(op, 'clearselectors')) return { op: 'clearselectors' };
  if (caseEquals(op, 'reset')) return { op: 'reset' };
  return parseSelectorRule(op);
}

/**
 * ACLMergeSelectorArguments: a selector may be spread over several words
 * (`(~key` `+get)`); they are joined with single spaces. Returns the merged rules,
 * or the index of the word opening an unterminated selector.
 */
export function mergeSelectorArgs(words: readonly string[]): { rules: string[] } | { unmatched: number } {
  const rules: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < words.length; j++) {
    const op = words[j] as string;
    if (op.charAt(0) === '(' && op.charAt(op.length - 1) !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      // sdscatfmt's %s: a NUL ends the word.
      selector += ` ${cString(op)}`;
      if (op.charAt(op.length - 1) === ')') {
        open = -1;
        rules.push(selector);
      }
      continue;
    }
    rules.push(op);
  }
  return open === -1 ? { rules } : { unmatched: open };
}

/** The rule as it may be shown in an error or log: passwords and their hashes never are. */
export function printableRule(op: string): string {
  const first = op.charAt(0);
  return first === '>' || first === '<' || first === '#' || first === '!' ? `${first}(redacted)` : op;
}

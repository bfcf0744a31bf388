/**
 * ACL users as the audit sees them: rules parsed with the server's own grammar
 * (acl/rules.ts) and applied to the server's own user state (acl/user.ts), over
 * the command table every ACL rule can name (acl/commands.ts: Redoubt's specs
 * plus every Redis 7.0 command). Unlike the server, a rule naming a command the
 * table does not know (a Valkey or module command) is skipped instead of
 * refusing the file: the audit judges what it can.
 */
import { AclCommands } from '../acl/commands.js';
import { mergeSelectorArgs, parseUserRule, printableRule } from '../acl/rules.js';
import { SELECTOR_ALLKEYS } from '../acl/selector.js';
import { USER_ENABLED, USER_NOPASS, UserState } from '../acl/user.js';
import { ALL_COMMANDS } from '../commands/all.js';
import { CommandTable, categoryBit } from '../commands/registry.js';
import type { AclCategory } from '../commands/spec.js';
import type { Location } from './findings.js';

/**
 * The categories whose commands the audit calls dangerous: Redis's own
 * @dangerous (FLUSHALL, CONFIG, KEYS, SHUTDOWN, DEBUG, MODULE...), and
 * @scripting, because a Lua script is where sandbox escapes (CVE-2022-0543) and
 * long-running blocking code come from.
 */
const DANGEROUS_CATEGORIES: readonly AclCategory[] = ['dangerous', 'scripting'];

let commandsOnce: AclCommands | undefined;

/** The command table ACL rules are applied over (built once). */
export function aclCommands(): AclCommands {
  commandsOnce ??= new AclCommands(new CommandTable(ALL_COMMANDS));
  return commandsOnce;
}

/** Full names (`config|set`) of the dangerous commands and subcommands, in name order. */
export function dangerousCommands(): readonly string[] {
  const mask = DANGEROUS_CATEGORIES.reduce((m, c) => m | categoryBit(c), 0);
  const out: string[] = [];
  for (const c of aclCommands().all()) {
    // A container's permission is its subcommands'; judge the leaves.
    if (c.subcommands === undefined && (c.categories & mask) !== 0) out.push(c.fullName);
  }
  return out;
}

export interface AuditedUser {
  readonly name: string;
  readonly state: UserState;
  /** The rules as written, passwords and hashes redacted. */
  readonly rules: string;
  /** Passwords given in clear (`>secret`), to judge their strength; never shown. */
  readonly clearPasswords: readonly string[];
  /** Rules naming commands the table does not know (skipped). */
  readonly unknownRules: readonly string[];
  readonly location: Location;
  /** No `user default` line: the default user as Redis creates it (on nopass ~* &* +@all). */
  readonly implicit: boolean;
}

export function userEnabled(u: AuditedUser): boolean {
  return (u.state.flags & USER_ENABLED) !== 0;
}

/** Enabled and anyone may log in as it: `nopass`. */
export function userOpen(u: AuditedUser): boolean {
  return userEnabled(u) && (u.state.flags & USER_NOPASS) !== 0;
}

/**
 * +@all (or allcommands) given and never taken back by -@all: Redis then allows
 * every command added later too (its reserved "future" bit), even after
 * `-@dangerous`, as ACL LIST's leading "+@all" shows.
 */
export function userHasAllCommands(u: AuditedUser): boolean {
  return u.state.selectors.some((s) => s.future);
}

export function userHasAllKeys(u: AuditedUser): boolean {
  return u.state.selectors.some((s) => (s.flags & SELECTOR_ALLKEYS) !== 0);
}

/** The dangerous commands some selector of the user allows (first-argument grants included). */
export function reachableDangerous(u: AuditedUser): string[] {
  const commands = aclCommands();
  return dangerousCommands().filter((name) => {
    const c = commands.lookup(name);
    if (c === undefined) return false;
    const ids = c.parent === undefined ? [c.id] : [c.id, c.parent.id];
    return u.state.selectors.some(
      (s) => s.hasBit(c.id) || ids.some((id) => (s.firstArgs?.get(id)?.length ?? 0) > 0),
    );
  });
}

const ctx = () => ({ commands: aclCommands(), allChannelsByDefault: false });

/**
 * A user from its rule words (after `user <name>`), applied leniently: a rule
 * that fails is recorded and skipped.
 */
export function parseUser(name: string, words: readonly string[], location: Location): AuditedUser {
  const state = UserState.empty(ctx());
  const merged = mergeSelectorArgs(words);
  const rules = 'rules' in merged ? merged.rules : [...words];
  const clearPasswords: string[] = [];
  const unknownRules: string[] = [];
  for (const op of rules) {
    if (op.startsWith('>')) clearPasswords.push(op.slice(1));
    if (state.apply(parseUserRule(op), ctx()) !== undefined) unknownRules.push(printableRule(op));
  }
  return {
    name,
    state,
    rules: rules.map(printableRule).join(' '),
    clearPasswords,
    unknownRules,
    location,
    implicit: false,
  };
}

/** The default user Redis creates when no rule names it. */
export function implicitDefaultUser(location: Location): AuditedUser {
  return { ...parseUser('default', ['on', 'nopass', '~*', '&*', '+@all'], location), implicit: true };
}

/** `requirepass`: Redis's compatibility layer replaces the default user's passwords with it. */
export function withRequirePass(u: AuditedUser, password: string): AuditedUser {
  const state = u.state.clone();
  state.apply(parseUserRule('resetpass'), ctx());
  state.apply(parseUserRule(`>${password}`), ctx());
  const rules = u.rules
    .split(' ')
    .filter((r) => !/^(nopass|resetpass|>.*|#.*)$/i.test(r))
    .join(' ');
  return { ...u, state, rules: `${rules} >(redacted, from requirepass)`, clearPasswords: [password] };
}

/** Users of an aclfile (or ACL LIST output): `user <name> rules...` lines, split on single spaces as Redis does. */
export function parseUserLines(text: string, file: string, numbered: boolean): AuditedUser[] {
  const users: AuditedUser[] = [];
  text.split('\n').forEach((raw, i) => {
    const words = raw.trim().split(' ');
    if (words[0] !== 'user' || words.length < 2) return;
    const location: Location = numbered ? { file, line: i + 1 } : { file };
    users.push(parseUser(words[1] as string, words.slice(2), location));
  });
  return users;
}

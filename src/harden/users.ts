/**
 * The users of a hardened deployment: the `--users` file format, the ACL rules
 * each line becomes, and generated passwords.
 *
 * The users file: one user per line, its name then key=value fields, lists
 * comma-separated; `#` starts a comment.
 *
 *   # name  fields
 *   web      keys=session:*,cache:*  access=readwrite
 *   reports  keys=cache:*            access=read   commands=scan
 *   events   channels=events:*       commands=publish,subscribe
 *
 *   keys=      key patterns (Redis glob) the user may touch; `*` alone is refused: name a prefix
 *   access=    read | write | readwrite: the @read / @write commands, and the key permission
 *              (%R~, %W~ or ~ on each pattern)
 *   commands=  more commands or categories (`get`, `@hash`, `client|setname`); `-name` takes one away
 *   channels=  pub/sub channel patterns
 *
 * Every user also gets @connection and @transaction (AUTH, HELLO, PING, MULTI...),
 * and never a dangerous or scripting command: @dangerous and @scripting are
 * removed from what access= grants, and a commands= entry that grants one is
 * refused, so `redoubt audit` of the result finds no user above low.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../acl/rules.js';
import { parseUser, reachableDangerous, userHasAllKeys } from '../audit/acl-users.js';
import { AUDITOR_RULES } from '../audit/auditor.js';

export class HardenInputError extends Error {}

export type Access = 'read' | 'write' | 'readwrite';

export interface UserSpec {
  readonly name: string;
  readonly keys: readonly string[];
  readonly access: Access | undefined;
  readonly commands: readonly string[];
  readonly channels: readonly string[];
}

/** The user `redoubt harden` writes when no --users file is given. */
export const DEFAULT_USERS: readonly UserSpec[] = [
  { name: 'app', keys: ['app:*'], access: 'readwrite', commands: [], channels: [] },
];

/** The read-only user `redoubt audit --url` logs in as (audit/auditor.ts). */
export const AUDITOR_NAME = 'auditor';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const FIELDS = ['keys', 'access', 'commands', 'channels'] as const;
type Field = (typeof FIELDS)[number];

/** `a,b,,c` -> [a, b, c] */
const list = (v: string): string[] => v.split(',').filter((x) => x !== '');

function parseLine(words: readonly string[], where: string): UserSpec {
  const [name, ...fields] = words as [string, ...string[]];
  if (!NAME.test(name))
    throw new HardenInputError(`${where}: user name "${name}" must be letters, digits, ".", "_" or "-"`);
  if (name === 'default' || name === AUDITOR_NAME)
    throw new HardenInputError(`${where}: "${name}" is reserved (harden writes it itself)`);
  const seen = new Map<Field, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    const key = f.slice(0, eq) as Field;
    if (eq <= 0 || !FIELDS.includes(key))
      throw new HardenInputError(`${where}: "${f}" is not one of ${FIELDS.map((x) => `${x}=`).join(', ')}`);
    if (seen.has(key)) throw new HardenInputError(`${where}: ${key}= given twice`);
    seen.set(key, f.slice(eq + 1));
  }
  const access = seen.get('access');
  if (access !== undefined && access !== 'read' && access !== 'write' && access !== 'readwrite')
    throw new HardenInputError(`${where}: access=${access}: expected read, write or readwrite`);
  const spec: UserSpec = {
    name,
    keys: list(seen.get('keys') ?? ''),
    access,
    commands: list(seen.get('commands') ?? ''),
    channels: list(seen.get('channels') ?? ''),
  };
  if (spec.access === undefined && spec.commands.length === 0)
    throw new HardenInputError(`${where}: user "${name}" is given no command: add access= or commands=`);
  if (spec.access !== undefined && spec.keys.length === 0)
    throw new HardenInputError(`${where}: access=${spec.access} needs keys=<patterns>`);
  return spec;
}

/** Parse a users file (its text); `file` names it in errors. */
export function parseUsersFile(text: string, file: string): UserSpec[] {
  const users: UserSpec[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    const spec = parseLine(line.split(/\s+/), where);
    if (users.some((u) => u.name === spec.name))
      throw new HardenInputError(`${where}: user "${spec.name}" is defined twice`);
    checkRules(spec, where);
    users.push(spec);
  });
  if (users.length === 0) throw new HardenInputError(`${file}: no user defined`);
  return users;
}

const CATEGORIES: Record<Access, readonly string[]> = {
  read: ['+@read'],
  write: ['+@write'],
  readwrite: ['+@read', '+@write'],
};
const KEY_PREFIX: Record<Access, string> = { read: '%R~', write: '%W~', readwrite: '~' };

/** The ACL rules of a user (after `user <name> on #<hash>`): nothing but what the spec grants. */
export function aclRules(spec: UserSpec): string[] {
  const keyPrefix = spec.access === undefined ? '~' : KEY_PREFIX[spec.access];
  return [
    'resetkeys',
    'resetchannels',
    '-@all',
    ...(spec.access === undefined ? [] : CATEGORIES[spec.access]),
    '+@connection',
    '+@transaction',
    // What the categories above bring that no application needs (KEYS, FLUSHDB, CLIENT KILL, EVAL...).
    '-@dangerous',
    '-@scripting',
    ...spec.commands.map((c) => (c.startsWith('-') || c.startsWith('+') ? c : `+${c}`)),
    ...spec.keys.map((k) => `${keyPrefix}${k}`),
    ...spec.channels.map((c) => `&${c}`),
  ];
}

/** The rules must parse with the ACL grammar, name known commands, and grant no dangerous command or every key. */
function checkRules(spec: UserSpec, where: string): void {
  for (const p of [...spec.keys, ...spec.channels])
    if (/^\*+$/.test(p))
      throw new HardenInputError(`${where}: the pattern "${p}" matches everything: name a prefix (app:*)`);
  const u = parseUser(spec.name, aclRules(spec), { file: where });
  if (u.unknownRules.length > 0)
    throw new HardenInputError(`${where}: unknown command or category: ${u.unknownRules.join(' ')}`);
  const dangerous = reachableDangerous(u);
  if (dangerous.length > 0)
    throw new HardenInputError(
      `${where}: user "${spec.name}" would reach dangerous commands (${dangerous.join(', ')}); harden grants none`,
    );
  if (userHasAllKeys(u)) throw new HardenInputError(`${where}: user "${spec.name}" would reach every key`);
}

/** A strong password: 256 random bits as 64 hex characters, as ACL GENPASS makes them. */
export function generatePassword(): string {
  return randomBytes(32).toString('hex');
}

export interface GeneratedUser {
  readonly name: string;
  /** The rules after the password, as written to the aclfile. */
  readonly rules: readonly string[];
  readonly password: string;
}

/** The users of the deployment: each spec, then the auditor, each with a new password. */
export function generateUsers(specs: readonly UserSpec[]): GeneratedUser[] {
  return [
    ...specs.map((s) => ({ name: s.name, rules: aclRules(s), password: generatePassword() })),
    { name: AUDITOR_NAME, rules: AUDITOR_RULES, password: generatePassword() },
  ];
}

/**
 * The aclfile: the default user off, then each user with the SHA-256 of its
 * password only. No comment: Redis refuses any aclfile line but `user ...`
 * (the bundle's README explains the file instead).
 */
export function aclFileText(users: readonly GeneratedUser[]): string {
  const lines = [
    'user default off resetpass resetkeys resetchannels -@all',
    ...users.map((u) => `user ${u.name} on #${hashPassword(u.password)} ${u.rules.join(' ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The secrets file: the only place the passwords are written in clear. */
export function secretsText(users: readonly GeneratedUser[]): string {
  return `# Passwords generated by redoubt harden, one "user password" per line. Keep this file
# 0600 and off the server once the clients have their password; the aclfile holds
# only their SHA-256.
${users.map((u) => `${u.name} ${u.password}`).join('\n')}
`;
}

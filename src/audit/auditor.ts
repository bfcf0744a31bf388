/**
 * The read-only auditor profile: the one user a live audit needs. `redoubt
 * audit --url` reads the configuration and the users (INFO, CONFIG GET, ACL
 * LIST, ACL DRYRUN), which Redis files under @dangerous because they reveal the
 * deployment; a user allowed exactly those (and nothing that writes) is what
 * `redoubt harden` creates for the audit, and what the checks recognise and
 * report as info instead of a dangerous-commands finding.
 *
 * CONFIG GET shows SENSITIVE directives (requirepass, masterauth) in clear: a
 * user who may run it while one of them is set can read a password and log in
 * as someone else, so it is recognised only when none is set.
 */
import { Config } from '../config/config.js';
import { SENSITIVE } from '../config/table.js';
import { parseUser, reachableDangerous } from './acl-users.js';
import type { Deployment } from './deployment.js';

/** The commands the live audit runs once authenticated (live.ts), as ACL rules name them. */
export const AUDIT_COMMANDS = ['ping', 'info', 'config|get', 'acl|list', 'acl|dryrun', 'command'] as const;

/** The auditor's rules: no key, no channel, only the audit's commands. */
export const AUDITOR_RULES: readonly string[] = [
  'resetkeys',
  'resetchannels',
  '-@all',
  ...AUDIT_COMMANDS.map((c) => `+${c}`),
];

let profileOnce: ReadonlySet<string> | undefined;

/** The dangerous commands the auditor profile reaches (acl|dryrun, acl|list, config|get, info). */
export function auditorDangerous(): ReadonlySet<string> {
  profileOnce ??= new Set(reachableDangerous(parseUser('auditor', AUDITOR_RULES, { file: 'profile' })));
  return profileOnce;
}

/** SENSITIVE directives the deployment sets (CONFIG GET would show them); undefined when the config is unknown. */
export function secretsSet(d: Deployment | undefined): readonly string[] | undefined {
  if (d === undefined) return undefined;
  return Config.entries
    .filter((e) => !e.isAlias && ((e.directive.flags ?? 0) & SENSITIVE) !== 0)
    .map((e) => e.name)
    .filter((name) => d.config.get<string>(name) !== '');
}

/**
 * Whether the dangerous commands a user reaches are only the audit's own
 * read-only ones, with no secret for CONFIG GET to reveal (`secrets` undefined:
 * the configuration is unknown, so CONFIG GET is not given the benefit of the doubt).
 */
export function onlyAuditCommands(
  dangerous: readonly string[],
  secrets: readonly string[] | undefined,
): boolean {
  const profile = auditorDangerous();
  if (dangerous.length === 0 || !dangerous.every((n) => profile.has(n))) return false;
  return !dangerous.includes('config|get') || (secrets !== undefined && secrets.length === 0);
}

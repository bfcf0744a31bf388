/**
 * Least privilege. Started as root from the command line, Redoubt refuses to run
 * unless `run-as <user>[:<group>]` is set (it then opens its listeners and files
 * and permanently drops to that user and group: real, effective and saved ids, and
 * the supplementary groups) or `allow-root yes` is set explicitly (a warning is
 * logged). Embedded, the host application owns its privileges: only the warning.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Kind, str } from '../config/kinds.js';
import type { Logger } from '../core/logger.js';

/** `user[:group]`: names or numeric ids, no blanks. */
const RUN_AS = /^[^\s:]+(:[^\s:]+)?$/;

export const runAsKind: Kind<string> = {
  ...str({
    emptyIsNull: true,
    validate: (v) =>
      v === '' || RUN_AS.test(v)
        ? undefined
        : 'run-as must be <user> or <user>:<group> (names or numeric ids)',
  }),
  type: 'user[:group]',
};

export class PrivilegeError extends Error {}

export interface Identity {
  readonly uid: number;
  readonly gid: number;
  /** The user name, when `run-as` named one (supplementary groups come from it). */
  readonly user?: string;
  readonly spec: string;
}

const isRoot = (): boolean => process.geteuid?.() === 0;

/** `getent <db> <key>` fields, or undefined (NSS-aware: LDAP and sssd users resolve too). */
function getent(db: 'passwd' | 'group', key: string): string[] | undefined {
  try {
    const out = execFileSync('getent', [db, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const line = out.split('\n')[0] ?? '';
    return line === '' ? undefined : line.split(':');
  } catch {
    return undefined;
  }
}

/** Resolve `user[:group]` to ids; the group defaults to the user's primary group. */
export function resolveIdentity(spec: string): Identity {
  const [userPart = '', groupPart] = spec.split(':');
  let uid: number;
  let gid: number | undefined;
  let user: string | undefined;
  const pw = getent('passwd', userPart);
  if (pw !== undefined) {
    user = pw[0];
    uid = Number(pw[2]);
    gid = Number(pw[3]);
  } else if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
  } else {
    throw new PrivilegeError(`run-as: unknown user '${userPart}'`);
  }
  if (groupPart !== undefined) {
    const gr = getent('group', groupPart);
    if (gr !== undefined) gid = Number(gr[2]);
    else if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else throw new PrivilegeError(`run-as: unknown group '${groupPart}'`);
  }
  if (gid === undefined)
    throw new PrivilegeError(`run-as: user '${userPart}' has no primary group; use ${userPart}:<group>`);
  if (uid === 0) throw new PrivilegeError('run-as: the user to run as must not be root');
  return user === undefined ? { uid, gid, spec } : { uid, gid, user, spec };
}

export type RootDecision =
  | { readonly action: 'run'; readonly warnings: readonly string[] }
  | { readonly action: 'drop'; readonly to: Identity; readonly warnings: readonly string[] }
  | { readonly action: 'refuse'; readonly message: string; readonly warnings: readonly string[] };

export const ROOT_REFUSAL =
  'Redoubt refuses to run as root. Set `run-as <user>[:<group>]` to drop to an unprivileged user once the ' +
  'listeners and files are open, or `allow-root yes` to run as root anyway (not recommended).';

/**
 * What the command line does about its privileges: refuse (root without run-as or
 * allow-root), drop after start-up (run-as), or run as it is (with warnings to
 * log). Throws PrivilegeError for a run-as that does not resolve.
 */
export function decideRoot(runAs: string, allowRoot: boolean): RootDecision {
  if (!isRoot()) {
    const warnings: string[] = [];
    if (runAs !== '' && resolveIdentity(runAs).uid !== process.geteuid?.())
      warnings.push(
        `run-as ${runAs} has no effect: Redoubt was not started as root (running as uid ${process.geteuid?.()})`,
      );
    return { action: 'run', warnings };
  }
  if (runAs !== '') return { action: 'drop', to: resolveIdentity(runAs), warnings: [] };
  if (allowRoot)
    return {
      action: 'run',
      warnings: [
        'WARNING: Redoubt is running as root (allow-root yes): a client able to run CONFIG or to make Redoubt write files acts as root. Set `run-as <user>` instead.',
      ],
    };
  return { action: 'refuse', message: ROOT_REFUSAL, warnings: [] };
}

/** Embedded: the host owns its privileges; only say so when it is root. */
export function warnEmbeddedRoot(runAs: string, allowRoot: boolean, logger: Logger): void {
  if (runAs !== '')
    logger.warning('run-as has no effect in an embedded server: the host application owns its privileges.');
  if (isRoot() && !allowRoot)
    logger.warning(
      'WARNING: the embedded Redoubt server runs as root (the host application is root). Set `allow-root yes` to silence this warning.',
    );
}

/** Real, effective, saved and filesystem ids from /proc (Linux), or undefined elsewhere. */
export function procIds(): { uid: number[]; gid: number[] } | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const ids = (field: string): number[] =>
      (new RegExp(`^${field}:\\s+(.*)$`, 'm').exec(status)?.[1] ?? '').split(/\s+/).map(Number);
    return { uid: ids('Uid'), gid: ids('Gid') };
  } catch {
    return undefined;
  }
}

/**
 * Permanently become `to`: supplementary groups, then gid, then uid (after which
 * nothing can be changed back), then check that every id changed and that root
 * cannot be regained.
 */
export function dropPrivileges(to: Identity, logger: Logger): void {
  // process.initgroups (POSIX) is missing from @types/node 20.
  const initgroups = (process as unknown as { initgroups?: (user: string, group: number) => void })
    .initgroups;
  if (
    process.setuid === undefined ||
    process.setgid === undefined ||
    process.setgroups === undefined ||
    initgroups === undefined
  )
    throw new PrivilegeError('run-as is not supported on this platform');
  try {
    if (to.user !== undefined) initgroups.call(process, to.user, to.gid);
    else process.setgroups([to.gid]);
    process.setgid(to.gid);
    process.setuid(to.uid);
  } catch (err) {
    throw new PrivilegeError(
      `run-as ${to.spec}: could not drop privileges: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const ids = procIds();
  const wrong =
    process.getuid?.() !== to.uid ||
    process.geteuid?.() !== to.uid ||
    process.getgid?.() !== to.gid ||
    process.getegid?.() !== to.gid ||
    (ids !== undefined && (ids.uid.some((u) => u !== to.uid) || ids.gid.some((g) => g !== to.gid)));
  if (wrong) throw new PrivilegeError(`run-as ${to.spec}: the process ids did not all change`);
  let regained = false;
  try {
    process.setuid(0);
    regained = true;
  } catch {
    // Expected: EPERM.
  }
  if (regained)
    throw new PrivilegeError(`run-as ${to.spec}: root could be regained after dropping privileges`);
  logger.notice(`Dropped privileges: now running as uid ${to.uid}, gid ${to.gid} (run-as ${to.spec})`);
}

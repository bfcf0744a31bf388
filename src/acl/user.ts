/**
 * ACL users. A user's rules live in a `UserState` (flags, password hashes,
 * selectors); changing a user builds a new state from a copy and swaps it in
 * with one assignment, together with the derived facts the hot path reads
 * (`unrestricted`, `enabled`, `nopass`). Clients hold a reference to their User,
 * so a change is seen by the next command of every client of that user.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AclCommands } from './commands.js';
import { hashPassword, parseUserRule, type RuleError, type UserRule } from './rules.js';
import {
  type RuleWarning,
  SELECTOR_ALLCHANNELS,
  SELECTOR_ALLCOMMANDS,
  SELECTOR_ALLKEYS,
  SELECTOR_ROOT,
  Selector,
} from './selector.js';

export const USER_ENABLED = 1 << 0;
export const USER_DISABLED = 1 << 1;
export const USER_NOPASS = 1 << 2;
export const USER_SANITIZE_PAYLOAD_SKIP = 1 << 3;
export const USER_SANITIZE_PAYLOAD = 1 << 4;

/** In ACLDescribeUser / ACL GETUSER order. */
export const USER_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [USER_ENABLED, 'on'],
  [USER_DISABLED, 'off'],
  [USER_NOPASS, 'nopass'],
  [USER_SANITIZE_PAYLOAD_SKIP, 'skip-sanitize-payload'],
  [USER_SANITIZE_PAYLOAD, 'sanitize-payload'],
];

/** What applying rules needs to know besides the rules. */
export interface RuleContext {
  readonly commands: AclCommands;
  /** acl-pubsub-default is allchannels: new selectors start with every channel. */
  readonly allChannelsByDefault: boolean;
  readonly warn?: RuleWarning;
}

export class UserState {
  flags: number;
  /** SHA-256 hex of each password, in the order added. */
  passwords: string[];
  /** The root selector first. */
  selectors: Selector[];

  private constructor(flags: number, passwords: string[], selectors: Selector[]) {
    this.flags = flags;
    this.passwords = passwords;
    this.selectors = selectors;
  }

  /** A new user: disabled, no password, no permissions (ACLCreateUser). */
  static empty(ctx: RuleContext): UserState {
    return new UserState(USER_DISABLED, [], [newSelector(ctx, SELECTOR_ROOT)]);
  }

  /** The default user of a fresh server: on nopass ~* &* +@all. */
  static defaultUser(ctx: RuleContext): UserState {
    const s = UserState.empty(ctx);
    for (const rule of ['+@all', '~*', '&*', 'on', 'nopass']) s.apply(parseUserRule(rule), ctx);
    return s;
  }

  clone(): UserState {
    return new UserState(
      this.flags,
      [...this.passwords],
      this.selectors.map((s) => s.clone()),
    );
  }

  get root(): Selector {
    return this.selectors[0] as Selector;
  }

  /** ACLSetUser: apply one rule; returns the error, or undefined. */
  apply(rule: UserRule, ctx: RuleContext): RuleError | undefined {
    switch (rule.op) {
      case 'noop':
        return undefined;
      case 'on':
        this.flags = (this.flags | USER_ENABLED) & ~USER_DISABLED;
        return undefined;
      case 'off':
        this.flags = (this.flags | USER_DISABLED) & ~USER_ENABLED;
        return undefined;
      case 'skip-sanitize-payload':
        this.flags = (this.flags | USER_SANITIZE_PAYLOAD_SKIP) & ~USER_SANITIZE_PAYLOAD;
        return undefined;
      case 'sanitize-payload':
        this.flags = (this.flags | USER_SANITIZE_PAYLOAD) & ~USER_SANITIZE_PAYLOAD_SKIP;
        return undefined;
      case 'nopass':
        this.flags |= USER_NOPASS;
        this.passwords = [];
        return undefined;
      case 'resetpass':
        this.flags &= ~USER_NOPASS;
        this.passwords = [];
        return undefined;
      case 'addPassword':
        if (rule.hash === undefined) return 'EBADMSG';
        if (!this.passwords.includes(rule.hash)) this.passwords.push(rule.hash);
        this.flags &= ~USER_NOPASS;
        return undefined;
      case 'removePassword': {
        if (rule.hash === undefined) return 'EBADMSG';
        const at = this.passwords.indexOf(rule.hash);
        if (at === -1) return 'ENODEV';
        this.passwords.splice(at, 1);
        return undefined;
      }
      case 'selector': {
        const s = newSelector(ctx, 0);
        for (const r of rule.rules) {
          const err = s.apply(r, ctx.commands, ctx.warn);
          if (err !== undefined) return err;
        }
        this.selectors.push(s);
        return undefined;
      }
      case 'clearselectors':
        this.selectors.length = 1;
        return undefined;
      case 'reset':
        for (const r of ['resetpass', 'resetkeys', 'resetchannels']) this.apply(parseUserRule(r), ctx);
        if (ctx.allChannelsByDefault) this.apply(parseUserRule('allchannels'), ctx);
        for (const r of ['off', 'sanitize-payload', 'clearselectors', '-@all'])
          this.apply(parseUserRule(r), ctx);
        return undefined;
      default:
        return this.root.apply(rule, ctx.commands, ctx.warn);
    }
  }
}

function newSelector(ctx: RuleContext, flags: number): Selector {
  return new Selector(ctx.commands.size, flags | (ctx.allChannelsByDefault ? SELECTOR_ALLCHANNELS : 0));
}

export class User {
  readonly name: string;
  /** The rules; replaced whole by `setState`, never modified in place. */
  state: UserState;
  /** Derived from `state` (hot path). */
  enabled = false;
  nopass = false;
  /** Some selector allows every command, key and channel: the check is skipped. */
  unrestricted = false;
  /** The selectors the permission check reads (state.selectors). */
  selectors: readonly Selector[] = [];

  constructor(name: string, state: UserState) {
    this.name = name;
    this.state = state;
    this.setState(state);
  }

  setState(state: UserState): void {
    this.state = state;
    this.enabled = (state.flags & USER_ENABLED) !== 0;
    this.nopass = (state.flags & USER_NOPASS) !== 0;
    this.selectors = state.selectors;
    const all = SELECTOR_ALLCOMMANDS | SELECTOR_ALLKEYS | SELECTOR_ALLCHANNELS;
    this.unrestricted = state.selectors.some((s) => (s.flags & all) === all);
  }

  /**
   * ACLCheckUserCredentials: enabled, and nopass or one password matching. The
   * SHA-256 of the attempt is compared with every stored hash in constant time
   * (no early exit), so timing tells nothing about which or how many matched.
   */
  checkPassword(password: string): boolean {
    const attempt = Buffer.from(hashPassword(password), 'latin1');
    if (!this.enabled) return false;
    if (this.nopass) return true;
    let ok = false;
    for (const h of this.state.passwords) {
      if (timingSafeEqual(attempt, Buffer.from(h, 'latin1'))) ok = true;
    }
    return ok;
  }
}

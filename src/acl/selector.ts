/**
 * A selector: which commands (a bit set over AclCommands ids, plus allowed first
 * arguments), which keys (patterns with read/write permissions) and which
 * channels. A user has a root selector and any number of `( ... )` selectors; a
 * command is allowed when one selector allows it whole.
 *
 * Selectors are built by applying rules to a copy, then never modified: the copy
 * replaces the user's selectors in one assignment (see acl/user.ts), so the
 * permission check always sees a complete set.
 */
import { type AclCommand, AclCommands } from './commands.js';
import { type RuleError, type SelectorRule, sameIgnoringCase } from './rules.js';

export const SELECTOR_ROOT = 1 << 0;
export const SELECTOR_ALLKEYS = 1 << 1;
export const SELECTOR_ALLCHANNELS = 1 << 2;
export const SELECTOR_ALLCOMMANDS = 1 << 3;

export interface KeyPattern {
  readonly pattern: string;
  /** KEY_READ | KEY_WRITE. */
  flags: number;
  /**
   * How the check matches it, decided once: 'exact' (no glob character),
   * 'prefix' (`literal*`), else 'glob' (util/glob.ts).
   */
  readonly match: 'exact' | 'prefix' | 'glob';
  /** The literal part, for 'exact' and 'prefix'. */
  readonly literal: string;
}

/** A key pattern with its matching strategy (same results as globMatch). */
export function keyPattern(pattern: string, flags: number): KeyPattern {
  const special = /[*?[\\]/;
  if (!special.test(pattern)) return { pattern, flags, match: 'exact', literal: pattern };
  const stars = /\*+$/.exec(pattern);
  const head = stars === null ? pattern : pattern.slice(0, stars.index);
  // "*" alone does not match the empty key in Redis: leave it to the glob.
  if (stars !== null && head !== '' && !special.test(head))
    return { pattern, flags, match: 'prefix', literal: head };
  return { pattern, flags, match: 'glob', literal: '' };
}

/** Called for rules Redis logs a warning about (first-arg rules). */
export type RuleWarning = (message: string) => void;

export class Selector {
  flags: number;
  /** One bit per command id. */
  bits: Uint32Array;
  /**
   * Redis's reserved bit: set by +@all / allcommands, cleared only by -@all /
   * nocommands. ACL LIST starts from "+@all" when it is set.
   */
  future = false;
  /** Allowed first arguments of otherwise denied commands (+select|0), by command id. */
  firstArgs: Map<number, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: string[] = [];

  constructor(size: number, flags: number) {
    this.flags = flags;
    this.bits = new Uint32Array((size + 31) >>> 5);
  }

  clone(): Selector {
    const s = new Selector(0, this.flags);
    s.bits = this.bits.slice();
    s.future = this.future;
    if (this.firstArgs !== null) {
      s.firstArgs = new Map();
      for (const [id, args] of this.firstArgs) s.firstArgs.set(id, [...args]);
    }
    s.keys = this.keys.map((k) => ({ ...k }));
    s.channels = [...this.channels];
    return s;
  }

  hasBit(id: number): boolean {
    return ((this.bits[id >>> 5] as number) & (1 << (id & 31))) !== 0;
  }

  private setBit(id: number, value: boolean): void {
    const w = id >>> 5;
    if (value) {
      this.bits[w] = (this.bits[w] as number) | (1 << (id & 31));
    } else {
      this.bits[w] = (this.bits[w] as number) & ~(1 << (id & 31));
      this.flags &= ~SELECTOR_ALLCOMMANDS;
    }
  }

  /** ACLChangeSelectorPerm: a command and, for a container, all its subcommands. */
  changePerm(cmd: AclCommand, allow: boolean): void {
    this.setBit(cmd.id, allow);
    this.firstArgs?.delete(cmd.id);
    if (cmd.subcommands !== undefined) for (const s of cmd.subcommands.values()) this.setBit(s.id, allow);
  }

  /** +@category / -@category. */
  changeCategory(commands: AclCommands, index: number, allow: boolean): void {
    for (const id of commands.categoryMembers[index] as readonly number[]) {
      this.changePerm(commands.byId[id] as AclCommand, allow);
    }
  }

  /** +@all. */
  allowAll(): void {
    this.bits.fill(0xffffffff);
    this.future = true;
    this.flags |= SELECTOR_ALLCOMMANDS;
    this.firstArgs = null;
  }

  /** -@all. */
  denyAll(): void {
    this.bits.fill(0);
    this.future = false;
    this.flags &= ~SELECTOR_ALLCOMMANDS;
    this.firstArgs = null;
  }

  private addFirstArg(id: number, arg: string): void {
    this.firstArgs ??= new Map();
    const list = this.firstArgs.get(id);
    if (list === undefined) {
      this.firstArgs.set(id, [arg]);
    } else if (!list.some((a) => sameIgnoringCase(a, arg))) {
      list.push(arg);
    }
  }

  /** ACLSetSelector: apply one rule; returns the error, or undefined. */
  apply(rule: SelectorRule, commands: AclCommands, warn?: RuleWarning): RuleError | undefined {
    switch (rule.op) {
      case 'allkeys':
        this.flags |= SELECTOR_ALLKEYS;
        this.keys = [];
        return undefined;
      case 'resetkeys':
        this.flags &= ~SELECTOR_ALLKEYS;
        this.keys = [];
        return undefined;
      case 'allchannels':
        this.flags |= SELECTOR_ALLCHANNELS;
        this.channels = [];
        return undefined;
      case 'resetchannels':
        this.flags &= ~SELECTOR_ALLCHANNELS;
        this.channels = [];
        return undefined;
      case 'allcommands':
        this.allowAll();
        return undefined;
      case 'nocommands':
        this.denyAll();
        return undefined;
      case 'key': {
        if ((this.flags & SELECTOR_ALLKEYS) !== 0) return 'EEXIST';
        if (rule.invalid) return 'EINVAL';
        const found = this.keys.find((k) => k.pattern === rule.pattern);
        if (found === undefined) this.keys.push(keyPattern(rule.pattern, rule.flags));
        else found.flags |= rule.flags;
        return undefined;
      }
      case 'channel':
        if ((this.flags & SELECTOR_ALLCHANNELS) !== 0) return 'EISDIR';
        if (rule.invalid) return 'EINVAL';
        if (!this.channels.includes(rule.pattern)) this.channels.push(rule.pattern);
        return undefined;
      case 'allow': {
        const cmd = commands.lookup(rule.name);
        if (cmd === undefined) return 'ENOENT';
        this.changePerm(cmd, true);
        return undefined;
      }
      case 'allowPiped': {
        const cmd = commands.lookup(rule.base);
        if (cmd === undefined) return 'ENOENT';
        if (cmd.parent !== undefined) return 'ECHILD';
        if (rule.sub === '') return 'EINVAL';
        if (cmd.subcommands !== undefined) {
          const sub = commands.lookup(rule.full);
          if (sub === undefined) return 'ENOENT';
          this.changePerm(sub, true);
        } else {
          warn?.(
            'Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL and may get disabled in the future ' +
              `(offender: +${rule.full})`,
          );
          this.addFirstArg(cmd.id, rule.sub);
        }
        return undefined;
      }
      case 'deny': {
        const cmd = commands.lookup(rule.name);
        if (cmd === undefined) return 'ENOENT';
        this.changePerm(cmd, false);
        return undefined;
      }
      case 'allowCategory':
      case 'denyCategory': {
        const index = AclCommands.categoryIndex(rule.category);
        if (index === -1) return 'ENOENT';
        this.changeCategory(commands, index, rule.op === 'allowCategory');
        return undefined;
      }
      case 'invalid':
        return 'EINVAL';
    }
  }

  /** Every command, key and channel (the default user's root selector). */
  get unrestricted(): boolean {
    const all = SELECTOR_ALLCOMMANDS | SELECTOR_ALLKEYS | SELECTOR_ALLCHANNELS;
    return (this.flags & all) === all;
  }
}

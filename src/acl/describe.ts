/**
 * Users back as rules (ACL LIST, ACL GETUSER, ACL SAVE, CONFIG REWRITE), with
 * Redis 7.0's algorithm (ACLDescribeSelectorCommandRules): start from +@all or
 * -@all, add the categories that best fit the command bit set, then single
 * commands for the remaining differences; the result rebuilds the same bit set.
 * Redis emits the single commands in its hash-table order, which changes from run
 * to run; Redoubt uses name order.
 */

import { ACL_CATEGORIES } from '../commands/spec.js';
import type { AclCommand, AclCommands } from './commands.js';
import { KEY_ALL, KEY_READ, KEY_WRITE } from './rules.js';
import {
  type KeyPattern,
  SELECTOR_ALLCHANNELS,
  SELECTOR_ALLKEYS,
  SELECTOR_ROOT,
  Selector,
} from './selector.js';
import { USER_FLAG_NAMES, type UserState } from './user.js';

export function describeKeyPattern(k: KeyPattern): string {
  if (k.flags === KEY_ALL) return `~${k.pattern}`;
  if (k.flags === KEY_READ) return `%R~${k.pattern}`;
  if (k.flags === KEY_WRITE) return `%W~${k.pattern}`;
  throw new Error('Invalid key pattern flag detected');
}

/** The command rules of a selector ("-@all +get ..."). */
export function describeCommandRules(sel: Selector, commands: AclCommands): string {
  const rules: string[] = [];
  const fake = new Selector(commands.size, 0);
  const additive = !sel.future;
  if (additive) {
    rules.push('-@all');
    fake.denyAll();
  } else {
    rules.push('+@all');
    fake.allowAll();
  }
  // Fit categories: a temporary copy of the user's bits loses each category once applied.
  const temp = new Selector(commands.size, 0);
  temp.bits = sel.bits.slice();
  const applied = new Array<boolean>(ACL_CATEGORIES.length).fill(false);
  for (;;) {
    let best = -1;
    let mindiff = Number.MAX_SAFE_INTEGER;
    let maxsame = 0;
    for (let j = 0; j < ACL_CATEGORIES.length; j++) {
      if (applied[j]) continue;
      let on = 0;
      let off = 0;
      for (const id of commands.categoryMembers[j] as readonly number[]) {
        if (temp.hasBit(id)) on++;
        else off++;
      }
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best === -1) break;
    fake.changeCategory(commands, best, additive);
    temp.changeCategory(commands, best, !additive);
    rules.push(`${additive ? '+' : '-'}@${ACL_CATEGORIES[best] as string}`);
    applied[best] = true;
  }
  const single = (cmd: AclCommand): void => {
    const userbit = sel.hasBit(cmd.id);
    if (userbit !== fake.hasBit(cmd.id)) {
      rules.push(`${userbit ? '+' : '-'}${cmd.fullName}`);
      fake.changePerm(cmd, userbit);
    }
    if (cmd.subcommands !== undefined) for (const s of cmd.subcommands.values()) single(s);
    const firstArgs = userbit ? undefined : sel.firstArgs?.get(cmd.id);
    if (firstArgs !== undefined) for (const a of firstArgs) rules.push(`+${cmd.fullName}|${a}`);
  };
  for (const cmd of commands.top.values()) single(cmd);
  // As Redis: the rules must rebuild exactly the user's bits, or this is a bug.
  for (let w = 0; w < sel.bits.length; w++) {
    if (fake.bits[w] !== sel.bits[w]) throw new Error(`No bitmap match in ACL rules: '${rules.join(' ')}'`);
  }
  return rules.join(' ');
}

/** ACLDescribeSelector: keys, channels and commands of one selector. */
export function describeSelector(sel: Selector, commands: AclCommands): string {
  let out = '';
  if ((sel.flags & SELECTOR_ALLKEYS) !== 0) out += '~* ';
  else for (const k of sel.keys) out += `${describeKeyPattern(k)} `;
  if ((sel.flags & SELECTOR_ALLCHANNELS) !== 0) {
    out += '&* ';
  } else {
    out += 'resetchannels ';
    for (const c of sel.channels) out += `&${c} `;
  }
  return out + describeCommandRules(sel, commands);
}

/** ACLDescribeUser: flags, password hashes, then the selectors. */
export function describeUser(state: UserState, commands: AclCommands): string {
  let out = '';
  for (const [flag, name] of USER_FLAG_NAMES) if ((state.flags & flag) !== 0) out += `${name} `;
  for (const h of state.passwords) out += `#${h} `;
  for (const s of state.selectors) {
    const d = describeSelector(s, commands);
    out += (s.flags & SELECTOR_ROOT) !== 0 ? d : ` (${d})`;
  }
  return out;
}

/** ACL GETUSER's "keys" field. */
export function describeKeys(sel: Selector): string {
  if ((sel.flags & SELECTOR_ALLKEYS) !== 0) return '~*';
  return sel.keys.map(describeKeyPattern).join(' ');
}

/** ACL GETUSER's "channels" field. */
export function describeChannels(sel: Selector): string {
  if ((sel.flags & SELECTOR_ALLCHANNELS) !== 0) return '&*';
  return sel.channels.map((c) => `&${c}`).join(' ');
}

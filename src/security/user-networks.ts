/**
 * `user-allow-from <username> <cidr|address> [...]` (beyond Redis): the networks
 * a user may authenticate from. A user listed here can be authenticated (AUTH,
 * HELLO AUTH, a TLS client certificate) only from a TCP or TLS peer inside one
 * of its networks; from anywhere else the attempt fails as a wrong password
 * would (WRONGPASS, ACL LOG `auth` entry), even with the right password.
 * Users not listed are not restricted. Unix-socket clients are not filtered, as
 * with `allow-from` (their access is the socket file's permissions).
 *
 * In a config file the directive may appear several times; each line names one
 * user (repeating a user adds networks). CONFIG SET replaces the whole table
 * with `user cidr [cidr ...] [user cidr ...]`: a word that is an address or
 * CIDR block belongs to the user before it, any other word starts the next
 * user; `""` clears it. Addresses are matched with allow-from's matcher
 * (src/net/allow.ts): IPv4, IPv6, and IPv4-mapped IPv6 peers as IPv4.
 */
import { ConfigValueError, cstr, type Kind } from '../config/kinds.js';
import type { Client } from '../core/client.js';
import { CLIENT_UNIX_SOCKET } from '../core/client.js';
import { AllowList, parseAllowEntry } from '../net/allow.js';

/** user -> its networks, in the order given. */
export type UserNetworkTable = ReadonlyMap<string, readonly string[]>;

/** Most networks in all, a bound on what one CONFIG SET can make the server hold. */
const MAX_ENTRIES = 4096;

const invalid = (w: string): never => {
  throw new ConfigValueError(
    `Invalid user-allow-from network '${w.slice(0, 128)}': expected an IP address or a CIDR block.`,
  );
};

export const userAllowFromKind: Kind<UserNetworkTable> = {
  type: 'username and addresses or CIDR blocks',
  multiArg: true,
  parse(args, ctx) {
    const words = args.map(cstr).filter((w) => w !== '');
    // Loading: one user per line, lines add up. CONFIG SET: the whole table.
    const table = new Map<string, string[]>();
    if (ctx.loading) {
      if (words.length < 2)
        throw new ConfigValueError(
          'user-allow-from needs a username and at least one address or CIDR block.',
        );
      if (!ctx.first) for (const [u, nets] of ctx.current as UserNetworkTable) table.set(u, [...nets]);
      const [user, ...nets] = words as [string, ...string[]];
      for (const n of nets) if (parseAllowEntry(n) === undefined) invalid(n);
      table.set(user, [...(table.get(user) ?? []), ...nets]);
    } else {
      let user: string | undefined;
      let nets: string[] = [];
      const close = (): void => {
        if (user === undefined) return;
        if (nets.length === 0)
          throw new ConfigValueError(`user-allow-from: no network given for user '${user.slice(0, 128)}'.`);
        table.set(user, [...(table.get(user) ?? []), ...nets]);
      };
      for (const w of words) {
        if (user !== undefined && parseAllowEntry(w) !== undefined) {
          nets.push(w);
          continue;
        }
        // Right after a user name, a word that is no network is a bad network, not the next user.
        if (user !== undefined && nets.length === 0) invalid(w);
        close();
        user = w;
        nets = [];
      }
      close();
    }
    let total = 0;
    for (const nets of table.values()) total += nets.length;
    if (total > MAX_ENTRIES)
      throw new ConfigValueError(`Too many user-allow-from networks (most ${MAX_ENTRIES}).`);
    return table;
  },
  format: (v) => [...v].map(([u, nets]) => `${u} ${nets.join(' ')}`).join(' '),
  rewrite: (v) => [...v].map(([u, nets]) => ({ args: `${u} ${nets.join(' ')}`, force: true })),
};

/** The compiled table: one native lookup per authentication of a listed user. */
export class UserNetworks {
  private lists = new Map<string, AllowList>();

  set(table: UserNetworkTable): void {
    const lists = new Map<string, AllowList>();
    for (const [user, nets] of table) lists.set(user, new AllowList(nets));
    this.lists = lists;
  }

  restricted(user: string): boolean {
    return this.lists.has(user);
  }

  /** Whether `c` may authenticate as `user` from where it is connected. */
  allows(c: Client, user: string): boolean {
    const list = this.lists.get(user);
    if (list === undefined || (c.flags & CLIENT_UNIX_SOCKET) !== 0) return true;
    const ip = c.socket?.remoteAddress;
    return ip !== undefined && list.allows(ip);
  }
}

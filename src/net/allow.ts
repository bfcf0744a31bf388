/**
 * `allow-from <cidr|address> [...]` (beyond Redis): a firewall inside the server.
 * When the list is not empty, a TCP or TLS connection from any other source is
 * closed at accept, before a byte is read or written. IPv4-mapped IPv6 peers
 * (`::ffff:10.0.0.1`) match as their IPv4 address. Unix-socket clients are not
 * filtered (their access is the socket file's permissions).
 */
import { BlockList, isIP } from 'node:net';
import { ConfigValueError, cstr, type Kind } from '../config/kinds.js';
import { normalizeIp } from './listeners.js';

/** Most entries, as a bound on what one CONFIG SET can make the server hold. */
const MAX_ENTRIES = 1024;

interface Entry {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Parse `address` or `address/prefix`; undefined when invalid. */
export function parseAllowEntry(text: string): Entry | undefined {
  const slash = text.indexOf('/');
  const rawAddress = slash === -1 ? text : text.slice(0, slash);
  const address = normalizeIp(rawAddress);
  const v = isIP(address);
  if (v === 0 || address.includes('%')) return undefined;
  const max = v === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    // `::ffff:10.0.0.0/104` is the IPv4 network 10.0.0.0/8.
    if (v === 4 && rawAddress !== address) prefix -= 96;
    if (prefix < 0 || prefix > max) return undefined;
  }
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

export const allowFromKind: Kind<readonly string[]> = {
  type: 'addresses and CIDR blocks, or ""',
  multiArg: true,
  parse(args) {
    const words = args.map(cstr).filter((w) => w !== '');
    if (words.length > MAX_ENTRIES)
      throw new ConfigValueError(`Too many allow-from entries (most ${MAX_ENTRIES}).`);
    for (const w of words) {
      if (parseAllowEntry(w) === undefined)
        throw new ConfigValueError(
          `Invalid allow-from entry '${w.slice(0, 128)}': expected an IP address or a CIDR block.`,
        );
    }
    return words;
  },
  format: (v) => v.join(' '),
  rewrite: (v) => (v.length === 0 ? [] : [{ args: v.join(' '), force: true }]),
};

/** The compiled list: `allows(ip)` is one native lookup per accepted connection. */
export class AllowList {
  private readonly list = new BlockList();

  constructor(entries: readonly string[]) {
    for (const text of entries) {
      const e = parseAllowEntry(text);
      if (e === undefined) continue;
      if (e.prefix === (e.family === 'ipv4' ? 32 : 128)) this.list.addAddress(e.address, e.family);
      else this.list.addSubnet(e.address, e.prefix, e.family);
    }
  }

  /** `ip` as Node reports a peer (IPv4-mapped forms included). */
  allows(ip: string): boolean {
    const plain = normalizeIp(ip);
    const v = isIP(plain);
    if (v === 0) return false;
    return this.list.check(plain, v === 4 ? 'ipv4' : 'ipv6');
  }
}

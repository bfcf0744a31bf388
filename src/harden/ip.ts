/**
 * IP addresses as bytes, for the certificate's subjectAltName and for the
 * firewall rules (which want a network address without host bits).
 */
import { isIP } from 'node:net';
import { parseAllowEntry } from '../net/allow.js';

/** 4 or 16 bytes. */
export function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  // The URL parser writes any IPv6 form (an embedded dotted IPv4 too) as hex groups.
  const hex = new URL(`http://[${address}]`).hostname.slice(1, -1);
  // Expand "::" to the missing zero groups, then 8 groups of 16 bits.
  const [head, tail] = hex.includes('::') ? hex.split('::') : [hex, undefined];
  const h = head === '' || head === undefined ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

function bytesToIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // Normalised (zero runs compressed) by the URL parser.
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

export interface Network {
  readonly family: 'ipv4' | 'ipv6';
  /** `10.0.0.0/8`, `2001:db8::/32`, or an address alone for a single host. */
  readonly cidr: string;
}

/** An --allow entry (the syntax of allow-from) as a network with its host bits cleared; undefined if invalid. */
export function parseNetwork(text: string): Network | undefined {
  const e = parseAllowEntry(text);
  if (e === undefined) return undefined;
  const bytes = ipBytes(e.address);
  for (let bit = e.prefix; bit < bytes.length * 8; bit++)
    bytes[bit >> 3] = (bytes[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  const full = e.family === 'ipv4' ? 32 : 128;
  const address = bytesToIp(bytes);
  return { family: e.family, cidr: e.prefix === full ? address : `${address}/${e.prefix}` };
}

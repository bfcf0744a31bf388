/**
 * Host firewall rules that let the server's port be reached only from loopback
 * and the --allow networks; everything else is dropped. Each format touches
 * only what it owns, so loading it does not disturb the host's other rules:
 * iptables a dedicated chain (iptables-restore --noflush), nftables its own
 * table (replaced whole on reload), ufw a rule per source and a deny last.
 */
import type { Network } from './ip.js';

export const FIREWALLS = ['iptables', 'nftables', 'ufw'] as const;
export type Firewall = (typeof FIREWALLS)[number];

export interface FirewallFile {
  readonly name: string;
  readonly text: string;
}

const header = (how: string): string =>
  `# Written by redoubt harden: the server's TCP port only from loopback and the --allow networks.\n# ${how}\n`;

/** One iptables-restore file per family (iptables and ip6tables read separate rulesets). */
function iptables(port: number, allow: readonly Network[]): FirewallFile[] {
  const chain = `REDOUBT-${port}`;
  const file = (family: Network['family'], tool: string, name: string): FirewallFile => ({
    name,
    text: `${header(`Load: ${tool}-restore --noflush < ${name}  (check first: ${tool}-restore --test --noflush < ${name})`)}*filter
:${chain} - [0:0]
-A ${chain} -i lo -j ACCEPT
${allow
  .filter((n) => n.family === family)
  .map((n) => `-A ${chain} -s ${n.cidr} -j ACCEPT\n`)
  .join('')}-A ${chain} -j DROP
-A INPUT -p tcp -m tcp --dport ${port} -j ${chain}
COMMIT
`,
  });
  return [file('ipv4', 'iptables', 'iptables.rules'), file('ipv6', 'ip6tables', 'ip6tables.rules')];
}

function nftables(port: number, allow: readonly Network[]): FirewallFile[] {
  const set = (name: string, type: string, family: Network['family']): string => {
    const elements = allow.filter((n) => n.family === family).map((n) => n.cidr);
    const body = elements.length === 0 ? '' : ` elements = { ${elements.join(', ')} };`;
    return `\tset ${name} {\n\t\ttype ${type}; flags interval;${body}\n\t}\n`;
  };
  return [
    {
      name: 'nftables.nft',
      text: `${header('Load: nft -f nftables.nft  (check first: nft -c -f nftables.nft); it replaces only the table "inet redoubt".')}
# Declared then deleted, so that loading the file again replaces the table instead of failing.
table inet redoubt
delete table inet redoubt
table inet redoubt {
${set('allowed4', 'ipv4_addr', 'ipv4')}${set('allowed6', 'ipv6_addr', 'ipv6')}
\tchain input {
\t\ttype filter hook input priority filter; policy accept;
\t\ttcp dport ${port} iif "lo" accept
\t\ttcp dport ${port} ip saddr @allowed4 accept
\t\ttcp dport ${port} ip6 saddr @allowed6 accept
\t\ttcp dport ${port} drop
\t}
}
`,
    },
  ];
}

function ufw(port: number, allow: readonly Network[]): FirewallFile[] {
  return [
    {
      name: 'ufw.sh',
      text: `#!/bin/sh
${header('Run as root: sh ufw.sh. ufw applies the first matching rule: an earlier "allow" of this port wins, remove it.')}set -e
ufw allow in on lo to any port ${port} proto tcp
${allow.map((n) => `ufw allow proto tcp from ${n.cidr} to any port ${port}\n`).join('')}ufw deny proto tcp to any port ${port}
`,
    },
  ];
}

const WRITERS: Record<Firewall, (port: number, allow: readonly Network[]) => FirewallFile[]> = {
  iptables,
  nftables,
  ufw,
};

/** The files of one firewall format. */
export function firewallFiles(kind: Firewall, port: number, allow: readonly Network[]): FirewallFile[] {
  return WRITERS[kind](port, allow);
}

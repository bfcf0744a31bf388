/**
 * The README written into the bundle: what each file is (from the files
 * themselves, so the list cannot drift), and the commands that install them.
 */
import { join } from 'node:path';
import { VERSION } from '../core/version.js';
import type { BundleFile, HardenOptions } from './command.js';
import { TARGETS } from './config.js';
import { unitName } from './systemd.js';
import { AUDITOR_NAME, type GeneratedUser } from './users.js';

function firewallSteps(o: HardenOptions): string[] {
  const fw = (name: string): string => join(o.out, 'firewall', name);
  return o.firewalls.map((kind) =>
    kind === 'iptables'
      ? `iptables-restore --noflush < ${fw('iptables.rules')} && ip6tables-restore --noflush < ${fw('ip6tables.rules')}`
      : kind === 'nftables'
        ? `nft -f ${fw('nftables.nft')}`
        : `sh ${fw('ufw.sh')}`,
  );
}

function connectExample(o: HardenOptions): string {
  const host = (o.bind[0] ?? '127.0.0.1').replace(/^-/, '');
  const tls = o.tls
    ? ` --tls --cacert ${join(o.out, 'tls/ca.crt')} --cert ${join(o.out, 'tls/client.crt')} --key ${join(o.out, 'tls/client.key')}`
    : '';
  const user = o.users[0]?.name ?? 'app';
  return `redis-cli${tls} -h ${host} -p ${o.port} --user ${user} --askpass`;
}

export function readmeText(
  o: HardenOptions,
  files: readonly BundleFile[],
  users: readonly GeneratedUser[],
  now = new Date(),
): string {
  const { user, conf } = TARGETS[o.target];
  const config = join(o.out, conf);
  const steps = [
    `Create the dedicated user: useradd --system --no-create-home --shell /usr/sbin/nologin ${user}`,
    `Create the data directory: install -d -m 0700 -o ${user} -g ${user} ${o.dataDir}`,
    `Give the files to that user (they are 0600, the directories 0700): chown -R ${user}:${user} ${o.out}`,
    `Hand each client its password from users.secrets, then move users.secrets off the server.`,
    ...(o.tls
      ? [
          `Move tls/ca.key off the server (it is needed only to issue certificates); give the clients tls/ca.crt, tls/client.crt and tls/client.key.`,
        ]
      : []),
    o.service
      ? `Install and start the service: install -m 0644 ${join(o.out, unitName(o.target))} /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now ${unitName(o.target)}`
      : `Start the server as ${user} (no --service given): ${TARGETS[o.target].bin} ${config}`,
    ...firewallSteps(o).map((c) => `Load the firewall rules: ${c}`),
    `Check the result: redoubt audit --config ${config} --host; and live, as the read-only auditor user: redoubt audit --url ${o.tls ? 'rediss' : 'redis'}://auditor:<its password>@${(o.bind[0] ?? '127.0.0.1').replace(/^-/, '')}:${o.port}${o.tls ? ` --cacert ${join(o.out, 'tls/ca.crt')} --cert ${join(o.out, 'tls/client.crt')} --key ${join(o.out, 'tls/client.key')}` : ''}`,
    `Connect: ${connectExample(o)}`,
  ];
  const width = Math.max(...files.map((f) => f.path.length));
  return `A hardened ${o.target} deployment, written by redoubt harden ${VERSION} on ${now.toISOString()}.

The files name each other by absolute path (${o.out}): install them there. Every
file is mode 0600 and every directory 0700; keep them so.

Files:
${files.map((f) => `  ${f.path.padEnd(width)}  ${f.what}`).join('\n')}

What it does: listens on ${o.bind.join(' ')} port ${o.port}${o.tls ? ' with TLS only (client certificates required)' : ''}; the default user is off and every
user has a generated password and only the keys and commands the users file gave it;
protected configs, DEBUG and MODULE are off; the data directory is ${o.dataDir}.

Users (users.acl; Redis allows no comment in an aclfile, so they are explained here):
  default  off: a connection that does not AUTH can run nothing
${users.map((u) => `  ${u.name}  ${u.rules.join(' ')}`).join('\n')}
The ${AUDITOR_NAME} user may run only the read-only commands of \`redoubt audit --url\`
(redoubt audit reports it as info); remove its line if you do not audit live.

Install, as root:
${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}
`;
}

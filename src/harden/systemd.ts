/**
 * A systemd unit that runs the server as a dedicated non-root user in a
 * sandbox: nothing writable but its data directory, no capabilities, no new
 * privileges, private /tmp and devices, files created 0600 (UMask=0077).
 */
import { TARGETS, type Target } from './config.js';

export interface UnitOptions {
  readonly target: Target;
  readonly serverBin: string;
  readonly configFile: string;
  readonly dataDir: string;
}

export const unitName = (target: Target): string => `${target}-hardened.service`;

export function unitText(o: UnitOptions): string {
  const user = TARGETS[o.target].user;
  const wx =
    o.target === 'redoubt'
      ? '# No MemoryDenyWriteExecute=: Node (V8) compiles JavaScript to machine code at run time.\n'
      : 'MemoryDenyWriteExecute=yes\n';
  return `# ${unitName(o.target)}: written by redoubt harden. Install: see README in this directory.
[Unit]
Description=${o.target} (hardened by redoubt harden)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${o.serverBin} ${o.configFile}
# A dedicated user without a login shell: useradd --system --no-create-home --shell /usr/sbin/nologin ${user}
User=${user}
Group=${user}
# Every file the server creates (RDB, AOF, logs) is private to its user.
UMask=0077
NoNewPrivileges=yes
# The whole file system read-only but the data directory.
ProtectSystem=strict
ReadWritePaths=${o.dataDir}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
# No capability at all: the port is above 1024 and nothing needs root.
CapabilityBoundingSet=
AmbientCapabilities=
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
${wx}SystemCallArchitectures=native
LimitNOFILE=10032
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;
}

/**
 * Host checks (`--host`), for the machine the audit runs on: which addresses the
 * port listens on (/proc/net/tcp, tcp6), the user of the process that owns the
 * listening socket (/proc/<pid>), owner and mode of its config, aclfile and data
 * directory, whether a host firewall restricts the port (iptables-save or nft,
 * when available), and its systemd unit's User= and sandboxing. Read-only: it
 * only reads /proc, files' metadata and the firewall's rule listing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { reachOf } from './config-checks.js';
import type { Deployment } from './deployment.js';
import type { Finding, Layer, Severity } from './findings.js';

const HOST = 'host';

function hostFinding(
  id: string,
  layer: Layer,
  severity: Severity,
  title: string,
  evidence: string,
  fix: string,
  file = HOST,
): Finding {
  return { id, layer, severity, title, evidence, fix, location: { file } };
}

export interface ListeningSocket {
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

/** "0100007F" (little-endian IPv4) or the 32-hex-digit IPv6 form of /proc/net/tcp6. */
function decodeAddress(hex: string): string {
  if (hex.length === 8)
    return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  const groups: string[] = [];
  // Four 32-bit words, each little-endian.
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    const bytes = [3, 2, 1, 0].map((i) => word.slice(i * 2, i * 2 + 2));
    groups.push(`${bytes[0]}${bytes[1]}`, `${bytes[2]}${bytes[3]}`);
  }
  const full = groups.map((g) => g.replace(/^0{1,3}/, '').toLowerCase()).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(full);
  if (mapped !== null) {
    const n = (Number.parseInt(mapped[1] as string, 16) << 16) | Number.parseInt(mapped[2] as string, 16);
    return `::ffff:${[24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')}`;
  }
  return full;
}

/** The listening TCP sockets (state 0A) of the host, IPv4 and IPv6. */
export function listeningSockets(): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue;
      const [addr, port] = (f[1] as string).split(':') as [string, string];
      out.push({ address: decodeAddress(addr), port: Number.parseInt(port, 16), inode: f[9] as string });
    }
  }
  return out;
}

/** Pids holding a socket inode (their /proc/<pid>/fd links read "socket:[inode]"); ours only unless root. */
function pidsOfSockets(inodes: ReadonlySet<string>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    const owns = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        return m !== null && inodes.has(m[1] as string);
      } catch {
        return false;
      }
    });
    if (owns) pids.push(Number(entry));
  }
  return pids;
}

interface ProcessFacts {
  readonly pid: number;
  readonly uid: number;
  readonly user: string;
  readonly command: string;
  readonly cwd: string | undefined;
  /** The systemd service it runs in, from its cgroup. */
  readonly service: string | undefined;
}

function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === uid) return f[0] as string;
    }
  } catch {}
  return String(uid);
}

function processFacts(pid: number): ProcessFacts | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1]); // the effective uid
    const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
    let cwd: string | undefined;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {}
    const cgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    const service = /\/([^/\s]+\.service)(\/|$)/m.exec(cgroup)?.[1];
    return { pid, uid, user: userName(uid), command, cwd, service };
  } catch {
    return undefined;
  }
}

// ---- listening interfaces and the process

function listenFindings(port: number, sockets: readonly ListeningSocket[]): Finding[] {
  const exposed = sockets.filter((s) => reachOf(s.address.replace(/^::ffff:/, '')) !== 'loopback');
  if (exposed.length === 0) return [];
  return [
    hostFinding(
      'HOST-LISTENS-EXPOSED',
      'network',
      exposed.some((s) => ['wildcard', 'public'].includes(reachOf(s.address))) ? 'high' : 'medium',
      `Port ${port} listens beyond loopback`,
      `listening on ${sockets.map((s) => (s.address.includes(':') ? `[${s.address}]:${port}` : `${s.address}:${port}`)).join(', ')} (/proc/net/tcp, tcp6)`,
      'bind 127.0.0.1 -::1  (or the private address your clients use), then restart',
    ),
  ];
}

function processFindings(port: number, p: ProcessFacts): Finding[] {
  if (p.uid !== 0) return [];
  return [
    hostFinding(
      'HOST-RUNS-AS-ROOT',
      'privilege',
      'critical',
      `The server on port ${port} runs as root: a compromise (Lua, a module, CONFIG SET dir) owns the machine`,
      `pid ${p.pid} (${p.command}) has effective uid 0`,
      'run it as a dedicated user: User=redis in its systemd unit (Redoubt: run-as redis)',
    ),
  ];
}

// ---- files

/** Owner and mode: files 0600, directories 0700, owned by the server's user or root. */
function fileFindings(
  path: string,
  what: string,
  directory: boolean,
  serverUid: number | undefined,
): Finding[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  const out: Finding[] = [];
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    const writable = (mode & 0o022) !== 0;
    out.push(
      hostFinding(
        'HOST-FILE-MODE',
        'privilege',
        writable ? 'high' : 'medium',
        `${what} is ${writable ? 'writable' : 'readable'} by other users`,
        `${path}: mode ${mode.toString(8).padStart(4, '0')}, owner uid ${st.uid}`,
        `chmod ${directory ? '700' : '600'} ${path}`,
        path,
      ),
    );
  }
  if (serverUid !== undefined && st.uid !== serverUid && st.uid !== 0)
    out.push(
      hostFinding(
        'HOST-FILE-OWNER',
        'privilege',
        'medium',
        `${what} belongs to another user (uid ${st.uid}) than the server (uid ${serverUid}) or root`,
        `${path}: owner uid ${st.uid}`,
        `chown ${userName(serverUid)} ${path}`,
        path,
      ),
    );
  return out;
}

/** redis-server and valkey-server change to `dir` at start-up: their working directory is it. */
function chdirsToDir(p: ProcessFacts): boolean {
  return /(redis|valkey)-server/.test(p.command);
}

/** The data directory: the configured `dir` when known, else the working directory of a server that moves there. */
function dataDir(d: Deployment | undefined, p: ProcessFacts | undefined): string | undefined {
  const configured = d?.config.explicit.has('dir') === true ? d.config.get<string>('dir') : undefined;
  if (configured !== undefined && isAbsolute(configured)) return configured;
  if (p !== undefined && chdirsToDir(p)) return p.cwd;
  if (configured !== undefined && d?.configFile !== undefined)
    return resolve(dirname(d.configFile), configured);
  return undefined;
}

/** The files and directories to check, with what they are and whether a directory. */
function filesToCheck(d: Deployment | undefined, p: ProcessFacts | undefined): [string, string, boolean][] {
  const out: [string, string, boolean][] = [];
  // A config file's includes are known from the file; a live server reports its main file only.
  const configs = d?.source === 'config' ? new Set(d.lines.map((l) => l.file)) : [d?.configFile];
  for (const file of configs) if (file !== undefined) out.push([file, 'The config file', false]);
  if (d?.aclfile !== undefined) out.push([d.aclfile, 'The aclfile', false]);
  const dir = dataDir(d, p);
  if (dir !== undefined && dir !== '/') {
    out.push([dir, 'The data directory (dir)', true]);
    out.push([join(dir, d?.config.get<string>('dbfilename') ?? 'dump.rdb'), 'The RDB file', false]);
    out.push([
      join(dir, d?.config.get<string>('appenddirname') ?? 'appendonlydir'),
      'The AOF directory',
      true,
    ]);
  }
  return out;
}

// ---- firewall

/** The firewall ruleset as text, from the first tool that answers; undefined when none can. */
function firewallRules(): { tool: string; rules: string } | undefined {
  for (const [tool, args] of [
    ['nft', ['list', 'ruleset']],
    ['iptables-save', []],
    ['ip6tables-save', []],
  ] as const) {
    try {
      const rules = execFileSync(tool, [...args], {
        encoding: 'utf8',
        timeout: 10000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return { tool, rules };
    } catch {}
  }
  return undefined;
}

/** Whether the ruleset restricts `port`: a rule naming it as destination port, or a default-drop input policy. */
export function firewallRestricts(rules: string, port: number): string | undefined {
  const portRule = new RegExp(
    `(--dport|dport|--dports|dports)\\s+(\\{[^}]*\\b${port}\\b[^}]*\\}|([0-9,:]*\\b)?${port}\\b)`,
  );
  const line = rules.split('\n').find((l) => portRule.test(l));
  if (line !== undefined) return `rule: ${line.trim()}`;
  const policy = rules
    .split('\n')
    .find((l) => /^:INPUT (DROP|REJECT)/.test(l) || /hook input.*policy drop/.test(l));
  return policy === undefined ? undefined : `default input policy: ${policy.trim()}`;
}

function firewallFindings(port: number, exposed: boolean): Finding[] {
  const fw = firewallRules();
  if (fw === undefined)
    return [
      hostFinding(
        'HOST-FIREWALL-UNKNOWN',
        'firewall',
        'info',
        `Whether a host firewall restricts port ${port} is unknown`,
        'neither nft nor iptables-save could list the rules (not installed, or not run as root)',
        'run the audit as root on a host with nftables or iptables, or check the firewall by hand',
      ),
    ];
  const restriction = firewallRestricts(fw.rules, port);
  if (restriction !== undefined) return [];
  return [
    hostFinding(
      'HOST-FIREWALL-OPEN',
      'firewall',
      exposed ? 'high' : 'low',
      `No host firewall rule restricts port ${port}`,
      `${fw.tool}: no rule names port ${port} and the input policy accepts`,
      `nft add rule inet filter input tcp dport ${port} ip saddr != <allowed sources> drop  (or: iptables -A INPUT -p tcp --dport ${port} ! -s <allowed CIDR> -j DROP)`,
    ),
  ];
}

// ---- systemd

const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];

export function findUnitFile(service: string): string | undefined {
  return UNIT_DIRS.map((d) => join(d, service)).find((p) => existsSync(p));
}

/** `Key=value` lines of a unit's [Service] section; a key given again keeps its last value. */
export function serviceSection(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let inService = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inService = line === '[Service]';
    else if (inService && !line.startsWith('#') && line.includes('=')) {
      const at = line.indexOf('=');
      out.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  }
  return out;
}

/** The sandboxing keys the audit expects, and whether a value satisfies each. */
const HARDENING: readonly (readonly [key: string, ok: (v: string) => boolean, want: string])[] = [
  ['NoNewPrivileges', (v) => /^(yes|true|on|1)$/i.test(v), 'NoNewPrivileges=yes'],
  ['ProtectSystem', (v) => /^(strict|full)$/i.test(v), 'ProtectSystem=strict'],
  ['PrivateTmp', (v) => /^(yes|true|on|1)$/i.test(v), 'PrivateTmp=yes'],
  ['UMask', (v) => /7$/.test(v), 'UMask=0077'],
  ['CapabilityBoundingSet', (v) => v === '', 'CapabilityBoundingSet='],
];

export function unitFindings(path: string): Finding[] {
  const keys = serviceSection(readFileSync(path, 'utf8'));
  const out: Finding[] = [];
  const user = keys.get('User');
  if (user === undefined || user === 'root' || user === '0')
    out.push(
      hostFinding(
        'HOST-SYSTEMD-ROOT',
        'privilege',
        'high',
        'The systemd unit runs the server as root',
        user === undefined
          ? `${path}: no User= line (systemd services run as root)`
          : `${path}: User=${user}`,
        'User=redis and Group=redis in the [Service] section (a dedicated user without a login shell)',
        path,
      ),
    );
  const missing = HARDENING.filter(([key, ok]) => {
    const v = keys.get(key);
    return v === undefined || !ok(v);
  });
  if (missing.length > 0)
    out.push(
      hostFinding(
        'HOST-SYSTEMD-HARDENING',
        'privilege',
        'low',
        `The systemd unit lacks ${missing.length} sandboxing setting${missing.length === 1 ? '' : 's'}`,
        `${path}: ${missing.map(([key]) => `${key}=${keys.get(key) ?? '(unset)'}`).join(', ')}`,
        `add to [Service]: ${missing.map(([, , want]) => want).join(' ')}`,
        path,
      ),
    );
  return out;
}

export interface HostTarget {
  readonly port: number;
  /** Its configuration (a config file, or a live server's CONFIG GET), when known. */
  readonly deployment: Deployment | undefined;
}

export interface HostOptions {
  readonly targets: readonly HostTarget[];
  /** Unit files to check besides the one the process runs in. */
  readonly units: readonly string[];
}

/** Every host check, per port. */
export function hostFindings(opts: HostOptions): Finding[] {
  const out: Finding[] = [];
  const all = listeningSockets();
  const units = new Set(opts.units);
  for (const { port, deployment } of opts.targets) {
    const sockets = all.filter((s) => s.port === port);
    if (sockets.length === 0) {
      out.push(
        hostFinding(
          'HOST-NOT-LISTENING',
          'network',
          'info',
          `Nothing listens on TCP port ${port} here`,
          '/proc/net/tcp and tcp6 list no listening socket on that port',
          'nothing to fix (or audit the host the server runs on)',
        ),
      );
      continue;
    }
    out.push(...listenFindings(port, sockets));
    const p = pidsOfSockets(new Set(sockets.map((s) => s.inode)))
      .map(processFacts)
      .find((f) => f !== undefined);
    if (p !== undefined) {
      out.push(...processFindings(port, p));
      if (p.service !== undefined) {
        const unit = findUnitFile(p.service);
        if (unit !== undefined) units.add(unit);
      }
    }
    for (const [path, what, dir] of filesToCheck(deployment, p))
      out.push(...fileFindings(path, what, dir, p?.uid));
    out.push(
      ...firewallFindings(
        port,
        sockets.some((s) => reachOf(s.address) !== 'loopback'),
      ),
    );
  }
  for (const unit of units) out.push(...unitFindings(unit));
  return dedupe(out);
}

/** The same file checked for two ports is reported once. */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.id}\0${f.location.file}\0${f.evidence}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A network namespace for tests that need a client that is not on loopback (bind,
 * protected mode, allow-from): the test creates the namespace and a veth pair, the
 * host end gets 10.<a>.<b>.1 and fd72:<a>:<b>::1, the namespace end .2 and ::2,
 * and client scripts run inside with `ip netns exec`. Root only (CI runs as
 * root); elsewhere `createNetNs` says why it cannot, and the test skips. `close()`
 * deletes the link and the namespace; every child process is waited for.
 */
import { execFile, execFileSync } from 'node:child_process';

export interface NetNs {
  readonly name: string;
  readonly hostIp: string;
  readonly nsIp: string;
  readonly hostIp6: string;
  readonly nsIp6: string;
  /** Connect from inside the namespace, send `payload`, collect the reply (see `probe`). */
  probe(host: string, port: number, payload?: string, opts?: { tls?: TlsProbeOptions }): Promise<ProbeResult>;
  close(): void;
}

export interface TlsProbeOptions {
  ca: string;
  cert?: string;
  key?: string;
}

export interface ProbeResult {
  /** The TCP connection (and TLS handshake) succeeded. */
  connected: boolean;
  /** How it ended: a full reply line, the server closing, an error code, or the time limit. */
  how: string;
  /** Every byte received, latin1. */
  data: string;
}

let counter = 0;

const run = (args: readonly string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

function whyUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs the suite as root)';
  const probe = `rdbtprobe${process.pid % 100000}`;
  try {
    run(['netns', 'add', probe]);
  } catch (err) {
    return `cannot create a network namespace (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  try {
    run(['netns', 'del', probe]);
  } catch {
    // Best effort.
  }
  return undefined;
}

let checked: string | undefined | null = null;

/**
 * Why namespaces cannot be used here, or undefined when they can (tried once per
 * process). With REDOUBT_REQUIRE_NETNS=1 (`.ci/run` as root) unavailability is an
 * error, not a skip.
 */
export function netnsUnavailable(): string | undefined {
  if (checked === null) checked = whyUnavailable();
  if (checked !== undefined && process.env.REDOUBT_REQUIRE_NETNS === '1')
    throw new Error(`REDOUBT_REQUIRE_NETNS=1 but ${checked}`);
  return checked;
}

/**
 * The client run inside the namespace: connect (optionally TLS), write the
 * payload, stop at the first complete reply line, at close or after 5 s.
 */
const PROBE = `
const [host, port, payload, tlsJson] = process.argv.slice(1);
const net = require('node:net');
const tls = require('node:tls');
const fs = require('node:fs');
const chunks = [];
let connected = false;
let finished = false;
const done = (how) => {
  if (finished) return;
  finished = true;
  process.stdout.write(JSON.stringify({ connected, how, data: Buffer.concat(chunks).toString('latin1') }));
  process.exit(0);
};
let s;
const onUp = () => { connected = true; if (payload) s.write(payload); };
if (tlsJson) {
  const o = JSON.parse(tlsJson);
  s = tls.connect({ host, port: Number(port), ca: fs.readFileSync(o.ca), cert: o.cert ? fs.readFileSync(o.cert) : undefined,
    key: o.key ? fs.readFileSync(o.key) : undefined, checkServerIdentity: () => undefined }, onUp);
} else {
  s = net.connect({ host, port: Number(port) }, onUp);
}
s.on('data', (d) => { chunks.push(d); if (Buffer.concat(chunks).toString('latin1').endsWith('\\r\\n')) done('reply'); });
s.on('close', () => done('closed'));
s.on('error', (e) => done('error:' + (e.code || e.message)));
setTimeout(() => done('timeout'), 5000);
`;

/** Create a namespace with a veth pair to this (the host) namespace. */
export function createNetNs(): NetNs {
  const n = counter++;
  const a = 100 + (process.pid % 100);
  const b = (Math.floor(process.pid / 100) * 7 + n) % 250;
  const tag = `${process.pid % 100000}${n}`;
  const name = `rdbt${tag}`;
  const host = `vrh${tag}`;
  const peer = `vrn${tag}`;
  const hex = (x: number): string => x.toString(16);
  const ns: NetNs = {
    name,
    hostIp: `10.${a}.${b}.1`,
    nsIp: `10.${a}.${b}.2`,
    hostIp6: `fd72:${hex(a)}:${hex(b)}::1`,
    nsIp6: `fd72:${hex(a)}:${hex(b)}::2`,
    probe(h, port, payload = '', opts = {}) {
      const args = ['netns', 'exec', name, process.execPath, '-e', PROBE, h, String(port), payload];
      if (opts.tls !== undefined) args.push(JSON.stringify(opts.tls));
      return new Promise((resolve, reject) => {
        execFile('ip', args, { timeout: 15000, encoding: 'utf8' }, (err, stdout, stderr) => {
          if (err !== null && stdout === '') reject(new Error(`probe failed: ${err.message}\n${stderr}`));
          else resolve(JSON.parse(stdout) as ProbeResult);
        });
      });
    },
    close() {
      try {
        run(['link', 'del', host]);
      } catch {
        // Gone with the namespace already.
      }
      try {
        run(['netns', 'del', name]);
      } catch {
        // Never created.
      }
    },
  };
  try {
    run(['netns', 'add', name]);
    run(['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
    run(['link', 'set', peer, 'netns', name]);
    run(['addr', 'add', `${ns.hostIp}/24`, 'dev', host]);
    run(['-6', 'addr', 'add', `${ns.hostIp6}/64`, 'dev', host, 'nodad']);
    run(['link', 'set', host, 'up']);
    run(['netns', 'exec', name, 'ip', 'addr', 'add', `${ns.nsIp}/24`, 'dev', peer]);
    run(['netns', 'exec', name, 'ip', '-6', 'addr', 'add', `${ns.nsIp6}/64`, 'dev', peer, 'nodad']);
    run(['netns', 'exec', name, 'ip', 'link', 'set', peer, 'up']);
    run(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    ns.close();
    throw err;
  }
  return ns;
}

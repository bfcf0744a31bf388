/**
 * `redoubt audit`: argument parsing, running the config, live and host checks,
 * printing the report and the exit code (`--fail-on`). Exit codes: 0 no finding
 * at or above --fail-on (or no --fail-on), 1 such a finding exists, 2 usage
 * error or a target that could not be audited.
 */
import { parseArgs } from 'node:util';
import { configFindings } from './config-checks.js';
import { AuditInputError, type Deployment, deploymentFromFile } from './deployment.js';
import { type Finding, failsAt, isSeverity, SEVERITIES, type Severity } from './findings.js';
import { type HostTarget, hostFindings } from './host.js';
import { htmlReport } from './html.js';
import { auditTarget, parseTarget, type Target, type TlsFiles } from './live.js';
import { type AuditRun, jsonReport, textReport } from './report.js';
import { sarifReport } from './sarif.js';

export const AUDIT_USAGE = `Usage: redoubt audit [--config FILE]... [--url redis://user:pass@host:port]...
                     [--host] [--format text|json|sarif|html] [--fail-on critical|high|medium|low|info]

  --config FILE    audit a redis.conf / valkey.conf / Redoubt config (follows include and aclfile)
  --url URL        audit a live server, read-only: redis://[user[:password]@]host[:port],
                   rediss://... for TLS (repeat for several servers; audited concurrently)
  --cacert FILE    CA certificate for rediss:// (default: the system CAs); a certificate that
                   does not verify is reported, not refused
  --cert FILE      client certificate for rediss:// (servers with tls-auth-clients yes)
  --key FILE       client private key for --cert
  --host           check this machine: process user, file modes, listening addresses,
                   firewall rules and the systemd unit of the server's port
  --unit FILE      a systemd unit file to check with --host (besides the process's own)
  --format FORMAT  text (default), json, sarif (SARIF 2.1.0) or html (one self-contained page)
  --fail-on SEV    exit 1 when a finding of severity SEV or higher exists
`;

const FORMATS = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  html: htmlReport,
} as const satisfies Record<string, (run: AuditRun) => string>;
type Format = keyof typeof FORMATS;

export class UsageError extends Error {}

export interface AuditOptions {
  readonly configs: readonly string[];
  readonly targets: readonly Target[];
  readonly host: boolean;
  readonly units: readonly string[];
  readonly format: Format;
  readonly failOn: Severity | undefined;
  readonly tlsFiles: TlsFiles;
}

const OPTIONS = {
  config: { type: 'string', multiple: true },
  url: { type: 'string', multiple: true },
  host: { type: 'boolean' },
  unit: { type: 'string', multiple: true },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
} as const;

export function parseAuditArgs(argv: readonly string[]): AuditOptions {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const format = values.format ?? 'text';
  if (!(format in FORMATS))
    throw new UsageError(`--format must be text, json, sarif or html, not "${format}"`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && !isSeverity(failOn))
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${failOn}"`);
  const configs = values.config ?? [];
  let targets: Target[];
  try {
    targets = (values.url ?? []).map(parseTarget);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (configs.length === 0 && targets.length === 0 && values.host !== true)
    throw new UsageError('nothing to audit: give --config FILE, --url URL or --host');
  const tlsFiles: TlsFiles = {
    ...(values.cacert === undefined ? {} : { ca: values.cacert }),
    ...(values.cert === undefined ? {} : { cert: values.cert }),
    ...(values.key === undefined ? {} : { key: values.key }),
  };
  return {
    configs,
    targets,
    host: values.host === true,
    units: values.unit ?? [],
    format: format as Format,
    failOn,
    tlsFiles,
  };
}

/**
 * What `--host` looks at: the ports of the config files and of the live targets
 * on this machine, each with its configuration; 6379 when none is given.
 */
function hostTargets(deployments: readonly Deployment[], live: readonly LiveResult[]): HostTarget[] {
  const byPort = new Map<number, Deployment | undefined>();
  for (const d of deployments)
    for (const name of ['port', 'tls-port']) {
      const p = d.config.num(name);
      if (p !== 0 && !byPort.has(p)) byPort.set(p, d);
    }
  for (const { target, deployment } of live)
    if (/^(127\.|::1$|localhost$)/.test(target.host) && byPort.get(target.port) === undefined)
      byPort.set(target.port, deployment);
  if (byPort.size === 0) byPort.set(6379, undefined);
  return [...byPort].map(([port, deployment]) => ({ port, deployment }));
}

interface LiveResult {
  readonly target: Target;
  readonly deployment: Deployment | undefined;
}

/** Audit the targets concurrently; one status line on stderr says how many are done. */
async function auditLive(
  targets: readonly Target[],
  files: TlsFiles,
  progress: (line: string) => void,
): Promise<{ findings: Finding[]; audited: LiveResult[]; failures: string[] }> {
  let done = 0;
  const report = (): void => progress(`auditing ${targets.length} server(s): ${done}/${targets.length} done`);
  if (targets.length > 0) report();
  const results = await Promise.allSettled(
    targets.map((t) =>
      auditTarget(t, files).finally(() => {
        done++;
        report();
      }),
    ),
  );
  const findings: Finding[] = [];
  const audited: LiveResult[] = [];
  const failures: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      findings.push(...r.value.findings);
      audited.push({ target: targets[i] as Target, deployment: r.value.deployment });
    } else {
      failures.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    }
  });
  return { findings, audited, failures };
}

export interface AuditIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export async function runAudit(argv: readonly string[], io: AuditIo): Promise<number> {
  if (argv[0] === '-h' || argv[0] === '--help') {
    io.stdout(AUDIT_USAGE);
    return 0;
  }
  let opts: AuditOptions;
  const deployments: Deployment[] = [];
  try {
    opts = parseAuditArgs(argv);
    for (const c of opts.configs) deployments.push(deploymentFromFile(c));
  } catch (err) {
    if (err instanceof UsageError || err instanceof AuditInputError) {
      io.stderr(`redoubt audit: ${err.message}\n${err instanceof UsageError ? AUDIT_USAGE : ''}`);
      return 2;
    }
    throw err;
  }
  const findings = deployments.flatMap((d) => configFindings(d));
  const interactive = process.stderr.isTTY === true;
  const live = await auditLive(opts.targets, opts.tlsFiles, (line) =>
    io.stderr(interactive ? `\r${line}` : `${line}\n`),
  );
  if (interactive && opts.targets.length > 0) io.stderr('\n');
  findings.push(...live.findings);
  if (opts.host)
    findings.push(...hostFindings({ targets: hostTargets(deployments, live.audited), units: opts.units }));
  const run: AuditRun = {
    targets: [
      ...deployments.map((d) => d.origin),
      ...opts.targets.map((t) => t.label),
      ...(opts.host ? ['host'] : []),
    ],
    findings,
  };
  io.stdout(FORMATS[opts.format](run));
  for (const f of live.failures) io.stderr(`redoubt audit: could not audit ${f}\n`);
  if (live.failures.length > 0) return 2;
  return opts.failOn !== undefined && failsAt(findings, opts.failOn) ? 1 : 0;
}

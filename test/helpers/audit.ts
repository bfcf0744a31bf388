/**
 * Run the real `bin/redoubt audit` and read its JSON report; write audit
 * fixtures into private temporary directories (the audit judges file modes, and
 * git does not keep them).
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './servers.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'audit');

export interface AuditFinding {
  id: string;
  layer: string;
  severity: string;
  title: string;
  evidence: string;
  fix: string;
  location: { file: string; line?: number };
}

export interface AuditResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `bin/redoubt audit ...args` as a process (cwd: `cwd`, default the repository). */
export function runAudit(args: readonly string[], cwd = ROOT): Promise<AuditResult> {
  return new Promise((resolve, reject) => {
    execFile(
      join(BIN, 'redoubt'),
      ['audit', ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : undefined;
        if (code === undefined) reject(err);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The findings of `--format json` (throws if the output is not the JSON report). */
export async function auditJson(args: readonly string[], cwd?: string): Promise<AuditFinding[]> {
  const r = await runAudit([...args, '--format', 'json'], cwd);
  try {
    return (JSON.parse(r.stdout) as { findings: AuditFinding[] }).findings;
  } catch {
    throw new Error(`audit exited ${r.code} without a JSON report:\n${r.stdout}\n${r.stderr}`);
  }
}

/** A private temporary directory (0700) holding a copy of the audit fixtures, each file 0600. */
export function fixtureCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-audit-'));
  cpSync(FIXTURES, dir, { recursive: true });
  chmodTree(dir);
  return dir;
}

function chmodTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(p);
    else chmodSync(p, 0o600);
  }
}

/** Write `text` as a private config file in `dir`; returns its path. */
export function writeConf(dir: string, name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

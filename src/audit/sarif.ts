/**
 * SARIF 2.1.0 (OASIS), the format code-scanning services read: one run, one
 * rule per finding id (with its layer), one result per finding with its file and
 * line, so a finding in a committed redis.conf is shown on that line.
 */
import { pathToFileURL } from 'node:url';
import { VERSION } from '../core/version.js';
import { type Finding, type Severity, sortFindings } from './findings.js';
import type { AuditRun } from './report.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF has three levels; critical and high are errors, info is a note. */
function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'info' ? 'note' : 'warning';
}

/** GitHub's security-severity (CVSS-like score) so code scanning ranks them as we do. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** A file path as a URI; a live target ("redis://host:port") or "host" stays as it is. */
function artifactUri(file: string): string {
  return file.startsWith('/') ? pathToFileURL(file).href : file;
}

function result(f: Finding, ruleIndex: number): object {
  const physicalLocation = {
    artifactLocation: { uri: artifactUri(f.location.file) },
    ...(f.location.line === undefined ? {} : { region: { startLine: f.location.line } }),
  };
  return {
    ruleId: f.id,
    ruleIndex,
    level: level(f.severity),
    message: { text: `${f.title}. Evidence: ${f.evidence}. Fix: ${f.fix}` },
    locations: [{ physicalLocation }],
    properties: { severity: f.severity, layer: f.layer, fix: f.fix },
  };
}

export function sarifReport(run: AuditRun): string {
  const findings = sortFindings(run.findings);
  const ids = [...new Set(findings.map((f) => f.id))];
  const rules = ids.map((id) => {
    const first = findings.find((f) => f.id === id) as Finding;
    return {
      id,
      // SARIF 3.49.7: a readable name distinct from the opaque id (NET-PROTECTED-MODE-OFF -> NetProtectedModeOff).
      name: id
        .toLowerCase()
        .split('-')
        .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
        .join(''),
      shortDescription: { text: first.title },
      help: { text: `Fix: ${first.fix}` },
      properties: {
        layer: first.layer,
        tags: ['security', first.layer],
        'security-severity': SECURITY_SEVERITY[first.severity],
      },
    };
  });
  const sarif = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'redoubt audit',
            version: VERSION,
            rules,
          },
        },
        results: findings.map((f) => result(f, ids.indexOf(f.id))),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

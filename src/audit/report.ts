/**
 * The text and JSON reports. Both list the findings in report order (by layer,
 * most severe first) and end with the summary line; the SARIF and HTML reports
 * live beside them (sarif.ts, html.ts).
 */

import { VERSION } from '../core/version.js';
import { type Finding, LAYERS, type Layer, sortFindings, summaryLine } from './findings.js';

/** What was audited, shown at the top of every report. */
export interface AuditRun {
  /** Config files, live targets (without passwords) and "host", in the order given. */
  readonly targets: readonly string[];
  readonly findings: readonly Finding[];
}

export function where(f: Finding): string {
  return f.location.line === undefined ? f.location.file : `${f.location.file}:${f.location.line}`;
}

export function findingsOfLayer(findings: readonly Finding[], layer: Layer): Finding[] {
  return sortFindings(findings).filter((f) => f.layer === layer);
}

export function textReport(run: AuditRun): string {
  let out = `redoubt audit ${VERSION}: ${run.targets.join(', ')}\n`;
  for (const layer of LAYERS) {
    const fs = findingsOfLayer(run.findings, layer);
    out += `\n== ${layer} (${fs.length === 0 ? 'no findings' : summaryLine(fs).replace(/^\d+ findings?: /, '')})\n`;
    for (const f of fs) {
      out += `  [${f.severity.toUpperCase()}] ${f.id}: ${f.title}\n`;
      out += `      at:       ${where(f)}\n`;
      out += `      evidence: ${f.evidence}\n`;
      out += `      fix:      ${f.fix}\n`;
    }
  }
  return `${out}\n${summaryLine(run.findings)}\n`;
}

export function jsonReport(run: AuditRun): string {
  const findings = sortFindings(run.findings);
  return `${JSON.stringify(
    {
      tool: 'redoubt audit',
      version: VERSION,
      targets: run.targets,
      summary: summaryLine(findings),
      findings,
    },
    null,
    2,
  )}\n`;
}

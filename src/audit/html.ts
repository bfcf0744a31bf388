/**
 * The HTML report: one self-contained page (inline CSS, no script, no external
 * asset, a Content-Security-Policy that forbids loading any) with a scorecard per
 * layer and every finding with its fix. Every text from a finding is escaped:
 * evidence quotes config lines, which anyone who can edit the file controls.
 */
import { VERSION } from '../core/version.js';
import { countBySeverity, type Finding, LAYERS, SEVERITIES, type Severity, summaryLine } from './findings.js';
import { type AuditRun, findingsOfLayer, where } from './report.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLORS: Record<Severity, string> = {
  critical: '#7f1d1d',
  high: '#b91c1c',
  medium: '#b45309',
  low: '#1d4ed8',
  info: '#4b5563',
};

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#111}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}
.cards{display:flex;flex-wrap:wrap;gap:.8em}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:10em}
.card .grade{font-size:1.6em;font-weight:bold}
.sev{color:#fff;border-radius:4px;padding:0 .4em;font-size:.85em;text-transform:uppercase}
${SEVERITIES.map((s) => `.sev-${s}{background:${COLORS[s]}}`).join('\n')}
.finding{border-left:4px solid #ccc;margin:1em 0;padding:.2em 1em}
code{background:#f3f4f6;padding:0 .2em;word-break:break-all}`;

/** A layer's grade: its most severe finding decides (no finding, or info only: pass). */
export function layerGrade(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const worst = SEVERITIES.find((s) => counts[s] > 0 && s !== 'info');
  return worst === undefined ? 'pass' : worst;
}

function scorecard(run: AuditRun): string {
  return LAYERS.map((layer) => {
    const fs = findingsOfLayer(run.findings, layer);
    const grade = layerGrade(fs);
    const color = grade === 'pass' ? '#15803d' : COLORS[grade as Severity];
    return `<div class="card" data-layer="${layer}"><div>${layer}</div><div class="grade" style="color:${color}">${grade}</div><div>${fs.length} finding${fs.length === 1 ? '' : 's'}</div></div>`;
  }).join('\n');
}

function findingHtml(f: Finding): string {
  return `<div class="finding" data-id="${escapeHtml(f.id)}" style="border-color:${COLORS[f.severity]}">
<p><span class="sev sev-${f.severity}">${f.severity}</span> <strong>${escapeHtml(f.id)}</strong>: ${escapeHtml(f.title)}</p>
<p>At: <code>${escapeHtml(where(f))}</code></p>
<p>Evidence: <code>${escapeHtml(f.evidence)}</code></p>
<p>Fix: <code>${escapeHtml(f.fix)}</code></p>
</div>`;
}

export function htmlReport(run: AuditRun): string {
  const sections = LAYERS.map((layer) => {
    const fs = findingsOfLayer(run.findings, layer);
    const body = fs.length === 0 ? '<p>No findings.</p>' : fs.map(findingHtml).join('\n');
    return `<section id="${layer}"><h2>${layer}</h2>\n${body}\n</section>`;
  }).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>redoubt audit report</title>
<style>
${STYLE}
</style>
</head>
<body>
<h1>redoubt audit report</h1>
<p>redoubt audit ${escapeHtml(VERSION)}: ${escapeHtml(run.targets.join(', '))}</p>
<p id="summary"><strong>${escapeHtml(summaryLine(run.findings))}</strong></p>
<div class="cards" id="scorecard">
${scorecard(run)}
</div>
${sections}
</body>
</html>
`;
}

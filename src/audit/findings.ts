/**
 * The findings model of `redoubt audit`: every check, whatever its source (a
 * config file, a live server, the host), reports the same record, so that the
 * text, JSON, SARIF and HTML reports and `--fail-on` treat them alike.
 */

/** The hardening guide's layers, in the order reports show them. */
export const LAYERS = [
  'network',
  'authentication',
  'commands',
  'firewall',
  'privilege',
  'encryption',
] as const;
export type Layer = (typeof LAYERS)[number];

/** Most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where a finding comes from: a file and line, a live server, or the host. */
export interface Location {
  /** A file path, a `redis://host:port` target (never with its password), or "host". */
  readonly file: string;
  /** 1-based; absent when the finding is not about one line. */
  readonly line?: number;
}

export interface Finding {
  /** Stable identifier (`AUTH-DEFAULT-NOPASS`): the same problem has the same id in every release. */
  readonly id: string;
  readonly layer: Layer;
  readonly severity: Severity;
  /** One sentence saying what is wrong. */
  readonly title: string;
  /** What was observed, with every secret redacted. */
  readonly evidence: string;
  /** The exact change: the directive to set or the command to run. */
  readonly fix: string;
  readonly location: Location;
}

/** Lower is more severe: `rank('critical') < rank('high')`. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** Findings ordered for reports: by layer, then most severe first, then by place. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      a.location.file.localeCompare(b.location.file) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      a.id.localeCompare(b.id),
  );
}

/** Count of findings per severity (every severity present, zero or not). */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `--fail-on`: whether a finding at or above `threshold` exists. */
export function failsAt(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) <= severityRank(threshold));
}

/** "3 findings: 1 critical, 2 high" (the summary line of every report). */
export function summaryLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings.';
  const counts = countBySeverity(findings);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

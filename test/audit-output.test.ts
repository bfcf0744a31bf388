/**
 * `redoubt audit` reports and exit codes, through the real binary: text grouped
 * by layer with a summary line, JSON, SARIF 2.1.0 (file and line locations;
 * validated against the official OASIS schema and by Microsoft's SARIF
 * validator, both from the @microsoft/sarif-multitool-linux package), the
 * self-contained HTML page (nothing loaded from anywhere, every text escaped),
 * and `--fail-on` / usage errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { LAYERS, SEVERITIES } from '../src/audit/findings.js';
import { type AuditFinding, fixtureCopy, runAudit, writeConf } from './helpers/audit.js';

let dir: string;
let insecure: string;
let guide: string;
let hostile: string;

before(() => {
  dir = fixtureCopy();
  insecure = join(dir, 'insecure.conf');
  guide = join(dir, 'guide.conf');
  // Text a config file controls reaches the evidence: the HTML must escape it.
  hostile = writeConf(
    dir,
    'hostile.conf',
    'bind 127.0.0.1\nmaxclients <script>alert(1)</script>\nrename-command "<img src=x onerror=alert(2)>" ""\n',
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function json(args: readonly string[]): Promise<{ summary: string; findings: AuditFinding[] }> {
  const r = await runAudit([...args, '--format', 'json']);
  return JSON.parse(r.stdout) as { summary: string; findings: AuditFinding[] };
}

describe('text and JSON', () => {
  it('text: a section per layer in the guide order, each finding with where, evidence and fix, the summary last', async () => {
    const r = await runAudit(['--config', insecure]);
    assert.equal(r.code, 0);
    const headers = [...r.stdout.matchAll(/^== (\w+) \(/gm)].map((m) => m[1]);
    assert.deepEqual(headers, [...LAYERS]);
    const { summary, findings } = await json(['--config', insecure]);
    assert.equal(r.stdout.trimEnd().split('\n').at(-1), summary);
    assert.match(summary, /^\d+ findings: \d+ critical, \d+ high, \d+ medium, \d+ low/);
    for (const f of findings) {
      assert.ok(r.stdout.includes(`${f.id}: ${f.title}`), f.id);
      assert.ok(r.stdout.includes(`fix:      ${f.fix}`), f.id);
    }
    assert.match(r.stdout, new RegExp(`at:       ${insecure.replace(/[.]/g, '\\.')}:10\n`));
  });

  it('JSON: every finding has the model fields, a known layer and severity; sorted by layer then severity', async () => {
    const { findings } = await json(['--config', insecure]);
    assert.ok(findings.length > 10);
    for (const f of findings) {
      assert.deepEqual(Object.keys(f).sort(), [
        'evidence',
        'fix',
        'id',
        'layer',
        'location',
        'severity',
        'title',
      ]);
      assert.match(f.id, /^[A-Z]+(-[A-Z0-9]+)+$/);
      assert.ok((LAYERS as readonly string[]).includes(f.layer));
      assert.ok((SEVERITIES as readonly string[]).includes(f.severity));
    }
    const order = findings.map(
      (f) => LAYERS.indexOf(f.layer as never) * 10 + SEVERITIES.indexOf(f.severity as never),
    );
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });
});

describe('SARIF 2.1.0', () => {
  it("has what the schema requires, one rule per id, and each result's file and line", async () => {
    const r = await runAudit(['--config', insecure, '--config', guide, '--format', 'sarif']);
    const { findings } = await json(['--config', insecure, '--config', guide]);
    const log = JSON.parse(r.stdout);
    // sarifLog: version "2.1.0" and runs (required); $schema names the 2.1.0 schema.
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    // run.tool.driver.name is required.
    assert.equal(run.tool.driver.name, 'redoubt audit');
    const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string } }[];
    assert.equal(new Set(rules.map((x) => x.id)).size, rules.length, 'rule ids are unique');
    assert.equal(run.results.length, findings.length);
    for (const res of run.results) {
      // result.message is required (text or id); level is one of the schema's enum.
      assert.equal(typeof res.message.text, 'string');
      assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
      assert.equal(rules[res.ruleIndex]?.id, res.ruleId);
      const loc = res.locations[0].physicalLocation;
      // format "uri-reference": it must parse as a URI (relative to a base when it is relative).
      assert.doesNotThrow(() => new URL(loc.artifactLocation.uri, 'file:///'), loc.artifactLocation.uri);
      assert.ok(!/\s/.test(loc.artifactLocation.uri), loc.artifactLocation.uri);
      if (loc.region !== undefined)
        assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1);
      assert.ok((SEVERITIES as readonly string[]).includes(res.properties.severity));
    }
    const common = run.results.find((x: { ruleId: string }) => x.ruleId === 'AUTH-COMMON-PASSWORD') as {
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    };
    assert.deepEqual(common.locations[0]?.physicalLocation, {
      artifactLocation: { uri: pathToFileURL(insecure).href },
      region: { startLine: 10 },
    });
  });
});

/**
 * The official SARIF 2.1.0 JSON schema (OASIS), as Microsoft's SARIF SDK ships it
 * in the npm package of its validator, and that validator itself (a self-contained
 * Linux binary in the same package).
 */
function sarifSdk(): { schema: object; multitool: string } {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
  const multitool = join(dirname(schemaPath), 'Sarif.Multitool');
  return { schema: JSON.parse(readFileSync(schemaPath, 'utf8')) as object, multitool };
}

describe('SARIF 2.1.0 against the official schema and validator', () => {
  it('every report validates against the OASIS schema; a broken one does not (the check is live)', async () => {
    const { schema } = sarifSdk();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    // ajv-formats is CommonJS: its plugin is the module's default export.
    (formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
    const validate = ajv.compile(schema);
    const reports = [
      ['--config', insecure, '--config', guide],
      ['--config', guide],
      ['--config', hostile],
    ];
    for (const args of reports) {
      const log = JSON.parse((await runAudit([...args, '--format', 'sarif'])).stdout) as {
        runs: { results: { level: string }[] }[];
      };
      assert.ok(validate(log), `${args.join(' ')}: ${ajv.errorsText(validate.errors)}`);
      const broken = structuredClone(log);
      const first = broken.runs[0]?.results[0];
      if (first !== undefined) {
        first.level = 'fatal';
        assert.equal(validate(broken), false, 'a level outside the enum is refused');
      }
    }
  });

  it("Microsoft's SARIF validator (Sarif.Multitool validate) reports no error", async () => {
    const { multitool } = sarifSdk();
    // npm may not run the package's postinstall (chmod u+x): do it here.
    chmodSync(multitool, 0o755);
    const file = join(dir, 'report.sarif');
    const out = join(dir, 'validation.sarif');
    writeFileSync(
      file,
      (await runAudit(['--config', insecure, '--config', guide, '--format', 'sarif'])).stdout,
    );
    execFileSync(multitool, ['validate', file, '-o', out], {
      stdio: 'ignore',
      timeout: 120000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    });
    const validation = JSON.parse(readFileSync(out, 'utf8')) as {
      runs: { results?: { level?: string; ruleId: string; message: { text?: string } }[] }[];
    };
    // SARIF1xxx rules are the specification's "must"s; SARIF2xxx its "should"s (warnings).
    const errors = (validation.runs[0]?.results ?? []).filter(
      (x) => x.level === 'error' || x.ruleId.startsWith('SARIF1'),
    );
    assert.deepEqual(
      errors.map((e) => `${e.ruleId}: ${e.message.text ?? ''}`),
      [],
    );
  });
});

describe('HTML', () => {
  it('one self-contained page: a scorecard per layer, every finding with its fix, nothing loaded from anywhere', async () => {
    const r = await runAudit(['--config', insecure, '--format', 'html']);
    const html = r.stdout;
    const { findings } = await json(['--config', insecure]);
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(!/<script|<link|<img|<iframe|@import|url\(/i.test(html), 'no script, link, image or import');
    assert.ok(!/\b(src|href)=/i.test(html), 'no src or href attribute');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
    for (const layer of LAYERS) assert.match(html, new RegExp(`<div class="card" data-layer="${layer}">`));
    assert.match(
      html,
      /data-layer="authentication"><div>authentication<\/div><div class="grade" [^>]*>critical</,
    );
    assert.match(html, /data-layer="firewall"><div>firewall<\/div><div class="grade" [^>]*>pass</);
    for (const f of findings) assert.ok(html.includes(`data-id="${f.id}"`), f.id);
    assert.equal((html.match(/<div class="finding"/g) ?? []).length, findings.length);
    assert.match(html, /Fix: <code>protected-mode yes<\/code>/);
  });

  it('escapes every text that comes from a config file', async () => {
    const r = await runAudit(['--config', hostile, '--format', 'html']);
    assert.ok(!r.stdout.includes('<script>alert(1)'), 'script tag from the config');
    assert.ok(!r.stdout.includes('<img src=x'), 'img tag from the config');
    assert.match(r.stdout, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    assert.match(r.stdout, /&#60;img src=x onerror=alert\(2\)&#62;/);
  });
});

describe('exit codes', () => {
  it('--fail-on: 1 when a finding at or above the severity exists, 0 otherwise; 0 without it', async () => {
    assert.equal((await runAudit(['--config', insecure, '--fail-on', 'critical'])).code, 1);
    assert.equal((await runAudit(['--config', guide, '--fail-on', 'high'])).code, 0);
    assert.equal((await runAudit(['--config', guide, '--fail-on', 'medium'])).code, 1);
    assert.equal((await runAudit(['--config', guide, '--fail-on', 'low', '--format', 'sarif'])).code, 1);
    assert.equal((await runAudit(['--config', insecure])).code, 0);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await runAudit(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: redoubt audit /);
  });

  it('usage errors exit 2 with a message that says what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['--config', guide, '--format', 'xml'], /--format must be text, json, sarif or html, not "xml"/],
      [
        ['--config', guide, '--fail-on', 'severe'],
        /--fail-on must be one of critical, high, medium, low, info, not "severe"/,
      ],
      [['--config', guide, '--bogus'], /Unknown option '--bogus'/],
      [[], /nothing to audit: give --config FILE, --url URL or --host/],
      [['--url', 'http://127.0.0.1:6379'], /--url must start with redis:\/\/ or rediss:\/\/, not http:\/\//],
      [['--url', 'not a url'], /is not a URL/],
    ];
    for (const [args, message] of cases) {
      const r = await runAudit(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });
});

/**
 * The HTML report opened in a real headless Chromium (Debian's `chromium`):
 * the DOM Chromium renders has a scorecard card per layer (grade and count as
 * the JSON report implies) and every finding with its fix; markup an attacker
 * wrote into a config line stays text; and the page makes no network request
 * (Chromium's net log lists the page's requests; a page with a remote image
 * shows it records them). Skipped without chromium, unless
 * REDOUBT_REQUIRE_CHROMIUM=1 (CI).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type AuditFinding, auditJson, fixtureCopy, runAudit, writeConf } from './helpers/audit.js';

/** The chromium binary, or why the tests skip; REDOUBT_REQUIRE_CHROMIUM=1 makes its absence an error. */
function chromium(): { bin: string } | { skip: string } {
  try {
    return { bin: execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() };
  } catch {
    if (process.env.REDOUBT_REQUIRE_CHROMIUM === '1')
      throw new Error('REDOUBT_REQUIRE_CHROMIUM=1 but chromium is not installed');
    return { skip: 'chromium is not installed' };
  }
}

const browser = chromium();

interface Rendered {
  /** The DOM after load, as Chromium serializes it. */
  readonly dom: string;
  /** The URLs the page itself requested, from Chromium's net log. */
  readonly pageRequests: readonly string[];
}

/**
 * The URLs of a net log's requests made by the page: their network isolation
 * key is the file:// page's. Chromium's own background traffic (component and
 * time updates, account checks, which Debian's build makes whatever the flags)
 * has another key, and is not the page's doing.
 */
function pageRequests(netlog: string): string[] {
  const log = JSON.parse(netlog) as {
    constants: { logEventTypes: Record<string, number> };
    events: { type: number; params?: { url?: string; network_isolation_key?: string } }[];
  };
  const start = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  return log.events
    .filter((e) => e.type === start && e.params?.url !== undefined)
    .filter((e) => (e.params?.network_isolation_key ?? '').startsWith('file://'))
    .map((e) => e.params?.url as string);
}

/**
 * Open `file` in headless Chromium, dump its DOM and read its net log. Every
 * request (loopback included: `<-loopback>`) goes to a proxy on loopback that
 * answers 502, so nothing leaves the machine and nothing waits on a network.
 */
async function render(bin: string, file: string, profile: string): Promise<Rendered> {
  const proxy = createServer((socket) => {
    socket.once('data', () =>
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
    );
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  const netlog = `${profile}.netlog.json`;
  try {
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(
        bin,
        [
          '--headless',
          '--disable-gpu',
          '--no-sandbox',
          `--user-data-dir=${profile}`,
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          `--proxy-server=http://127.0.0.1:${port}`,
          '--proxy-bypass-list=<-loopback>',
          `--log-net-log=${netlog}`,
          '--dump-dom',
          pathToFileURL(file).href,
        ],
        { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) =>
          err === null ? resolve(stdout) : reject(new Error(`${err.message}\n${stderr}`)),
      );
    });
    return { dom, pageRequests: pageRequests(readFileSync(netlog, 'utf8')) };
  } finally {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
}

/** The text of an HTML fragment: tags dropped, character references decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

const LAYERS = ['network', 'authentication', 'commands', 'firewall', 'privilege', 'encryption'];
const ORDER = ['critical', 'high', 'medium', 'low'];

/** The grade a layer's card must show: its most severe finding but info, or pass. */
function grade(fs: readonly AuditFinding[]): string {
  return ORDER.find((s) => fs.some((f) => f.severity === s)) ?? 'pass';
}

describe('redoubt audit --format html in headless Chromium', {
  skip: 'skip' in browser ? browser.skip : false,
}, () => {
  const bin = 'bin' in browser ? browser.bin : '';
  let dir: string;
  let conf: string;
  let findings: AuditFinding[];
  let rendered: Rendered;
  /** Markup in a config line: the report must show it as text, never load it. */
  const INJECTED = '<img src="http://canary.invalid/pixel.png">';
  before(async () => {
    dir = fixtureCopy();
    conf = writeConf(
      dir,
      'report.conf',
      `include ${join(dir, 'insecure.conf')}\nprotected-mode '${INJECTED}'\n`,
    );
    const html = await runAudit(['--config', conf, '--format', 'html']);
    assert.equal(html.code, 0, html.stderr);
    writeFileSync(join(dir, 'report.html'), html.stdout);
    findings = await auditJson(['--config', conf]);
    rendered = await render(bin, join(dir, 'report.html'), join(dir, 'profile-report'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a scorecard card per layer: its grade and finding count', () => {
    const cards = [
      ...rendered.dom.matchAll(/<div class="card" data-layer="([a-z]+)">([\s\S]*?)<\/div><\/div>/g),
    ];
    assert.deepEqual(
      cards.map((m) => m[1]),
      LAYERS,
    );
    for (const [, layer, body] of cards) {
      const fs = findings.filter((f) => f.layer === layer);
      const text = textOf(body as string);
      assert.equal(text, `${layer}${grade(fs)}${fs.length} finding${fs.length === 1 ? '' : 's'}`, layer);
    }
    // The fixture is bad enough to grade some layers critical and leave others to pass.
    assert.ok(cards.some((m) => textOf(m[2] as string).includes('critical')));
    assert.ok(cards.some((m) => textOf(m[2] as string).includes('pass')));
  });

  it('every finding of the JSON report is in the DOM with its severity, evidence and fix', () => {
    const blocks = [
      ...rendered.dom.matchAll(/<div class="finding" data-id="([^"]+)"[^>]*>([\s\S]*?)<\/div>/g),
    ].map((m) => ({ id: m[1] as string, text: textOf(m[2] as string) }));
    assert.equal(blocks.length, findings.length);
    assert.ok(findings.length > 10, `${findings.length} findings`);
    for (const f of findings) {
      const block = blocks.find(
        (b) =>
          b.id === f.id && b.text.includes(`Fix: ${f.fix}`) && b.text.includes(`Evidence: ${f.evidence}`),
      );
      assert.ok(block !== undefined, `${f.id} (${f.fix}) is not in the rendered DOM`);
      assert.ok(block.text.trim().startsWith(`${f.severity} ${f.id}: ${f.title}`), block.text);
    }
    assert.match(textOf(rendered.dom), new RegExp(`${findings.length} findings: `));
  });

  it('markup from a config line is text: no element, no request', () => {
    const rejected = findings.find((f) => f.id === 'CONF-REJECTED-LINE') as AuditFinding;
    assert.ok(rejected.evidence.includes(INJECTED));
    assert.ok(!/<img/i.test(rendered.dom), 'an <img> element was created');
    assert.ok(textOf(rendered.dom).includes(INJECTED));
  });

  it('no network request is attempted; a page with a remote image shows the net log records one', async () => {
    assert.deepEqual(rendered.pageRequests, []);
    const control = join(dir, 'control.html');
    writeFileSync(control, `<!DOCTYPE html><title>control</title>${INJECTED}`);
    const r = await render(bin, control, join(dir, 'profile-control'));
    assert.deepEqual(r.pageRequests, ['http://canary.invalid/pixel.png']);
  });
});

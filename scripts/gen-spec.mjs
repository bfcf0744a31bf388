#!/usr/bin/env node
/**
 * Development aid: drafts `CommandSpec` literals from a reference redis-server's
 * COMMAND INFO and COMMAND DOCS, so our specs state the same facts as Redis 7.
 * The output is pasted into a group file and given a handler; the differential
 * test `command-meta` then keeps the two in agreement.
 *
 *   node scripts/gen-spec.mjs [--port 6399] get set client ...
 */
import Redis from 'ioredis';

const args = process.argv.slice(2);
let port = 6379;
if (args[0] === '--port') {
  port = Number(args[1]);
  args.splice(0, 2);
}
const redis = new Redis({ port, lazyConnect: true });
await redis.connect();

const DERIVED = { write: 'write', readonly: 'read', pubsub: 'pubsub', fast: 'fast', blocking: 'blocking' };

function pairs(arr) {
  const o = {};
  for (let i = 0; i < arr.length; i += 2) o[arr[i]] = arr[i + 1];
  return o;
}

function keySpec(ks) {
  const o = pairs(ks);
  const bs = pairs(o.begin_search);
  const fk = pairs(o.find_keys);
  const out = {};
  if (o.notes !== undefined) out.notes = o.notes;
  out.flags = o.flags;
  if (bs.type === 'index') out.begin = { index: pairs(bs.spec).index };
  else if (bs.type === 'keyword') {
    const s = pairs(bs.spec);
    out.begin = { keyword: s.keyword, startfrom: s.startfrom };
  } else out.begin = 'unknown';
  if (fk.type === 'range') {
    const s = pairs(fk.spec);
    out.find = { range: [s.lastkey, s.keystep, s.limit] };
  } else if (fk.type === 'keynum') {
    const s = pairs(fk.spec);
    out.find = { keynum: [s.keynumidx, s.firstkey, s.keystep] };
  } else out.find = 'unknown';
  return out;
}

function arg(a) {
  const o = pairs(a);
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'arguments') out.arguments = v.map(arg);
    else out[k] = v;
  }
  return out;
}

function spec(info, docs, indent) {
  const [fullName, arity, flags, , , , cats, tips, keySpecs, subs] = info;
  const name = fullName.includes('|') ? fullName.split('|')[1] : fullName;
  const d = pairs(docs);
  const explicit = [];
  const flagSet = new Set(flags);
  for (const c of cats.map((c) => c.slice(1))) {
    const derived =
      Object.entries(DERIVED).some(([f, cat]) => cat === c && flagSet.has(f)) ||
      ((c === 'admin' || c === 'dangerous') && flagSet.has('admin')) ||
      (c === 'slow' && !cats.includes('@fast'));
    if (!derived) explicit.push(c);
  }
  const o = { name, group: d.group, summary: d.summary, since: d.since };
  if (d.complexity !== undefined) o.complexity = d.complexity;
  if (d.doc_flags !== undefined) o.docFlags = d.doc_flags;
  if (d.deprecated_since !== undefined) o.deprecatedSince = d.deprecated_since;
  if (d.replaced_by !== undefined) o.replacedBy = d.replaced_by;
  if (d.history !== undefined) o.history = d.history;
  o.arity = arity;
  o.flags = flags.filter((f) => f !== 'movablekeys');
  if (explicit.length) o.acl = explicit;
  if (tips.length) o.tips = tips;
  if (keySpecs.length) o.keySpecs = keySpecs.map(keySpec);
  if (d.arguments !== undefined) o.args = d.arguments.map(arg);
  const lines = ['{'];
  for (const [k, v] of Object.entries(o)) lines.push(`  ${k}: ${fmt(v, indent.length + 4 + k.length)},`);
  if (subs.length) {
    const subDocs = pairs(d.subcommands);
    const sorted = [...subs].sort((a, b) => a[0].localeCompare(b[0]));
    lines.push('  subcommands: [');
    for (const s of sorted) lines.push(`${spec(s, subDocs[s[0]], '    ')},`);
    lines.push('  ],');
  } else {
    lines.push(`  handler: ${camel(fullName)},`);
  }
  lines.push('}');
  return lines
    .map((l) => (l.startsWith(indent) && l !== '{' && l !== '}' && !l.startsWith('  ') ? l : indent + l))
    .join('\n');
}

function camel(fullName) {
  return (
    fullName
      .split(/[|_-]/)
      .map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1)))
      .join('') + 'Command'
  );
}

function q(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Compact literal: on one line when it fits, else one element per line. */
function fmt(v, col) {
  const one = flat(v);
  if (col + one.length <= 110) return one;
  const pad = ' '.repeat(Math.max(0, col - 2));
  if (Array.isArray(v)) return `[\n${v.map((x) => `${pad}  ${fmt(x, col + 2)},`).join('\n')}\n${pad}]`;
  if (v !== null && typeof v === 'object') {
    return `{\n${Object.entries(v)
      .map(([k, x]) => `${pad}  ${k}: ${fmt(x, col + 4 + k.length)},`)
      .join('\n')}\n${pad}}`;
  }
  return one;
}

function flat(v) {
  if (Array.isArray(v)) return `[${v.map(flat).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${flat(x)}`)
      .join(', ')} }`;
  if (typeof v === 'string') return q(v);
  return String(v);
}

for (const name of args) {
  const [info] = await redis.call('COMMAND', 'INFO', name);
  if (info === null) {
    console.error(`unknown command ${name}`);
    continue;
  }
  const docs = await redis.call('COMMAND', 'DOCS', name);
  console.log(spec(info, docs[1], '  ') + ',');
}
redis.disconnect();

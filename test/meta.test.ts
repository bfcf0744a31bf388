/**
 * Meta tests over the command table: every spec is consistent (handler present,
 * key arguments point at key specs, every key spec used), no exported handler is
 * left without a spec, and COMMAND INFO / COMMAND DOCS of every command we
 * implement equal real Redis 7.0's, byte for byte.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ALL_COMMANDS } from '../src/commands/all.js';
import { CommandTable } from '../src/commands/registry.js';
import type { ArgSpec, CommandSpec } from '../src/commands/spec.js';
import { Differential } from './helpers/diff.js';
import { parse } from './helpers/resp.js';
import { ROOT } from './helpers/servers.js';

/** Commands (full names) that Redis 7.0 does not have: they come from 7.2. */
const NEWER_THAN_70 = new Set(['client|no-touch', 'client|setinfo']);

/**
 * Commands with Redis 7.2's spec (ZRANK/ZREVRANK WITHSCORE): compared with 7.0's
 * facts apart from the arity and the 7.2 additions (history, the new argument).
 */
const SPEC_FROM_72 = new Map<string, { arity: number; newArg: string }>([
  ['zrank', { arity: -3, newArg: 'withscore' }],
  ['zrevrank', { arity: -3, newArg: 'withscore' }],
]);

function* walk(specs: readonly CommandSpec[], parent?: string): Generator<[string, CommandSpec]> {
  for (const s of specs) {
    const full = parent === undefined ? s.name : `${parent}|${s.name}`;
    yield [full, s];
    if (s.subcommands !== undefined) yield* walk(s.subcommands, s.name);
  }
}

function keyArgs(args: readonly ArgSpec[] | undefined, out: number[] = []): number[] {
  for (const a of args ?? []) {
    if (a.type === 'key') out.push(a.key_spec_index ?? -1);
    // A pattern may name a key spec too (SORT's BY and GET patterns).
    else if (a.type === 'pattern' && a.key_spec_index !== undefined) out.push(a.key_spec_index);
    keyArgs(a.arguments, out);
  }
  return out;
}

describe('command table consistency', () => {
  it('builds without duplicate names', () => {
    const table = new CommandTable(ALL_COMMANDS);
    assert.ok(table.size > 0);
  });

  it('every command has a handler, or subcommands that all have one', () => {
    for (const [name, s] of walk(ALL_COMMANDS)) {
      assert.ok(
        s.handler !== undefined || (s.subcommands?.length ?? 0) > 0,
        `${name} has neither a handler nor subcommands`,
      );
      assert.equal(s.name, s.name.toLowerCase(), `${name} must be lower case`);
    }
  });

  it('every key argument points at a key spec, and every key spec is used', () => {
    for (const [name, s] of walk(ALL_COMMANDS)) {
      const refs = keyArgs(s.args);
      const n = s.keySpecs?.length ?? 0;
      for (const r of refs)
        assert.ok(r >= 0 && r < n, `${name}: a key argument points at key spec ${r}, which does not exist`);
      if (s.args !== undefined) {
        for (let i = 0; i < n; i++) {
          const notKey = s.keySpecs?.[i]?.flags.includes('not_key') === true;
          if (!notKey)
            assert.ok(refs.includes(i), `${name}: key spec ${i} is not referenced by any key argument`);
        }
      }
    }
  });

  it('arity follows the sign rule and covers the documented arguments', () => {
    for (const [name, s] of walk(ALL_COMMANDS)) {
      assert.ok(Number.isInteger(s.arity) && s.arity !== 0, `${name}: arity ${s.arity}`);
    }
  });

  it('no exported handler function is left without a spec', async () => {
    const dir = join(ROOT, 'dist', 'src', 'commands');
    const used = new Set<unknown>();
    for (const [, s] of walk(ALL_COMMANDS)) if (s.handler !== undefined) used.add(s.handler);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
      // Only group files (those exporting a `<group>Commands` table) hold handlers.
      if (!Object.keys(mod).some((k) => /Commands$/.test(k) && Array.isArray(mod[k]))) continue;
      for (const [exported, value] of Object.entries(mod)) {
        if (typeof value === 'function' && /Command$/.test(exported)) {
          assert.ok(used.has(value), `${file}: exported handler ${exported} is not referenced by any spec`);
        }
      }
    }
  });
});

describe('COMMAND INFO and COMMAND DOCS equal Redis 7.0 (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  const names = (): string[] =>
    [...walk(ALL_COMMANDS)].map(([n]) => n).filter((n) => !NEWER_THAN_70.has(n) && !SPEC_FROM_72.has(n));

  it('COMMAND INFO and DOCS of commands with a 7.2 spec differ from 7.0 only by the 7.2 additions', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const [name, { arity, newArg }] of SPEC_FROM_72) {
      const a = (parse(await d.redoubt.raw('COMMAND', 'INFO', name))[0] as unknown[][])[0] as unknown[];
      const b = (parse(await d.redis.raw('COMMAND', 'INFO', name))[0] as unknown[][])[0] as unknown[];
      assert.equal(a[1], arity, `COMMAND INFO ${name} arity`);
      assert.deepEqual([a[0], ...a.slice(2)], [b[0], ...b.slice(2)], `COMMAND INFO ${name}`);
      const docs = (v: unknown[]): unknown[] => {
        const m = [...(v[1] as unknown[])];
        const h = m.indexOf('history');
        if (h !== -1) m.splice(h, 2);
        const i = m.indexOf('arguments');
        const args = (m[i + 1] as unknown[][]).filter((x) => x[1] !== newArg);
        m[i + 1] = args;
        return m;
      };
      const da = parse(await d.redoubt.raw('COMMAND', 'DOCS', name))[0] as unknown[];
      const db = parse(await d.redis.raw('COMMAND', 'DOCS', name))[0] as unknown[];
      assert.notDeepEqual(da, db, `COMMAND DOCS ${name} should show the 7.2 additions`);
      assert.deepEqual(docs(da), docs(db), `COMMAND DOCS ${name}`);
    }
  });

  it('COMMAND INFO of every command (containers compared per subcommand)', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const name of names()) {
      const spec = [...walk(ALL_COMMANDS)].find(([n]) => n === name)?.[1] as CommandSpec;
      if (spec.subcommands !== undefined) {
        // The container's own fields, without the subcommand list (order is a hash order in Redis).
        const a = parse(await d.redoubt.raw('COMMAND', 'INFO', name))[0] as unknown[][];
        const b = parse(await d.redis.raw('COMMAND', 'INFO', name))[0] as unknown[][];
        assert.deepEqual(a[0]?.slice(0, 9), b[0]?.slice(0, 9), `COMMAND INFO ${name}`);
        continue;
      }
      await d.same(['COMMAND', 'INFO', name]);
    }
  });

  it('COMMAND DOCS of every command', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    for (const name of names()) {
      const spec = [...walk(ALL_COMMANDS)].find(([n]) => n === name)?.[1] as CommandSpec;
      if (spec.subcommands !== undefined) {
        const a = parse(await d.redoubt.raw('COMMAND', 'DOCS', name))[0] as unknown[];
        const b = parse(await d.redis.raw('COMMAND', 'DOCS', name))[0] as unknown[];
        const strip = (v: unknown[]): unknown[] => {
          const m = v[1] as unknown[];
          const i = m.indexOf('subcommands');
          return i === -1 ? m : m.slice(0, i);
        };
        assert.deepEqual(strip(a), strip(b), `COMMAND DOCS ${name}`);
        continue;
      }
      await d.same(['COMMAND', 'DOCS', name]);
    }
  });

  it('COMMAND GETKEYS and GETKEYSANDFLAGS for key-taking commands', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['COMMAND', 'GETKEYS'],
      ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
      ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'echo', 'x'],
      ['COMMAND', 'COUNT', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat'],
      ['COMMAND', 'LIST', 'FILTERBY', 'module', 'x'],
      ['COMMAND', 'INFO', 'nosuch'],
      ['COMMAND', 'DOCS', 'nosuch'],
      ['COMMAND', 'HELP'],
    ]);
  });
});

/**
 * Key extraction from key specs, as Redis's getKeysUsingKeySpecs: which argv
 * positions are keys, and with which key-spec flags. Used by COMMAND GETKEYS,
 * ACL key checks and WATCH-like bookkeeping.
 */
import type { Command } from './registry.js';
import type { KeyRef } from './spec.js';

/**
 * Key positions of `argv` for `cmd`. Returns undefined when the arguments do not
 * fit the specs (Redis's "invalid spec": the command itself will then fail).
 * Specs flagged `incomplete` defer to the command's own `getKeys`.
 */
export function getKeys(cmd: Command, argv: readonly string[]): KeyRef[] | undefined {
  const { hasRealKey, hasVariableFlags } = cmd.keySummary;
  const custom = cmd.spec.getKeys;
  if (hasRealKey && !hasVariableFlags) {
    const keys = fromSpecs(cmd, argv);
    if (keys !== undefined) return keys;
  } else if (hasRealKey && custom === undefined) {
    return fromSpecs(cmd, argv);
  }
  if (custom !== undefined) return custom(argv);
  return [];
}

function fromSpecs(cmd: Command, argv: readonly string[]): KeyRef[] | undefined {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of cmd.keySpecs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    const begin = spec.begin;
    if (begin === 'unknown') return undefined;
    if ('index' in begin) {
      first = begin.index;
    } else {
      const from = begin.startfrom > 0 ? begin.startfrom : argc + begin.startfrom;
      const to = begin.startfrom > 0 ? argc - 1 : 0;
      const kw = begin.keyword.toLowerCase();
      for (let i = from; i !== to; i = from <= to ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if ((argv[i] as string).toLowerCase() === kw) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    const find = spec.find;
    if (find === 'unknown') return undefined;
    let last: number;
    let step: number;
    if ('range' in find) {
      const [lastkey, keystep, limit] = find.range;
      step = keystep;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit === 0) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / limit) + lastkey);
    } else {
      const [keynumidx, firstkey, keystep] = find.keynum;
      step = keystep;
      if (keynumidx >= argc) return undefined;
      const n = parseStrictInt(argv[first + keynumidx]);
      if (n === undefined || n < 0) return undefined;
      first += firstkey;
      last = first + n - 1;
    }
    if (last >= argc || last < first || first >= argc) return undefined;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) continue;
      out.push({ pos: i, flags: spec.flags });
    }
    if (spec.flags.includes('incomplete')) return undefined;
  }
  return out;
}

function parseStrictInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^(0|-?[1-9]\d{0,18})$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Value kinds of configuration directives: how a directive's arguments are parsed
 * (from a config file, the command line or CONFIG SET) and formatted back (CONFIG
 * GET, CONFIG REWRITE). Error texts follow Redis's config.c.
 */

export class ConfigValueError extends Error {}

export interface Kind<T> {
  /** Parse the directive's arguments (already split). Throws ConfigValueError. */
  parse(args: readonly string[]): T;
  /** The value as CONFIG GET shows it. */
  format(value: T): string;
  /** Arguments as CONFIG REWRITE writes them (defaults to [format(value)]). */
  rewrite?(value: T): string[] | string[][];
  /** True when a single CONFIG SET argument may hold several words. */
  readonly splitOnSet?: boolean;
}

export const bool: Kind<boolean> = {
  parse(args) {
    const v = (args[0] ?? '').toLowerCase();
    if (args.length === 1 && v === 'yes') return true;
    if (args.length === 1 && v === 'no') return false;
    throw new ConfigValueError("argument must be 'yes' or 'no'");
  },
  format: (v) => (v ? 'yes' : 'no'),
};

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Redis `memtoull`: digits followed by an optional unit (k, kb, m, mb, g, gb; case-insensitive). */
export function parseMemory(s: string): number | undefined {
  const m = /^(-?\d+)([a-zA-Z]*)$/.exec(s);
  if (m === null) return undefined;
  const mul = MEMORY_UNITS[(m[2] as string).toLowerCase()];
  if (mul === undefined) return undefined;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) return undefined;
  return n * mul;
}

export interface IntOptions {
  min: number;
  max: number;
  /** Accept memory units (1k, 5gb...). */
  memory?: boolean;
  /** Accept a negative value as a percentage ("maxmemory-clients 10%"). */
  percent?: boolean;
}

export function int(opts: IntOptions): Kind<number> {
  return {
    parse(args) {
      if (args.length !== 1) throw new ConfigValueError('wrong number of arguments');
      const s = args[0] as string;
      let v: number | undefined;
      if (opts.percent === true && s.endsWith('%')) {
        const p = Number(s.slice(0, -1));
        if (!/^\d+%$/.test(s) || !Number.isSafeInteger(p))
          throw new ConfigValueError('argument must be a memory or percent value');
        v = -p;
      } else if (opts.memory === true) {
        v = parseMemory(s);
        if (v === undefined) {
          throw new ConfigValueError(
            opts.percent === true
              ? 'argument must be a memory or percent value'
              : 'argument must be a memory value',
          );
        }
      } else {
        v = /^-?\d+$/.test(s) ? Number(s) : undefined;
        if (v === undefined || !Number.isSafeInteger(v))
          throw new ConfigValueError("argument couldn't be parsed into an integer");
      }
      if (v < opts.min || v > opts.max) {
        if (opts.percent === true && v < 0)
          throw new ConfigValueError(`percentage argument must be less or equal to ${-opts.min}`);
        throw new ConfigValueError(`argument must be between ${opts.min} and ${opts.max} inclusive`);
      }
      return v;
    },
    format: (v) => (opts.percent === true && v < 0 ? `${-v}%` : String(v)),
  };
}

export function enumOf<T extends string>(values: readonly T[]): Kind<T> {
  return {
    parse(args) {
      const v = (args[0] ?? '').toLowerCase();
      if (args.length === 1 && (values as readonly string[]).includes(v)) return v as T;
      throw new ConfigValueError(`argument(s) must be one of the following: ${values.join(', ')}`);
    },
    format: (v) => v,
  };
}

/** A free string; `allowEmpty: false` rejects "". */
export function str(opts: { allowEmpty?: boolean; maxLength?: number } = {}): Kind<string> {
  return {
    parse(args) {
      if (args.length !== 1) throw new ConfigValueError('wrong number of arguments');
      const v = args[0] as string;
      if (opts.allowEmpty === false && v === '') throw new ConfigValueError('argument cannot be empty');
      if (opts.maxLength !== undefined && v.length > opts.maxLength)
        throw new ConfigValueError('argument is too long');
      return v;
    },
    format: (v) => v,
  };
}

/** A directive taking several words, kept as a list (bind, save...). */
export function words(opts: { validate?: (args: readonly string[]) => void } = {}): Kind<string[]> {
  return {
    splitOnSet: true,
    parse(args) {
      opts.validate?.(args);
      return [...args];
    },
    format: (v) => v.join(' '),
  };
}

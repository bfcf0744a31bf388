/**
 * The encoding thresholds of the config table (hash-max-listpack-entries ...),
 * per server: the directives' apply hooks write them here and command handlers
 * read them, so a conversion check costs a property read, not a config lookup.
 */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  /** Stream node (listpack) split points: they decide what `MAXLEN ~` / `MINID ~` trim. */
  streamNodeMaxBytes: number;
  streamNodeMaxEntries: number;
}

const byServer = new WeakMap<object, EncodingLimits>();

/** Redis 7.0's defaults. */
function defaults(): EncodingLimits {
  return {
    hashMaxListpackEntries: 512,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
    streamNodeMaxBytes: 4096,
    streamNodeMaxEntries: 100,
  };
}

/** The limits of a server (created with Redis's defaults on first use). */
export function limitsOf(server: object): EncodingLimits {
  let l = byServer.get(server);
  if (l === undefined) {
    l = defaults();
    byServer.set(server, l);
  }
  return l;
}

/**
 * Redis 7.0's multi-part AOF manifest (aof.c): one line per file,
 * `file <name> seq <n> type <b|h|i>`, the base first, then history, then the
 * incremental files in order. Base files are `<appendfilename>.<seq>.base.rdb`
 * (RDB preamble) or `.base.aof` (commands), incremental files
 * `<appendfilename>.<seq>.incr.aof`, the manifest `<appendfilename>.manifest`.
 */

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFile {
  readonly name: string;
  readonly seq: number;
  type: AofFileType;
}

/** Why a manifest was refused (Redis's log text). */
export class ManifestError extends Error {}

/** Redis's AOF_MANIFEST line length limit (a longer line is refused). */
const LINE_MAX = 1024;

export class Manifest {
  base: AofFile | undefined;
  history: AofFile[] = [];
  incr: AofFile[] = [];
  /** Highest sequence numbers handed out so far (curr_base_file_seq / curr_incr_file_seq). */
  baseSeq = 0;
  incrSeq = 0;

  constructor(readonly prefix: string) {}

  static fileName(prefix: string): string {
    return `${prefix}.manifest`;
  }

  /** A new base name (the old base becomes history), as getNewBaseFileNameAndMarkPreAsHistory. */
  newBase(rdbPreamble: boolean): AofFile {
    if (this.base !== undefined) {
      this.base.type = 'h';
      this.history.push(this.base);
    }
    const seq = ++this.baseSeq;
    this.base = { name: `${this.prefix}.${seq}.base.${rdbPreamble ? 'rdb' : 'aof'}`, seq, type: 'b' };
    return this.base;
  }

  /** A new incremental file at the end of the list (getNewIncrAofName). */
  newIncr(): AofFile {
    const seq = ++this.incrSeq;
    const f: AofFile = { name: `${this.prefix}.${seq}.incr.aof`, seq, type: 'i' };
    this.incr.push(f);
    return f;
  }

  /** After a rewrite: every incremental file but the last (opened when it began) is history. */
  retireIncrBefore(last: AofFile): void {
    const keep: AofFile[] = [];
    for (const f of this.incr) {
      if (f.seq < last.seq) {
        f.type = 'h';
        this.history.push(f);
      } else keep.push(f);
    }
    this.incr = keep;
  }

  /** Files to load, in order: the base, then the incremental files. */
  get loadOrder(): AofFile[] {
    return this.base === undefined ? [...this.incr] : [this.base, ...this.incr];
  }

  get isEmpty(): boolean {
    return this.base === undefined && this.history.length === 0 && this.incr.length === 0;
  }

  clone(): Manifest {
    const m = new Manifest(this.prefix);
    const copy = (f: AofFile): AofFile => ({ ...f });
    m.base = this.base === undefined ? undefined : copy(this.base);
    m.history = this.history.map(copy);
    m.incr = this.incr.map(copy);
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  /** getAofManifestAsString. */
  toString(): string {
    let out = '';
    const line = (f: AofFile): string => `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`;
    if (this.base !== undefined) out += line(this.base);
    for (const f of this.history) out += line(f);
    for (const f of this.incr) out += line(f);
    return out;
  }

  /** aofLoadManifestFromFile: throws ManifestError with Redis's reason. */
  static parse(prefix: string, text: string): Manifest {
    const m = new Manifest(prefix);
    let lines = 0;
    for (const raw of text.split('\n')) {
      if (raw.length + 1 > LINE_MAX) throw new ManifestError('The AOF manifest file contains too long line');
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      lines++;
      const words = splitArgs(line);
      if (words === undefined || words.length % 2 !== 0)
        throw new ManifestError('Invalid AOF manifest file format');
      let name: string | undefined;
      let seq: number | undefined;
      let type: string | undefined;
      for (let i = 0; i < words.length; i += 2) {
        const k = words[i] as string;
        const v = words[i + 1] as string;
        if (k === 'file') name = v;
        else if (k === 'seq') seq = /^\d+$/.test(v) ? Number(v) : Number.NaN;
        else if (k === 'type') type = v;
        // Unknown keys are skipped, as Redis does (forward compatibility).
      }
      if (name === undefined || seq === undefined || Number.isNaN(seq) || type === undefined)
        throw new ManifestError('Invalid AOF manifest file format');
      if (type === 'b') {
        if (m.base !== undefined) throw new ManifestError('Found duplicate base file information');
        m.base = { name, seq, type };
        m.baseSeq = seq;
      } else if (type === 'h') {
        m.history.push({ name, seq, type });
      } else if (type === 'i') {
        if (seq <= m.incrSeq) throw new ManifestError('Found a non-monotonic sequence number');
        m.incr.push({ name, seq, type });
        m.incrSeq = seq;
      } else throw new ManifestError('Unknown AOF file type');
    }
    if (lines === 0) throw new ManifestError('Found an empty AOF manifest');
    return m;
  }
}

/** sdsneedsrepr: a name with spaces, quotes or unprintable bytes is written as sdscatrepr does. */
function quoteName(name: string): string {
  if (!/[\s"'\\]|[^\x20-\x7e]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code < 0x20 || code > 0x7e) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** sdssplitargs for a manifest line: words, "double-quoted" (with escapes) or 'single-quoted'. */
function splitArgs(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let word = '';
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        const ch = line[i] as string;
        if (ch === q) {
          i++;
          break;
        }
        if (q === '"' && ch === '\\' && i + 1 < line.length) {
          const n = line[i + 1] as string;
          if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            word += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += ({ n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' } as Record<string, string>)[n] ?? n;
          i += 2;
          continue;
        }
        word += ch;
        i++;
      }
      // A closing quote must be followed by a space or the end.
      if (i < line.length && !/\s/.test(line[i] as string)) return undefined;
    } else {
      while (i < line.length && !/\s/.test(line[i] as string)) word += line[i++];
    }
    out.push(word);
  }
  return out;
}

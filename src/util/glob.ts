/**
 * Glob matching with Redis's exact semantics (util.c stringmatchlen): `*`, `?`,
 * `[...]` classes with `^` negation, ranges (reversed ranges allowed) and `\`
 * escapes; a backslash escapes the next character anywhere. Bytes compare as C
 * `char`, i.e. signed, in ranges. Recursion depth is capped and, once a `*` fails
 * to match the rest anywhere, longer matches are skipped, so abusive patterns stay
 * linear-ish rather than exponential.
 */
const MAX_NESTING = 1000;

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const skip = { longer: false };
  return match(pattern, 0, str, 0, nocase, skip, 0);
}

function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function match(
  pattern: string,
  p: number,
  str: string,
  s: number,
  nocase: boolean,
  skip: { longer: boolean },
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = pattern.length;
  const slen = str.length;
  while (p < plen && s < slen) {
    const pc = pattern.charCodeAt(p);
    if (pc === 42 /* '*' */) {
      while (p + 1 < plen && pattern.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === plen) return true;
      while (s < slen) {
        if (match(pattern, p + 1, str, s, nocase, skip, nesting + 1)) return true;
        if (skip.longer) return false;
        s++;
      }
      skip.longer = true;
      return false;
    }
    if (pc === 63 /* '?' */) {
      s++;
    } else if (pc === 91 /* '[' */) {
      p++;
      const not = p < plen && pattern.charCodeAt(p) === 94; /* '^' */
      if (not) p++;
      let matched = false;
      const sc = str.charCodeAt(s);
      for (;;) {
        const remaining = plen - p;
        const c = remaining > 0 ? pattern.charCodeAt(p) : 0;
        if (c === 92 /* '\\' */ && remaining >= 2) {
          p++;
          if (pattern.charCodeAt(p) === sc) matched = true;
        } else if (c === 93 /* ']' */ && remaining > 0) {
          break;
        } else if (remaining === 0) {
          p--;
          break;
        } else if (remaining >= 3 && pattern.charCodeAt(p + 1) === 45 /* '-' */) {
          let start = signed(c);
          let end = signed(pattern.charCodeAt(p + 2));
          let ch = signed(sc);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          p += 2;
          if (ch >= start && ch <= end) matched = true;
        } else if (nocase ? lower(c) === lower(sc) : c === sc) {
          matched = true;
        }
        p++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      s++;
    } else {
      if (pc === 92 /* '\\' */ && plen - p >= 2) p++;
      const a = pattern.charCodeAt(p);
      const b = str.charCodeAt(s);
      if (nocase ? lower(a) !== lower(b) : a !== b) return false;
      s++;
    }
    p++;
    if (s === slen) {
      while (p < plen && pattern.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p === plen && s === slen;
}

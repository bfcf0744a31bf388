/**
 * Splits an inline command line the way Redis's `sdssplitargs` does: blanks
 * separate words, "double quotes" understand \n \r \t \b \a \\ \" and \xHH,
 * 'single quotes' understand only \'. A closing quote must be followed by a blank
 * or the end of the line. Returns undefined for unbalanced quotes.
 * The line is a latin1 string (one char per byte); a NUL ends it, as in C.
 */
export function splitInlineArgs(line: string): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  const at = (i: number): number => (i < n ? line.charCodeAt(i) : 0);
  for (;;) {
    while (p < n && isSpace(at(p))) p++;
    if (at(p) === 0) return out;
    let inq = false;
    let insq = false;
    let done = false;
    let cur = '';
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 92 && at(p + 1) === 120 && isHex(at(p + 2)) && isHex(at(p + 3))) {
          cur += String.fromCharCode(hexVal(at(p + 2)) * 16 + hexVal(at(p + 3)));
          p += 3;
        } else if (c === 92 && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          cur +=
            e === 110
              ? '\n'
              : e === 114
                ? '\r'
                : e === 116
                  ? '\t'
                  : e === 98
                    ? '\b'
                    : e === 97
                      ? '\x07'
                      : String.fromCharCode(e);
        } else if (c === 34) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return undefined;
          done = true;
        } else if (c === 0) {
          return undefined;
        } else {
          cur += line[p];
        }
      } else if (insq) {
        if (c === 92 && at(p + 1) === 39) {
          p++;
          cur += "'";
        } else if (c === 39) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return undefined;
          done = true;
        } else if (c === 0) {
          return undefined;
        } else {
          cur += line[p];
        }
      } else if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inq = true;
      } else if (c === 39) {
        insq = true;
      } else {
        cur += line[p];
      }
      if (at(p) !== 0) p++;
    }
    out.push(cur);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function hexVal(c: number): number {
  if (c <= 57) return c - 48;
  if (c >= 97) return c - 87;
  return c - 55;
}

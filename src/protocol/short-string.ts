/**
 * A short byte range as a latin1 string. `Buffer#latin1Slice` is a native call
 * with a fixed cost of ~60 ns, which dominates for the short arguments that make
 * up most requests (command names, keys, small values); `String.fromCharCode`
 * with explicit arguments builds the same flat one-byte string in a third of that.
 */
export function shortLatin1(b: Buffer, p: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[p] as number);
    case 2:
      return String.fromCharCode(b[p] as number, b[p + 1] as number);
    case 3:
      return String.fromCharCode(b[p] as number, b[p + 1] as number, b[p + 2] as number);
    case 4:
      return String.fromCharCode(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number);
    case 5:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
      );
    case 6:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
      );
    case 7:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
      );
    case 8:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
      );
    case 9:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
      );
    case 10:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
      );
    case 11:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
      );
    case 12:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
      );
    case 13:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
      );
    case 14:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
      );
    case 15:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
      );
    case 16:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
      );
    case 17:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
      );
    case 18:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
      );
    case 19:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
        b[p + 18] as number,
      );
    case 20:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
        b[p + 18] as number,
        b[p + 19] as number,
      );
    case 21:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
        b[p + 18] as number,
        b[p + 19] as number,
        b[p + 20] as number,
      );
    case 22:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
        b[p + 18] as number,
        b[p + 19] as number,
        b[p + 20] as number,
        b[p + 21] as number,
      );
    case 23:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
        b[p + 18] as number,
        b[p + 19] as number,
        b[p + 20] as number,
        b[p + 21] as number,
        b[p + 22] as number,
      );
    case 24:
      return String.fromCharCode(
        b[p] as number,
        b[p + 1] as number,
        b[p + 2] as number,
        b[p + 3] as number,
        b[p + 4] as number,
        b[p + 5] as number,
        b[p + 6] as number,
        b[p + 7] as number,
        b[p + 8] as number,
        b[p + 9] as number,
        b[p + 10] as number,
        b[p + 11] as number,
        b[p + 12] as number,
        b[p + 13] as number,
        b[p + 14] as number,
        b[p + 15] as number,
        b[p + 16] as number,
        b[p + 17] as number,
        b[p + 18] as number,
        b[p + 19] as number,
        b[p + 20] as number,
        b[p + 21] as number,
        b[p + 22] as number,
        b[p + 23] as number,
      );
    default:
      return b.latin1Slice(p, p + len);
  }
}

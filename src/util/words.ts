/**
 * Option keywords as Redis compares them (`strcasecmp` and friends on C strings):
 * the argument ends at its first NUL byte, and case folds for ASCII letters only.
 * `toLowerCase` also folds latin1 letters, but none of them folds to ASCII, so
 * comparisons with ASCII keywords come out as in C.
 */
export function optionWord(s: string): string {
  const nul = s.indexOf('\0');
  return (nul === -1 ? s : s.slice(0, nul)).toLowerCase();
}

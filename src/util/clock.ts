/**
 * The server's clocks. `now()` is the command time in milliseconds; it can be
 * frozen so a transaction or script sees one instant, as Redis does. `lru` is
 * Redis's 24-bit LRU clock in seconds, refreshed by the server cron.
 */
export const LRU_CLOCK_MAX = (1 << 24) - 1;

let frozenAt = 0;
let lruClock = Math.floor(Date.now() / 1000) & LRU_CLOCK_MAX;
/**
 * Wall-clock ms = offset + performance.now(). The offset is re-read by the cron
 * (`refreshLru`), so wall-clock adjustments are followed within a cron period
 * while each command needs only the monotonic reading it takes anyway.
 */
let offset = Date.now() - performance.now();

export function now(): number {
  return frozenAt !== 0 ? frozenAt : Date.now();
}

/** Freeze `now()` at the current time until `unfreeze()`; nesting keeps the outer instant. */
export function freeze(): number {
  if (frozenAt === 0) frozenAt = Date.now();
  return frozenAt;
}

/**
 * Freeze `now()` at the wall-clock time matching a `performance.now()` reading
 * (the dispatcher times each command and reuses the reading), in whole ms.
 */
export function freezeAtMonotonic(perfNow: number): void {
  if (frozenAt === 0) {
    frozenAt = Math.floor(offset + perfNow);
    // Keep the LRU clock exact to the second for the accesses of this command.
    lruClock = Math.floor(frozenAt / 1000) & LRU_CLOCK_MAX;
  }
}

export function unfreeze(): void {
  frozenAt = 0;
}

export function lru(): number {
  return lruClock;
}

export function refreshLru(): void {
  const t = Date.now();
  lruClock = Math.floor(t / 1000) & LRU_CLOCK_MAX;
  offset = t - performance.now();
}

/** Seconds elapsed since an LRU stamp, handling the 24-bit wrap like Redis. */
export function idleSeconds(stamp: number): number {
  const c = lruClock;
  return c >= stamp ? c - stamp : c + (LRU_CLOCK_MAX - stamp);
}

/**
 * Redis's LFU counter (evict.c), kept in the 24 clock bits of a key's record
 * under an LFU maxmemory-policy: 16 bits of "last decrement time" in minutes and
 * an 8-bit logarithmic access counter. A new key starts at LFU_INIT_VAL so it is
 * not evicted before it had a chance to be used; each access first applies the
 * decay (one per `lfu-decay-time` minutes idle), then increments with
 * probability 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1).
 */

export const LFU_INIT_VAL = 5;

/** A server's lfu-log-factor and lfu-decay-time (held by its ServerMemory, shared by its databases). */
export interface LfuSettings {
  logFactor: number;
  decayTime: number;
}

/** Minutes since the epoch, 16 bits (LFUGetTimeInMinutes). */
export function lfuMinutes(): number {
  return Math.floor(Date.now() / 60000) & 65535;
}

/** The counter after the decay the idle time calls for (LFUDecrAndReturn). */
export function lfuDecrAndReturn(bits: number, decayTime: number): number {
  const ldt = bits >>> 8;
  const counter = bits & 255;
  const now = lfuMinutes();
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = decayTime > 0 ? Math.floor(elapsed / decayTime) : 0;
  return periods > counter ? 0 : counter - periods;
}

/** Logarithmic increment (LFULogIncr). */
export function lfuLogIncr(counter: number, logFactor: number): number {
  if (counter === 255) return 255;
  const base = counter - LFU_INIT_VAL;
  const p = 1 / (Math.max(base, 0) * logFactor + 1);
  return Math.random() < p ? counter + 1 : counter;
}

/** An access (updateLFU): the new 24 clock bits. */
export function lfuTouch(bits: number, lfu: LfuSettings): number {
  return (lfuMinutes() << 8) | lfuLogIncr(lfuDecrAndReturn(bits, lfu.decayTime), lfu.logFactor);
}

/** A new key's clock bits. */
export function lfuInit(): number {
  return (lfuMinutes() << 8) | LFU_INIT_VAL;
}

/**
 * The latency monitor (Redis's latency.c): when `latency-monitor-threshold` is
 * above zero, every event that took at least that many milliseconds is recorded
 * in a per-event ring of 160 samples, one per second at most (a second event in
 * the same second keeps the larger latency), plus the all-time maximum.
 * LATENCY LATEST / HISTORY / RESET read it.
 */

/** Samples kept per event, as Redis's LATENCY_TS_LEN. */
export const LATENCY_TS_LEN = 160;

export interface LatencySample {
  /** Unix time in seconds; 0 marks an unused slot. */
  time: number;
  /** Milliseconds. */
  latency: number;
}

export class LatencySeries {
  /** Next slot to write. */
  idx = 0;
  max = 0;
  readonly samples: LatencySample[] = Array.from({ length: LATENCY_TS_LEN }, () => ({ time: 0, latency: 0 }));

  add(latency: number, now: number): void {
    if (latency > this.max) this.max = latency;
    const prev = this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN] as LatencySample;
    if (prev.time === now) {
      if (latency > prev.latency) prev.latency = latency;
      return;
    }
    const slot = this.samples[this.idx] as LatencySample;
    slot.time = now;
    slot.latency = latency;
    this.idx = (this.idx + 1) % LATENCY_TS_LEN;
  }

  /** The most recent sample. */
  latest(): LatencySample {
    return this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN] as LatencySample;
  }

  /** Used samples, oldest first. */
  history(): LatencySample[] {
    const out: LatencySample[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const s = this.samples[(this.idx + j) % LATENCY_TS_LEN] as LatencySample;
      if (s.time !== 0) out.push(s);
    }
    return out;
  }
}

export class LatencyMonitor {
  /** `latency-monitor-threshold` in milliseconds; 0 disables the monitor. */
  threshold = 0;
  /** Events in the order they were first seen. */
  readonly events = new Map<string, LatencySeries>();

  /** Record `ms` for `event` if the monitor is on and the threshold is reached. */
  addSampleIfNeeded(event: string, ms: number): void {
    if (this.threshold > 0 && ms >= this.threshold) this.addSample(event, ms);
  }

  addSample(event: string, ms: number, now = Math.floor(Date.now() / 1000)): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = new LatencySeries();
      this.events.set(event, series);
    }
    series.add(ms, now);
  }

  /** Forget one event (or all when `event` is undefined); returns how many were dropped. */
  reset(event?: string): number {
    if (event === undefined) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    return this.events.delete(event) ? 1 : 0;
  }
}

/**
 * The latency monitor (Redis's latency.c): when `latency-monitor-threshold` is
 * above zero, every event that took at least that many milliseconds is recorded
 * in a per-event ring of 160 samples, one per second at most (a second event in
 * the same second keeps the larger latency), plus the all-time maximum.
 * LATENCY LATEST / HISTORY / RESET read it. Also the per-command latency
 * histograms of `latency-tracking` (INFO latencystats, LATENCY HISTOGRAM).
 */
import type { Command } from '../commands/registry.js';

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

/** Width of LATENCY GRAPH (Redis's LATENCY_GRAPH_COLS). */
const GRAPH_COLUMNS = 80;
const GRAPH_ROWS = 4;

/**
 * LATENCY GRAPH: Redis's ASCII sparkline of an event's samples (latency.c
 * latencyCommandGenSparkeline + sparkline.c with SPARKLINE_FILL), each column
 * labelled with how long ago the sample was taken.
 */
export function latencyGraph(
  event: string,
  series: LatencySeries,
  now = Math.floor(Date.now() / 1000),
): string {
  const samples = series.history();
  let min = 0;
  let max = 0;
  const values: number[] = [];
  const labels: string[] = [];
  for (const s of samples) {
    if (values.length === 0) min = max = s.latency;
    else {
      if (s.latency > max) max = s.latency;
      if (s.latency < min) min = s.latency;
    }
    const elapsed = now - s.time;
    labels.push(
      elapsed < 60
        ? `${elapsed}s`
        : elapsed < 3600
          ? `${Math.trunc(elapsed / 60)}m`
          : elapsed < 86400
            ? `${Math.trunc(elapsed / 3600)}h`
            : `${Math.trunc(elapsed / 86400)}d`,
    );
    values.push(s.latency);
  }
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${series.max} ms)\n`;
  out += `${'-'.repeat(GRAPH_COLUMNS)}\n`;
  for (let j = 0; j < values.length; j += GRAPH_COLUMNS) {
    if (j !== 0) out += '\n';
    out += sparklineRange(values, labels, min, max, j, Math.min(GRAPH_COLUMNS, values.length - j));
  }
  return out;
}

const CHARSET_FILL = '_o#';

/** sparklineRenderRange with SPARKLINE_FILL: rows of bars, a blank line, then the labels written vertically. */
function sparklineRange(
  values: readonly number[],
  labels: readonly string[],
  min: number,
  max: number,
  offset: number,
  len: number,
): string {
  const charsetLen = CHARSET_FILL.length;
  const steps = charsetLen * GRAPH_ROWS;
  const relmax = max - min === 0 ? 1 : max - min;
  let out = '';
  for (let row = 0; ; row++) {
    let more = false;
    const chars = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      let step = Math.trunc(Math.trunc(((values[j + offset] as number) - min) * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < GRAPH_ROWS) {
        const charidx = step - (GRAPH_ROWS - row - 1) * charsetLen;
        more = true;
        if (charidx >= 0 && charidx < charsetLen) chars[j] = CHARSET_FILL[charidx] as string;
        else if (charidx >= charsetLen) chars[j] = '|';
      } else {
        // One blank line between the graph and the labels.
        if (labels.length > 0 && row - GRAPH_ROWS < 1) {
          more = true;
          break;
        }
        const label = labels[j + offset] as string;
        const at = row - GRAPH_ROWS - 1;
        if (label.length > at) {
          more = true;
          chars[j] = label[at] as string;
        }
      }
    }
    if (!more) return out;
    out += `${chars.join('')}\n`;
  }
}

export class LatencyMonitor {
  /** `latency-monitor-threshold` in milliseconds; 0 disables the monitor. */
  threshold = 0;
  /** Events in the order they were first seen. */
  readonly events = new Map<string, LatencySeries>();
  /** `latency-tracking`: every command's duration goes to its histogram. */
  tracking = true;
  /** Per-command histograms, created at a command's first call (as Redis allocates them). */
  readonly histograms = new Map<Command, LatencyHistogram>();

  /** Record a command's duration (microseconds) in its histogram. */
  recordCommand(cmd: Command, usec: number): void {
    let h = this.histograms.get(cmd);
    if (h === undefined) {
      h = new LatencyHistogram();
      this.histograms.set(cmd, h);
    }
    h.record(usec * 1000);
  }

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

  /**
   * Forget the events named `event` (or all when undefined); returns how many were
   * dropped. Unlike HISTORY and GRAPH, Redis matches the name case-insensitively
   * here (strcasecmp: ASCII letters only).
   */
  reset(event?: string): number {
    if (event === undefined) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    const wanted = asciiLower(event);
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (asciiLower(name) === wanted) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }
}

// ---- per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM) ----

/*
 * Redis records every command's duration in an HdrHistogram tracking 1 ns to 1 s
 * with 2 significant figures (LATENCY_HISTOGRAM_MIN/MAX_VALUE, _PRECISION). The
 * bucket layout below is what hdr_init derives from those three numbers, so the
 * percentiles and buckets Redoubt prints are the ones Redis would print for the
 * same durations.
 */
const HIST_MIN_NS = 1;
const HIST_MAX_NS = 1_000_000_000;
/** log2 of the sub-bucket count (256 sub-buckets: 2 * 10^2 rounded up to a power of 2). */
const SUB_BUCKET_COUNT_MAGNITUDE = 8;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = SUB_BUCKET_COUNT_MAGNITUDE - 1;
const SUB_BUCKET_COUNT = 1 << SUB_BUCKET_COUNT_MAGNITUDE;
const SUB_BUCKET_HALF_COUNT = SUB_BUCKET_COUNT >> 1;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
/** Buckets needed so that 256 << (buckets - 1) exceeds 1 s in ns. */
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

/** 64 - clz64(v) for a non-negative integer below 2^53. */
function bitLength(v: number): number {
  return v >= 2 ** 32 ? 64 - Math.clz32(Math.floor(v / 2 ** 32)) : 32 - Math.clz32(v);
}

function bucketIndex(v: number): number {
  return bitLength(Math.max(v, SUB_BUCKET_MASK)) - SUB_BUCKET_COUNT_MAGNITUDE;
}

function subBucketIndex(v: number, bucket: number): number {
  return Math.floor(v / 2 ** bucket);
}

function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

function lowestEquivalent(v: number): number {
  const bucket = bucketIndex(v);
  return subBucketIndex(v, bucket) * 2 ** bucket;
}

function highestEquivalent(v: number): number {
  const bucket = bucketIndex(v);
  const sub = subBucketIndex(v, bucket);
  const size = 2 ** (sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
  return sub * 2 ** bucket + size - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS_LEN);
  /** Recorded durations (LATENCY HISTOGRAM `calls`). */
  total = 0;

  /** Record one duration in nanoseconds, clamped to the tracked range as Redis does. */
  record(ns: number): void {
    const v = ns < HIST_MIN_NS ? HIST_MIN_NS : ns > HIST_MAX_NS ? HIST_MAX_NS : Math.floor(ns);
    const bucket = bucketIndex(v);
    const index =
      ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucketIndex(v, bucket) - SUB_BUCKET_HALF_COUNT);
    if (index < 0 || index >= COUNTS_LEN) return;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.total++;
  }

  /** hdr_value_at_percentile, in nanoseconds. */
  valueAtPercentile(percentile: number): number {
    const requested = Math.min(percentile, 100);
    let target = Math.trunc((requested / 100) * this.total + 0.5);
    if (target < 1) target = 1;
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i] as number;
      if (seen >= target) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * LATENCY HISTOGRAM's `histogram_usec`: [microseconds, cumulative count] at
   * each power-of-two reporting level from 1024 ns where the count grew — Redis's
   * walk with hdr_iter_log_init(1024, 2), reporting each step's
   * highest equivalent value.
   */
  cumulative(): [usec: number, count: number][] {
    const counts = this.counts;
    const total = this.total;
    const out: [number, number][] = [];
    let index = -1;
    let cumulative = 0;
    let value = 0;
    let highest = 0;
    let level = 1024;
    let levelLowest = lowestEquivalent(level);
    const moveNext = (): boolean => {
      index++;
      if (index >= COUNTS_LEN) return false;
      cumulative += counts[index] as number;
      value = valueAtIndex(index);
      highest = highestEquivalent(value);
      return true;
    };
    const next = (): boolean => {
      if (cumulative >= total && !(index < COUNTS_LEN && valueAtIndex(index + 1) > levelLowest)) return false;
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(level);
          return true;
        }
        if (!moveNext()) return true;
      }
    };
    let previous = 0;
    while (next()) {
      if (cumulative > previous) out.push([Math.floor(highest / 1000), cumulative]);
      previous = cumulative;
    }
    return out;
  }
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32));
}

/**
 * Sampled server metrics, as Redis's serverCron keeps them: instantaneous
 * ops/sec and network kbps (the mean of the last 16 samples taken every 100 ms),
 * and the memory peak. Also the microsecond wall clock that TIME, MONITOR and
 * INFO print.
 */
import type { Server } from './server.js';

/** Samples averaged by an instantaneous metric (Redis's STATS_METRIC_SAMPLES). */
const SAMPLES = 16;

/** One instantaneous metric: a rate per second from successive readings of a counter. */
export class InstantaneousMetric {
  private readonly samples = new Array<number>(SAMPLES).fill(0);
  private idx = 0;
  private lastTime = Date.now();
  private lastReading = 0;

  sample(reading: number, now = Date.now()): void {
    const t = now - this.lastTime;
    // Integer arithmetic as Redis: ops * 1000 / t, truncated.
    this.samples[this.idx] = t > 0 ? Math.trunc(((reading - this.lastReading) * 1000) / t) : 0;
    this.idx = (this.idx + 1) % SAMPLES;
    this.lastTime = now;
    this.lastReading = reading;
  }

  /** The mean of the samples, truncated like Redis's `sum / STATS_METRIC_SAMPLES`. */
  value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return Math.trunc(sum / SAMPLES);
  }
}

/** Bytes read from and written to client sockets since start, closed connections included. */
export function netBytes(server: Server): [input: number, output: number] {
  let input = server.stats.netInputBytes;
  let output = server.stats.netOutputBytes;
  for (const c of server.clients.values()) {
    input += c.socket?.bytesRead ?? 0;
    output += c.socket?.bytesWritten ?? 0;
  }
  return [input, output];
}

/** The metrics the cron samples. */
export class ServerMetrics {
  ops = new InstantaneousMetric();
  netInput = new InstantaneousMetric();
  netOutput = new InstantaneousMetric();
  /** The highest used_memory seen (INFO `used_memory_peak`). */
  peakMemory = 0;

  /** CONFIG RESETSTAT: rates start again from zero counters, the peak from now (Redis's resetServerStats). */
  reset(): void {
    this.ops = new InstantaneousMetric();
    this.netInput = new InstantaneousMetric();
    this.netOutput = new InstantaneousMetric();
    this.peakMemory = 0;
  }

  /** Record a used-memory reading; returns it. */
  trackMemory(used: number): number {
    if (used > this.peakMemory) this.peakMemory = used;
    return used;
  }

  /** One 100 ms sample of every metric (called from the cron). */
  sample(server: Server): void {
    const now = Date.now();
    this.ops.sample(server.stats.commands, now);
    const [input, output] = netBytes(server);
    this.netInput.sample(input, now);
    this.netOutput.sample(output, now);
    this.trackMemory(server.memory.used());
  }
}

/**
 * The wall clock in microseconds. Date.now() has only millisecond resolution, so
 * the sub-millisecond part comes from the monotonic clock, unless the two have
 * drifted apart (clock adjustment), in which case the wall clock wins.
 */
export function nowMicros(): number {
  const ms = Date.now();
  const precise = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return Math.abs(precise - ms * 1000) < 1000 ? precise : ms * 1000;
}

/** `sec.usec` as Redis prints a timeval (`%ld.%06ld`). */
export function formatTimeval(micros: number): string {
  const sec = Math.floor(micros / 1e6);
  return `${sec}.${String(micros - sec * 1e6).padStart(6, '0')}`;
}

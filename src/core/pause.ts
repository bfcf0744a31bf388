/**
 * CLIENT PAUSE: while a pause is active, clients sending a paused command are
 * postponed (their input stays buffered, their socket stops reading) and resumed
 * in arrival order when the pause ends, by timeout or CLIENT UNPAUSE.
 */
import { CMD_WRITE, type Command, flagBit } from '../commands/registry.js';
import type { Client } from './client.js';

const MAY_REPLICATE = flagBit('may_replicate');

export class PauseState {
  private mode: 'all' | 'write' | null = null;
  private until = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiting: Client[] = [];

  get active(): boolean {
    return this.mode !== null;
  }

  /** A new pause never weakens one in force: ALL beats WRITE, the later end wins. */
  pause(mode: 'all' | 'write', until: number): void {
    if (this.mode !== 'all') this.mode = mode;
    if (until > this.until) this.until = until;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.unpause(), Math.max(0, this.until - Date.now()));
  }

  blocks(cmd: Command): boolean {
    if (this.mode === 'all') return true;
    return this.mode === 'write' && (cmd.flags & (CMD_WRITE | MAY_REPLICATE)) !== 0;
  }

  postpone(c: Client): void {
    this.waiting.push(c);
  }

  unpause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.mode = null;
    this.until = 0;
    const waiting = this.waiting.splice(0);
    for (const c of waiting) c.resume();
  }

  /** Stop the timer (server shutdown). */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

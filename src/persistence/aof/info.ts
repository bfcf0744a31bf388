/** INFO persistence's AOF fields, in Redis 7.0's order (genRedisInfoString). */
import type { Aof } from './aof.js';

type Field = [string, string | number];

export function aofInfoFields(aof: Aof): Field[] {
  return [
    ['aof_enabled', aof.state === 'on' ? 1 : 0],
    ['aof_rewrite_in_progress', aof.rewriteInProgress ? 1 : 0],
    ['aof_rewrite_scheduled', aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', aof.lastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', aof.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', aof.rewrites],
    ['aof_rewrites_consecutive_failures', aof.rewriteFailures],
    ['aof_last_write_status', aof.lastWriteOk ? 'ok' : 'err'],
    ['aof_last_cow_size', 0],
  ];
}

/** Shown after module_fork_last_cow_size only while the AOF is on, as Redis. */
export function aofSizeFields(aof: Aof): Field[] {
  if (aof.state !== 'on') return [];
  return [
    ['aof_current_size', aof.currentSize],
    ['aof_base_size', aof.baseSize],
    ['aof_pending_rewrite', aof.rewriteScheduled ? 1 : 0],
    ['aof_buffer_length', aof.pendingBytes],
    ['aof_pending_bio_fsync', 0],
    ['aof_delayed_fsync', 0],
  ];
}

/**
 * BGREWRITEAOF: a new AOF base of the current dataset, with a new incremental
 * file (src/persistence/aof/aof.ts). While a background RDB save runs, the
 * rewrite is scheduled and started by the cron once it ends, as Redis does.
 */
import type { Client } from '../core/client.js';
import { type Reply, StatusReply } from '../protocol/reply.js';
import { AOF_ERR } from './errors.js';
import type { CommandSpec } from './spec.js';

export const aofCommands = [
  {
    name: 'bgrewriteaof',
    group: 'server',
    summary: 'Asynchronously rewrite the append-only file',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    handler: bgrewriteaofCommand,
  },
] as const satisfies readonly CommandSpec[];

const STARTED = new StatusReply('Background append only file rewriting started');
const SCHEDULED = new StatusReply('Background append only file rewriting scheduled');

function bgrewriteaofCommand(c: Client): Reply {
  const aof = c.server.aof;
  if (aof.rewriteInProgress) throw AOF_ERR.rewriteInProgress;
  // Inside EXEC or while another snapshot runs, Redis schedules it for the cron.
  if (c.server.snapshot !== null || c.multi !== null) {
    aof.rewriteScheduled = true;
    return SCHEDULED;
  }
  if (!aof.rewrite()) throw AOF_ERR.rewriteFailed;
  return STARTED;
}

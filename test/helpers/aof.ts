/** AOF test helpers. */
import type { RespConnection } from './resp.js';

/** Wait (bounded) until no AOF rewrite is in progress or scheduled. */
export async function rewriteFinished(c: RespConnection): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const info = (await c.call('INFO', 'persistence')) as string;
    if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0')) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('the AOF rewrite did not finish');
}

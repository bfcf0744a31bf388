/**
 * Keyspace notifications (notify.c): `notify-keyspace-events` selects classes
 * of events (K E g $ l s h z x e t m d n A, src/config/kinds.ts NOTIFY), and
 * each event is published on `__keyspace@<db>__:<key>` (message: the event) and
 * `__keyevent@<db>__:<event>` (message: the key) as an ordinary PUBLISH, so
 * pattern subscribers get it too.
 *
 * Commands report events through `Server.notifyKeyspaceEvent(type, event,
 * key, dbId)`, one call per event at the point Redis makes it, with Redis's
 * event names. That method tests the configured classes first, so with
 * notifications off an event costs one flag test; `publishKeyspaceEvent` below
 * runs only for a selected class. Key creation ("new"), misses ("keymiss") and
 * expiry ("expired") come from the keyspace observer (Server), not commands.
 */
import { NOTIFY } from '../config/kinds.js';
import type { Client } from './client.js';
import type { PubSub } from './pubsub.js';

export { NOTIFY };

/** Publish one event of a selected class: `flags` is notify-keyspace-events. */
export function publishKeyspaceEvent(
  pubsub: PubSub,
  flags: number,
  event: string,
  key: string,
  dbId: number,
): void {
  // Nobody subscribed to any channel or pattern: no channel name to build.
  if (pubsub.channels.size === 0 && pubsub.patterns.size === 0) return;
  if ((flags & NOTIFY.KEYSPACE) !== 0) pubsub.publish(`__keyspace@${dbId}__:${key}`, event, false);
  if ((flags & NOTIFY.KEYEVENT) !== 0) pubsub.publish(`__keyevent@${dbId}__:${event}`, key, false);
}

/** A command's keyspace event on `key` of the client's database (Server.notifyKeyspaceEvent). */
export function keyspaceEvent(c: Client, type: number, event: string, key: string): void {
  c.server.notifyKeyspaceEvent(type, event, key, c.db.id);
}

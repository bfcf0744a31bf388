/**
 * The pub/sub registry, as Redis 7.0's pubsub.c: channels, patterns and shard
 * channels with their subscribers, each client's own subscriptions, delivery of
 * messages and the replies that confirm (un)subscriptions.
 *
 * Delivery is out of band: a message is appended to each subscriber's output
 * (`Client.send`, which schedules a flush), encoded for that subscriber's
 * protocol (`*` in RESP2, `>` push in RESP3). The frames are built once per
 * publication; only the 2-byte aggregate header depends on the subscriber.
 * A subscriber that does not read is cut off by `client-output-buffer-limit
 * pubsub` when its output is flushed (src/net/limits.ts: CLIENT_PUBSUB selects
 * the class).
 *
 * Orders: subscribers of a channel or pattern in subscription order; a
 * client's own channels and patterns in subscription order (Redis iterates its
 * per-client channel dict in hash order, so UNSUBSCRIBE without arguments may
 * list them in another order; the counts are the same).
 *
 * Nothing here runs per command unless someone is subscribed: PUBLISH to a
 * channel nobody listens to costs two Map lookups.
 */
import type { Selector } from '../acl/selector.js';
import { SELECTOR_ALLCHANNELS } from '../acl/selector.js';
import type { User } from '../acl/user.js';
import type { Command } from '../commands/registry.js';
import { RawReply } from '../protocol/reply.js';
import { globMatch } from '../util/glob.js';
import type { Client } from './client.js';

/**
 * Replies of (P|S)(UN)SUBSCRIBE: pre-encoded frames for the client's protocol,
 * sent even under CLIENT REPLY OFF|SKIP (Redis flags them CLIENT_PUSHING).
 */
export class PushFrames extends RawReply {}

/** One client's subscriptions. */
export interface Subscriptions {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly shard: Set<string>;
}

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;

const KIND = {
  subscribe: bulk('subscribe'),
  unsubscribe: bulk('unsubscribe'),
  psubscribe: bulk('psubscribe'),
  punsubscribe: bulk('punsubscribe'),
  ssubscribe: bulk('ssubscribe'),
  sunsubscribe: bulk('sunsubscribe'),
} as const;
export type SubscriptionEvent = keyof typeof KIND;

const MESSAGE = bulk('message');
const SMESSAGE = bulk('smessage');
const PMESSAGE = bulk('pmessage');
/** Aggregate headers by protocol: [RESP2, RESP3]. */
const HEAD3 = ['*3\r\n', '>3\r\n'] as const;
const HEAD4 = ['*4\r\n', '>4\r\n'] as const;

const head3 = (c: Client): string => HEAD3[c.resp === 2 ? 0 : 1];
const head4 = (c: Client): string => HEAD4[c.resp === 2 ? 0 : 1];

/** Commands a RESP2 client may run while subscribed (processCommand's pub/sub context check). */
const ALLOWED_IN_CONTEXT = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

/**
 * May `cmd` run in the RESP2 subscribed context? By the command's own name, so
 * a command renamed by rename-command keeps its right, as Redis compares procs.
 */
export function allowedInPubsubContext(cmd: Command): boolean {
  return cmd.parent === undefined && ALLOWED_IN_CONTEXT.has(cmd.name);
}

/** ACLCheckChannelAgainstList: patterns compared literally (PSUBSCRIBE) or as globs. */
function allowedBy(list: readonly string[], channel: string, literal: boolean): boolean {
  for (const p of list) if (literal ? p === channel : globMatch(p, channel)) return true;
  return false;
}

export class PubSub {
  /** Channel -> its subscribers. */
  readonly channels = new Map<string, Set<Client>>();
  /** Pattern -> its subscribers. */
  readonly patterns = new Map<string, Set<Client>>();
  /** Shard channel -> its subscribers (SSUBSCRIBE; one node, so no slots). */
  readonly shardChannels = new Map<string, Set<Client>>();
  private readonly byClient = new Map<Client, Subscriptions>();

  /** The client's subscriptions, or undefined when it has none. */
  of(c: Client): Subscriptions | undefined {
    return this.byClient.get(c);
  }

  /** Channels + patterns (the count SUBSCRIBE and PSUBSCRIBE confirm). */
  count(c: Client): number {
    const s = this.byClient.get(c);
    return s === undefined ? 0 : s.channels.size + s.patterns.size;
  }

  /** Shard channels (the count SSUBSCRIBE confirms). */
  shardCount(c: Client): number {
    return this.byClient.get(c)?.shard.size ?? 0;
  }

  /** Any subscription of any kind (Redis's clientTotalPubSubSubscriptionCount > 0). */
  isSubscribed(c: Client): boolean {
    return this.byClient.has(c);
  }

  /** Subscriptions over all clients: nothing to check when 0. */
  get empty(): boolean {
    return this.byClient.size === 0;
  }

  private mine(c: Client): Subscriptions {
    let s = this.byClient.get(c);
    if (s === undefined) {
      s = { channels: new Set(), patterns: new Set(), shard: new Set() };
      this.byClient.set(c, s);
    }
    return s;
  }

  private forget(c: Client, s: Subscriptions): void {
    if (s.channels.size === 0 && s.patterns.size === 0 && s.shard.size === 0) this.byClient.delete(c);
  }

  /** Subscribe `c` to a channel (shard: a shard channel); false when it already was. */
  subscribe(c: Client, channel: string, shard: boolean): boolean {
    const s = this.mine(c);
    const own = shard ? s.shard : s.channels;
    if (own.has(channel)) return false;
    own.add(channel);
    addTo(shard ? this.shardChannels : this.channels, channel, c);
    return true;
  }

  /** Unsubscribe `c` from a channel; false when it was not subscribed. */
  unsubscribe(c: Client, channel: string, shard: boolean): boolean {
    const s = this.byClient.get(c);
    if (s === undefined || !(shard ? s.shard : s.channels).delete(channel)) return false;
    removeFrom(shard ? this.shardChannels : this.channels, channel, c);
    this.forget(c, s);
    return true;
  }

  psubscribe(c: Client, pattern: string): boolean {
    const s = this.mine(c);
    if (s.patterns.has(pattern)) return false;
    s.patterns.add(pattern);
    addTo(this.patterns, pattern, c);
    return true;
  }

  punsubscribe(c: Client, pattern: string): boolean {
    const s = this.byClient.get(c);
    if (s === undefined || !s.patterns.delete(pattern)) return false;
    removeFrom(this.patterns, pattern, c);
    this.forget(c, s);
    return true;
  }

  /** Drop every subscription of `c` without confirmations (RESET, disconnection, ACL kill). */
  removeClient(c: Client): void {
    const s = this.byClient.get(c);
    if (s === undefined) return;
    this.byClient.delete(c);
    for (const ch of s.channels) removeFrom(this.channels, ch, c);
    for (const p of s.patterns) removeFrom(this.patterns, p, c);
    for (const ch of s.shard) removeFrom(this.shardChannels, ch, c);
  }

  /**
   * Deliver a message; returns the number of receivers (a client subscribed
   * to the channel and to matching patterns counts once per subscription).
   * Shard channels ignore patterns.
   */
  publish(channel: string, message: string, shard: boolean): number {
    let receivers = 0;
    const subs = (shard ? this.shardChannels : this.channels).get(channel);
    let tail: string | undefined;
    if (subs !== undefined) {
      tail = bulk(channel) + bulk(message);
      const kind = shard ? SMESSAGE : MESSAGE;
      for (const c of subs) {
        c.send(head3(c));
        c.send(kind);
        c.send(tail);
        receivers++;
      }
    }
    if (shard || this.patterns.size === 0) return receivers;
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      tail ??= bulk(channel) + bulk(message);
      const head = PMESSAGE + bulk(pattern);
      for (const c of clients) {
        c.send(head4(c));
        c.send(head);
        c.send(tail);
        receivers++;
      }
    }
    return receivers;
  }

  /**
   * Redis's ACLKillPubsubClientsIfNeeded, the query half: the clients of
   * `user` with a subscription the rules `selectors` (about to replace the
   * user's) no longer allow. A pattern subscription needs the identical
   * pattern among the channel rules; a channel (or shard channel) needs one
   * matching as a glob. The union of every selector's channel rules counts,
   * and a selector with every channel keeps everyone, as in Redis.
   */
  revokedSubscribers(user: User, selectors: readonly Selector[]): Client[] {
    if (this.byClient.size === 0) return [];
    for (const s of selectors) if ((s.flags & SELECTOR_ALLCHANNELS) !== 0) return [];
    const upcoming: string[] = [];
    for (const s of selectors) for (const ch of s.channels) upcoming.push(ch);
    const out: Client[] = [];
    for (const [c, s] of this.byClient) {
      if (c.aclUser !== user) continue;
      let kill = false;
      for (const p of s.patterns) if (!kill && !allowedBy(upcoming, p, true)) kill = true;
      for (const ch of s.channels) if (!kill && !allowedBy(upcoming, ch, false)) kill = true;
      for (const ch of s.shard) if (!kill && !allowedBy(upcoming, ch, false)) kill = true;
      if (kill) out.push(c);
    }
    return out;
  }
}

function addTo(m: Map<string, Set<Client>>, name: string, c: Client): void {
  const set = m.get(name);
  if (set === undefined) m.set(name, new Set([c]));
  else set.add(c);
}

/** The last subscriber gone, the entry goes too (so PUBSUB CHANNELS cannot be grown without bound). */
function removeFrom(m: Map<string, Set<Client>>, name: string, c: Client): void {
  const set = m.get(name);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) m.delete(name);
}

/** A confirmation frame: [event, channel or null, count] for the client's protocol. */
export function subscriptionFrame(
  c: Client,
  event: SubscriptionEvent,
  name: string | null,
  count: number,
): string {
  const channel = name === null ? (c.resp === 2 ? '$-1\r\n' : '_\r\n') : bulk(name);
  return `${head3(c)}${KIND[event]}${channel}:${count}\r\n`;
}

/**
 * Pub/sub commands (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * PUBLISH, the sharded SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, and the PUBSUB
 * container. The registry and message delivery live in src/core/pubsub.ts;
 * the RESP2 subscribed context is enforced by the dispatcher (gate 6), channel
 * permissions by the ACL check (gate 5, acl/check.ts CHANNEL_COMMANDS).
 *
 * (Un)subscription confirmations are the command's reply, pre-encoded for the
 * client's protocol (PushFrames): one frame per channel, as Redis sends them.
 */
import { CLIENT_DENY_BLOCKING, CLIENT_MULTI, CLIENT_PUBSUB, type Client } from '../core/client.js';
import { PushFrames, type SubscriptionEvent, subscriptionFrame } from '../core/pubsub.js';
import type { Reply } from '../protocol/reply.js';
import { globMatch } from '../util/glob.js';
import { subcommandSyntax, subscribeDenyBlocking } from './errors.js';
import { helpReply } from './help.js';
import type { CommandSpec } from './spec.js';

export const pubsubCommands = [
  {
    name: 'subscribe',
    group: 'pubsub',
    summary: 'Listen for messages published to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    args: [{ name: 'channel', type: 'string', flags: ['multiple'] }],
    handler: subscribeCommand,
  },
  {
    name: 'unsubscribe',
    group: 'pubsub',
    summary: 'Stop listening for messages posted to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    args: [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }],
    handler: unsubscribeCommand,
  },
  {
    name: 'psubscribe',
    group: 'pubsub',
    summary: 'Listen for messages published to channels matching the given patterns',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    args: [
      {
        name: 'pattern',
        type: 'block',
        flags: ['multiple'],
        arguments: [{ name: 'pattern', type: 'pattern' }],
      },
    ],
    handler: psubscribeCommand,
  },
  {
    name: 'punsubscribe',
    group: 'pubsub',
    summary: 'Stop listening for messages posted to channels matching the given patterns',
    since: '2.0.0',
    complexity:
      'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    args: [{ name: 'pattern', type: 'pattern', flags: ['optional', 'multiple'] }],
    handler: punsubscribeCommand,
  },
  {
    name: 'publish',
    group: 'pubsub',
    summary: 'Post a message to a channel',
    since: '2.0.0',
    complexity:
      'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    args: [
      { name: 'channel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    handler: (c, argv) => c.server.pubsub.publish(argv[1] as string, argv[2] as string, false),
  },
  {
    name: 'pubsub',
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'channels',
        group: 'pubsub',
        summary: 'List active channels',
        since: '2.8.0',
        complexity:
          'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        args: [{ name: 'pattern', type: 'pattern', flags: ['optional'] }],
        handler: (c, argv) => channelList(c, argv, false),
      },
      {
        name: 'help',
        group: 'pubsub',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        handler: pubsubHelpCommand,
      },
      {
        name: 'numpat',
        group: 'pubsub',
        summary: 'Get the count of unique patterns pattern subscriptions',
        since: '2.8.0',
        complexity: 'O(1)',
        arity: 2,
        flags: ['pubsub', 'loading', 'stale'],
        handler: (c) => c.server.pubsub.patterns.size,
      },
      {
        name: 'numsub',
        group: 'pubsub',
        summary: 'Get the count of subscribers for channels',
        since: '2.8.0',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        args: [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }],
        handler: (c, argv) => numsub(argv, c.server.pubsub.channels),
      },
      {
        name: 'shardchannels',
        group: 'pubsub',
        summary: 'List active shard channels',
        since: '7.0.0',
        complexity:
          'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        args: [{ name: 'pattern', type: 'pattern', flags: ['optional'] }],
        handler: (c, argv) => channelList(c, argv, true),
      },
      {
        name: 'shardnumsub',
        group: 'pubsub',
        summary: 'Get the count of subscribers for shard channels',
        since: '7.0.0',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        args: [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }],
        handler: (c, argv) => numsub(argv, c.server.pubsub.shardChannels),
      },
    ],
  },
  {
    name: 'ssubscribe',
    group: 'pubsub',
    summary: 'Listen for messages published to the given shard channels',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    keySpecs: [{ flags: ['not_key'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'shardchannel', type: 'string', flags: ['multiple'] }],
    handler: ssubscribeCommand,
  },
  {
    name: 'sunsubscribe',
    group: 'pubsub',
    summary: 'Stop listening for messages posted to the given shard channels',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    keySpecs: [{ flags: ['not_key'], begin: { index: 1 }, find: { range: [-1, 1, 0] } }],
    args: [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }],
    handler: sunsubscribeCommand,
  },
  {
    name: 'spublish',
    group: 'pubsub',
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    keySpecs: [{ flags: ['not_key'], begin: { index: 1 }, find: { range: [0, 1, 0] } }],
    args: [
      { name: 'shardchannel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    handler: (c, argv) => c.server.pubsub.publish(argv[1] as string, argv[2] as string, true),
  },
] as const satisfies readonly CommandSpec[];

// ---- subscribing ----

/**
 * SUBSCRIBE and PSUBSCRIBE refuse a client that may not block, except inside
 * EXEC (Redis keeps that for compatibility); SSUBSCRIBE refuses it even there.
 */
function refuseDenyBlocking(c: Client, command: string, evenInMulti: boolean): void {
  if ((c.flags & CLIENT_DENY_BLOCKING) !== 0 && (evenInMulti || (c.flags & CLIENT_MULTI) === 0))
    throw subscribeDenyBlocking(command);
}

function subscribeCommand(c: Client, argv: string[]): Reply {
  refuseDenyBlocking(c, 'SUBSCRIBE', false);
  const ps = c.server.pubsub;
  let out = '';
  for (let j = 1; j < argv.length; j++) {
    const ch = argv[j] as string;
    ps.subscribe(c, ch, false);
    out += subscriptionFrame(c, 'subscribe', ch, ps.count(c));
  }
  c.flags |= CLIENT_PUBSUB;
  return new PushFrames(out);
}

function psubscribeCommand(c: Client, argv: string[]): Reply {
  refuseDenyBlocking(c, 'PSUBSCRIBE', false);
  const ps = c.server.pubsub;
  let out = '';
  for (let j = 1; j < argv.length; j++) {
    const p = argv[j] as string;
    ps.psubscribe(c, p);
    out += subscriptionFrame(c, 'psubscribe', p, ps.count(c));
  }
  c.flags |= CLIENT_PUBSUB;
  return new PushFrames(out);
}

function ssubscribeCommand(c: Client, argv: string[]): Reply {
  // Before the loop: Redis refuses inside EXEC too (its EXEC denies blocking).
  if ((c.flags & (CLIENT_DENY_BLOCKING | CLIENT_MULTI)) !== 0) throw subscribeDenyBlocking('SSUBSCRIBE');
  const ps = c.server.pubsub;
  let out = '';
  for (let j = 1; j < argv.length; j++) {
    const ch = argv[j] as string;
    ps.subscribe(c, ch, true);
    out += subscriptionFrame(c, 'ssubscribe', ch, ps.shardCount(c));
  }
  c.flags |= CLIENT_PUBSUB;
  return new PushFrames(out);
}

// ---- unsubscribing ----

/** Leave the subscribed context once nothing of any kind is left. */
function unsubscribed(c: Client, out: string): Reply {
  if (!c.server.pubsub.isSubscribed(c)) c.flags &= ~CLIENT_PUBSUB;
  return new PushFrames(out);
}

function unsubscribeCommand(c: Client, argv: string[]): Reply {
  return unsubscribeGeneric(c, argv, false);
}

function sunsubscribeCommand(c: Client, argv: string[]): Reply {
  return unsubscribeGeneric(c, argv, true);
}

function unsubscribeGeneric(c: Client, argv: string[], shard: boolean): Reply {
  const ps = c.server.pubsub;
  const event: SubscriptionEvent = shard ? 'sunsubscribe' : 'unsubscribe';
  const count = (): number => (shard ? ps.shardCount(c) : ps.count(c));
  let out = '';
  if (argv.length === 1) {
    const own = ps.of(c);
    const names = own === undefined ? [] : [...(shard ? own.shard : own.channels)];
    for (const ch of names) {
      ps.unsubscribe(c, ch, shard);
      out += subscriptionFrame(c, event, ch, count());
    }
    // Subscribed to nothing: one confirmation with a null channel all the same.
    if (names.length === 0) out += subscriptionFrame(c, event, null, count());
  } else {
    for (let j = 1; j < argv.length; j++) {
      const ch = argv[j] as string;
      ps.unsubscribe(c, ch, shard);
      out += subscriptionFrame(c, event, ch, count());
    }
  }
  return unsubscribed(c, out);
}

function punsubscribeCommand(c: Client, argv: string[]): Reply {
  const ps = c.server.pubsub;
  let out = '';
  if (argv.length === 1) {
    const own = ps.of(c);
    const patterns = own === undefined ? [] : [...own.patterns];
    for (const p of patterns) {
      ps.punsubscribe(c, p);
      out += subscriptionFrame(c, 'punsubscribe', p, ps.count(c));
    }
    if (patterns.length === 0) out += subscriptionFrame(c, 'punsubscribe', null, ps.count(c));
  } else {
    for (let j = 1; j < argv.length; j++) {
      const p = argv[j] as string;
      ps.punsubscribe(c, p);
      out += subscriptionFrame(c, 'punsubscribe', p, ps.count(c));
    }
  }
  return unsubscribed(c, out);
}

// ---- PUBSUB introspection ----

/** PUBSUB CHANNELS|SHARDCHANNELS [pattern]: the active channels (those with a subscriber). */
function channelList(c: Client, argv: string[], shard: boolean): Reply {
  if (argv.length > 3) throw subcommandSyntax(argv[1] as string, 'pubsub');
  const pattern = argv[2];
  const out: string[] = [];
  for (const ch of (shard ? c.server.pubsub.shardChannels : c.server.pubsub.channels).keys()) {
    if (pattern === undefined || globMatch(pattern, ch)) out.push(ch);
  }
  return out;
}

/** PUBSUB NUMSUB|SHARDNUMSUB [channel ...]: channel, subscriber count, ... (pattern subscribers excluded). */
function numsub(argv: string[], channels: ReadonlyMap<string, ReadonlySet<Client>>): Reply {
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const ch = argv[j] as string;
    out.push(ch, channels.get(ch)?.size ?? 0);
  }
  return out;
}

function pubsubHelpCommand(): Reply {
  return helpReply('PUBSUB', [
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)',
  ]);
}

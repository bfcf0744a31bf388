/**
 * Every command group's specs, in one list: the registry builds the command table
 * from it. Adding a group means adding its file here.
 */
import { aclCommands } from './acl.js';
import { aofCommands } from './aof.js';
import { bitmapCommands } from './bitmap.js';
import { commandCommands } from './command.js';
import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { genericCommands } from './generic.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hash.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { listBlockingCommands, listCommands } from './list.js';
import { memoryCommands } from './memory.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { setCommands } from './set.js';
import { sortCommands } from './sort.js';
import { sortedSetBlockingCommands, sortedSetCommands } from './sorted-set.js';
import type { CommandSpec } from './spec.js';
import { streamCommands } from './stream.js';
import { stringCommands } from './string.js';
import { transactionsCommands } from './transactions.js';

export const ALL_COMMANDS: readonly CommandSpec[] = [
  ...connectionCommands,
  ...commandCommands,
  ...genericCommands,
  ...stringCommands,
  ...bitmapCommands,
  ...hashCommands,
  ...listCommands,
  ...setCommands,
  ...sortedSetCommands,
  ...serverCommands,
  ...memoryCommands,
  ...configCommands,
  ...aclCommands,
  ...hyperloglogCommands,
  ...geoCommands,
  ...sortCommands,
  ...transactionsCommands,
  ...listBlockingCommands,
  ...sortedSetBlockingCommands,
  ...pubsubCommands,
  ...streamCommands,
  ...persistenceCommands,
  ...aofCommands,
];

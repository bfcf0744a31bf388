/**
 * Every command group's specs, in one list: the registry builds the command table
 * from it. Adding a group means adding its file here.
 */
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import type { CommandSpec } from './spec.js';

export const ALL_COMMANDS: readonly CommandSpec[] = [...connectionCommands, ...commandCommands];

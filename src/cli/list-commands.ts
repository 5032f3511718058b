import type { Command } from 'commander';

/** A command and all its sub-commands, depth first: what a convention applied to all walks. */
export function listCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(listCommands)];
}

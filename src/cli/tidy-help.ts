import type { Command } from 'commander';
import { listCommands } from './list-commands.js';

/**
 * Commander wraps help to the terminal's width; a description wrapped by hand as well comes
 * out ragged (a line broken at 100 columns, then again at 80). So every command's description
 * is joined into paragraphs here, whoever wrote it, and wrapped once, by Commander. A blank
 * line separates paragraphs; a line that starts with a space, `-` or `*` stays a line.
 */
export function tidyHelp(program: Command): void {
  for (const command of listCommands(program)) {
    const text = command.description();
    if (text) command.description(joinParagraphs(text));
  }
}

export function joinParagraphs(text: string): string {
  return text.replace(/\n(?![\n\s*-])/g, (match, offset: number) =>
    text[offset - 1] === '\n' ? match : ' ',
  );
}

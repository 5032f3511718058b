import type { Command } from 'commander';
import { listCommands } from './list-commands.js';
import { stringify } from 'yaml';
import { CliExit, ExitCode } from './io.js';
import { readJsonPath } from './read-json-path.js';

/**
 * kubectl's `-o/--output` for every command that prints data. A command prints its data
 * once, as JSON, when `--json` is set; `-o json|yaml|name|jsonpath=…` sets `--json` and
 * renders that JSON, so any command that has `--json` (whoever wrote it) gets `-o` for free.
 * `-o wide` is the command's own table with more columns: only where it says it has one.
 */
export type OutputFormat =
  { readonly kind: 'json' | 'yaml' | 'name' } | { readonly kind: 'jsonpath'; readonly path: string };

const hasWide = new WeakSet<Command>();

/** Declares that a command prints a wider table with `-o wide` (it reads `options.output`). */
export function allowWideOutput(command: Command): Command {
  hasWide.add(command);
  return command;
}

/** Adds `-o, --output` to every command with `--json`; to be called once all are registered. */
export function addOutputOptions(program: Command): void {
  for (const command of listCommands(program)) {
    const options = command.options.map((o) => o.long);
    if (!options.includes('--json') || options.includes('--output')) continue;
    const formats = ['json', 'yaml', 'name', 'jsonpath=EXPR', ...(hasWide.has(command) ? ['wide'] : [])];
    command.option('-o, --output <format>', `print ${formats.join(', ')} (json is the scripting contract)`);
  }
}

/**
 * Reads a command's `-o` before it runs: sets `--json` when the format renders JSON and
 * returns that format; undefined for the command's own text (no `-o`, or `-o wide`).
 */
export function takeOutputFormat(command: Command): OutputFormat | undefined {
  const written = command.opts()['output'] as string | undefined;
  if (written === undefined) return undefined;
  if (written === 'wide' && hasWide.has(command)) return undefined;
  const format = parseOutputFormat(written, hasWide.has(command));
  command.setOptionValue('json', true);
  return format;
}

function parseOutputFormat(written: string, isWideKnown: boolean): OutputFormat {
  if (written === 'json' || written === 'yaml' || written === 'name') return { kind: written };
  const jsonPath = /^jsonpath=(.+)$/.exec(written);
  if (jsonPath?.[1]) return { kind: 'jsonpath', path: jsonPath[1] };
  const choices = `json, yaml, name, jsonpath=EXPR${isWideKnown ? ', wide' : ''}`;
  throw new CliExit(ExitCode.usage, `-o ${written}: unknown output format; use one of ${choices}`);
}

/** The JSON a command printed, in the format asked for. Text that is not JSON passes unchanged. */
export function renderOutput(format: OutputFormat, printed: string): string {
  if (printed.trim() === '') return printed;
  let data: unknown;
  try {
    data = JSON.parse(printed);
  } catch {
    return printed;
  }
  switch (format.kind) {
    case 'json':
      return printed;
    case 'yaml':
      return stringify(data, { lineWidth: 0 });
    case 'name':
      return listItems(data)
        .map((item) => `${nameOf(item)}\n`)
        .join('');
    case 'jsonpath':
      return readJsonPath(data, format.path)
        .map((value) => `${typeof value === 'string' ? value : JSON.stringify(value)}\n`)
        .join('');
  }
}

/** A page `{items}` or a list gives its items; anything else is one item. */
function listItems(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [data];
}

function nameOf(item: unknown): string {
  if (item === null || typeof item !== 'object') return String(item);
  const record = item as Record<string, unknown>;
  for (const key of ['id', 'name', 'file', 'scope', 'key', 'site']) {
    if (typeof record[key] === 'string' || typeof record[key] === 'number') return String(record[key]);
  }
  return JSON.stringify(item);
}

import { Command, CommanderError } from 'commander';
import { CliExit, ExitCode, type CliIo } from './io.js';
import { registerCommands } from './commands/index.js';
import { tidyHelp } from './tidy-help.js';
import { addOutputOptions, renderOutput, takeOutputFormat, type OutputFormat } from './output-format.js';

/**
 * Runs the `usine` command line in-process and returns its exit code. The binary
 * (main.ts) and the tests both call this, so what the tests see is what users get.
 */
export async function runCli(argv: readonly string[], given: CliIo): Promise<number> {
  // `-o yaml` and its kind render the JSON a command prints: hold stdout until it is done
  let format: OutputFormat | undefined;
  const held: string[] = [];
  const io: CliIo = {
    ...given,
    stdout: (text) => (format ? void held.push(text) : given.stdout(text)),
    ...(argv.includes('-') ? { stdinText: await given.readStdin() } : {}),
  };
  const program = new Command('usine')
    .description(
      'Usine, the control plane of an AI factory: describe a workload once; Usine places it on the site of ' +
        'the federation that satisfies its sovereignty rules, says why, runs it and meters it.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 error (invalid input), 2 usage, 3 nothing feasible or not found.\n' +
        'Run `usine help COMMAND` for a command’s options and examples.',
    );
  let exitCode: number = ExitCode.ok;
  registerCommands(program, io, (code) => {
    exitCode = Math.max(exitCode, code);
  });
  addOutputOptions(program);
  tidyHelp(program);
  program.hook('preAction', (_program, command) => {
    format = takeOutputFormat(command);
  });
  for (const cmd of program.commands)
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    // `usine help tenants create` as `usine tenants create --help` (Commander's help takes one name)
    const args = argv[0] === 'help' && argv.length > 2 ? [...argv.slice(1), '--help'] : argv;
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportFailure(error, io);
  } finally {
    if (format) given.stdout(renderOutput(format, held.join('')));
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CliExit) {
    io.stderr(`usine: ${error.message}\n`);
    return error.code;
  }
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  // An unexpected failure is a bug of ours: say so plainly, without a stack trace.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`usine: internal error: ${message}\n(set USINE_DEBUG=1 for details)\n`);
  if (io.env['USINE_DEBUG']) io.stderr(`${error instanceof Error ? error.stack : ''}\n`);
  return ExitCode.error;
}

const VERSION = '0.1.0';

/** Where a command writes: data on stdout, diagnostics and progress on stderr (kubectl's manners). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal: colours, tables and progress bars only then. */
  readonly isTty: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The instant "now" for commands that need one; injected so tests are deterministic. */
  readonly now: () => Date;
  /** Standard input, read to its end: what `-` names where a command reads a file. */
  readonly readStdin: () => Promise<string>;
  /** Standard input as read by runCli before the command, when an argument is `-`. */
  readonly stdinText?: string;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM): long-running commands wait on it. */
  readonly waitForShutdown: () => Promise<string>;
}

/** Documented exit codes: 0 ok, 1 error, 2 usage, 3 nothing feasible / not found. */
export const ExitCode = { ok: 0, error: 1, usage: 2, notFound: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by a command to stop with a message and an exit code, never a stack trace. */
export class CliExit extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

import { CliExit, ExitCode, type CliIo } from './io.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** `--at 2026-11-27T10:00:00Z` (or a date) → Date; absent → the injected now. */
export function parseInstant(text: string | undefined, io: CliIo): Date {
  if (text === undefined) return io.now();
  const ms = RFC3339.test(text) ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CliExit(
      ExitCode.usage,
      `--at ${text}: must be an RFC 3339 instant such as 2026-11-27T10:00:00Z`,
    );
  }
  return new Date(ms);
}

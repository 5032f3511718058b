import type { ReconnectOptions } from '../sdk/reconnect.js';
import type { CliIo } from './io.js';

/** A followed stream that drops says so on stderr and is taken up again where it stopped. */
export function reconnectNotice(io: CliIo): ReconnectOptions {
  return {
    onRetry: (problem, delayMs) =>
      io.stderr(`usine: connection lost (${problem}); reconnecting in ${(delayMs / 1000).toFixed(2)} s\n`),
  };
}

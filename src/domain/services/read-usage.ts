/** Token counts an OpenAI-style answer reports in its `usage` (chat and text completions). */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** The usage of a JSON answer; undefined when it has none (an error, another API). */
export function readJsonUsage(text: string): TokenUsage | undefined {
  try {
    return toUsage((JSON.parse(text) as { usage?: unknown } | null)?.usage);
  } catch {
    return undefined;
  }
}

/**
 * Reads a streamed (SSE) answer as it passes, chunk by chunk, for its usage: the chunk that
 * carries `usage` (with `stream_options.include_usage`, the last before `[DONE]`). Lines are
 * cut wherever the chunks are; only `data:` lines that mention usage are parsed.
 */
export class SseUsageScanner {
  private rest = '';
  private found: TokenUsage | undefined;

  push(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.readLine(line);
  }

  /** The usage seen, once the stream ended. */
  finish(): TokenUsage | undefined {
    if (this.rest !== '') this.readLine(this.rest);
    this.rest = '';
    return this.found;
  }

  private readLine(line: string): void {
    if (!line.startsWith('data:') || !line.includes('"usage"')) return;
    const payload = line.slice(5).trim();
    try {
      const usage = toUsage((JSON.parse(payload) as { usage?: unknown } | null)?.usage);
      if (usage) this.found = usage;
    } catch {
      // not JSON: not a usage chunk
    }
  }
}

function toUsage(value: unknown): TokenUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion } = value as Record<string, unknown>;
  if (!isCount(prompt) || !(isCount(completion) || completion === undefined)) return undefined;
  return { promptTokens: prompt, completionTokens: completion ?? 0 };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

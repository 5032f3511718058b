import { describe, expect, it } from 'vitest';
import { askForStreamUsage } from '../../src/domain/services/ask-for-usage.js';
import { readJsonUsage, SseUsageScanner } from '../../src/domain/services/read-usage.js';

const sse = [
  'data: {"choices":[{"delta":{"content":"a"}}]}\n\n',
  'data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}\n\n',
  'data: [DONE]\n\n',
].join('');

describe('reading token usage from answers', () => {
  it('reads the usage of a JSON answer, and nothing from one without', () => {
    expect(readJsonUsage('{"usage":{"prompt_tokens":3,"completion_tokens":5}}')).toEqual({
      promptTokens: 3,
      completionTokens: 5,
    });
    expect(readJsonUsage('{"error":{"message":"x"}}')).toBeUndefined();
    expect(readJsonUsage('{"usage":{"prompt_tokens":-1,"completion_tokens":5}}')).toBeUndefined();
    expect(readJsonUsage('not json')).toBeUndefined();
  });

  it('finds the usage chunk of a stream whatever the cuts between chunks', () => {
    for (let cut = 1; cut < sse.length; cut += 7) {
      const scanner = new SseUsageScanner();
      scanner.push(sse.slice(0, cut));
      scanner.push(sse.slice(cut));
      expect(scanner.finish()).toEqual({ promptTokens: 12, completionTokens: 7 });
    }
    const none = new SseUsageScanner();
    none.push('data: {"choices":[]}\n\ndata: [DONE]\n\n');
    expect(none.finish()).toBeUndefined();
  });

  it('asks a streamed request for its usage, and leaves the others as they are', () => {
    expect(JSON.parse(askForStreamUsage('{"stream":true,"model":"m"}') ?? '')).toEqual({
      stream: true,
      model: 'm',
      stream_options: { include_usage: true },
    });
    expect(askForStreamUsage('{"stream":true,"stream_options":{"include_usage":true}}')).toBeUndefined();
    expect(askForStreamUsage('{"model":"m"}')).toBeUndefined();
    expect(askForStreamUsage('[1]')).toBeUndefined();
  });
});

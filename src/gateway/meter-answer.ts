import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { readJsonUsage, SseUsageScanner, type TokenUsage } from '../domain/services/read-usage.js';

/** A JSON answer larger than this is passed on unread: it is no completion's usage. */
const JSON_LIMIT = 8 * 1024 * 1024;

/**
 * The answer's bytes, passed on unchanged and at once, read on the way for the token usage the
 * replica reported (the usage chunk of a stream, the `usage` of a JSON answer); `onEnd` is told
 * it when the answer ended (undefined: it reported none, or it was cut).
 */
export function meterAnswer(
  headers: IncomingHttpHeaders,
  body: Readable,
  onEnd: (usage: TokenUsage | undefined) => void,
): Readable {
  const decoder = new StringDecoder('utf8');
  const sse = String(headers['content-type'] ?? '').includes('text/event-stream')
    ? new SseUsageScanner()
    : undefined;
  let json = '';
  let tooBig = false;
  const read = (text: string) => {
    if (sse) sse.push(text);
    else if (!tooBig) {
      json += text;
      if (json.length > JSON_LIMIT) {
        tooBig = true;
        json = '';
      }
    }
  };
  const through = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read(decoder.write(chunk));
      callback(null, chunk);
    },
    flush(callback) {
      read(decoder.end());
      onEnd(sse ? sse.finish() : tooBig ? undefined : readJsonUsage(json));
      callback();
    },
  });
  body.once('error', (error) => through.destroy(error));
  return body.pipe(through);
}

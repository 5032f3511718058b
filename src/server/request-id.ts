import { randomUUID } from 'node:crypto';

// what a proxy or a client would send: a UUID, a trace id, a short token; nothing to inject into logs
const SOUND_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request: the caller's `X-Request-Id` when it is a sound token (so one id follows
 * a request through proxies and our logs), else a new UUID. Answered in `X-Request-Id`.
 */
export function readRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SOUND_REQUEST_ID.test(value) ? value : randomUUID();
}

import { UsineError } from '../errors.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request's Idempotency-Key, or a 400 saying how to send one. */
export function requireIdempotencyKey(key: string | undefined): string {
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    throw new UsineError(
      'USINE_IDEMPOTENCY_KEY_REQUIRED',
      'send an Idempotency-Key header (1–200 visible ASCII characters, e.g. a UUID) so a retry never submits twice',
    );
  }
  return key;
}

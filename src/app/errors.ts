/**
 * Every failure the API can answer, in one registry: code → HTTP status → title.
 * docs/errors.md lists them all (a test checks it). Expected outcomes of the domain
 * (a job that does not fit) are not errors: they are reason codes on the job.
 */
export const ERROR_CODES = {
  USINE_INVALID_REQUEST: { status: 400, title: 'The request is malformed' },
  USINE_IDEMPOTENCY_KEY_REQUIRED: { status: 400, title: 'An Idempotency-Key header is required' },
  USINE_UNAUTHENTICATED: { status: 401, title: 'A valid API key is required' },
  USINE_BUDGET_SPENT: { status: 402, title: 'The budget that pays for this is spent' },
  USINE_FORBIDDEN: { status: 403, title: 'This key may not do that' },
  USINE_NOT_FOUND: { status: 404, title: 'No such resource' },
  USINE_REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  USINE_CONFLICT: { status: 409, title: 'The resource is not in a state that allows this' },
  USINE_KEY_LIMIT: { status: 409, title: 'The tenant holds as many keys as it may' },
  USINE_JOB_PRUNED: { status: 410, title: 'Retention took this job’s events and logs' },
  USINE_PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  USINE_URI_TOO_LONG: { status: 414, title: 'A path parameter is too long' },
  USINE_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  USINE_INVALID_SPEC: { status: 422, title: 'The spec is invalid' },
  USINE_INVALID_TEXT: { status: 422, title: 'A text holds a NUL character or a lone surrogate' },
  USINE_IDEMPOTENCY_CONFLICT: { status: 422, title: 'The Idempotency-Key was used with another body' },
  USINE_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  USINE_HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  USINE_INTERNAL: { status: 500, title: 'Internal error' },
  USINE_BAD_GATEWAY: { status: 502, title: 'A replica of the service failed before answering' },
  USINE_NOT_READY: { status: 503, title: 'The server is not ready' },
  USINE_SERVICE_UNAVAILABLE: { status: 503, title: 'The service has no ready replica' },
  USINE_AUDIT_CHAIN_BROKEN: { status: 503, title: 'The audit chain is broken: writes are refused' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A field at fault: its path, and where it was written when the body was a file. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
}

/** A failure with a stable code; the server turns it into application/problem+json. */
export class UsineError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(detail);
    this.status = ERROR_CODES[code].status;
  }
}

/** A request refused for one field: `path: message`, with the field named for a client to show. */
export function invalidField(path: string, message: string): UsineError {
  return new UsineError('USINE_INVALID_REQUEST', `${path}: ${message}`, [{ path, message }]);
}

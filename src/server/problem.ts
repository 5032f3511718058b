import { ERROR_CODES, UsineError, type ErrorCode } from '../app/errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: { path: string; message: string; line?: number; col?: number }[];
}

/** Any failure → RFC 9457 problem details. Unknown failures say nothing of their insides. */
export function toProblem(error: unknown, instance: string): ProblemBody {
  const known = asUsineError(error);
  const code = known?.code ?? 'USINE_INTERNAL';
  const body: ProblemBody = {
    type: `https://usine.dev/errors#${code}`,
    title: ERROR_CODES[code].title,
    status: ERROR_CODES[code].status,
    detail: known?.message ?? 'an unexpected error occurred; it has been logged',
    code,
    instance,
  };
  if (known && known.errors.length > 0) body.errors = known.errors.map((e) => ({ ...e }));
  return body;
}

/** Our errors, and Fastify's own (body too large, bad JSON, bad content type) mapped to codes. */
function asUsineError(error: unknown): UsineError | undefined {
  if (error instanceof UsineError) return error;
  const fastify = error as { code?: string; statusCode?: number; message?: string };
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new UsineError('USINE_PAYLOAD_TOO_LARGE', 'the body is over the limit of 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UsineError('USINE_UNSUPPORTED_MEDIA_TYPE', 'send application/json or application/yaml');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new UsineError('USINE_INVALID_REQUEST', fastify.message ?? 'the body is not valid JSON');
    default:
      if (fastify.statusCode === 404) return new UsineError('USINE_NOT_FOUND', 'no such route');
      if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
        return new UsineError('USINE_INVALID_REQUEST', fastify.message ?? 'bad request');
      }
      return undefined;
  }
}

import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { UsineError } from '../app/errors.js';
import { checkSchema } from '../domain/documents/check-schema.js';

/** The raw body text (every content type is kept as text; see build-server). */
export function readBodyText(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}

/** A small JSON body (tenant, key) checked against its schema; 400 with field paths otherwise. */
export function parseJsonBody<T extends TSchema>(request: FastifyRequest, schema: T): Static<T> {
  let value: unknown;
  try {
    value = JSON.parse(readBodyText(request) || 'null');
  } catch {
    throw new UsineError('USINE_INVALID_REQUEST', 'the body is not valid JSON');
  }
  // the validator's own sentences, with the field path; never a library's jargon
  const problems = checkSchema(schema, {
    file: 'body',
    index: 0,
    value,
    locate: () => ({ line: 1, col: 1 }),
  });
  if (problems.length > 0) {
    const fields = problems.map((d) => ({ path: d.path || '(body)', message: d.message }));
    throw new UsineError(
      'USINE_INVALID_REQUEST',
      `the body is invalid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return value as Static<T>;
}

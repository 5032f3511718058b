import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { UsineError } from '../app/errors.js';
import { formatFieldPath, parseJsonPointer } from '../domain/documents/field-path.js';

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
  const errors = [...Value.Errors(schema, value)];
  if (errors.length > 0) {
    const fields = errors.map((e) => ({
      path: formatFieldPath(parseJsonPointer(e.instancePath)) || '(body)',
      message: e.message,
    }));
    throw new UsineError(
      'USINE_INVALID_REQUEST',
      `the body is invalid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return value as Static<T>;
}

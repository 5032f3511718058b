import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { UsineError, type FieldError } from '../app/errors.js';
import { checkSchema } from '../domain/documents/check-schema.js';
import { formatFieldPath } from '../domain/documents/field-path.js';
import { findUnsafeText } from '../domain/documents/unsafe-text.js';

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
  return checkValue(schema, value, 'body');
}

/**
 * A value of a request (its body, path or query) checked against its schema: 400 with every
 * field at fault, in the validator's own sentences; 422 when a string could not be stored
 * (NUL, lone surrogate), even where the schema allows any string.
 */
export function checkValue<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  const unsafe: FieldError[] = [...findUnsafeText(value)].map((u) => ({
    path: formatFieldPath(u.path) || `(${what})`,
    message: u.message,
  }));
  if (unsafe.length > 0) throw invalid('USINE_INVALID_TEXT', what, unsafe);
  const problems = checkSchema(schema, { file: what, index: 0, value, locate: () => ({ line: 1, col: 1 }) });
  if (problems.length > 0) {
    throw invalid(
      'USINE_INVALID_REQUEST',
      what,
      problems.map((d) => ({ path: d.path || `(${what})`, message: d.message })),
    );
  }
  return value as Static<T>;
}

function invalid(code: 'USINE_INVALID_TEXT' | 'USINE_INVALID_REQUEST', what: string, fields: FieldError[]) {
  return new UsineError(
    code,
    `the ${what} is invalid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    fields,
  );
}

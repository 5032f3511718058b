import type { FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { checkValue } from './parse-body.js';
import type { RouteSpec } from './route-spec.js';

const ANY_PARAMS = Type.Record(Type.String(), Type.String());

/**
 * The URL of a request checked before any handler sees it: path parameters must be text that
 * can be stored (a `%00` is a 422, not a database error), the query must match the route's
 * schema (`limit=abc`, a repeated `label`: 400 naming it). The query is
 * replaced by its typed value (`limit` a number).
 */
export function checkRequestUrl(request: FastifyRequest, route: RouteSpec): void {
  checkValue(ANY_PARAMS, request.params ?? {}, 'path');
  const schema: TSchema = route.query ?? Type.Object({});
  const query = Value.Convert(schema, { ...(request.query as object) });
  request.query = checkValue(schema, query, 'query');
}

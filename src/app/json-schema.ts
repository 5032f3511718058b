import type { TSchema } from 'typebox';
import {
  ExchangeRatesDocument,
  PolicyDocument,
  ProviderDocument,
  SiteDocument,
} from '../domain/catalog/schema.js';
import { DEFAULT_WORKLOAD, WorkloadDocument } from '../domain/spec/schema.js';
import { ScenarioDocument } from '../sim/scenario-schema.js';
import { DOCUMENT_KINDS } from './document-kinds.js';

export const JSON_SCHEMA_PATH = 'schema/usine-v1.json';

const SCHEMAS: Record<(typeof DOCUMENT_KINDS)[number], TSchema> = {
  Job: WorkloadDocument,
  Service: WorkloadDocument,
  Provider: ProviderDocument,
  Site: SiteDocument,
  ExchangeRates: ExchangeRatesDocument,
  Policy: PolicyDocument,
  Scenario: ScenarioDocument,
};

/** One kind's JSON Schema, as published (plain JSON, with that kind's defaults). */
export function buildKindSchema(kind: string): Record<string, unknown> {
  const schema = SCHEMAS[kind as (typeof DOCUMENT_KINDS)[number]] as TSchema | undefined;
  if (!schema) throw new RangeError(`no document kind ${kind}`);
  return withKindDefaults(kind, toPlainJson(schema)) as Record<string, unknown>;
}

/**
 * One JSON Schema for every `usine/v1` document, chosen by `kind`, for editors (the YAML
 * language server) and other tools. Generated from the very schemas the validator uses.
 */
export function buildJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://usine.dev/schema/usine-v1.json',
    title: 'Usine usine/v1 documents',
    description:
      'Job and Service specs, the catalog kinds Provider, Site, ExchangeRates, Policy, and simulation Scenarios.',
    type: 'object',
    required: ['apiVersion', 'kind'],
    properties: {
      apiVersion: { const: 'usine/v1' },
      kind: { enum: DOCUMENT_KINDS },
    },
    allOf: DOCUMENT_KINDS.map((kind) => ({
      if: { properties: { kind: { const: kind } }, required: ['kind'] },
      then: buildKindSchema(kind),
    })),
  };
}

/** A Job's and a Service's `spec.workload` default differ: each kind's schema says its own. */
function withKindDefaults(kind: string, schema: unknown): unknown {
  if (kind !== 'Job' && kind !== 'Service') return schema;
  const workload = (schema as { properties: { spec: { properties: { workload: Record<string, unknown> } } } })
    .properties.spec.properties.workload;
  workload['default'] = DEFAULT_WORKLOAD[kind];
  return schema;
}

/** The schema as plain JSON (TypeBox adds no symbols we need in a file). */
function toPlainJson(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}

/**
 * Every kind of `usine/v1` document, in the order the JSON Schema lists them. A module of its
 * own so that the CLI can name them without loading the schemas (`json-schema.ts` checks it
 * has a schema for each).
 */
export const DOCUMENT_KINDS = [
  'Job',
  'Service',
  'Provider',
  'Site',
  'ExchangeRates',
  'Policy',
  'Scenario',
] as const;

import Type from 'typebox';
import { MONEY_HINT, MONEY_PATTERN } from '../money/money.js';
import { DURATION_HINT } from '../time/duration.js';
import { ERROR_MESSAGE } from './check-schema.js';

/** Field types shared by every kind of document (spec, catalog, policy, scenario). */

export const API_VERSION = 'usine/v1';

export const ApiVersion = Type.Literal(API_VERSION, {
  [ERROR_MESSAGE]: `must be ${API_VERSION}`,
  description: 'The version of the Usine document format.',
});

/** Names of jobs, sites, providers, projects: DNS labels, like Kubernetes names. */
export const Name = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  [ERROR_MESSAGE]: 'must be a name of lower-case letters, digits and dashes (at most 63), such as paris-1',
});

export const Duration = Type.String({
  pattern: '^(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?$',
  [ERROR_MESSAGE]: DURATION_HINT,
  description: 'A duration: 90m, 6h, 1h30m, 2d.',
});

export const MoneyText = Type.String({
  pattern: MONEY_PATTERN,
  [ERROR_MESSAGE]: MONEY_HINT,
  description: 'An amount and its ISO 4217 currency: "3.50 EUR".',
});

/** An ISO date (`2027-06-30`), as certification expiries and evidence dates are written. */
export const DateText = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  [ERROR_MESSAGE]: 'must be a date written YYYY-MM-DD',
});

export const CountryCode = Type.String({
  pattern: '^[A-Z]{2}$',
  [ERROR_MESSAGE]: 'must be an ISO 3166 alpha-2 country code in capitals, such as FR or DE',
});

/** `FR | EU | EEA | any` or a list of ISO 3166 alpha-2 codes. */
export const RegionText = Type.Union(
  [
    Type.String({ pattern: '^(EU|EEA|any|[A-Z]{2})$' }),
    Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1, uniqueItems: true }),
  ],
  { [ERROR_MESSAGE]: 'must be EU, EEA, any, an ISO country code (FR) or a list of them ([FR, DE])' },
);

export const GpuModel = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$',
  [ERROR_MESSAGE]: 'must be a GPU model short name such as H100, A100 or MI300X',
});

export const Labels = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9]([-A-Za-z0-9_./]{0,61}[A-Za-z0-9])?$' }),
  Type.String({
    maxLength: 253,
    [ERROR_MESSAGE]: 'label values must be strings: quote numbers and booleans',
  }),
);

/** An object that rejects unknown fields (each one reported with a suggestion). */
export function Closed<T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}

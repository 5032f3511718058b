import Type, { type Static } from 'typebox';
import { ERROR_MESSAGE } from '../documents/check-schema.js';
import { Closed, Name } from '../documents/fields.js';

/** GPUs by model, as quotas are written: `{ H100: 16 }`. */
export const GpusByModel = Type.Record(
  Type.String(),
  Type.Integer({ minimum: 0, [ERROR_MESSAGE]: 'must be a whole number of GPUs, at least 0' }),
  { description: 'GPUs by model: { H100: 40000 }.' },
);

/**
 * One tenant's share of a site, in the words of a Site's `tenants` and a Scenario's: a nominal
 * quota by GPU model in a cohort, how much more it may borrow, and its fair-share weight.
 */
export const TenantEntry = Closed(
  {
    name: Name,
    cohort: Type.Optional(Name),
    weight: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'Fair-share weight; 1 by default.' }),
    ),
    quota: GpusByModel,
    borrowingLimit: Type.Optional(GpusByModel),
  },
  'A tenant: nominal quota by model in a cohort, and how much more it may borrow.',
);

export type TenantEntry = Static<typeof TenantEntry>;

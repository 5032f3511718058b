import { describe, expect, it } from 'vitest';
import { buildTenantQuotas } from '../../src/domain/scheduling/tenant-quotas.js';

describe('tenant quotas from a site’s configuration', () => {
  it('gives every tenant weight 1 and no quota limit on a site without configuration', () => {
    expect(buildTenantQuotas(undefined, ['lab', 'clinic', 'lab'], ['H100'])).toEqual([
      {
        name: 'lab',
        cohort: 'default',
        weight: 1,
        nominalMilli: [Infinity],
        borrowingLimitMilli: [Infinity],
      },
      {
        name: 'clinic',
        cohort: 'default',
        weight: 1,
        nominalMilli: [Infinity],
        borrowingLimitMilli: [Infinity],
      },
    ]);
  });

  it('gives listed tenants their quota in milli-GPU, and unlisted ones none (borrowing only)', () => {
    const configured = [
      {
        name: 'lab',
        cohort: 'main',
        weight: 2,
        quota: new Map([['H100', 8]]),
        borrowingLimit: new Map([['H100', 4]]),
      },
    ];
    expect(buildTenantQuotas(configured, ['guest', 'lab'], ['H100', 'A100'])).toEqual([
      {
        name: 'lab',
        cohort: 'main',
        weight: 2,
        nominalMilli: [8000, 0],
        borrowingLimitMilli: [4000, Infinity],
      },
      {
        name: 'guest',
        cohort: 'default',
        weight: 1,
        nominalMilli: [0, 0],
        borrowingLimitMilli: [Infinity, Infinity],
      },
    ]);
  });
});

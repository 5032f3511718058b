import Type, { type Static } from 'typebox';
import { ERROR_MESSAGE } from '../domain/documents/check-schema.js';
import { ApiVersion, Closed, Duration, GpuModel, Name } from '../domain/documents/fields.js';
import { TenantEntry } from '../domain/catalog/tenant-entry.js';
import { POLICY_NAMES } from '../domain/scheduling/packing-policies.js';
import { PRIORITY_NAMES } from '../domain/scheduling/site-job.js';

/** The `usine/v1` `Scenario` document: a site, its tenants and a workload to simulate (docs/scenario.md). */

const Share = Type.Number({ minimum: 0, [ERROR_MESSAGE]: 'must be a share, a number ≥ 0' });

export const ClusterEntry = Closed(
  {
    gpuModel: GpuModel,
    nodes: Type.Integer({ minimum: 1, [ERROR_MESSAGE]: 'must be a whole number of nodes, at least 1' }),
    gpusPerNode: Type.Integer({
      minimum: 1,
      maximum: 64,
      [ERROR_MESSAGE]: 'must be a whole number from 1 to 64',
    }),
    cpusPerNode: Type.Number({ exclusiveMinimum: 0 }),
    memoryGiBPerNode: Type.Number({ exclusiveMinimum: 0 }),
  },
  'Nodes of one GPU model.',
);

export const Runtimes = Type.Union(
  [
    Closed({
      file: Type.Literal('philly', { [ERROR_MESSAGE]: 'must be philly (the built-in Philly distribution)' }),
    }),
    Closed({ fixed: Duration }),
  ],
  { [ERROR_MESSAGE]: 'must be { file: philly } or { fixed: 1h }' },
);

export const Workload = Closed(
  {
    jobs: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      [ERROR_MESSAGE]: 'must be a whole number from 1 to 10,000,000',
    }),
    targetLoad: Type.Number({
      exclusiveMinimum: 0,
      maximum: 10,
      [ERROR_MESSAGE]: 'must be a number above 0, such as 0.9',
    }),
    gpusPerJob: Type.Record(Type.String(), Share, { minProperties: 1 }),
    runtimes: Runtimes,
    estimateError: Type.Optional(
      Type.Number({ minimum: 0, maximum: 0.99, [ERROR_MESSAGE]: 'must be from 0 to 0.99' }),
    ),
    tenantShare: Type.Optional(Type.Record(Type.String(), Share)),
    priorityShare: Type.Optional(Type.Record(Type.String(), Share)),
    preemptibleShare: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, [ERROR_MESSAGE]: 'must be from 0 to 1' }),
    ),
  },
  'The jobs to simulate.',
);

export const ScenarioDocument = Closed({
  apiVersion: ApiVersion,
  kind: Type.Literal('Scenario', { [ERROR_MESSAGE]: 'must be Scenario' }),
  metadata: Closed({ name: Name }),
  spec: Closed({
    seed: Type.Integer({
      minimum: 0,
      maximum: 4294967295,
      [ERROR_MESSAGE]: 'must be a whole number from 0 to 4294967295',
    }),
    cluster: Type.Array(ClusterEntry, { minItems: 1 }),
    tenants: Type.Array(TenantEntry, { minItems: 1 }),
    workload: Workload,
    policy: Type.Optional(Type.Enum(POLICY_NAMES)),
  }),
});
export type ScenarioDocument = Static<typeof ScenarioDocument>;

export const PRIORITY_KEYS: readonly string[] = PRIORITY_NAMES;

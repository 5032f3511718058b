import Type, { type Static } from 'typebox';
import { ERROR_MESSAGE } from '../documents/check-schema.js';
import {
  ApiVersion,
  Closed,
  Duration,
  GpuModel,
  Labels,
  MoneyText,
  Name,
  RegionText,
} from '../documents/fields.js';
import { ServiceFields } from './service-schema.js';

/** The portable workload spec, `usine/v1` `Job` and `Service`: the contract with users (DESIGN.md). */

export const WORKLOADS = ['train', 'finetune', 'inference', 'serve', 'dev'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export const CLASSIFICATIONS = ['public', 'internal', 'personal', 'health', 'restricted'] as const;
export const OBJECTIVES = ['cost', 'time', 'carbon'] as const;

export const GPU_COUNT_HINT = 'must be a positive integer or a fraction below 1';

export const Resources = Closed(
  {
    gpus: Type.Number({
      exclusiveMinimum: 0,
      [ERROR_MESSAGE]: GPU_COUNT_HINT,
      description: 'Whole GPUs per node, or a fraction below 1 (0.25) of one GPU with nodes: 1.',
    }),
    gpuModels: Type.Optional(
      Type.Array(GpuModel, { minItems: 1, description: 'Acceptable GPU models; any when omitted.' }),
    ),
    gpuMemoryGiB: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Minimum memory per GPU.' })),
    nodes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 4096,
        [ERROR_MESSAGE]: 'must be a whole number of nodes, at least 1',
        description: 'Nodes, all or nothing (gang).',
      }),
    ),
    cpus: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'CPUs per node.' })),
    memoryGiB: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Memory per node in GiB.' })),
  },
  'What one job needs, per node.',
);

export const DataRules = Closed({
  classification: Type.Optional(
    Type.Enum(CLASSIFICATIONS, { description: 'Implies constraints: personal, health and restricted data.' }),
  ),
  residency: Type.Optional(RegionText),
});

export const PlacementRules = Closed({
  jurisdiction: Type.Optional(RegionText),
  certifications: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { description: 'Every one required.' }),
  ),
  sites: Type.Optional(
    Type.Array(Name, { minItems: 1, description: 'Allow-list of sites; all when omitted.' }),
  ),
  prefer: Type.Optional(
    Type.Array(Name, {
      minItems: 1,
      description: 'Hybrid: these first, others only when they cannot take it.',
    }),
  ),
  maxPricePerGpuHour: Type.Optional(MoneyText),
  objective: Type.Optional(Type.Enum(OBJECTIVES)),
  maxWait: Type.Optional(Duration),
});

export const WorkloadBody = Closed({
  workload: Type.Optional(
    Type.Enum(WORKLOADS, {
      description: 'What the job does; train for a Job and serve for a Service when omitted.',
    }),
  ),
  command: Type.Optional(
    Type.Array(Type.String(), { minItems: 1, description: 'The program and its arguments.' }),
  ),
  image: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  env: Type.Optional(
    Type.Record(
      Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
      Type.String({ [ERROR_MESSAGE]: 'environment values must be strings: quote numbers and booleans' }),
    ),
  ),
  resources: Resources,
  duration: Type.Optional(Duration),
  maxDuration: Type.Optional(Duration),
  priority: Type.Optional(Type.Enum(PRIORITIES)),
  preemptible: Type.Optional(Type.Boolean()),
  data: Type.Optional(DataRules),
  placement: Type.Optional(PlacementRules),
  ...ServiceFields,
});

export const WorkloadMetadata = Closed({
  name: Name,
  project: Type.Optional(Name),
  labels: Type.Optional(Labels),
  model: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'The model this workload trains, fine-tunes or serves: the AI Act compute report groups by it.',
    }),
  ),
});

export const WorkloadDocument = Closed(
  {
    apiVersion: ApiVersion,
    kind: Type.Enum(['Job', 'Service']),
    metadata: WorkloadMetadata,
    spec: WorkloadBody,
  },
  'A Usine workload: a Job runs to completion, a Service runs until stopped.',
);

export type WorkloadDocument = Static<typeof WorkloadDocument>;
export type Classification = (typeof CLASSIFICATIONS)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Objective = (typeof OBJECTIVES)[number];
export type Workload = (typeof WORKLOADS)[number];

/** The workload of a spec that names none: a Job trains, a Service serves. */
export const DEFAULT_WORKLOAD = { Job: 'train', Service: 'serve' } as const satisfies Record<
  'Job' | 'Service',
  Workload
>;

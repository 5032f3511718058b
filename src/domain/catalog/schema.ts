import Type, { type Static } from 'typebox';
import { ERROR_MESSAGE } from '../documents/check-schema.js';
import {
  ApiVersion,
  Closed,
  CountryCode,
  DateText,
  Duration,
  GpuModel,
  Labels,
  MoneyText,
  Name,
  RegionText,
} from '../documents/fields.js';
import { OBJECTIVES } from '../spec/schema.js';
import { TenantEntry } from './tenant-entry.js';

/** The federation catalog: `Provider`, `Site`, `ExchangeRates` and `Policy` documents (DESIGN.md). */

export const CATALOG_KINDS = ['Provider', 'Site', 'ExchangeRates', 'Policy'] as const;
export const CRITERIA = [
  'infrastructure',
  'partners',
  'exit',
  'compliance',
  'scalability',
  'pricing',
] as const;
export const OFFERING_KINDS = ['on-demand', 'committed', 'spot'] as const;
export const BACKEND_TYPES = ['local', 'slurm', 'peer', 'simulated'] as const;

const Metadata = Closed({ name: Name, labels: Type.Optional(Labels) });
const Text = Type.String({ minLength: 1, maxLength: 4000 });
const Strings = Type.Array(Type.String({ minLength: 1, maxLength: 200 }));
const Url = Type.String({ pattern: '^https?://\\S+$', [ERROR_MESSAGE]: 'must be an http(s) URL' });

/** Every answer of the due-diligence dossier: what the provider says, the proof, and when. */
const answer = <T extends Parameters<typeof Type.Object>[0]>(extra: T) =>
  Closed({
    answer: Text,
    evidence: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }))),
    asOf: DateText,
    ...extra,
  });

export const Dossier = Closed(
  {
    infrastructure: Type.Optional(
      answer({ locations: Type.Optional(Strings), redundancy: Type.Optional(Type.String()) }),
    ),
    partners: Type.Optional(
      answer({ operator: Type.Optional(Type.String()), subcontractors: Type.Optional(Strings) }),
    ),
    exit: Type.Optional(
      answer({
        exportFormats: Type.Optional(Strings),
        egressFree: Type.Optional(Type.Boolean()),
        standardApis: Type.Optional(Strings),
        noticeDays: Type.Optional(Type.Integer({ minimum: 0 })),
      }),
    ),
    compliance: Type.Optional(
      answer({
        gdpr: Type.Optional(Type.Boolean()),
        aiAct: Type.Optional(Type.Boolean()),
        certifications: Type.Optional(Strings),
      }),
    ),
    scalability: Type.Optional(
      answer({ gpuGenerations: Type.Optional(Strings), onDemand: Type.Optional(Type.Boolean()) }),
    ),
    pricing: Type.Optional(
      answer({
        models: Type.Optional(Strings),
        exitClauses: Type.Optional(Type.String()),
        slaCredits: Type.Optional(Type.Boolean()),
      }),
    ),
  },
  'The six questions of the buyer’s due-diligence checklist, each with evidence and a date.',
);

export const ProviderDocument = Closed({
  apiVersion: ApiVersion,
  kind: Type.Literal('Provider'),
  metadata: Metadata,
  spec: Closed({
    legalName: Type.String({ minLength: 1, maxLength: 200 }),
    jurisdiction: CountryCode,
    parents: Type.Optional(
      Type.Array(Closed({ name: Type.String({ minLength: 1 }), jurisdiction: CountryCode })),
    ),
    website: Type.Optional(Url),
    dossier: Type.Optional(Dossier),
  }),
});

export const Certification = Closed({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  issuer: Type.Optional(Type.String()),
  expires: Type.Optional(DateText),
  evidence: Type.Optional(Type.String()),
});

export const CapacityRow = Closed({
  gpuModel: GpuModel,
  gpuMemoryGiB: Type.Number({ exclusiveMinimum: 0 }),
  gpusPerNode: Type.Integer({ minimum: 1, maximum: 64 }),
  nodes: Type.Integer({ minimum: 1 }),
  boardPowerW: Type.Number({ exclusiveMinimum: 0 }),
  cpusPerNode: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  memoryGiBPerNode: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
});

export const Offering = Closed({
  gpuModel: GpuModel,
  kind: Type.Enum(OFFERING_KINDS),
  pricePerGpuHour: MoneyText,
  minimumSeconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Billing minimum per job.' })),
});

export const Backend = Closed({
  type: Type.Enum(BACKEND_TYPES),
  url: Type.Optional(Url),
  partition: Type.Optional(Type.String({ minLength: 1 })),
  tokenFile: Type.Optional(Type.String({ minLength: 1 })),
  user: Type.Optional(Type.String({ minLength: 1 })),
  workDir: Type.Optional(Type.String({ minLength: 1 })),
  completionFile: Type.Optional(
    Type.String({ minLength: 1, description: "slurm: the jobcomp/filetxt file (slurm.conf's JobCompLoc)" }),
  ),
  timeScale: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'simulated: clock speed-up' })),
});

export const SiteDocument = Closed({
  apiVersion: ApiVersion,
  kind: Type.Literal('Site'),
  metadata: Metadata,
  spec: Closed({
    provider: Name,
    location: Closed({
      country: CountryCode,
      city: Type.Optional(Type.String()),
      region: Type.Optional(Type.String()),
    }),
    certifications: Type.Optional(Type.Array(Certification)),
    sla: Type.Optional(
      Closed({
        availabilityPercent: Type.Number({ minimum: 0, maximum: 100 }),
        credits: Type.Optional(Type.String()),
      }),
    ),
    pue: Type.Number({
      minimum: 1,
      maximum: 3,
      [ERROR_MESSAGE]: 'must be a power usage effectiveness between 1 and 3',
    }),
    gridCarbonGPerKWh: Type.Optional(Type.Number({ minimum: 0, maximum: 2000 })),
    backend: Backend,
    capacity: Type.Array(CapacityRow, { minItems: 1 }),
    offerings: Type.Array(Offering, { minItems: 1 }),
    egressPerGiB: Type.Optional(MoneyText),
    tenants: Type.Optional(
      Type.Array(TenantEntry, {
        description:
          'How the site is shared: nominal quotas by GPU model in cohorts, borrowing limits, fair-share weights. A tenant not listed has no quota here; without the list, every tenant has equal weight and no quota limit.',
      }),
    ),
  }),
});

export const ExchangeRatesDocument = Closed({
  apiVersion: ApiVersion,
  kind: Type.Literal('ExchangeRates'),
  metadata: Metadata,
  spec: Closed({
    base: Type.String({
      pattern: '^[A-Z]{3}$',
      [ERROR_MESSAGE]: 'must be an ISO 4217 currency code such as EUR',
    }),
    asOf: Type.Optional(DateText),
    rates: Type.Record(
      Type.String({ pattern: '^[A-Z]{3}$' }),
      Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?$' })], {
        [ERROR_MESSAGE]: 'must be a positive rate: units of this currency for one unit of the base',
      }),
    ),
  }),
});

export const Weights = Closed(
  Object.fromEntries(
    CRITERIA.map((c) => [c, Type.Optional(Type.Number({ minimum: 0, maximum: 100 }))]),
  ) as Record<(typeof CRITERIA)[number], ReturnType<typeof Type.Optional<ReturnType<typeof Type.Number>>>>,
);

export const PolicyDocument = Closed({
  apiVersion: ApiVersion,
  kind: Type.Literal('Policy'),
  metadata: Metadata,
  spec: Closed({
    residency: Type.Optional(RegionText),
    jurisdiction: Type.Optional(RegionText),
    certifications: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }))),
    sites: Type.Optional(Type.Array(Name, { minItems: 1 })),
    maxPricePerGpuHour: Type.Optional(MoneyText),
    prefer: Type.Optional(Type.Array(Name)),
    maxWaitForPreferred: Type.Optional(Duration),
    currency: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{3}$',
        [ERROR_MESSAGE]: 'must be an ISO 4217 currency code such as EUR',
      }),
    ),
    objective: Type.Optional(Type.Enum(OBJECTIVES)),
    weights: Type.Optional(Weights),
  }),
});

export type ProviderDocument = Static<typeof ProviderDocument>;
export type SiteDocument = Static<typeof SiteDocument>;
export type ExchangeRatesDocument = Static<typeof ExchangeRatesDocument>;
export type PolicyDocument = Static<typeof PolicyDocument>;
export type DossierDocument = Static<typeof Dossier>;
export type Criterion = (typeof CRITERIA)[number];
export type OfferingKind = (typeof OFFERING_KINDS)[number];
export type BackendType = (typeof BACKEND_TYPES)[number];

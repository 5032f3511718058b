import fc from 'fast-check';
import type { Catalog, Provider, Site, TenantPolicy } from '../../src/domain/catalog/catalog.js';
import { CRITERIA, type Criterion } from '../../src/domain/catalog/schema.js';
import { ANY_REGION, type Region } from '../../src/domain/geo/region.js';
import type { Money } from '../../src/domain/money/money.js';
import type { SiteLoad } from '../../src/domain/placement/site-load.js';
import type { JobSpec } from '../../src/domain/spec/job-spec.js';

/** Small random federations, policies and jobs: few enough values that rules collide often. */
const COUNTRIES = ['FR', 'DE', 'FI', 'SE', 'US', 'CH'];
const MODELS = ['H100', 'H200', 'L4'];
const MEMORY: Record<string, number[]> = { H100: [80, 94], H200: [141], L4: [24] };
const CERTS = ['HDS', 'SecNumCloud', 'ISO27001'];
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'USD', 'CHF'];
/** The instant the properties decide at; expiries fall on either side of it. */
export const DECISION_AT = new Date('2026-11-27T12:00:00Z');

const region: fc.Arbitrary<Region> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(ANY_REGION) },
  {
    weight: 2,
    arbitrary: fc
      .subarray(COUNTRIES, { minLength: 1 })
      .map((countries): Region => ({ kind: 'countries', countries: [...countries].sort() })),
  },
);

/** Usually nothing, sometimes a value: keeps enough jobs feasible for the ranking to matter. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const fewCerts = fc.oneof(
  { weight: 5, arbitrary: fc.constant<string[]>([]) },
  { weight: 1, arbitrary: fc.subarray(CERTS, { maxLength: 2 }) },
);

const money: fc.Arbitrary<Money> = fc
  .record({ cents: fc.integer({ min: 0, max: 900 }), currency: fc.constantFrom(...CURRENCIES) })
  .map(({ cents, currency }) => ({ amount: { coefficient: BigInt(cents), scale: 2 }, currency }));

const provider = (name: string): fc.Arbitrary<Provider> =>
  fc
    .record({
      jurisdiction: fc.constantFrom('FR', 'NL', 'LU', 'FR', 'US'),
      parents: fc.array(fc.constantFrom('FR', 'NL', 'US'), { maxLength: 1 }),
    })
    .map(({ jurisdiction, parents }) => ({
      name,
      legalName: `${name} SAS`,
      jurisdiction,
      parents: parents.map((j, i) => ({ name: `${name} parent ${i}`, jurisdiction: j })),
      website: undefined,
      dossier: {},
    }));

const site = (name: string, providers: number): fc.Arbitrary<Site> =>
  fc
    .record({
      provider: fc.integer({ min: 0, max: providers - 1 }),
      country: fc.constantFrom(...COUNTRIES),
      certifications: fc.uniqueArray(
        fc.record({
          name: fc.constantFrom(...CERTS),
          expires: fc.option(fc.constantFrom('2026-11-26', '2026-11-27', '2027-06-30'), { nil: undefined }),
        }),
        { selector: (c) => c.name, maxLength: 3 },
      ),
      pue: fc.constantFrom(1.1, 1.3, 1.58),
      gridCarbonGPerKWh: fc.option(fc.constantFrom(20, 44), { nil: undefined }),
      capacity: fc.uniqueArray(
        fc.record({
          gpuModel: fc.constantFrom(...MODELS),
          gpusPerNode: fc.constantFrom(1, 2, 4, 8),
          nodes: fc.integer({ min: 1, max: 3 }),
          boardPowerW: fc.constantFrom(72, 350, 700),
          cpusPerNode: fc.option(fc.constantFrom(16, 64, 128), { nil: undefined }),
          memoryIndex: fc.integer({ min: 0, max: 1 }),
        }),
        {
          selector: (r) => `${r.gpuModel}/${r.memoryIndex % (MEMORY[r.gpuModel]?.length ?? 1)}`,
          minLength: 1,
          maxLength: 3,
        },
      ),
      offerings: fc.array(
        fc.record({
          model: fc.integer({ min: 0, max: 2 }),
          kind: fc.constantFrom('on-demand', 'committed', 'spot'),
          price: money,
          // A billing minimum makes costs of equal prices differ: ranking must still be exact.
          minimumSeconds: rarely(fc.constantFrom(3_600, 86_400, 2_592_000)),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map((s): Site => {
      const capacity = s.capacity.map((r) => {
        const sizes = MEMORY[r.gpuModel] ?? [80];
        return {
          gpuModel: r.gpuModel,
          gpuMemoryGiB: sizes[r.memoryIndex % sizes.length] ?? 80,
          gpusPerNode: r.gpusPerNode,
          nodes: r.nodes,
          boardPowerW: r.boardPowerW,
          cpusPerNode: r.cpusPerNode,
          memoryGiBPerNode: undefined,
        };
      });
      const models = [...new Set(capacity.map((r) => r.gpuModel))];
      return {
        name,
        provider: `p${s.provider}`,
        country: s.country,
        city: undefined,
        region: undefined,
        certifications: s.certifications.map((c) => ({ ...c, issuer: undefined })),
        availabilityPercent: undefined,
        pue: s.pue,
        gridCarbonGPerKWh: s.gridCarbonGPerKWh,
        backend: {
          type: 'simulated',
          url: undefined,
          partition: undefined,
          tokenFile: undefined,
          user: undefined,
          workDir: undefined,
          completionFile: undefined,
          timeScale: undefined,
        },
        capacity,
        offerings: s.offerings.map((o) => ({
          // Offerings name a model the site has (the catalog reader checks it); case varies on purpose.
          gpuModel:
            o.model === 2 ? (models[0] ?? 'H100').toLowerCase() : (models[o.model % models.length] ?? 'H100'),
          kind: o.kind as 'on-demand' | 'committed' | 'spot',
          pricePerGpuHour: o.price,
          minimumSeconds: o.minimumSeconds,
        })),
        egressPerGiB: undefined,
      };
    });

/** 1–4 sites of 1–3 providers, with or without USD rates (CHF never has one). */
export const arbitraryCatalog: fc.Arbitrary<Catalog> = fc
  .record({
    providers: fc.integer({ min: 1, max: 3 }),
    sites: fc.integer({ min: 1, max: 4 }),
    hasUsd: fc.constantFrom(true, true, true, false),
  })
  .chain(({ providers, sites, hasUsd }) =>
    fc.record({
      providers: fc.tuple(...Array.from({ length: providers }, (_, i) => provider(`p${i}`))),
      sites: fc.tuple(...Array.from({ length: sites }, (_, i) => site(`s${i}`, providers))),
      hasUsd: fc.constant(hasUsd),
    }),
  )
  .map(({ providers, sites, hasUsd }) => ({
    providers,
    sites,
    exchangeRates: {
      name: 'test',
      base: 'EUR',
      asOf: undefined,
      rates: new Map(hasUsd ? [['USD', { coefficient: 11403n, scale: 4 }]] : []),
    },
    policies: [],
  }));

const SITE_NAMES = ['s0', 's1', 's2', 's3'];
const weights = Object.fromEntries(CRITERIA.map((c) => [c, 1])) as Record<Criterion, number>;

export const arbitraryPolicy: fc.Arbitrary<TenantPolicy | undefined> = fc.option(
  fc
    .record({
      residency: rarely(region),
      jurisdiction: rarely(region),
      certifications: fewCerts,
      sites: rarely(fc.subarray(SITE_NAMES)),
      maxPricePerGpuHour: rarely(money),
      prefer: fc.subarray(SITE_NAMES, { maxLength: 2 }),
      maxWaitForPreferred: fc.constantFrom(0, 600, 3600),
      currency: fc.constantFrom('EUR', 'USD'),
      objective: fc.option(
        fc.constantFrom('cost', 'time', 'carbon') as fc.Arbitrary<'cost' | 'time' | 'carbon'>,
        {
          nil: undefined,
        },
      ),
    })
    .map((p): TenantPolicy => ({ name: 'tenant', ...p, weights })),
  { nil: undefined },
);

export const arbitraryJob: fc.Arbitrary<JobSpec> = fc
  .record({
    gpus: fc.constantFrom(0.25, 0.5, 1, 1, 2, 4, 8),
    nodes: fc.constantFrom(1, 1, 1, 2, 3),
    gpuModels: fc.subarray([...MODELS, 'h100'], { maxLength: 2 }),
    gpuMemoryGiB: rarely(fc.constantFrom(24, 80, 94, 141)),
    cpus: rarely(fc.constantFrom(8, 64, 100)),
    duration: fc.constantFrom(300, 3_600, 21_600, 172_800),
    preemptible: fc.boolean(),
    residency: region,
    jurisdiction: fc.oneof(
      { weight: 2, arbitrary: fc.constant(ANY_REGION) },
      { weight: 1, arbitrary: region },
    ),
    certifications: fewCerts,
    sites: rarely(fc.subarray(SITE_NAMES)),
    prefer: fc.subarray(SITE_NAMES, { maxLength: 2 }),
    maxWait: fc.option(fc.constantFrom(60, 1_800, 7_200), { nil: undefined }),
    caps: fc.oneof(
      { weight: 2, arbitrary: fc.constant<Money[]>([]) },
      { weight: 1, arbitrary: fc.array(money, { maxLength: 2 }) },
    ),
    objective: fc.option(
      fc.constantFrom('cost', 'time', 'carbon') as fc.Arbitrary<'cost' | 'time' | 'carbon'>,
      {
        nil: undefined,
      },
    ),
  })
  .map((j): JobSpec => {
    const nodes = j.gpus < 1 ? 1 : j.nodes;
    return {
      kind: 'Job',
      name: 'job',
      project: undefined,
      labels: {},
      workload: 'train',
      command: [],
      image: undefined,
      env: {},
      resources: {
        gpus: j.gpus,
        milliGpus: Math.round(j.gpus * 1000),
        gpuModels: j.gpuModels,
        gpuMemoryGiB: j.gpuMemoryGiB,
        nodes,
        cpus: j.cpus,
        memoryGiB: undefined,
      },
      duration: j.duration,
      isDurationAssumed: false,
      maxDuration: undefined,
      priority: 'normal',
      preemptible: j.preemptible,
      classification: 'internal',
      constraints: {
        residency: j.residency,
        jurisdiction: j.jurisdiction,
        certifications: j.certifications,
        sites: j.sites,
        prefer: j.prefer,
        maxPricesPerGpuHour: j.caps,
        objective: j.objective ?? 'cost',
        maxWait: j.maxWait,
        isObjectiveAssumed: j.objective === undefined,
        origins: [],
      },
    };
  });

/** Live load for some sites: free GPUs per node by model, and a wait when the job does not fit. */
export const arbitraryLoad: fc.Arbitrary<ReadonlyMap<string, SiteLoad> | undefined> = fc.option(
  fc
    .dictionary(
      fc.constantFrom(...SITE_NAMES),
      fc.record({
        freeGpusPerNode: fc.dictionary(
          fc.constantFrom(...MODELS),
          fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
        ),
        estimatedWaitSeconds: fc.constantFrom(60, 1_200, 7_200),
        claimedShare: fc.constantFrom(0, 0.25, 0.5),
      }),
    )
    .map((d) => new Map(Object.entries(d))),
  { nil: undefined },
);

/** One random placement problem: a catalog, a job, a tenant policy and a live load. */
export const arbitraryCase = fc.record({
  catalog: arbitraryCatalog,
  job: arbitraryJob,
  policy: arbitraryPolicy,
  load: arbitraryLoad,
});

// Placement benchmark: a 10,000-offering federation built by replicating the real price rows of
// shared/data/providers/providers.yaml across synthetic sites, and random jobs (seeded). Prints
// p50/p99 per decision; the last line is one JSON object. A decision (placeJob) makes the choice,
// the full ranking and every rejected site's codes; the other options' objects and the sentences
// are built when read, so the same jobs are also timed through the whole `--json` view
// (toPlacementView: every option, rejection and sentence), reported as viewP50Ms/viewP99Ms.
// Env: USINE_SHARED (default ../shared), BENCH_DECISIONS (default 2000), BENCH_SEED (default 42).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type {
  CapacityRow,
  Catalog,
  Provider,
  Site,
  SiteOffering,
  TenantPolicy,
} from '../src/domain/catalog/catalog.js';
import { CRITERIA, type Criterion, type OfferingKind } from '../src/domain/catalog/schema.js';
import { EU_MEMBERS } from '../src/domain/geo/countries.js';
import { ANY_REGION, expandRegion, type Region } from '../src/domain/geo/region.js';
import { parseDecimal } from '../src/domain/money/decimal.js';
import type { Money } from '../src/domain/money/money.js';
import { placeJob } from '../src/domain/placement/place-job.js';
import { toPlacementView } from '../src/domain/placement/placement-view.js';
import { prepareCatalog } from '../src/domain/placement/prepare-catalog.js';
import { createSeededRandom, drawIndex, type Random } from '../src/domain/random.js';
import type { JobSpec } from '../src/domain/spec/job-spec.js';

const OFFERINGS = 10_000;
const OFFERINGS_PER_SITE = 10;
const MODELS = ['GH200', 'H100', 'H200', 'B200', 'B300', 'A100', 'L40S', 'L4', 'MI250X'];
/** Board power by model (W), as in shared/data/providers/gpu_power.yaml, rounded. */
const POWER: Record<string, number> = {
  GH200: 900,
  H100: 700,
  H200: 700,
  B200: 1000,
  B300: 1100,
  A100: 400,
  L40S: 350,
  L4: 72,
  MI250X: 560,
};
const MEMORY: Record<string, number> = {
  GH200: 96,
  H100: 80,
  H200: 141,
  B200: 180,
  B300: 288,
  A100: 80,
  L40S: 48,
  L4: 24,
  MI250X: 128,
};
const COUNTRIES = [...EU_MEMBERS, 'US', 'CH', 'NO', 'GB'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env['USINE_SHARED'] ?? resolve(root, '../shared');
const pricesFile = join(shared, 'data/providers/providers.yaml');
if (!existsSync(pricesFile)) {
  console.log(
    `bench:placement: the provider price rows are not here (${pricesFile}); set USINE_SHARED to the shared folder. Nothing to do.`,
  );
  console.log(JSON.stringify({ skipped: true, reason: 'providers.yaml not found', pricesFile }));
  process.exit(0);
}

interface PriceRow {
  readonly model: string;
  readonly gpusPerNode: number;
  readonly kind: OfferingKind;
  readonly price: Money;
}

/** The rows with a numeric price per GPU-hour and a recognisable GPU model. */
function readPriceRows(file: string): PriceRow[] {
  const doc = parse(readFileSync(file, 'utf8')) as { offerings?: Record<string, unknown>[] };
  const rows: PriceRow[] = [];
  for (const o of doc.offerings ?? []) {
    const model = MODELS.find((m) => new RegExp(`\\b${m}\\b`).test(String(o['gpu_model'] ?? '')));
    const amount =
      typeof o['price_per_gpu_hour'] === 'number' ? parseDecimal(String(o['price_per_gpu_hour'])) : undefined;
    const currency = o['currency'];
    if (!model || !amount || (currency !== 'EUR' && currency !== 'USD')) continue;
    const kindText = String(o['pricing_kind'] ?? '');
    const kind: OfferingKind = kindText.includes('spot')
      ? 'spot'
      : kindText.includes('commit') || kindText.includes('reserved')
        ? 'committed'
        : 'on-demand';
    const gpus = typeof o['gpus'] === 'number' && o['gpus'] >= 1 ? Math.min(64, o['gpus']) : 8;
    rows.push({ model, gpusPerNode: gpus, kind, price: { amount, currency } });
  }
  return rows;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[drawIndex(random, items.length)] as T;

function buildCatalog(rows: readonly PriceRow[], random: Random): Catalog {
  const providers: Provider[] = Array.from({ length: 50 }, (_, i) => ({
    name: `provider-${i}`,
    legalName: `Provider ${i} SA`,
    jurisdiction: pick(random, ['FR', 'DE', 'NL', 'FI', 'LU', 'US']),
    parents:
      random.next() < 0.3 ? [{ name: `Holding ${i}`, jurisdiction: pick(random, ['FR', 'US', 'NL']) }] : [],
    website: undefined,
    dossier: {},
  }));
  const sites: Site[] = [];
  for (let s = 0; s < OFFERINGS / OFFERINGS_PER_SITE; s++) {
    const chosen = Array.from({ length: OFFERINGS_PER_SITE }, () => pick(random, rows));
    const capacity = new Map<string, CapacityRow>();
    for (const row of chosen) {
      if (capacity.has(row.model)) continue;
      capacity.set(row.model, {
        gpuModel: row.model,
        gpuMemoryGiB: MEMORY[row.model] ?? 80,
        gpusPerNode: row.gpusPerNode,
        nodes: 1 + drawIndex(random, 16),
        boardPowerW: POWER[row.model] ?? 700,
        cpusPerNode: 128,
        memoryGiBPerNode: 1024,
      });
    }
    const offerings: SiteOffering[] = chosen.map((row) => ({
      gpuModel: row.model,
      kind: row.kind,
      pricePerGpuHour: row.price,
      minimumSeconds: undefined,
    }));
    sites.push({
      name: `site-${s}`,
      provider: `provider-${drawIndex(random, providers.length)}`,
      country: pick(random, COUNTRIES),
      city: undefined,
      region: undefined,
      certifications: [
        ...(random.next() < 0.3
          ? [
              {
                name: 'HDS',
                issuer: undefined,
                expires: pick(random, ['2026-01-31', '2027-12-31', undefined]),
              },
            ]
          : []),
        ...(random.next() < 0.1 ? [{ name: 'SecNumCloud', issuer: 'ANSSI', expires: '2028-03-24' }] : []),
        ...(random.next() < 0.6 ? [{ name: 'ISO27001', issuer: undefined, expires: undefined }] : []),
      ],
      availabilityPercent: undefined,
      pue: pick(random, [1.1, 1.2, 1.3, 1.5]),
      gridCarbonGPerKWh: random.next() < 0.2 ? 20 + drawIndex(random, 400) : undefined,
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
      capacity: [...capacity.values()],
      offerings,
      egressPerGiB: undefined,
    });
  }
  const rates = new Map([['USD', parseDecimal('1.1403') ?? { coefficient: 11403n, scale: 4 }]]);
  return {
    providers,
    sites,
    exchangeRates: { name: 'ecb-2026-09-25', base: 'EUR', asOf: undefined, rates },
    policies: [],
  };
}

const REGIONS: Region[] = [
  ANY_REGION,
  expandRegion('EU') as Region,
  expandRegion('EEA') as Region,
  expandRegion('FR') as Region,
  expandRegion(['FR', 'DE', 'FI']) as Region,
];

function drawJob(random: Random): JobSpec {
  const gpus = pick(random, [0.25, 1, 1, 2, 4, 8]);
  const nodes = gpus < 1 ? 1 : pick(random, [1, 1, 1, 2, 4]);
  const models =
    random.next() < 0.2 ? [] : [pick(random, MODELS), ...(random.next() < 0.4 ? [pick(random, MODELS)] : [])];
  const cap =
    random.next() < 0.4
      ? [
          {
            amount: parseDecimal(pick(random, ['2.50', '3.50', '5'])) ?? { coefficient: 5n, scale: 0 },
            currency: pick(random, ['EUR', 'USD']),
          },
        ]
      : [];
  const objective = pick(random, ['cost', 'cost', 'time', 'carbon'] as const);
  return {
    kind: 'Job',
    name: 'bench',
    project: undefined,
    labels: {},
    workload: 'train',
    command: [],
    image: undefined,
    env: {},
    resources: {
      gpus,
      milliGpus: Math.round(gpus * 1000),
      gpuModels: models,
      gpuMemoryGiB: random.next() < 0.3 ? 80 : undefined,
      nodes,
      cpus: undefined,
      memoryGiB: undefined,
    },
    duration: pick(random, [600, 3_600, 6 * 3_600, 48 * 3_600]),
    isDurationAssumed: false,
    maxDuration: undefined,
    priority: 'normal',
    preemptible: random.next() < 0.5,
    classification: 'internal',
    constraints: {
      residency: pick(random, REGIONS),
      jurisdiction: random.next() < 0.3 ? (expandRegion('EU') as Region) : ANY_REGION,
      certifications: random.next() < 0.2 ? [pick(random, ['HDS', 'SecNumCloud', 'ISO27001'])] : [],
      sites: undefined,
      prefer: random.next() < 0.2 ? [`site-${drawIndex(random, 1000)}`] : [],
      maxPricesPerGpuHour: cap,
      objective,
      isObjectiveAssumed: false,
      origins: [],
    },
  };
}

const weights = Object.fromEntries(CRITERIA.map((c) => [c, 1])) as Record<Criterion, number>;
const policy: TenantPolicy = {
  name: 'bench',
  residency: expandRegion('EEA'),
  jurisdiction: undefined,
  certifications: [],
  sites: undefined,
  maxPricePerGpuHour: undefined,
  prefer: [],
  maxWaitForPreferred: 1_800,
  currency: 'EUR',
  objective: undefined,
  weights,
};

const seed = Number(process.env['BENCH_SEED'] ?? '42');
const decisions = Number(process.env['BENCH_DECISIONS'] ?? '2000');
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? '2000');
const random = createSeededRandom(seed);
const rows = readPriceRows(pricesFile);
const catalog = buildCatalog(rows, random);
const offerings = catalog.sites.reduce((n, s) => n + s.offerings.length, 0);
const at = new Date('2026-11-27T12:00:00Z');

const prepareStart = performance.now();
const prepared = prepareCatalog(catalog);
prepared.pricesIn('EUR');
prepared.pricesIn('USD');
const prepareMs = performance.now() - prepareStart;

// warm-up: let the JIT compile the hot paths before measuring (as benchmark harnesses do)
for (let i = 0; i < WARMUP; i++)
  placeJob({ job: drawJob(random), policy: i % 2 ? policy : undefined, catalog: prepared, at });
const jobs = Array.from({ length: decisions }, () => drawJob(random));
const times: number[] = [];
let feasible = 0;
for (let i = 0; i < decisions; i++) {
  const job = jobs[i] as JobSpec;
  const start = performance.now();
  const result = placeJob({ job, policy: i % 2 ? policy : undefined, catalog: prepared, at });
  times.push(performance.now() - start);
  if (result.feasible) feasible += 1;
}
const viewTimes: number[] = [];
for (let i = 0; i < decisions; i++) {
  const job = jobs[i] as JobSpec;
  const start = performance.now();
  const result = placeJob({ job, policy: i % 2 ? policy : undefined, catalog: prepared, at });
  JSON.stringify(toPlacementView(result, job));
  viewTimes.push(performance.now() - start);
}
const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
times.sort((a, b) => a - b);
viewTimes.sort((a, b) => a - b);
const round = (ms: number) => Math.round(ms * 1000) / 1000;
const summary = {
  offerings,
  p50Ms: round(quantile(times, 0.5)),
  p99Ms: round(quantile(times, 0.99)),
  maxMs: round(times[times.length - 1] ?? 0),
  viewP50Ms: round(quantile(viewTimes, 0.5)),
  viewP99Ms: round(quantile(viewTimes, 0.99)),
  sites: catalog.sites.length,
  priceRows: rows.length,
  decisions,
  feasibleShare: Math.round((feasible / decisions) * 1000) / 1000,
  prepareMs: round(prepareMs),
  seed,
};
console.log(
  `placement: ${offerings} offerings (${rows.length} real price rows replicated over ${catalog.sites.length} synthetic sites), ${decisions} random jobs, seed ${seed}`,
);
console.log(`prepareCatalog once: ${summary.prepareMs} ms (prices converted to EUR and USD)`);
console.log(
  `per decision: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms; ${Math.round(summary.feasibleShare * 100)}% of jobs placed`,
);
console.log(
  `with the whole --json view (every option, rejection and sentence): p50 ${summary.viewP50Ms} ms, p99 ${summary.viewP99Ms} ms`,
);
console.log(JSON.stringify(summary));

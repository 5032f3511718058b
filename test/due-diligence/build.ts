import type { Catalog, Provider, Site, SiteCertification } from '../../src/domain/catalog/catalog.js';
import type { DossierDocument } from '../../src/domain/catalog/schema.js';
import { parseMoney } from '../../src/domain/money/money.js';

/** Plain catalog data for the due-diligence tests: a dossier that earns every point, and sites. */

export const AT = new Date('2026-11-27T10:00:00Z');

export const FULL_DOSSIER: DossierDocument = {
  infrastructure: {
    answer: 'Two Tier III data centres 40 km apart.',
    evidence: ['https://example.eu/dc'],
    asOf: '2026-09-01',
    locations: ['Paris, FR', 'Lille, FR'],
    redundancy: 'Tier III, dual power feeds, active-active',
  },
  partners: {
    answer: 'Operated by ourselves.',
    evidence: ['https://example.eu/kbis'],
    asOf: '2026-09-01',
    operator: 'Example SAS',
    subcontractors: [],
  },
  exit: {
    answer: 'S3 export, no egress fee, 30 days notice.',
    evidence: ['https://example.eu/reversibility'],
    asOf: '2026-09-01',
    exportFormats: ['Parquet', 'OCI'],
    egressFree: true,
    standardApis: ['S3', 'Kubernetes'],
    noticeDays: 30,
  },
  compliance: {
    answer: 'GDPR processor, AI Act support, HDS.',
    evidence: ['https://example.eu/dpa'],
    asOf: '2026-09-01',
    gdpr: true,
    aiAct: true,
    certifications: ['HDS'],
  },
  scalability: {
    answer: 'H100 and B200 on demand.',
    evidence: ['https://example.eu/gpus'],
    asOf: '2026-09-01',
    gpuGenerations: ['H100', 'B200'],
    onDemand: true,
  },
  pricing: {
    answer: 'Pay-per-use or one-year commitment.',
    evidence: ['https://example.eu/prices'],
    asOf: '2026-09-01',
    models: ['pay-per-use', 'committed'],
    exitClauses: 'Commitment ends with 3 months notice, no penalty.',
    slaCredits: true,
  },
};

export function makeProvider(overrides: Partial<Provider> = {}): Provider {
  return {
    name: 'example',
    legalName: 'Example SAS',
    jurisdiction: 'FR',
    parents: [],
    website: undefined,
    dossier: FULL_DOSSIER,
    ...overrides,
  };
}

export function makeCertification(name: string, expires?: string): SiteCertification {
  return { name, issuer: undefined, expires };
}

export function makeSite(overrides: Partial<Site> = {}): Site {
  return {
    name: 'paris-1',
    provider: 'example',
    country: 'FR',
    city: 'Paris',
    region: undefined,
    certifications: [makeCertification('HDS', '2028-06-30')],
    availabilityPercent: undefined,
    pue: 1.3,
    gridCarbonGPerKWh: undefined,
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
    capacity: [
      {
        gpuModel: 'H100',
        gpuMemoryGiB: 80,
        gpusPerNode: 8,
        nodes: 2,
        boardPowerW: 700,
        cpusPerNode: undefined,
        memoryGiBPerNode: undefined,
      },
    ],
    offerings: [
      {
        gpuModel: 'H100',
        kind: 'on-demand',
        pricePerGpuHour: readMoney('2.90 EUR'),
        minimumSeconds: undefined,
      },
    ],
    egressPerGiB: undefined,
    ...overrides,
  };
}

export function makeCatalog(providers: readonly Provider[], sites: readonly Site[]): Catalog {
  return { providers, sites, exchangeRates: undefined, policies: [] };
}

function readMoney(text: string) {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.money;
}

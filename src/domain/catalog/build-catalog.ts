import { checkSchema } from '../documents/check-schema.js';
import { checkSiteRules } from './site-rules.js';
import type { Diagnostic } from '../documents/diagnostic.js';
import { formatFieldPath, type FieldPath } from '../documents/field-path.js';
import type { SourceDocument } from '../documents/parse-documents.js';
import { suggestClosest } from '../documents/suggest.js';
import { expandRegion, type Region } from '../geo/region.js';
import { isCurrencyCode } from '../money/currencies.js';
import { decimalFromNumber, parseDecimal, type Decimal } from '../money/decimal.js';
import { parseMoney, type Money } from '../money/money.js';
import { parseDuration } from '../time/duration.js';
import { normaliseGpuModel } from '../scheduling/resources.js';
import type { Catalog, ExchangeRates, Provider, Site, SiteTenant, TenantPolicy } from './catalog.js';
import {
  CRITERIA,
  ExchangeRatesDocument,
  PolicyDocument,
  ProviderDocument,
  SiteDocument,
  type Criterion,
} from './schema.js';
import type { TenantEntry } from './tenant-entry.js';

export interface CatalogResult {
  readonly catalog: Catalog;
  readonly diagnostics: Diagnostic[];
}

type Report = (path: FieldPath, message: string, at?: 'key' | 'value') => void;

const DEFAULT_MAX_WAIT_FOR_PREFERRED = 30 * 60;

/**
 * Builds the catalog from its documents (Provider, Site, ExchangeRates, Policy; any order,
 * any files) and checks what spans documents: names are unique, a site's provider exists,
 * offerings name GPU models the site has, a policy names known sites.
 */
export function buildCatalog(documents: readonly SourceDocument[]): CatalogResult {
  const diagnostics: Diagnostic[] = [];
  const providers: { provider: Provider; doc: SourceDocument }[] = [];
  const sites: { site: Site; doc: SourceDocument }[] = [];
  const rates: { rates: ExchangeRates; doc: SourceDocument }[] = [];
  const policies: { policy: TenantPolicy; doc: SourceDocument }[] = [];

  for (const doc of documents) {
    const report: Report = (path, message, at = 'value') => {
      const { line, col } = doc.locate(path, at);
      diagnostics.push({ file: doc.file, line, col, path: formatFieldPath(path), message });
    };
    const kind = (doc.value as { kind?: unknown }).kind;
    const schema =
      kind === 'Provider'
        ? ProviderDocument
        : kind === 'Site'
          ? SiteDocument
          : kind === 'ExchangeRates'
            ? ExchangeRatesDocument
            : PolicyDocument;
    // Site rules run even when the schema fails elsewhere; a rule's message is the more precise.
    const ruleProblems = kind === 'Site' ? checkSiteRules(doc) : [];
    const explained = new Set(ruleProblems.map((d) => d.path));
    const schemaProblems = checkSchema(schema, doc).filter((d) => !explained.has(d.path));
    if (schemaProblems.length > 0 || ruleProblems.length > 0) {
      diagnostics.push(...schemaProblems, ...ruleProblems);
      continue;
    }
    const before = diagnostics.length;
    if (kind === 'Provider') {
      const provider = readProvider(doc.value as ProviderDocument);
      if (diagnostics.length === before) providers.push({ provider, doc });
    } else if (kind === 'Site') {
      sites.push({ site: readSite(doc.value as SiteDocument), doc });
    } else if (kind === 'ExchangeRates') {
      const r = readExchangeRates(doc.value as ExchangeRatesDocument, report);
      if (diagnostics.length === before) rates.push({ rates: r, doc });
    } else {
      const policy = readPolicy(doc.value as PolicyDocument, report);
      if (policy && diagnostics.length === before) policies.push({ policy, doc });
    }
  }

  const at =
    (doc: SourceDocument): Report =>
    (path, message, where = 'value') => {
      const { line, col } = doc.locate(path, where);
      diagnostics.push({ file: doc.file, line, col, path: formatFieldPath(path), message });
    };
  const rejectDuplicates = (kind: string, entries: { name: string; doc: SourceDocument }[]) => {
    const seen = new Map<string, SourceDocument>();
    for (const { name, doc } of entries) {
      const first = seen.get(name);
      if (first) at(doc)(['metadata', 'name'], `another ${kind} is already named ${name} (${first.file})`);
      else seen.set(name, doc);
    }
  };
  rejectDuplicates(
    'Provider',
    providers.map((p) => ({ name: p.provider.name, doc: p.doc })),
  );
  rejectDuplicates(
    'Site',
    sites.map((s) => ({ name: s.site.name, doc: s.doc })),
  );
  rejectDuplicates(
    'Policy',
    policies.map((p) => ({ name: p.policy.name, doc: p.doc })),
  );
  for (const extra of rates.slice(1)) {
    at(extra.doc)(['kind'], 'only one ExchangeRates document per catalog: merge the rates into one');
  }

  const providerNames = providers.map((p) => p.provider.name);
  const siteNames = sites.map((s) => s.site.name);
  for (const { site, doc } of sites) {
    if (!providerNames.includes(site.provider)) {
      const hint = suggestClosest(site.provider, providerNames);
      at(doc)(
        ['spec', 'provider'],
        `no Provider named ${site.provider} in the catalog${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
  }
  // A policy file checked alone cannot know the sites; with a catalog, its names must exist.
  for (const { policy, doc } of sites.length > 0 ? policies : []) {
    for (const [field, names] of [
      ['sites', policy.sites ?? []],
      ['prefer', policy.prefer],
    ] as const) {
      names.forEach((name, i) => {
        if (siteNames.includes(name)) return;
        const hint = suggestClosest(name, siteNames);
        at(doc)(
          ['spec', field, i],
          `no Site named ${name} in the catalog${hint ? `; did you mean ${hint}?` : ''}`,
        );
      });
    }
  }

  return {
    catalog: {
      providers: providers.map((p) => p.provider),
      sites: sites.map((s) => s.site),
      exchangeRates: rates[0]?.rates,
      policies: policies.map((p) => p.policy),
    },
    diagnostics,
  };
}

function readProvider(doc: ProviderDocument): Provider {
  return {
    name: doc.metadata.name,
    legalName: doc.spec.legalName,
    jurisdiction: doc.spec.jurisdiction,
    parents: (doc.spec.parents ?? []).map((p) => ({ name: p.name, jurisdiction: p.jurisdiction })),
    website: doc.spec.website,
    dossier: doc.spec.dossier ?? {},
  };
}

function readSite(doc: SiteDocument): Site {
  const spec = doc.spec;
  const price = (text: string): Money => {
    const parsed = parseMoney(text);
    if (!parsed.ok) throw new RangeError(`unchecked price ${text}`); // checkSiteRules ran first
    return parsed.money;
  };
  const offerings = spec.offerings.map((o) => ({
    gpuModel: o.gpuModel,
    kind: o.kind,
    pricePerGpuHour: price(o.pricePerGpuHour),
    minimumSeconds: o.minimumSeconds,
  }));
  const backend = spec.backend;
  const egress = spec.egressPerGiB === undefined ? undefined : price(spec.egressPerGiB);
  return {
    name: doc.metadata.name,
    provider: spec.provider,
    country: spec.location.country,
    city: spec.location.city,
    region: spec.location.region,
    certifications: (spec.certifications ?? []).map((c) => ({
      name: c.name,
      issuer: c.issuer,
      expires: c.expires,
    })),
    availabilityPercent: spec.sla?.availabilityPercent,
    pue: spec.pue,
    gridCarbonGPerKWh: spec.gridCarbonGPerKWh,
    backend: {
      type: backend.type,
      url: backend.url,
      partition: backend.partition,
      tokenFile: backend.tokenFile,
      user: backend.user,
      workDir: backend.workDir,
      completionFile: backend.completionFile,
      timeScale: backend.timeScale,
    },
    capacity: spec.capacity.map((row) => ({
      ...row,
      cpusPerNode: row.cpusPerNode,
      memoryGiBPerNode: row.memoryGiBPerNode,
    })),
    offerings,
    egressPerGiB: egress,
    tenants: spec.tenants?.map(readSiteTenant),
  };
}

function readSiteTenant(entry: TenantEntry): SiteTenant {
  const byModel = (gpus: Record<string, number> | undefined) =>
    new Map(Object.entries(gpus ?? {}).map(([model, count]) => [normaliseGpuModel(model), count]));
  return {
    name: entry.name,
    cohort: entry.cohort ?? 'default',
    weight: entry.weight ?? 1,
    quota: byModel(entry.quota),
    borrowingLimit: byModel(entry.borrowingLimit),
  };
}

function readMoney(text: string, path: FieldPath, report: Report): Money | undefined {
  const parsed = parseMoney(text);
  if (parsed.ok) return parsed.money;
  report(path, parsed.message);
  return undefined;
}

function readExchangeRates(doc: ExchangeRatesDocument, report: Report): ExchangeRates {
  if (!isCurrencyCode(doc.spec.base))
    report(['spec', 'base'], `${doc.spec.base} is not an ISO 4217 currency code`);
  const rates = new Map<string, Decimal>();
  for (const [currency, value] of Object.entries(doc.spec.rates)) {
    if (!isCurrencyCode(currency)) {
      report(['spec', 'rates', currency], `${currency} is not an ISO 4217 currency code`, 'key');
      continue;
    }
    const rate = typeof value === 'number' ? decimalFromNumber(value) : parseDecimal(value);
    if (rate) rates.set(currency, rate);
  }
  return { name: doc.metadata.name, base: doc.spec.base, asOf: doc.spec.asOf, rates };
}

function readPolicy(doc: PolicyDocument, report: Report): TenantPolicy | undefined {
  const spec = doc.spec;
  const region = (written: string | string[] | undefined, field: string): Region | undefined => {
    if (written === undefined) return undefined;
    const names = typeof written === 'string' ? [written] : written;
    const bad = names.findIndex((n) => expandRegion(n) === undefined);
    if (bad >= 0) {
      report(
        typeof written === 'string' ? ['spec', field] : ['spec', field, bad],
        `${names[bad]} is not an ISO 3166 alpha-2 country code`,
      );
      return undefined;
    }
    return expandRegion(written);
  };
  const currency = spec.currency ?? 'EUR';
  if (!isCurrencyCode(currency)) report(['spec', 'currency'], `${currency} is not an ISO 4217 currency code`);
  const cap =
    spec.maxPricePerGpuHour === undefined
      ? undefined
      : readMoney(spec.maxPricePerGpuHour, ['spec', 'maxPricePerGpuHour'], report);
  const wait =
    spec.maxWaitForPreferred === undefined
      ? DEFAULT_MAX_WAIT_FOR_PREFERRED
      : parseDuration(spec.maxWaitForPreferred);
  if (wait === undefined) report(['spec', 'maxWaitForPreferred'], 'must be longer than zero');
  const weights = Object.fromEntries(CRITERIA.map((c) => [c, spec.weights?.[c] ?? 1])) as Record<
    Criterion,
    number
  >;
  return {
    name: doc.metadata.name,
    residency: region(spec.residency, 'residency'),
    jurisdiction: region(spec.jurisdiction, 'jurisdiction'),
    certifications: spec.certifications ?? [],
    sites: spec.sites,
    maxPricePerGpuHour: cap,
    prefer: spec.prefer ?? [],
    maxWaitForPreferred: wait ?? DEFAULT_MAX_WAIT_FOR_PREFERRED,
    currency,
    objective: spec.objective,
    weights,
  };
}

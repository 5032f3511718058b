import { describeRegion, intersectRegions, type Region } from '../geo/region.js';
import type { TenantPolicy } from '../catalog/catalog.js';
import { compareDecimals } from '../money/decimal.js';
import { formatMoney, type Money } from '../money/money.js';
import type { JobSpec } from '../spec/job-spec.js';
import type { Objective } from '../spec/schema.js';
import type { Seconds } from '../time/duration.js';
import { ruleForClassification } from './classification.js';
import type { Constraints } from './constraints.js';
import { mergeNames } from './merge-names.js';

/** The currency prices are compared and shown in when no policy names one. */
export const DEFAULT_CURRENCY = 'EUR';

/** A required certification and who asked for it. */
export interface SourcedCertification {
  readonly name: string;
  readonly source: string;
}

/** A price cap and who set it. */
export interface SourcedCap {
  readonly cap: Money;
  readonly source: string;
}

/**
 * The rules one placement must satisfy: the job's spec (its classification folded in) and the
 * tenant's policy, the stricter winning, each rule with the sources that set it so a
 * rejection can say why it applies.
 */
export interface PlacementConstraints extends Constraints {
  readonly residencySources: readonly string[];
  readonly jurisdictionSources: readonly string[];
  readonly sourcedCertifications: readonly SourcedCertification[];
  readonly siteSources: readonly string[];
  readonly sourcedCaps: readonly SourcedCap[];
  readonly preferSource: string | undefined;
  readonly objectiveSource: string;
  /** How long a preferred site may make the job wait before it bursts elsewhere. */
  readonly maxWaitForPreferred: Seconds;
  /** The tenant's currency: costs are estimated and compared in it. */
  readonly currency: string;
}

/**
 * Merges a job's constraints with its tenant's policy (the stricter wins): residency and
 * jurisdiction intersect, certifications add up, site allow-lists intersect, every price cap
 * applies; prefer comes from the spec, else the policy; the objective from the spec when it
 * wrote one, else the policy's, else cost.
 */
export function mergeConstraints(spec: JobSpec, policy: TenantPolicy | undefined): PlacementConstraints {
  const own = spec.constraints;
  const rule = ruleForClassification(spec.classification);
  const classSource = `${spec.classification} data (spec.data.classification)`;
  const policySource = policy ? `policy ${policy.name}` : '';

  const residency = policy?.residency ? intersectRegions(own.residency, policy.residency) : own.residency;
  const residencySources = [
    ...describeSpecRegion(own.residency, rule.residency?.region, classSource, 'spec.data.residency'),
    ...(policy?.residency && policy.residency.kind !== 'any' ? [policySource] : []),
  ];
  const jurisdiction = policy?.jurisdiction
    ? intersectRegions(own.jurisdiction, policy.jurisdiction)
    : own.jurisdiction;
  const jurisdictionSources = [
    ...describeSpecRegion(
      own.jurisdiction,
      rule.jurisdiction?.region,
      classSource,
      'spec.placement.jurisdiction',
    ),
    ...(policy?.jurisdiction && policy.jurisdiction.kind !== 'any' ? [policySource] : []),
  ];

  const implied = new Set(rule.certifications.map((c) => c.toLowerCase()));
  const sourcedCertifications: SourcedCertification[] = [];
  for (const name of mergeNames(own.certifications, policy?.certifications ?? [])) {
    const fromSpec = own.certifications.some((c) => c.toLowerCase() === name.toLowerCase());
    const source = !fromSpec
      ? policySource
      : implied.has(name.toLowerCase())
        ? classSource
        : 'spec.placement.certifications';
    sourcedCertifications.push({ name, source });
  }

  const sites = intersectAllowLists(own.sites, policy?.sites);
  const siteSources = [
    ...(own.sites ? ['spec.placement.sites'] : []),
    ...(policy?.sites ? [policySource] : []),
  ];

  const sourcedCaps = mergeCaps([
    ...own.maxPricesPerGpuHour.map((cap) => ({ cap, source: 'spec.placement.maxPricePerGpuHour' })),
    ...(policy?.maxPricePerGpuHour ? [{ cap: policy.maxPricePerGpuHour, source: policySource }] : []),
  ]);

  const preferFromSpec = own.prefer.length > 0;
  const prefer = preferFromSpec ? own.prefer : (policy?.prefer ?? []);
  const preferSource = preferFromSpec
    ? 'spec.placement.prefer'
    : prefer.length > 0
      ? policySource
      : undefined;

  const { objective, objectiveSource } = chooseObjective(own, policy);
  // The description lines are written when first read (then kept): a placement reads them
  // only to show them, and formatting them is most of the cost of a merge. The fields are
  // written out (no object spread): a literal allocates a fraction of what a spread does.
  let origins: readonly string[] | undefined;
  const constraints: PlacementConstraints = {
    residency,
    jurisdiction,
    certifications: sourcedCertifications.map((c) => c.name),
    sites,
    prefer: [...prefer],
    maxPricesPerGpuHour: sourcedCaps.map((c) => c.cap),
    objective,
    maxWait: own.maxWait,
    isObjectiveAssumed: objectiveSource === 'default',
    get origins(): readonly string[] {
      origins ??= describeOrigins(constraints);
      return origins;
    },
    residencySources,
    jurisdictionSources,
    sourcedCertifications,
    siteSources,
    sourcedCaps,
    preferSource,
    objectiveSource,
    maxWaitForPreferred: policy?.maxWaitForPreferred ?? 0,
    currency: policy?.currency ?? DEFAULT_CURRENCY,
  };
  return constraints;
}

function chooseObjective(
  own: Constraints,
  policy: TenantPolicy | undefined,
): { objective: Objective; objectiveSource: string } {
  if (own.isObjectiveAssumed !== true)
    return { objective: own.objective, objectiveSource: 'spec.placement.objective' };
  if (policy?.objective) return { objective: policy.objective, objectiveSource: `policy ${policy.name}` };
  return { objective: 'cost', objectiveSource: 'default' };
}

/** Where the spec's region came from: its classification when it equals what the class implies. */
function describeSpecRegion(
  region: Region,
  implied: Region | undefined,
  classSource: string,
  field: string,
): string[] {
  if (region.kind === 'any') return [];
  const isImplied =
    implied?.kind === 'countries' && implied.countries.join(',') === region.countries.join(',');
  return [isImplied ? classSource : field];
}

/** Caps of the same amount and currency are one rule with several sources. */
function mergeCaps(caps: readonly SourcedCap[]): SourcedCap[] {
  const merged: SourcedCap[] = [];
  for (const c of caps) {
    const i = merged.findIndex(
      (m) => m.cap.currency === c.cap.currency && compareDecimals(m.cap.amount, c.cap.amount) === 0,
    );
    const same = merged[i];
    if (same) merged[i] = { cap: same.cap, source: `${same.source}; ${c.source}` };
    else merged.push(c);
  }
  return merged;
}

function intersectAllowLists(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): readonly string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.filter((name) => b.includes(name));
}

type OriginInput = Omit<PlacementConstraints, 'origins' | 'maxWaitForPreferred' | 'currency'>;

/** One line per rule in force, with who set it: what the CLI shows under "constraints". */
function describeOrigins(c: OriginInput): string[] {
  const from = (sources: readonly string[]) => (sources.length > 0 ? ` (${sources.join('; ')})` : '');
  const lines: string[] = [];
  if (c.residency.kind !== 'any')
    lines.push(`residency ${describeRegion(c.residency)}${from(c.residencySources)}`);
  if (c.jurisdiction.kind !== 'any') {
    lines.push(`jurisdiction ${describeRegion(c.jurisdiction)}${from(c.jurisdictionSources)}`);
  }
  for (const cert of c.sourcedCertifications) lines.push(`certification ${cert.name} (${cert.source})`);
  if (c.sites) lines.push(`sites ${c.sites.join(', ') || 'none'}${from(c.siteSources)}`);
  for (const cap of c.sourcedCaps) {
    lines.push(`max price per GPU-hour ${formatMoney(cap.cap)} (${cap.source})`);
  }
  if (c.preferSource) lines.push(`prefer ${c.prefer.join(', ')} (${c.preferSource})`);
  lines.push(`objective ${c.objective} (${c.objectiveSource})`);
  return lines;
}

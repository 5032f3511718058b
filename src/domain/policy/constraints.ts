import type { Region } from '../geo/region.js';
import type { Money } from '../money/money.js';
import type { Objective } from '../spec/schema.js';
import type { Seconds } from '../time/duration.js';

/**
 * The hard rules a placement must satisfy, whoever set them: the job's spec, its data
 * classification, the tenant's policy. Each rule remembers who asked for it, so a
 * rejection can say why it applies.
 */
export interface Constraints {
  /** Countries where the data may be processed. */
  readonly residency: Region;
  /** Countries whose law the operator and every parent company must be under. */
  readonly jurisdiction: Region;
  /** Certification names, compared without regard to case; every one required, valid at decision time. */
  readonly certifications: readonly string[];
  /** Allow-list of site names; undefined means every site. */
  readonly sites: readonly string[] | undefined;
  readonly prefer: readonly string[];
  /** The ceiling price per GPU-hour; several caps (spec and policy) are all enforced. */
  readonly maxPricesPerGpuHour: readonly Money[];
  readonly objective: Objective;
  /** How long the job may wait to start (spec.placement.maxWait); undefined: no bound of its own. */
  readonly maxWait?: Seconds | undefined;
  /** True when nobody wrote an objective and `objective` is the default (cost): a policy's may then apply. */
  readonly isObjectiveAssumed?: boolean;
  /** Where each rule came from, in words: "health data → residency EU, certification HDS". */
  readonly origins: readonly string[];
}

/**
 * Why a site cannot take a job. Stable codes: the CLI's `--json`, the audit log and the tests
 * name them; a message is one sentence that says what failed and which rule asked for it.
 */
export const REASON_CODES = [
  'RESIDENCY',
  'JURISDICTION',
  'CERTIFICATION',
  'GPU_MODEL',
  'GPU_MEMORY',
  'CAPACITY',
  'PRICE_CAP',
  'SITE_NOT_ALLOWED',
  'CURRENCY',
  /** The site's backend cannot run the job (images, GPU fractions, services): its executor's capabilities. */
  'CAPABILITY',
  /** The tenant's quota at the site could never admit the job, even with the site idle. */
  'EXCEEDS_QUOTA',
  /** A budget of the tenant or project is spent, or the estimated cost would overrun it. */
  'BUDGET',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface RejectionReason {
  readonly code: ReasonCode;
  readonly message: string;
}

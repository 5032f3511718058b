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
  /** Reserved: the tenant's remaining budget cannot pay the estimated cost (not checked yet). */
  'BUDGET',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface RejectionReason {
  readonly code: ReasonCode;
  readonly message: string;
}

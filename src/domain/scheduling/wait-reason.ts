/**
 * Why a job waits, as the scheduler saw it on its last pass:
 * - `QUOTA`: its tenant's quota, borrowing limit or cohort has no room for it;
 * - `CAPACITY`: fewer free GPUs of an acceptable model than it needs, even after preemption;
 * - `GANG`: enough free GPUs, but not on enough nodes at once for its gang;
 * - `FRAGMENTATION`: enough free GPUs, but no single node has its shape;
 * - `PRIORITY`: it would fit, but the room is held for a higher-priority job;
 * - `RESERVED_FOR`: it would fit, but the room is reserved for an earlier job (backfill).
 */
export const WAIT_REASONS = [
  'QUOTA',
  'CAPACITY',
  'GANG',
  'FRAGMENTATION',
  'PRIORITY',
  'RESERVED_FOR',
] as const;
export type WaitReasonCode = (typeof WAIT_REASONS)[number];

export interface WaitReason {
  readonly code: WaitReasonCode;
  /** The job the room is held for (`PRIORITY`, `RESERVED_FOR`). */
  readonly forJob?: number;
  /** When the room is expected (`PRIORITY`, `RESERVED_FOR`, and the reservation holder itself). */
  readonly expectedAt?: number;
}

/**
 * One sentence for a user: what the job waits for. `nameJob` turns the scheduler's job number into
 * the name the user knows (the control plane's `job_…` id).
 */
export function explainWaitReason(reason: WaitReason, nameJob: (id: number) => string = String): string {
  const forJob = reason.forJob === undefined ? '?' : nameJob(reason.forJob);
  switch (reason.code) {
    case 'QUOTA':
      return 'waits for quota: its tenant has no quota or borrowable room left for it';
    case 'CAPACITY':
      return 'waits for capacity: not enough free GPUs of an acceptable model';
    case 'GANG':
      return 'waits for its gang: enough GPUs are free, but not on enough nodes at once';
    case 'FRAGMENTATION':
      return 'waits for a node with its shape: enough GPUs are free, but no node has its GPUs, CPU and memory free at once';
    case 'PRIORITY':
      return `waits behind higher-priority job ${forJob}, which holds the room it fits in`;
    case 'RESERVED_FOR':
      return `waits: the room it fits in is reserved for job ${forJob}`;
  }
}

/** The reason a waiting job shows, as the store keeps it: the code first, then the sentence, then the detail. */
export function formatWaitReason(
  reason: WaitReason,
  detail: string,
  nameJob?: (id: number) => string,
): string {
  return `${reason.code}: ${explainWaitReason(reason, nameJob)} (${detail})`;
}

/** What a waiting job's stored reason says it waits for: its code and the rest; null for another reason. */
export function parseWaitReason(text: string | null): { code: string; message: string } | null {
  const match = text === null ? null : /^([A-Z][A-Z_]*): (.+)$/s.exec(text);
  return match ? { code: match[1]!, message: match[2]! } : null;
}

import type { GangRequest, GpuSlot } from './admit-gang.js';
import { explainWaitReason, type WaitReasonCode } from './wait-reason.js';

/**
 * Why a job that `admitGang` could not admit waits, in the site scheduler's terms:
 * - `CAPACITY`: fewer free GPUs (or milli-GPU, for a share) of an acceptable model than it needs;
 * - `GANG`: enough free whole GPUs of one model, but not on enough nodes at once;
 * - `FRAGMENTATION`: enough free, but no single node (or GPU, for a share) has its shape.
 */
export function classifyGangWait(slots: readonly GpuSlot[], request: GangRequest): WaitReasonCode {
  const usable = slots.filter(
    (slot) =>
      (request.gpuModels.length === 0 ||
        request.gpuModels.some((m) => m.toLowerCase() === slot.model.toLowerCase())) &&
      (request.minMemoryGiB === undefined || slot.memoryGiB >= request.minMemoryGiB),
  );
  if (request.gpusPerNode === 0) {
    const free = usable.reduce((sum, s) => sum + s.freeMilli, 0);
    return free >= request.milliGpus ? 'FRAGMENTATION' : 'CAPACITY';
  }
  const idleByModel = new Map<string, number>();
  for (const slot of usable) {
    if (slot.freeMilli < 1000) continue;
    const model = slot.model.toLowerCase();
    idleByModel.set(model, (idleByModel.get(model) ?? 0) + 1);
  }
  const need = request.nodes * request.gpusPerNode;
  if (![...idleByModel.values()].some((idle) => idle >= need)) return 'CAPACITY';
  return request.nodes > 1 ? 'GANG' : 'FRAGMENTATION';
}

/** The reason a waiting job shows: the code first, then the sentence, then the detail. */
export function describeGangWait(code: WaitReasonCode, detail: string): string {
  return `${code}: ${explainWaitReason({ code })} (${detail})`;
}

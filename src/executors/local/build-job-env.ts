import type { LaunchRequest } from '../../app/ports/executor.js';

/** What a job sees of Usine's own environment: enough to find programs, never its secrets. */
export const DEFAULT_PASSED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'SHELL',
];

/**
 * `0,1` for whole GPUs; for a fraction, the one GPU it shares; empty (no GPU visible) when the
 * allocation has none. A local job runs on one machine, so its allocation has one node.
 */
export function formatCudaVisibleDevices(allocation: LaunchRequest['allocation']): string {
  if (allocation.nodes.length > 1) {
    const names = allocation.nodes.map((n) => n.node).join(', ');
    throw new Error(`the local executor runs a job on one machine; the allocation spans nodes ${names}`);
  }
  const node = allocation.nodes[0];
  if (node === undefined) return '';
  const indices = node.milliGpus > 0 && node.milliGpus < 1000 ? node.gpuIndices.slice(0, 1) : node.gpuIndices;
  return indices.join(',');
}

/** Who the job runs as, when not as the runner: its HOME, TMPDIR, USER and LOGNAME are its own. */
export interface JobIdentity {
  readonly home: string;
  readonly userName: string;
}

/** The passed part of Usine's environment, then the job's own, then what Usine sets (it wins). */
export function buildJobEnv(
  request: LaunchRequest,
  own: NodeJS.ProcessEnv,
  passEnv: readonly string[] = DEFAULT_PASSED_ENV,
  identity?: JobIdentity,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of passEnv) {
    const value = own[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    ...request.env,
    ...(identity === undefined
      ? {}
      : { HOME: identity.home, TMPDIR: identity.home, USER: identity.userName, LOGNAME: identity.userName }),
    CUDA_VISIBLE_DEVICES: formatCudaVisibleDevices(request.allocation),
    USINE_JOB_ID: request.jobId,
    USINE_JOB_NAME: request.name,
  };
}

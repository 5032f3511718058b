import type { Site } from '../../domain/catalog/catalog.js';
import { findCompletionFileIn } from './job-completion-file.js';
import { SlurmExecutor } from './slurm-executor.js';

/**
 * The executor of a catalog site with `backend: { type: slurm, url, partition, tokenFile, user,
 * workDir, completionFile }`. Without `completionFile`, the completion records (`jobcomp/filetxt`)
 * are found from `USINE_SLURM_COMPLETION_FILE` or the `JobCompLoc` of the slurm.conf named by
 * `SLURM_CONF`.
 */
export function createSlurmExecutor(
  site: Site,
  defaults: { readonly workDir: string; readonly env?: NodeJS.ProcessEnv },
): SlurmExecutor {
  const env = defaults.env ?? process.env;
  const backend = site.backend;
  return new SlurmExecutor({
    url: backend.url ?? 'http://127.0.0.1:6820',
    user: backend.user ?? env.USER ?? 'root',
    tokenFile: backend.tokenFile,
    ...(backend.partition ? { partition: backend.partition } : {}),
    workDir: backend.workDir ?? defaults.workDir,
    completionFile:
      backend.completionFile ?? env.USINE_SLURM_COMPLETION_FILE ?? findCompletionFileIn(env.SLURM_CONF),
    gpuMemoryGiB: Object.fromEntries(site.capacity.map((row) => [row.gpuModel, row.gpuMemoryGiB])),
  });
}

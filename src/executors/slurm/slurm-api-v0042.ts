import { dataParserApi } from './data-parser-api.js';
import { allocationNodeNames } from './slurm-api-v0041.js';

/**
 * slurmrestd's `v0.0.42` (Slurm 24.11; served by 25.05, 25.11 and 26.05). For what Usine reads and
 * sends, as `v0.0.41`: it drops the submit answer's deprecated `result` (Usine reads the top-level
 * `job_id`) and the job's `exclusive`/`oversubscribe` (Usine sends neither), and the ping's
 * `mode`/`pinged` give way to `responding`/`primary` (Usine only needs the answer).
 */
export const SLURM_API_V0042 = dataParserApi({
  version: 'v0.0.42',
  scriptInJob: true,
  allocatedNodeNames: allocationNodeNames,
});

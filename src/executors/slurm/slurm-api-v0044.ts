import { dataParserApi } from './data-parser-api.js';
import { allocationNodeNames } from './slurm-api-v0041.js';

/**
 * slurmrestd's `v0.0.44` (served by Slurm 26.05 beside v0.0.42–v0.0.45, as Debian sid packages
 * it). For every field Usine sends and reads, as `v0.0.42` (compared in 26.05.5's own OpenAPI
 * document); its own module so that Usine speaks it once the older versions are gone.
 */
export const SLURM_API_V0044 = dataParserApi({
  version: 'v0.0.44',
  scriptInJob: true,
  allocatedNodeNames: allocationNodeNames,
});

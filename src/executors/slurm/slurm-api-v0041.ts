import { dataParserApi } from './data-parser-api.js';
import { asArray, asObject, text, type Json } from './read-slurm-json.js';

/**
 * slurmrestd's `v0.0.41` (Slurm 24.05; served by 24.11 and 25.05): the script in `job.script`
 * (the top-level `script` deprecated), the allocation as `job_resources.nodes.allocation[].name`.
 */
export const SLURM_API_V0041 = dataParserApi({
  version: 'v0.0.41',
  scriptInJob: true,
  allocatedNodeNames: allocationNodeNames,
});

/** `job_resources.nodes.allocation[].name`, as v0.0.41 and later write the allocation. */
export function allocationNodeNames(resources: Json): string[] {
  return asArray(asObject(resources.nodes).allocation).map((n) => text(asObject(n).name));
}

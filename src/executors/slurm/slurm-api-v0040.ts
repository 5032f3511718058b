import { dataParserApi } from './data-parser-api.js';
import { asArray, asObject, text } from './read-slurm-json.js';

/**
 * slurmrestd's `v0.0.40` (Slurm 23.11; served by 24.05 and 24.11, gone from 25.11): the script
 * beside the job, the allocation as `job_resources.allocated_nodes[].nodename`.
 */
export const SLURM_API_V0040 = dataParserApi({
  version: 'v0.0.40',
  scriptInJob: false,
  allocatedNodeNames: (resources) =>
    asArray(resources.allocated_nodes).map((n) => text(asObject(n).nodename)),
});

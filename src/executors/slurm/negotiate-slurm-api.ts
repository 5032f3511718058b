import type { SlurmApi } from './slurm-api.js';
import { SLURM_API_V0038 } from './slurm-api-v0038.js';
import { SLURM_API_V0040 } from './slurm-api-v0040.js';
import { SLURM_API_V0041 } from './slurm-api-v0041.js';
import { SLURM_API_V0042 } from './slurm-api-v0042.js';
import { SLURM_API_V0043 } from './slurm-api-v0043.js';
import { SLURM_API_V0044 } from './slurm-api-v0044.js';
import { SLURM_API_V0045 } from './slurm-api-v0045.js';
import { asObject } from './read-slurm-json.js';

/** The slurmrestd versions Usine speaks, best first. */
export const SPOKEN_SLURM_APIS: readonly SlurmApi[] = [
  SLURM_API_V0045,
  SLURM_API_V0044,
  SLURM_API_V0043,
  SLURM_API_V0042,
  SLURM_API_V0041,
  SLURM_API_V0040,
  SLURM_API_V0038,
];

/** slurmrestd offers none of the versions Usine speaks. */
export class SlurmVersionError extends Error {
  constructor(
    readonly url: string,
    readonly offered: readonly string[],
  ) {
    super(
      `slurmrestd at ${url} offers ${offered.length > 0 ? offered.join(', ') : 'no slurm/vX.Y.Z API'}; ` +
        `Usine speaks ${SPOKEN_SLURM_APIS.map((a) => a.version).join(', ')}: ` +
        'load one of those in slurmrestd (`-d data_parser/v0.0.42`) or run a Usine that speaks one it offers',
    );
    this.name = 'SlurmVersionError';
  }
}

/** `v0.0.42` → [0, 0, 42], for ordering. */
function versionParts(version: string): number[] {
  return version.slice(1).split('.').map(Number);
}

/** Highest first. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const d = (y[i] ?? 0) - (x[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The versions a served OpenAPI document (`GET /openapi/v3`) offers, highest first: one per
 * `/slurm/vX.Y.Z/ping` path (22.05 writes it without the trailing slash, 23.02+ with it).
 */
export function readOfferedVersions(document: unknown): string[] {
  const versions = new Set<string>();
  for (const path of Object.keys(asObject(asObject(document).paths))) {
    const match = /^\/slurm\/(v\d+\.\d+\.\d+)\/ping\/?$/.exec(path);
    if (match?.[1]) versions.add(match[1]);
  }
  return [...versions].sort(compareVersions);
}

/** The highest version both sides speak; a `SlurmVersionError` listing both sides when none. */
export function chooseSlurmApi(offered: readonly string[], url: string): SlurmApi {
  const api = SPOKEN_SLURM_APIS.find((a) => offered.includes(a.version));
  if (!api) throw new SlurmVersionError(url, offered);
  return api;
}

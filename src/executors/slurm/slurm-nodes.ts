import type { SlurmNodeInfo } from './slurm-api.js';

export interface SlurmGpuGroup {
  /** Slurm's gres type as written in gres.conf (`h100`). */
  readonly type: string;
  /** The catalog's model name (`H100`). */
  readonly model: string;
  readonly count: number;
  readonly used: number;
}

/** One node's capacity and health, as `inventory()` and the sites view read it. */
export interface SlurmNodeHealth {
  readonly name: string;
  readonly state: string;
  /** False when drained, draining, down or failed: its GPUs are not offered. */
  readonly usable: boolean;
  readonly reason: string;
  readonly gpus: readonly SlurmGpuGroup[];
}

const UNUSABLE = /down|drain|fail|maint|reboot|future|unknown|not_responding|power/i;

/** `gpu:h100:8(S:0-1),gpu:a100:2` → the GPU groups (other gres ignored). */
export function parseGres(gres: string): { type: string; count: number }[] {
  const groups: { type: string; count: number }[] = [];
  for (const part of gres.split(/,(?![^(]*\))/)) {
    const match = /^gpu(?::([^:(]+))?:(\d+)/.exec(part.trim());
    if (match?.[2]) groups.push({ type: match[1] ?? '', count: Number(match[2]) });
  }
  return groups;
}

/** Slurm's lower-case types read as the catalog's models: `h100` → `H100`, `l40s` → `L40S`. */
export function modelOfGresType(type: string): string {
  return type === '' ? 'GPU' : type.toUpperCase();
}

/**
 * `--gres` for GPUs of a node's type: `gpu:h100:2`, or `gpu:2` when the type is unknown; `prefix`
 * is `gpu` (v0.0.38's `gres`) or `gres/gpu` (v0.0.40+'s `tres_per_node`).
 */
export function formatGres(prefix: string, gpus: { readonly type: string; readonly count: number }): string {
  return gpus.type ? `${prefix}:${gpus.type}:${gpus.count}` : `${prefix}:${gpus.count}`;
}

export function describeSlurmNodes(
  nodes: readonly SlurmNodeInfo[],
  partition: string | undefined,
): SlurmNodeHealth[] {
  return nodes
    .filter((n) => partition === undefined || n.partitions.includes(partition))
    .map((n) => {
      const used = new Map(parseGres(n.gresUsed).map((g) => [g.type, g.count]));
      return {
        name: n.name,
        state: [n.state, ...n.flags.map((f) => f.toLowerCase())].join('+'),
        usable: !UNUSABLE.test(n.state) && !n.flags.some((f) => UNUSABLE.test(f)),
        reason: n.reason,
        gpus: parseGres(n.gres).map((g) => ({
          type: g.type,
          model: modelOfGresType(g.type),
          count: g.count,
          used: used.get(g.type) ?? 0,
        })),
      };
    });
}

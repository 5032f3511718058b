import type { Site } from '../../domain/catalog/catalog.js';
import { normaliseGpuModel, type NodeSpec } from '../../domain/scheduling/resources.js';
import type { GpuDevice } from '../ports/executor.js';

/** CPU or memory a site's catalog does not state: more than any job asks (1e9 CPUs, 1e9 MiB). */
const UNSTATED = 1e12;

/** A site's inventory as the site scheduler sees it: numbered nodes, and each GPU's device index. */
export interface SiteCluster {
  readonly nodes: readonly NodeSpec[];
  /** Node name → node number. */
  readonly nodeNumbers: ReadonlyMap<string, number>;
  /** Per node number, the device index of each of its GPUs in the scheduler's order. */
  readonly deviceIndices: readonly (readonly number[])[];
  readonly virtual: boolean;
}

/**
 * Groups the inventory's GPUs by node. A node's CPU and memory are the catalog's figures for its
 * GPU model (and GPU memory, when the site lists one model twice); unstated, they are unlimited.
 */
export function describeSiteCluster(site: Site, devices: readonly GpuDevice[]): SiteCluster {
  const byNode = new Map<string, GpuDevice[]>();
  for (const device of devices) {
    const list = byNode.get(device.node);
    if (list) list.push(device);
    else byNode.set(device.node, [device]);
  }
  const nodes: NodeSpec[] = [];
  const deviceIndices: number[][] = [];
  const nodeNumbers = new Map<string, number>();
  for (const [name, gpus] of byNode) {
    gpus.sort((a, b) => a.index - b.index);
    const first = gpus[0]!;
    const model = normaliseGpuModel(first.model);
    const rows = site.capacity.filter((r) => normaliseGpuModel(r.gpuModel) === model);
    const row = rows.find((r) => r.gpuMemoryGiB === first.memoryGiB) ?? rows[0];
    nodeNumbers.set(name, nodes.length);
    deviceIndices.push(gpus.map((g) => g.index));
    nodes.push({
      name,
      cpuMilli: row?.cpusPerNode === undefined ? UNSTATED : row.cpusPerNode * 1000,
      memoryMib: row?.memoryGiBPerNode === undefined ? UNSTATED : row.memoryGiBPerNode * 1024,
      gpuCount: gpus.length,
      gpuModel: model,
      gpuMemoryMib: Math.min(...gpus.map((g) => g.memoryGiB)) * 1024,
    });
  }
  return { nodes, nodeNumbers, deviceIndices, virtual: devices.some((d) => d.virtual) };
}

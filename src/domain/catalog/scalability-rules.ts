import { grant, joinNames, requireEvidence, withhold, type DossierRule } from './dossier-rule.js';

/** GPU generations counted as recent (late 2026): Hopper H200 and newer, AMD Instinct MI300 and newer. */
export const RECENT_GPU_GENERATIONS: readonly string[] = [
  'H200',
  'GH200',
  'B100',
  'B200',
  'B300',
  'GB200',
  'GB300',
  'MI300X',
  'MI325X',
  'MI350X',
  'MI355X',
];

/** Whether new GPU generations arrive and GPUs can be had on demand. */
export const SCALABILITY_RULES: readonly DossierRule<'scalability'>[] = [
  requireEvidence('scalability'),
  {
    id: 'scalability.generations',
    summary: 'the GPU generations offered are listed (`gpuGenerations`)',
    check: (a) =>
      (a.gpuGenerations ?? []).length > 0
        ? grant(`GPU generations: ${joinNames(a.gpuGenerations)}`)
        : withhold('GPU generations not listed'),
  },
  {
    id: 'scalability.several-generations',
    summary: 'two or more GPU generations, a sign that new ones are added',
    check: (a) => {
      const count = new Set((a.gpuGenerations ?? []).map((g) => g.toUpperCase())).size;
      return count >= 2 ? grant(`${count} GPU generations`) : withhold(`${count} GPU generation(s)`);
    },
  },
  {
    id: 'scalability.recent-generation',
    summary: `a recent generation among them (${RECENT_GPU_GENERATIONS.join(', ')})`,
    check: (a) => {
      const recent = (a.gpuGenerations ?? []).filter((g) => RECENT_GPU_GENERATIONS.includes(g.toUpperCase()));
      return recent.length > 0 ? grant(`recent: ${joinNames(recent)}`) : withhold('no recent GPU generation');
    },
  },
  {
    id: 'scalability.on-demand',
    summary: 'GPUs on demand (`onDemand: true`; when not stated, an on-demand offering at one of its sites)',
    check: (a, { sites }) => {
      if (a.onDemand !== undefined)
        return a.onDemand ? grant('GPUs on demand') : withhold('no GPUs on demand');
      const offering = sites.find((s) => s.offerings.some((o) => o.kind === 'on-demand'));
      return offering
        ? grant(`on-demand offerings at ${offering.name}`)
        : withhold('capacity on demand not stated');
    },
  },
];

// Writes examples/traces/sample-*.csv (`npm run sample-trace`): a small synthetic trace in the
// Alibaba GPU trace 2023 format, made by us from a seed, so the README's `usine simulate` runs
// on a clone. Its shape follows the published trace's (a node mix of 2-, 4- and 8-GPU machines;
// about half the pods ask for one whole GPU, a third for a fraction of one, a few for 2–8 GPUs,
// the rest for none); its figures are not the paper's: for those, replay the real trace.
import { mkdirSync, writeFileSync } from 'node:fs';

const NODES: readonly [model: string, gpus: number, cpuMilli: number, memoryMib: number, count: number][] = [
  ['G2', 8, 96000, 393216, 18],
  ['G3', 8, 128000, 786432, 2],
  ['T4', 2, 104000, 524288, 12],
  ['P100', 2, 16000, 122880, 4],
  ['V100M16', 4, 32000, 131072, 2],
  ['V100M32', 8, 96000, 786432, 2],
];
const PODS = 500;
const FRACTIONS = [100, 200, 250, 300, 400, 500, 600, 700, 800, 900];

/** A 32-bit linear congruential generator: the same file from the same seed, everywhere. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = seededRandom(2023);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const nodes = ['sn,cpu_milli,memory_mib,gpu,model'];
let n = 0;
for (const [model, gpus, cpu, memory, count] of NODES)
  for (let i = 0; i < count; i++)
    nodes.push(`sample-node-${String(n++).padStart(4, '0')},${cpu},${memory},${gpus},${model}`);

const pods = [
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
];
for (let i = 0; i < PODS; i++) {
  const draw = random();
  const [gpus, milli] =
    draw < 0.48
      ? [1, 1000]
      : draw < 0.86
        ? [1, pick(FRACTIONS)]
        : draw < 0.88
          ? [pick([2, 4, 8]), 1000]
          : [0, 0];
  const cpu = pick([1000, 2000, 4000, 6000, 8000, 12000, 16000]);
  const memory = pick([2048, 4096, 8192, 12288, 16384, 32768]);
  const created = i * 1000;
  pods.push(
    `sample-pod-${String(i).padStart(4, '0')},${cpu},${memory},${gpus},${milli},,LS,Running,${created},${created + 3_600_000},${created}`,
  );
}

mkdirSync('examples/traces', { recursive: true });
writeFileSync('examples/traces/sample-nodes.csv', `${nodes.join('\n')}\n`);
writeFileSync('examples/traces/sample-pods.csv', `${pods.join('\n')}\n`);
console.log(`wrote examples/traces/sample-nodes.csv (${n} nodes) and sample-pods.csv (${PODS} pods)`);

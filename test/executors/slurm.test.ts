import { describe, it } from 'vitest';
import { describeExecutorContract } from './executor-contract.js';
import { describeSlurmCluster } from './slurm-cluster.js';
import { findTestSlurms, makeSlurmSubject } from './slurm-subject.js';

const clusters = await findTestSlurms();

if (typeof clusters === 'string') {
  console.warn(`\n*** SKIPPING the Slurm executor tests: ${clusters}\n`);
  describe.skip(`slurm executor (skipped: ${clusters})`, () => {
    it('needs a slurmrestd', () => undefined);
  });
} else {
  // the same suite on every cluster (22.05 and 24.11 in CI), each by its version
  for (const slurm of clusters)
    describe(`Slurm ${slurm.label}`, () => {
      describeExecutorContract('slurm', makeSlurmSubject(slurm));
      describeSlurmCluster(slurm);
    });
}

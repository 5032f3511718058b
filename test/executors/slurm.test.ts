import { describe, it } from 'vitest';
import { describeExecutorContract } from './executor-contract.js';
import { describeSlurmCluster } from './slurm-cluster.js';
import { findTestSlurm, makeSlurmSubject } from './slurm-subject.js';

const slurm = await findTestSlurm();

if (typeof slurm === 'string') {
  console.warn(`\n*** SKIPPING the Slurm executor tests: ${slurm}\n`);
  describe.skip(`slurm executor (skipped: ${slurm})`, () => {
    it('needs a slurmrestd', () => undefined);
  });
} else {
  describeExecutorContract('slurm', makeSlurmSubject(slurm));
  describeSlurmCluster(slurm);
}

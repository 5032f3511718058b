import { describe } from 'vitest';
import { describeExecutorContract } from './executor-contract.js';
import { describeSlurmCluster } from './slurm-cluster.js';
import { findTestSlurms, makeSlurmSubject, skipSlurmSuite } from './slurm-subject.js';

const clusters = await findTestSlurms();

if (typeof clusters === 'string') skipSlurmSuite('the Slurm executor tests', clusters);
else {
  // the same suite on every cluster (22.05 and 24.11 in CI), each by its version
  for (const slurm of clusters)
    describe(`Slurm ${slurm.label}`, () => {
      describeExecutorContract('slurm', makeSlurmSubject(slurm));
      describeSlurmCluster(slurm);
    });
}

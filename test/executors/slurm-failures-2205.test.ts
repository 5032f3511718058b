import { describeSlurmFailures } from './slurm-failures.js';

// the host's Slurm (Debian 12: 22.05), which serves only v0.0.38
describeSlurmFailures({
  label: '22.05',
  chroot: undefined,
  ports: { CTLD_PORT: '26817', SLURMD_BASE_PORT: '27100', REST_PORT: '26820' },
  restartVersions: undefined,
  afterNodeFailure: 'CANCELLED',
  versionAfterRestart: 'v0.0.38',
});

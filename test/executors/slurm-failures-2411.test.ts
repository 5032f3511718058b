import { describeSlurmFailures } from './slurm-failures.js';

// Slurm 24.11 from a Debian 13 root (scripts/slurm/trixie-root.sh; USINE_SLURM_TRIXIE_ROOT, default
// /opt/usine-trixie): it serves v0.0.40 to v0.0.42, and only v0.0.40 once slurmrestd restarts
describeSlurmFailures({
  label: '24.11',
  chroot: process.env.USINE_SLURM_TRIXIE_ROOT ?? '/opt/usine-trixie',
  ports: { CTLD_PORT: '24517', SLURMD_BASE_PORT: '24500', REST_PORT: '24520' },
  restartVersions: 'data_parser/v0.0.40',
  afterNodeFailure: 'NODE_FAIL',
  versionAfterRestart: 'v0.0.40',
});

export { AgentExecutor, parseAgentHandle, type AgentExecutorOptions } from './agent/agent-executor.js';
export { LocalExecutor, parseLocalHandle, type LocalExecutorOptions } from './local/local-executor.js';
export { type VirtualGpus } from './local/gpu-inventory.js';
export {
  SimulatedExecutor,
  SIMULATED_EXIT_CODE_ENV,
  type SimulatedExecutorOptions,
} from './simulated/simulated-executor.js';
export { createSlurmExecutor } from './slurm/create-slurm-executor.js';
export {
  SlurmExecutor,
  parseSlurmHandle,
  type SlurmExecutorOptions,
  type SlurmUsage,
} from './slurm/slurm-executor.js';
export { PeerExecutor, parsePeerHandle, type PeerExecutorOptions } from './peer/peer-executor.js';

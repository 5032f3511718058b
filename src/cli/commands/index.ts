import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerAdmin } from './admin.js';
import { registerAgent } from './agent.js';
import { registerNodes } from './nodes.js';
import { registerAudit } from './audit.js';
import { registerCompletion } from './completion.js';
import { registerExplain } from './explain.js';
import { registerExport, registerImport } from './export.js';
import { registerJobActions } from './job-actions.js';
import { registerJobs } from './jobs.js';
import { registerLedger } from './ledger.js';
import { registerMetering } from './metering.js';
import { registerPlace } from './place.js';
import { registerProviders } from './providers.js';
import { registerReport } from './report.js';
import { registerRfp } from './rfp.js';
import { registerSimulate } from './simulate.js';
import { registerServices } from './services.js';
import { registerSites } from './sites.js';
import { registerSubmit } from './submit.js';
import { registerKeys } from './keys.js';
import { registerTenants } from './tenants.js';
import { registerTop } from './top.js';
import { registerUp } from './up.js';
import { registerValidate } from './validate.js';

/** Records a command's exit code; the highest one wins. */
export type SetExit = (code: number) => void;

/** Every `usine` sub-command, registered in the order `usine --help` lists them. */
export function registerCommands(program: Command, io: CliIo, setExit: SetExit): void {
  // files: no server needed
  registerValidate(program, io, setExit);
  registerExplain(program, io, setExit);
  registerSites(program, io, setExit);
  registerPlace(program, io, setExit);
  registerProviders(program, io, setExit);
  registerRfp(program, io, setExit);
  registerSimulate(program, io, setExit);
  // the factory and its API
  registerUp(program, io, setExit);
  registerAgent(program, io, setExit);
  registerNodes(program, io, setExit);
  registerTop(program, io, setExit);
  registerSubmit(program, io, setExit);
  registerJobs(program, io, setExit);
  registerJobActions(program, io, setExit);
  registerServices(program, io, setExit);
  registerTenants(program, io, setExit);
  registerKeys(program, io, setExit);
  registerAudit(program, io, setExit);
  registerMetering(program, io, setExit);
  registerLedger(program, io, setExit);
  registerExport(program, io, setExit);
  registerImport(program, io, setExit);
  registerReport(program, io, setExit);
  // the shell
  registerCompletion(program, io, setExit);
  registerAdmin(program, io, setExit);
}

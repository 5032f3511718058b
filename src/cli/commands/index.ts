import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerPlace } from './place.js';
import { registerProviders } from './providers.js';
import { registerRfp } from './rfp.js';
import { registerSites } from './sites.js';
import { registerSimulate } from './simulate.js';
import { registerValidate } from './validate.js';

/** Records a command's exit code; the highest one wins. */
export type SetExit = (code: number) => void;

/** Every `usine` sub-command, registered in the order `usine --help` lists them. */
export function registerCommands(program: Command, io: CliIo, setExit: SetExit): void {
  registerValidate(program, io, setExit);
  registerSites(program, io, setExit);
  registerPlace(program, io, setExit);
  registerProviders(program, io, setExit);
  registerRfp(program, io, setExit);
  registerSimulate(program, io, setExit);
}

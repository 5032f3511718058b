import { resolve } from 'node:path';
import {
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  defaultWitnessFile,
  type AuditOptions,
} from '../server/start-audit.js';

/**
 * Where checkpoints are witnessed and how often they are signed, from `--audit-witness`
 * (or USINE_AUDIT_WITNESS), USINE_AUDIT_CHECKPOINT_ENTRIES and USINE_AUDIT_CHECKPOINT_SECONDS;
 * every bad value reported.
 */
export function readAuditSettings(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  dataDir: string,
  witnessFlag: string | undefined,
): {
  audit: Required<Pick<AuditOptions, 'witnessFile' | 'checkpointEvery' | 'checkpointIntervalMs'>>;
  problems: string[];
} {
  const problems: string[] = [];
  const read = (variable: string, fallback: number): number => {
    const text = env[variable];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (Number.isSafeInteger(value) && value > 0) return value;
    problems.push(`${variable}=${text}: must be a positive whole number (default ${fallback})`);
    return fallback;
  };
  const witness = witnessFlag ?? env['USINE_AUDIT_WITNESS'];
  const witnessFile = witness ? resolve(cwd, witness) : defaultWitnessFile(dataDir);
  if (witnessFile === resolve(dataDir) || witnessFile.startsWith(`${resolve(dataDir)}/`))
    problems.push(
      `--audit-witness ${witness ?? ''}: must be outside the data dir ${dataDir} (that is the point of a witness)`,
    );
  return {
    audit: {
      witnessFile,
      checkpointEvery: read('USINE_AUDIT_CHECKPOINT_ENTRIES', DEFAULT_CHECKPOINT_EVERY),
      checkpointIntervalMs:
        read('USINE_AUDIT_CHECKPOINT_SECONDS', DEFAULT_CHECKPOINT_INTERVAL_MS / 1000) * 1000,
    },
    problems,
  };
}

import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditWitness } from '../app/ports/audit-witness.js';
import { formatCheckpointLine, parseCheckpointLines } from '../domain/audit/checkpoint-lines.js';

/**
 * The witness as a local file of JSON lines, appended and flushed to disk checkpoint by
 * checkpoint. Point it at storage the database's operators cannot rewrite (another disk,
 * a mount of an append-only bucket, a log shipper's input): that is what makes it a witness.
 */
export function openAuditWitnessFile(path: string): AuditWitness {
  mkdirSync(dirname(path), { recursive: true });
  return {
    location: path,
    read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const { checkpoints, problems } = parseCheckpointLines(text);
      const [first] = problems;
      if (first) throw new Error(`${path}:${first.line}: not a checkpoint: ${first.message}`);
      return checkpoints;
    },
    append(checkpoint) {
      appendFileSync(path, formatCheckpointLine(checkpoint), { mode: 0o600 });
      const fd = openSync(path, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

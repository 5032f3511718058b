import type { Command } from 'commander';
import type { TenantPolicy } from '../../domain/catalog/catalog.js';
import { parseDocuments } from '../../domain/documents/parse-documents.js';
import { placeJob } from '../../domain/placement/place-job.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { loadDocuments } from '../load-documents.js';
import { parseInstant } from '../parse-instant.js';
import { readInputFile } from '../read-input-files.js';
import { renderPlacementJson, renderPlacementText } from '../render-placement.js';
import type { SetExit } from './index.js';

interface PlaceOptions {
  readonly catalog: string;
  readonly policy?: string;
  readonly at?: string;
  readonly json?: boolean;
}

export function registerPlace(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('place')
    .summary('choose the site of the federation for a job, and say why')
    .description(
      'Place a job on the federation: every site is checked against every hard rule (residency,\n' +
        'operator jurisdiction, certifications valid at --at, GPU model and memory, gang capacity,\n' +
        'price caps, allowed sites, exchange rates); the feasible ones are ranked by the objective\n' +
        '(cost, time or carbon), preferred sites first. Prints the decision, the alternatives and\n' +
        'every rejected site with its reasons. Exit 0 placed, 3 no feasible site, 1 invalid input.',
    )
    .argument('<job>', 'the job spec (YAML), one Job or Service')
    .requiredOption('--catalog <file>', 'the federation catalog (YAML)')
    .option('--policy <file>', "the tenant's Policy (YAML, one Policy document)")
    .option('--at <time>', 'decide at this RFC 3339 instant (certification expiry; default: now)')
    .option('--json', 'print {feasible, decision, ranked, rejected} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  usine place examples/jobs/health-finetune.yaml \\\n      --catalog examples/federation.yaml\n' +
        '  usine place examples/jobs/gang-train-2x8.yaml \\\n      --catalog examples/federation.yaml \\\n' +
        '      --policy examples/policies/startup.yaml --json',
    )
    .action(async (jobFile: string, options: PlaceOptions) => {
      const at = parseInstant(options.at, io);
      const files = [options.catalog, ...(options.policy ? [options.policy] : []), jobFile];
      const { specs, catalog } = await loadDocuments(files, io);
      if (specs.length !== 1) {
        const names = specs.map((s) => `${s.spec.name} (${s.file})`).join(', ');
        throw new CliExit(
          ExitCode.error,
          specs.length === 0
            ? `${jobFile}: holds no Job or Service document to place`
            : `the input holds ${specs.length} jobs (${names}); place one at a time`,
        );
      }
      const job = (specs[0] as (typeof specs)[number]).spec;
      const policy = options.policy ? choosePolicy(options.policy, catalog.policies, io) : undefined;
      const result = placeJob({ job, policy, catalog, at });
      io.stdout(options.json ? renderPlacementJson(result, job) : renderPlacementText(result, job));
      setExit(result.feasible ? ExitCode.ok : ExitCode.notFound);
    });
}

/** The one Policy the --policy file holds (validated already with the catalog). */
function choosePolicy(file: string, policies: readonly TenantPolicy[], io: CliIo): TenantPolicy {
  const input = readInputFile(file, io);
  const names = parseDocuments(input.text, input.name)
    .documents.map((d) => d.value as { kind?: unknown; metadata?: { name?: unknown } })
    .filter((v) => v?.kind === 'Policy' && typeof v.metadata?.name === 'string')
    .map((v) => v.metadata?.name as string);
  const found = policies.filter((p) => names.includes(p.name));
  if (found.length !== 1) {
    throw new CliExit(
      ExitCode.error,
      found.length === 0
        ? `${file}: holds no Policy document`
        : `${file}: holds ${found.length} policies (${found.map((p) => p.name).join(', ')}); keep one per file`,
    );
  }
  return found[0] as TenantPolicy;
}

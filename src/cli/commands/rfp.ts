import { Option, type Command } from 'commander';
import { LANGUAGES, type Language } from '../../domain/catalog/questionnaire.js';
import { suggestClosest } from '../../domain/documents/suggest.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { loadDocuments } from '../load-documents.js';
import { parseInstant } from '../parse-instant.js';
import type { SetExit } from './index.js';

export function registerRfp(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('rfp')
    .summary('write the due-diligence questionnaire for a provider (Markdown)')
    .description(
      'Write, in Markdown on stdout, the questionnaire to send a provider with a call for tenders:\n' +
        'every question of the due-diligence checklist its dossier leaves open or answered more than\n' +
        '12 months ago, and the points the scorecard found missing in its other answers, with the\n' +
        'evidence to attach. In French or English.',
    )
    .requiredOption('--catalog <file>', 'the federation catalog (YAML)')
    .requiredOption('--provider <name>', 'the provider to question (its metadata.name)')
    .addOption(
      new Option('--lang <language>', 'the questionnaire’s language').choices(LANGUAGES).default('en'),
    )
    .option('--at <time>', 'judge staleness and certifications at this RFC 3339 instant (default: now)')
    .addHelpText(
      'after',
      '\nExample:\n  usine rfp --catalog examples/federation.yaml --provider scaleway --lang fr \\\n      > rfp-scaleway.md',
    )
    .action(async (options: { catalog: string; provider: string; lang: Language; at?: string }) => {
      const at = parseInstant(options.at, io);
      const { catalog } = await loadDocuments([options.catalog], io);
      const provider = catalog.providers.find((p) => p.name === options.provider);
      if (provider === undefined) {
        const names = catalog.providers.map((p) => p.name);
        const hint = suggestClosest(options.provider, names);
        throw new CliExit(
          ExitCode.notFound,
          `no Provider named ${options.provider} in ${options.catalog}; ` +
            (hint ? `did you mean ${hint}?` : `the providers are: ${names.join(', ') || 'none'}`),
        );
      }
      const { EQUAL_WEIGHTS, scoreProvider } = await import('../../domain/catalog/rank-providers.js');
      const { writeRfp } = await import('../../domain/catalog/write-rfp.js');
      io.stdout(writeRfp(scoreProvider(provider, catalog, EQUAL_WEIGHTS, at), options.lang, at));
      setExit(ExitCode.ok);
    });
}

import type { Command } from 'commander';
import { formatDiagnostic } from '../../domain/documents/diagnostic.js';
import { lacksDataRules, NO_DATA_RULES_WARNING } from '../../domain/spec/data-warning.js';
import { ExitCode, type CliIo } from '../io.js';
import { readInputFiles } from '../read-input-files.js';
import type { SetExit } from './index.js';

export function registerValidate(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('validate')
    .summary('check job specs and catalog files')
    .description(
      'Check Usine documents (Job, Service, Provider, Site, ExchangeRates, Policy) and report every\n' +
        'problem of every file at once, as FILE:LINE:COL: field.path: message. Catalog documents\n' +
        'given together are checked together (a Site may name a Provider of another file).',
    )
    .argument('<file...>', 'YAML or JSON files; - reads one from standard input')
    .option('--json', 'print [{file, valid, errors: [{line, col, path, message}], warnings}] on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  usine validate examples/jobs/*.yaml\n  usine validate --json job.yaml',
    )
    .action(async (files: string[], options: { json?: boolean }) => {
      const { readDocuments } = await import('../../app/read-documents.js');
      const { reports, specs, catalog } = readDocuments(readInputFiles(files, io));
      const isValid = reports.every((r) => r.diagnostics.length === 0);
      if (options.json) {
        const out = reports.map((r) => ({
          file: r.file,
          valid: r.diagnostics.length === 0,
          errors: r.diagnostics.map(({ line, col, path, message }) => ({ line, col, path, message })),
          warnings: specs
            .filter((s) => s.file === r.file && lacksDataRules(s.document))
            .map(() => ({ path: 'spec.data', message: NO_DATA_RULES_WARNING })),
        }));
        io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        for (const report of reports) {
          for (const d of report.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
          if (report.diagnostics.length === 0) {
            const kinds = [
              ...specs.filter((s) => s.file === report.file).map((s) => `${s.spec.kind} ${s.spec.name}`),
            ];
            io.stdout(`${report.file}: valid${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}\n`);
            for (const s of specs.filter((s) => s.file === report.file && lacksDataRules(s.document)))
              io.stderr(`${report.file}: warning: ${s.spec.kind} ${s.spec.name}: ${NO_DATA_RULES_WARNING}\n`);
          }
        }
        const errors = reports.reduce((n, r) => n + r.diagnostics.length, 0);
        if (errors > 0) {
          const bad = reports.filter((r) => r.diagnostics.length > 0).length;
          io.stderr(`${errors} problem(s) in ${bad} of ${reports.length} file(s)\n`);
        } else if (catalog.sites.length > 0) {
          io.stderr(`catalog: ${catalog.providers.length} provider(s), ${catalog.sites.length} site(s)\n`);
        }
      }
      setExit(isValid ? ExitCode.ok : ExitCode.error);
    });
}

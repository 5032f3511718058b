import type { Command } from 'commander';
import { DOCUMENT_KINDS } from '../../app/document-kinds.js';
import { explainField, renderExplanation } from '../explain-field.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import type { SetExit } from './index.js';

export function registerExplain(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('explain')
    .summary('describe a field of a document kind, from the schema')
    .description(
      'Describe a field of a usine/v1 document as kubectl explain does: its type, its default, what it ' +
        'means and the fields under it, read from the published JSON Schema (schema/usine-v1.json). ' +
        `The path starts at a Job, or at the kind it names first: ${DOCUMENT_KINDS.join(', ')}.`,
    )
    .argument('[path]', 'a field path such as spec.resources, or site.spec.capacity')
    .option('--json', 'print {kind, field, type, description, default, fields} as JSON')
    .addHelpText('after', '\nExamples:\n  usine explain spec.resources\n  usine explain site.spec.offerings')
    .action(async (path: string | undefined, options: { json?: boolean }) => {
      const { buildKindSchema } = await import('../../app/json-schema.js');
      const [first = '', ...rest] = (path ?? '').split('.');
      const named = DOCUMENT_KINDS.find((k) => k.toLowerCase() === first.toLowerCase());
      const kind = named ?? 'Job';
      const field = (named ? rest : [first, ...rest]).filter(Boolean).join('.');
      const result = explainField(kind, buildKindSchema(kind), field);
      if (!result.ok) throw new CliExit(ExitCode.error, result.message);
      io.stdout(
        options.json
          ? `${JSON.stringify(result.explanation, null, 2)}\n`
          : renderExplanation(result.explanation),
      );
      setExit(ExitCode.ok);
    });
}

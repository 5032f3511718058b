import Type from 'typebox';
import type { Diagnostic } from '../documents/diagnostic.js';
import { formatFieldPath, type FieldPath } from '../documents/field-path.js';
import type { SourceDocument } from '../documents/parse-documents.js';
import { readField } from '../documents/read-field.js';
import { Duration } from '../documents/fields.js';
import { parseDuration } from '../time/duration.js';
import { SERVICE_FIELD_NAMES, ServiceFields } from './service-schema.js';

const Kind = Type.String();
const Present = Type.Unknown();
const Replicas = ServiceFields.replicas;

/**
 * What the schema cannot say about a Service's fields: a Job has none of them, replicas.min is
 * not above replicas.max, a scale to zero needs replicas.min 0, durations are above zero.
 */
export function checkServiceRules(document: SourceDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (path: FieldPath, message: string, at: 'key' | 'value' = 'value') => {
    const { line, col } = document.locate(path, at);
    diagnostics.push({ file: document.file, line, col, path: formatFieldPath(path), message });
  };
  const kind = readField(document.value, ['kind'], Kind);
  if (kind === 'Job') {
    for (const name of SERVICE_FIELD_NAMES) {
      if (readField(document.value, ['spec', name], Present) !== undefined)
        report(
          ['spec', name],
          `only a Service has ${name}: write kind: Service, or remove spec.${name}`,
          'key',
        );
    }
    return diagnostics;
  }
  if (kind !== 'Service') return diagnostics;
  const replicas = readField(document.value, ['spec', 'replicas'], Replicas);
  if (replicas && replicas.min > replicas.max) {
    report(['spec', 'replicas', 'min'], `${replicas.min} is above spec.replicas.max (${replicas.max})`);
  }
  for (const field of ['scaleDownDelay', 'scaleToZeroAfter'] as const) {
    const text = readField(document.value, ['spec', 'autoscale', field], Duration);
    if (text !== undefined && parseDuration(text) === undefined)
      report(['spec', 'autoscale', field], 'must be longer than zero');
  }
  const toZero = readField(document.value, ['spec', 'autoscale', 'scaleToZeroAfter'], Duration);
  if (toZero !== undefined && (replicas?.min ?? 1) > 0) {
    report(
      ['spec', 'autoscale', 'scaleToZeroAfter'],
      `a service scales to zero only with spec.replicas.min: 0 (it is ${replicas?.min ?? 1})`,
    );
  }
  return diagnostics;
}

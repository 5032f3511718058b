import Type from 'typebox';
import type { Diagnostic } from '../documents/diagnostic.js';
import { formatFieldPath, type FieldPath } from '../documents/field-path.js';
import type { SourceDocument } from '../documents/parse-documents.js';
import { readField } from '../documents/read-field.js';
import { suggestClosest } from '../documents/suggest.js';
import { isCountryCode } from '../geo/countries.js';
import { parseMoney } from '../money/money.js';
import { isCalendarDate } from '../time/calendar-date.js';

const Row = Type.Object({ gpuModel: Type.String(), gpuMemoryGiB: Type.Number() });
const Named = Type.Object({ name: Type.String() });
const Dated = Type.Object({ expires: Type.String() });
const ModelRef = Type.Object({ gpuModel: Type.String() });
const Priced = Type.Object({ pricePerGpuHour: Type.String() });
const BackendShape = Type.Object({ type: Type.String() });
const CountryText = Type.String({ pattern: '^[A-Z]{2}$' });
const List = Type.Array(Type.Unknown());
const GpusMap = Type.Record(Type.String(), Type.Unknown());
const NumberValue = Type.Number();
const Text = Type.String();
const Anything = Type.Unknown();

/**
 * What a Site's schema cannot say: real country, currency and calendar codes, offerings and
 * tenants' quotas for GPU models the site has, no duplicates, what each backend needs. Each rule runs on
 * whatever parts are well-formed, so one pass shows every problem.
 */
export function checkSiteRules(document: SourceDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (path: FieldPath, message: string, at: 'key' | 'value' = 'value') => {
    const { line, col } = document.locate(path, at);
    diagnostics.push({ file: document.file, line, col, path: formatFieldPath(path), message });
  };
  const read = <T extends Parameters<typeof readField>[2]>(path: FieldPath, schema: T) =>
    readField(document.value, ['spec', ...path], schema);

  const country = read(['location', 'country'], CountryText);
  if (country !== undefined && !isCountryCode(country)) {
    report(['spec', 'location', 'country'], `${country} is not an ISO 3166 alpha-2 country code`);
  }

  const rows = read(['capacity'], List) ?? [];
  const models: string[] = [];
  rows.forEach((_, i) => {
    const row = read(['capacity', i], Row);
    if (!row) return;
    const key = `${row.gpuModel.toUpperCase()}/${row.gpuMemoryGiB}`;
    if (
      models.some(
        (m, j) => `${m.toUpperCase()}/${read(['capacity', j, 'gpuMemoryGiB'], NumberValue)}` === key,
      )
    ) {
      report(
        ['spec', 'capacity', i, 'gpuModel'],
        `${row.gpuModel} with ${row.gpuMemoryGiB} GiB is listed twice`,
      );
    }
    models.push(row.gpuModel);
  });

  const offerings = read(['offerings'], List) ?? [];
  offerings.forEach((_, i) => {
    const model = read(['offerings', i], ModelRef)?.gpuModel;
    if (
      model !== undefined &&
      rows.length > 0 &&
      !models.some((m) => m.toUpperCase() === model.toUpperCase())
    ) {
      const hint = suggestClosest(model, models);
      report(
        ['spec', 'offerings', i, 'gpuModel'],
        `the site has no ${model} in spec.capacity${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
    const price = read(['offerings', i], Priced)?.pricePerGpuHour;
    if (price !== undefined) {
      const parsed = parseMoney(price);
      if (!parsed.ok) report(['spec', 'offerings', i, 'pricePerGpuHour'], parsed.message);
    }
  });
  const egress = read(['egressPerGiB'], Text);
  if (egress !== undefined) {
    const parsed = parseMoney(egress);
    if (!parsed.ok) report(['spec', 'egressPerGiB'], parsed.message);
  }

  const certifications = read(['certifications'], List) ?? [];
  const names: string[] = [];
  certifications.forEach((_, i) => {
    const name = read(['certifications', i], Named)?.name;
    if (name !== undefined) {
      if (names.includes(name.toLowerCase()))
        report(['spec', 'certifications', i, 'name'], `${name} is listed twice`);
      names.push(name.toLowerCase());
    }
    const expires = read(['certifications', i], Dated)?.expires;
    if (expires !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(expires) && !isCalendarDate(expires)) {
      report(['spec', 'certifications', i, 'expires'], `${expires} is not a calendar date`);
    }
  });

  const tenants = read(['tenants'], List) ?? [];
  const tenantNames: string[] = [];
  tenants.forEach((_, i) => {
    const name = read(['tenants', i], Named)?.name;
    if (name !== undefined) {
      if (tenantNames.includes(name))
        report(['spec', 'tenants', i, 'name'], `tenant ${name} is listed twice`);
      tenantNames.push(name);
    }
    for (const field of ['quota', 'borrowingLimit']) {
      const gpus = read(['tenants', i, field], GpusMap) ?? {};
      for (const model of Object.keys(gpus)) {
        if (rows.length === 0 || models.some((m) => m.toUpperCase() === model.toUpperCase())) continue;
        const hint = suggestClosest(model, models);
        report(
          ['spec', 'tenants', i, field, model],
          `the site has no ${model} in spec.capacity${hint ? `; did you mean ${hint}?` : `; it has ${models.join(', ')}`}`,
          'key',
        );
      }
    }
  });

  const backend = read(['backend'], BackendShape);
  if (backend) {
    const has = (field: string) => read(['backend', field], Anything) !== undefined;
    if ((backend.type === 'slurm' || backend.type === 'peer') && !has('url')) {
      report(['spec', 'backend'], `a ${backend.type} backend needs url`, 'key');
    }
    if (backend.type === 'slurm' && !has('partition')) {
      report(['spec', 'backend'], 'a slurm backend needs partition', 'key');
    }
  }
  return diagnostics;
}

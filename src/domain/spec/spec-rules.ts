import Type from 'typebox';
import type { Diagnostic } from '../documents/diagnostic.js';
import { formatFieldPath, type FieldPath } from '../documents/field-path.js';
import { DataRules, GPU_COUNT_HINT, PlacementRules, Resources } from './schema.js';
import { checkServiceRules } from './service-rules.js';
import { Duration, RegionText } from '../documents/fields.js';
import type { SourceDocument } from '../documents/parse-documents.js';
import { readField } from '../documents/read-field.js';
import { suggestClosest } from '../documents/suggest.js';
import { suggestGpuModel } from '../catalog/gpu-models.js';
import { isCountryCode } from '../geo/countries.js';
import { expandRegion, isWithinRegion, listOutside, type Region } from '../geo/region.js';
import { parseMoney } from '../money/money.js';
import { ruleForClassification } from '../policy/classification.js';
import { parseDuration } from '../time/duration.js';

const S = ['spec'] as const;
// checked on every submission: module constants, so each is compiled once
const Strings = Type.Array(Type.String());
const AnyMap = Type.Object({});
const Anything = Type.Unknown();
const PriceText = Type.Union([Type.String(), Type.Number()]);

/**
 * The rules a schema cannot say: fractions of a GPU only on one node, maxDuration not below
 * duration, real country and currency codes, no contradiction with the data classification.
 * Each rule runs when the fields it reads are well-formed, whatever the rest of the file.
 */
export function checkSpecRules(document: SourceDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (path: FieldPath, message: string, at: 'key' | 'value' = 'value') => {
    const { line, col } = document.locate(path, at);
    diagnostics.push({ file: document.file, line, col, path: formatFieldPath(path), message });
  };
  const read = <T extends Parameters<typeof readField>[2]>(path: FieldPath, schema: T) =>
    readField(document.value, [...S, ...path], schema);

  const gpus = read(['resources', 'gpus'], Resources.properties.gpus);
  const nodes = read(['resources', 'nodes'], Resources.properties.nodes) ?? 1;
  if (gpus !== undefined) {
    if (gpus >= 1 && !Number.isInteger(gpus)) {
      report([...S, 'resources', 'gpus'], `${GPU_COUNT_HINT}; ${gpus} is neither`);
    } else if (gpus < 1 && nodes !== 1) {
      report(
        [...S, 'resources', 'gpus'],
        `a fraction of a GPU needs nodes: 1 (spec.resources.nodes is ${nodes})`,
      );
    } else if (gpus < 1 && Math.abs(Math.round(gpus * 1000) - gpus * 1000) > 1e-9) {
      report(
        [...S, 'resources', 'gpus'],
        'fractions of a GPU are counted in thousandths, such as 0.25 or 0.125',
      );
    }
  }
  const models = read(['resources', 'gpuModels'], Strings) ?? [];
  models.forEach((model, i) => {
    const hint = suggestGpuModel(model);
    if (models.slice(0, i).some((m) => m.toUpperCase() === model.toUpperCase())) {
      report([...S, 'resources', 'gpuModels', i], `${model} is listed twice`);
    } else if (hint) {
      report(
        [...S, 'resources', 'gpuModels', i],
        `${model} is not a GPU model Usine knows; did you mean ${hint}?`,
      );
    }
  });

  const durationText = read(['duration'], Duration);
  const maxText = read(['maxDuration'], Duration);
  const duration = durationText === undefined ? undefined : parseDuration(durationText);
  const max = maxText === undefined ? undefined : parseDuration(maxText);
  if (durationText !== undefined && duration === undefined)
    report([...S, 'duration'], 'must be longer than zero');
  if (maxText !== undefined && max === undefined) report([...S, 'maxDuration'], 'must be longer than zero');
  const waitText = read(['placement', 'maxWait'], Duration);
  if (waitText !== undefined && parseDuration(waitText) === undefined)
    report([...S, 'placement', 'maxWait'], 'must be longer than zero (or leave it out: no bound)');
  if (duration !== undefined && max !== undefined && max < duration) {
    report(
      [...S, 'maxDuration'],
      `${maxText} is shorter than spec.duration (${durationText}): the limit must not be below the estimate`,
    );
  }

  const spec = readField(document.value, S, AnyMap);
  if (spec && read(['command'], Anything) === undefined && read(['image'], Anything) === undefined) {
    report([...S], 'spec.command is required when spec.image is not set', 'key');
  }

  const residency = readRegion(read(['data', 'residency'], RegionText), [...S, 'data', 'residency'], report);
  const jurisdiction = readRegion(
    read(['placement', 'jurisdiction'], RegionText),
    [...S, 'placement', 'jurisdiction'],
    report,
  );
  const classification = read(['data', 'classification'], DataRules.properties.classification);
  if (classification) {
    const rule = ruleForClassification(classification);
    const classPath = formatFieldPath([...S, 'data', 'classification']);
    const contradicts = (
      field: string,
      written: Region | undefined,
      needed: { written: string; region: Region },
    ) =>
      written !== undefined && !isWithinRegion(written, needed.region)
        ? `${field} ${written.kind === 'any' ? 'any' : listOutside(written, needed.region).join(', ')} contradicts ${classPath} ` +
          `(${classification}), which needs ${field} within the ${needed.written}; remove spec.${field === 'residency' ? 'data.residency' : 'placement.jurisdiction'} or narrow it`
        : undefined;
    const residencyProblem = rule.residency && contradicts('residency', residency, rule.residency);
    if (residencyProblem) report([...S, 'data', 'residency'], residencyProblem);
    const jurisdictionProblem =
      rule.jurisdiction && contradicts('jurisdiction', jurisdiction, rule.jurisdiction);
    if (jurisdictionProblem) report([...S, 'placement', 'jurisdiction'], jurisdictionProblem);
  }

  const sites = read(['placement', 'sites'], PlacementRules.properties.sites);
  const prefer = read(['placement', 'prefer'], PlacementRules.properties.prefer) ?? [];
  if (sites) {
    prefer.forEach((name, i) => {
      if (sites.includes(name)) return;
      const hint = suggestClosest(name, sites);
      report(
        [...S, 'placement', 'prefer', i],
        `${name} is not in spec.placement.sites (${sites.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
      );
    });
  }
  // A bare number is the commonest slip: answer with the currency it lacks.
  const cap = read(['placement', 'maxPricePerGpuHour'], PriceText);
  if (cap !== undefined) {
    const parsed = parseMoney(String(cap));
    if (!parsed.ok) report([...S, 'placement', 'maxPricePerGpuHour'], parsed.message);
  }
  diagnostics.push(...checkServiceRules(document));
  return diagnostics;
}

function readRegion(
  written: string | readonly string[] | undefined,
  path: FieldPath,
  report: (path: FieldPath, message: string) => void,
): Region | undefined {
  if (written === undefined) return undefined;
  const names = typeof written === 'string' ? [written] : written;
  let ok = true;
  names.forEach((name, i) => {
    if (name === 'EU' || name === 'EEA' || name === 'any' || isCountryCode(name)) return;
    ok = false;
    report(
      typeof written === 'string' ? path : [...path, i],
      `${name} is not an ISO 3166 alpha-2 country code`,
    );
  });
  return ok ? expandRegion(written) : undefined;
}

import { suggestClosest } from '../domain/documents/suggest.js';

type Schema = Record<string, unknown>;

/** What `usine explain` says of one field, read from the published JSON Schema. */
export interface FieldExplanation {
  readonly kind: string;
  readonly field: string;
  readonly type: string;
  readonly description: string | undefined;
  readonly default: unknown;
  readonly fields: readonly {
    readonly name: string;
    readonly type: string;
    readonly required: boolean;
    readonly description: string | undefined;
  }[];
}

export type ExplainResult =
  | { readonly ok: true; readonly explanation: FieldExplanation }
  | { readonly ok: false; readonly message: string };

/** `spec.resources.gpus` of a kind's schema: its type, description, default and sub-fields. */
export function explainField(kind: string, schema: Schema, path: string): ExplainResult {
  const parts = path === '' ? [] : path.split('.');
  let node = schema;
  for (const [i, part] of parts.entries()) {
    const properties = readProperties(node);
    const next = properties[part];
    if (!next) {
      const known = Object.keys(properties);
      const hint = suggestClosest(part, known);
      const at = parts.slice(0, i).join('.') || kind;
      return {
        ok: false,
        message:
          known.length === 0
            ? `${at} has no fields`
            : `${at} has no field ${part}${hint ? `; did you mean ${hint}?` : `; its fields: ${known.join(', ')}`}`,
      };
    }
    node = next;
  }
  const required = new Set(readRequired(node));
  return {
    ok: true,
    explanation: {
      kind,
      field: path || kind,
      type: describeType(node),
      description: readDescription(node),
      default: node['default'],
      fields: Object.entries(readProperties(node)).map(([name, field]) => ({
        name,
        type: describeType(field),
        required: required.has(name),
        description: readDescription(field),
      })),
    },
  };
}

/** kubectl's layout: KIND, FIELD <type>, DESCRIPTION, FIELDS with their types. */
export function renderExplanation(e: FieldExplanation): string {
  const lines = [`KIND:     ${e.kind}`, `FIELD:    ${e.field} <${e.type}>`];
  if (e.default !== undefined) lines.push(`DEFAULT:  ${JSON.stringify(e.default)}`);
  lines.push('', 'DESCRIPTION:', `  ${e.description ?? '(none)'}`);
  if (e.fields.length > 0) {
    lines.push('', 'FIELDS:');
    for (const f of e.fields) {
      lines.push(`  ${f.name} <${f.type}>${f.required ? ' -required-' : ''}`);
      if (f.description) lines.push(`    ${f.description}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The object a field holds, through lists (`[]`) and maps of objects. */
function readProperties(node: Schema): Record<string, Schema> {
  const inner = unwrap(node);
  return (inner['properties'] as Record<string, Schema> | undefined) ?? {};
}

function readRequired(node: Schema): string[] {
  return (unwrap(node)['required'] as string[] | undefined) ?? [];
}

function unwrap(node: Schema): Schema {
  if (node['type'] === 'array' && node['items']) return unwrap(node['items'] as Schema);
  const branches = (node['anyOf'] ?? node['oneOf']) as Schema[] | undefined;
  const object = branches?.find((b) => b['type'] === 'object' || b['properties']);
  return object ?? node;
}

function readDescription(node: Schema): string | undefined {
  return typeof node['description'] === 'string'
    ? node['description']
    : typeof unwrap(node)['description'] === 'string'
      ? (unwrap(node)['description'] as string)
      : undefined;
}

function describeType(node: Schema): string {
  if (Array.isArray(node['enum'])) return (node['enum'] as unknown[]).map(String).join(' | ');
  if ('const' in node) return JSON.stringify(node['const']);
  const branches = (node['anyOf'] ?? node['oneOf']) as Schema[] | undefined;
  if (branches) return branches.map(describeType).join(' | ');
  if (node['type'] === 'array') return `[]${node['items'] ? describeType(node['items'] as Schema) : 'any'}`;
  if (node['type'] === 'object' && !node['properties'] && node['patternProperties'])
    return 'map[string]string';
  return typeof node['type'] === 'string' ? node['type'] : 'any';
}

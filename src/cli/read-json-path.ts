import { CliExit, ExitCode } from './io.js';

/**
 * The values at a JSONPath, in kubectl's subset: `{.items[*].id}`, `.items[0].status`,
 * `{.placement.decision.site}` — fields, indices and `[*]`/`.*` wildcards. Fields that are
 * absent give no value rather than an error, as with kubectl's `--allow-missing-template-keys`.
 */
export function readJsonPath(data: unknown, expression: string): unknown[] {
  let nodes = [data];
  for (const step of parseSteps(expression)) {
    nodes = nodes.flatMap((node) => {
      if (node === null || typeof node !== 'object') return [];
      if (step === '*') return Object.values(node);
      const value = (node as Record<string, unknown>)[step];
      return value === undefined ? [] : [value];
    });
  }
  return nodes;
}

function parseSteps(expression: string): string[] {
  const inner = expression
    .trim()
    .replace(/^\{(.*)\}$/s, '$1')
    .replace(/^\$/, '');
  const steps: string[] = [];
  const token = /\.([^.[\]]+)|\[(\d+|\*)\]|\['([^']*)'\]|\[(?:"([^"]*)")\]/y;
  let at = 0;
  if (inner !== '' && !inner.startsWith('.') && !inner.startsWith('[')) return parseSteps(`.${inner}`);
  while (at < inner.length) {
    token.lastIndex = at;
    const match = token.exec(inner);
    if (!match) {
      throw new CliExit(
        ExitCode.usage,
        `jsonpath=${expression}: cannot read it from \`${inner.slice(at)}\`; write it like {.items[*].id}`,
      );
    }
    steps.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    at = token.lastIndex;
  }
  return steps;
}

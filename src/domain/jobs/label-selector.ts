/**
 * Kubernetes' label selectors: `tier=gold,team!=ops,env in (dev,test),gpu,!spot`. Requirements
 * are ANDed; `!=` and `notin` also match jobs without the label, as in kubectl.
 */
export type LabelRequirement =
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | 'absent' };

export type LabelSelectorResult =
  | { readonly ok: true; readonly requirements: readonly LabelRequirement[] }
  | { readonly ok: false; readonly message: string };

const KEY = '[A-Za-z0-9][-A-Za-z0-9_./]*';
const REQUIREMENT = new RegExp(
  `^(?:(!)?(${KEY})|(${KEY})\\s*(==|=|!=)\\s*([^,()\\s]*)|(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\))$`,
);

export function parseLabelSelector(text: string): LabelSelectorResult {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const m = REQUIREMENT.exec(part.trim());
    if (!m) {
      return {
        ok: false,
        message: `cannot read \`${part.trim()}\`: write key=value, key!=value, key in (a,b), key notin (a,b), key or !key, separated by commas`,
      };
    }
    if (m[2]) requirements.push({ key: m[2], op: m[1] ? 'absent' : 'exists' });
    else if (m[3]) requirements.push({ key: m[3], op: m[4] === '!=' ? 'notin' : 'in', values: [m[5] ?? ''] });
    else if (m[6]) {
      const values = (m[8] ?? '').split(',').map((v) => v.trim());
      if (values.some((v) => v === '')) return { ok: false, message: `\`${part.trim()}\`: a value is empty` };
      requirements.push({ key: m[6], op: m[7] === 'notin' ? 'notin' : 'in', values });
    }
  }
  return { ok: true, requirements };
}

/** True when a job's labels satisfy every requirement (the store says the same in SQL). */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  requirements: readonly LabelRequirement[],
): boolean {
  return requirements.every((r) => {
    const value = Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        return value !== undefined;
      case 'absent':
        return value === undefined;
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
    }
  });
}

/** Commas separate requirements, except inside the parentheses of `in (a,b)`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== '');
}

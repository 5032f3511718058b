import { expandRegion, type Region } from '../geo/region.js';
import type { Classification } from '../spec/schema.js';

/** What a data classification implies, added to whatever the spec and the policy say. */
export interface ClassificationRule {
  readonly residency?: { readonly written: string; readonly region: Region };
  readonly jurisdiction?: { readonly written: string; readonly region: Region };
  readonly certifications: readonly string[];
}

function rule(residency?: string, jurisdiction?: string, certifications: string[] = []): ClassificationRule {
  const expand = (written: string) => ({ written, region: expandRegion(written) as Region });
  return {
    ...(residency ? { residency: expand(residency) } : {}),
    ...(jurisdiction ? { jurisdiction: expand(jurisdiction) } : {}),
    certifications,
  };
}

/**
 * DESIGN.md: `personal` → residency within EU/EEA (GDPR); `health` → residency EU and HDS
 * (French health-data hosting law); `restricted` → residency EU, jurisdiction EU, SecNumCloud.
 */
const RULES: Readonly<Record<Classification, ClassificationRule>> = {
  public: rule(),
  internal: rule(),
  personal: rule('EEA'),
  health: rule('EU', undefined, ['HDS']),
  restricted: rule('EU', 'EU', ['SecNumCloud']),
};

export function ruleForClassification(classification: Classification): ClassificationRule {
  return RULES[classification];
}

/** "health data → residency EU, certification HDS"; undefined when the class implies nothing. */
export function describeClassificationRule(classification: Classification): string | undefined {
  const r = RULES[classification];
  const parts = [
    r.residency ? `residency ${r.residency.written}` : undefined,
    r.jurisdiction ? `jurisdiction ${r.jurisdiction.written}` : undefined,
    ...r.certifications.map((c) => `certification ${c}`),
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? `${classification} data → ${parts.join(', ')}` : undefined;
}

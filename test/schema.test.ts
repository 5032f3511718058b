import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, JSON_SCHEMA_PATH } from '../src/app/json-schema.js';

describe('the committed JSON Schema', () => {
  it('is the one the validator’s schemas generate (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(JSON_SCHEMA_PATH, 'utf8');
    expect(committed).toBe(`${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
  });

  it('says that spec.workload defaults to train for a Job and serve for a Service', () => {
    const schema = buildJsonSchema() as { allOf: { if: unknown; then: SpecSchema }[] };
    const workloadOf = (kind: string) =>
      schema.allOf.find((b) => JSON.stringify(b.if).includes(`"${kind}"`))?.then.properties.spec.properties
        .workload;
    expect(workloadOf('Job')).toMatchObject({ default: 'train' });
    expect(workloadOf('Service')).toMatchObject({ default: 'serve' });
    expect(schema.allOf[0]?.then.properties.spec.required).not.toContain('workload');
  });
});

interface SpecSchema {
  properties: { spec: { required: string[]; properties: { workload: unknown } } };
}

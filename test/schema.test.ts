import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, JSON_SCHEMA_PATH } from '../src/app/json-schema.js';

describe('the committed JSON Schema', () => {
  it('is the one the validator’s schemas generate (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(JSON_SCHEMA_PATH, 'utf8');
    expect(committed).toBe(`${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
  });
});

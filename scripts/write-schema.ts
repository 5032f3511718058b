// Writes schema/usine-v1.json from the validator's own schemas (`npm run schema`).
import { writeFileSync } from 'node:fs';
import { buildJsonSchema, JSON_SCHEMA_PATH } from '../src/app/json-schema.js';

writeFileSync(JSON_SCHEMA_PATH, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
console.log(`wrote ${JSON_SCHEMA_PATH}`);

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/commands/up.js';
import { listApiRoutes } from '../../src/server/build-server.js';
import { buildOpenApi, OPENAPI_PATH } from '../../src/server/openapi.js';

describe('the committed OpenAPI document', () => {
  it('is what the route table generates (run `npm run openapi` when this fails)', () => {
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    expect(committed).toBe(`${JSON.stringify(buildOpenApi(listApiRoutes(), VERSION), null, 2)}\n`);
  });

  it('describes the spec body with the spec’s own schema', () => {
    const doc = buildOpenApi(listApiRoutes(), VERSION) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(JSON.stringify(doc.paths['/v1/jobs']?.['post']?.requestBody)).toContain('gpuModels');
  });
});

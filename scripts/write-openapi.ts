// Writes docs/openapi.json from the server's route table (`npm run openapi`).
import { writeFileSync } from 'node:fs';
import { VERSION } from '../src/cli/commands/up.js';
import { listApiRoutes } from '../src/server/build-server.js';
import { buildOpenApi, OPENAPI_PATH } from '../src/server/openapi.js';

writeFileSync(OPENAPI_PATH, `${JSON.stringify(buildOpenApi(listApiRoutes(), VERSION), null, 2)}\n`);
console.log(`wrote ${OPENAPI_PATH}`);

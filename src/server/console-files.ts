import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` writes the console (web/dist), from src/server/ and dist/server/ alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that are never a page of the console: the API, the built assets, the probes. */
const NOT_PAGES = /^\/(v1|assets)(\/|$)|^\/(healthz|readyz|metrics|openapi\.json)$/;

export interface ConsoleFiles {
  /** Whether the built console is there to serve. */
  readonly isBuilt: boolean;
  /**
   * Answers a browser's request for a page of the console (a shared or reloaded URL) with its
   * shell, which routes on the client; false when the request is for something else.
   */
  servePage(request: FastifyRequest, reply: FastifyReply): boolean;
}

/**
 * Serves the console's built files at `/`: the hashed assets cached for good, the shell never
 * (so a new build is picked up on the next load).
 */
export function installConsoleFiles(app: FastifyInstance, dir = CONSOLE_DIR): ConsoleFiles {
  const isBuilt = existsSync(join(dir, 'index.html'));
  if (isBuilt) {
    void app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      index: 'index.html',
      // a route per file built (and `/`), found at start: no catch-all route in front of the API's
      // own answers (a too-long id is the router's 414, an unknown path the API's 404)
      wildcard: false,
      cacheControl: false,
      setHeaders: (response, path) => {
        response.setHeader(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  return {
    isBuilt,
    servePage(request, reply) {
      const path = request.url.split('?')[0] ?? '/';
      const isPage =
        (request.method === 'GET' || request.method === 'HEAD') &&
        !NOT_PAGES.test(path) &&
        (request.headers.accept ?? '').includes('text/html');
      if (!isBuilt || !isPage) return false;
      void reply.sendFile('index.html');
      return true;
    },
  };
}

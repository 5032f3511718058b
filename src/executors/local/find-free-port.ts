import { createServer } from 'node:net';

/**
 * A loopback port free at this moment, for a replica's $PORT: the kernel picks it (bind to 0),
 * we let it go. Another program may take it before the replica binds it; the replica then fails
 * to start and is replaced like any replica that crashed.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port was given')),
      );
    });
  });
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlurmVersionError } from '../../src/executors/slurm/negotiate-slurm-api.js';
import { SlurmClient } from '../../src/executors/slurm/slurm-client.js';

/**
 * A slurmrestd of a version Usine does not speak yet (no real one exists today: every Slurm
 * offers a version Usine speaks): it describes itself as v0.0.47 only, and counts the reads.
 */
describe('a slurmrestd that shares no version with Usine', () => {
  let server: Server;
  let url: string;
  let reads = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/openapi/v3') reads++;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          openapi: '3.0.2',
          paths: { '/slurm/v0.0.47/ping/': {}, '/slurm/v0.0.47/jobs/': {} },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is refused with both sides named, and not asked again on every call for a while', async () => {
    reads = 0;
    const client = new SlurmClient({ url, user: 'root', tokenFile: undefined });
    for (let i = 0; i < 5; i++) {
      const refusal = client.api();
      await expect(refusal).rejects.toBeInstanceOf(SlurmVersionError);
      await expect(refusal).rejects.toThrow(`slurmrestd at ${url} offers v0.0.47; Usine speaks v0.0.45`);
    }
    expect(reads).toBe(1);
    expect(client.choice).toMatchObject({ version: null, offered: ['v0.0.47'] });
    expect(client.choice.problem).toContain('offers v0.0.47');
  });

  it('asks again once the cool-down is over (a slurmrestd upgraded meanwhile is found)', async () => {
    reads = 0;
    const client = new SlurmClient({ url, user: 'root', tokenFile: undefined, refusalCoolDownMs: 0 });
    for (let i = 0; i < 3; i++) await expect(client.api()).rejects.toBeInstanceOf(SlurmVersionError);
    expect(reads).toBe(3);
  });
});

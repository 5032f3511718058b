import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Deletes a service and waits until each of its replica processes is gone (its port refuses
 * connections): the agent stops them at its next heartbeat, and a test must not end before.
 */
export async function deleteServiceAndWait(base: string, key: string, name: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}` };
  const view = await fetch(new URL(`/v1/services/${name}`, base), { headers });
  if (view.status === 404) return;
  const items = ((await view.json()) as { replicas: { items: { endpoint: string | null }[] } }).replicas
    .items;
  await fetch(new URL(`/v1/services/${name}`, base), { method: 'DELETE', headers });
  for (const endpoint of items.map((i) => i.endpoint).filter((e) => e !== null)) {
    for (let i = 0; i < 300; i++) {
      const alive = await fetch(`${endpoint}/health`).then(
        () => true,
        () => false,
      );
      if (!alive) break;
      await sleep(100);
    }
  }
}

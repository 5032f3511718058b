import type { Pool } from 'undici';
import type { ProbeSettings } from '../domain/spec/service-spec.js';

/** One HTTP probe: GET the path; null when it answered 2xx in time, else what went wrong. */
export async function probeReplica(pool: Pool, probe: ProbeSettings): Promise<string | null> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  try {
    const answer = await pool.request({
      method: 'GET',
      path: probe.path,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await answer.body.dump();
    return answer.statusCode >= 200 && answer.statusCode < 300 ? null : `answered ${answer.statusCode}`;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ECONNREFUSED'
      ? 'connection refused'
      : error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${probe.timeoutSeconds}s`
        : (code ?? (error instanceof Error ? error.message : String(error)));
  }
}

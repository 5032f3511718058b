import { describe, expect, it } from 'vitest';
import { readText, readValidSpec } from '../support/read-text.js';

const service = (fields: string, kind = 'Service') => `apiVersion: usine/v1
kind: ${kind}
metadata: { name: chat }
spec:
  command: [serve, --port, $PORT]
  resources: { gpus: 1 }
${fields}`;

const problems = (text: string) =>
  readText(text).diagnostics.map((d) => `${d.line}:${d.col}: ${d.path}: ${d.message}`);

describe('the serving fields of a Service', () => {
  it('applies defaults: one replica, readiness at / every 5 s, keys, no token metering', () => {
    expect(readValidSpec(service('')).service).toEqual({
      port: undefined,
      replicas: { min: 1, max: 1 },
      readiness: {
        path: '/',
        intervalSeconds: 5,
        timeoutSeconds: 2,
        successThreshold: 1,
        failureThreshold: 3,
      },
      liveness: undefined,
      autoscale: undefined,
      rollout: { maxSurge: 1, maxUnavailable: 0 },
      endpoint: { auth: 'keys', openai: false },
    });
  });

  it('reads replicas, probes, autoscaling, rollout and endpoint as written', () => {
    const spec = readValidSpec(
      service(`  port: 8000
  replicas: { min: 0, max: 4 }
  readiness: { path: /health, intervalSeconds: 1 }
  liveness: { path: /live, failureThreshold: 2 }
  autoscale: { metric: rps, target: 20, scaleDownDelay: 30s, scaleToZeroAfter: 5m }
  rollout: { maxSurge: 2, maxUnavailable: 1 }
  endpoint: { auth: public, openai: true }
`),
    );
    expect(spec.service).toMatchObject({
      port: 8000,
      replicas: { min: 0, max: 4 },
      readiness: { path: '/health', intervalSeconds: 1 },
      liveness: { path: '/live', intervalSeconds: 10, failureThreshold: 2 },
      autoscale: { metric: 'rps', target: 20, scaleDownDelay: 30, scaleToZeroAfter: 300 },
      rollout: { maxSurge: 2, maxUnavailable: 1 },
      endpoint: { auth: 'public', openai: true },
    });
    expect(readValidSpec(service('')).kind).toBe('Service');
  });

  it('names the line, column and field of every serving mistake', () => {
    expect(
      problems(
        service(`  replicas: { min: 3, max: 2 }
  readiness: { path: health }
  autoscale: { target: 0, scaleToZeroAfter: 1m }
  endpoint: { auth: open }
  port: 70000
`),
      ),
    ).toEqual([
      '7:20: spec.replicas.min: 3 is above spec.replicas.max (2)',
      '8:22: spec.readiness.path: must be an HTTP path starting with /, such as /health',
      '9:24: spec.autoscale.target: must be a number above 0',
      '9:45: spec.autoscale.scaleToZeroAfter: a service scales to zero only with spec.replicas.min: 0 (it is 3)',
      '10:21: spec.endpoint.auth: must be one of: keys, public',
      '11:9: spec.port: must be a TCP port from 1 to 65535',
    ]);
  });

  it('refuses the serving fields on a Job, pointing at kind: Service', () => {
    expect(
      problems(service('  replicas: { min: 1, max: 2 }\n  endpoint: { openai: true }\n', 'Job')),
    ).toEqual([
      '7:3: spec.replicas: only a Service has replicas: write kind: Service, or remove spec.replicas',
      '8:3: spec.endpoint: only a Service has endpoint: write kind: Service, or remove spec.endpoint',
    ]);
  });
});

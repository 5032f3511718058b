import { request as httpRequest } from 'node:http';
import fc from 'fast-check';

/** One HTTP request as bytes go on the wire: the path is sent as written (already escaped). */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

export interface FuzzAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What the generator may use: real ids and keys of the server under test. */
export interface FuzzWorld {
  /** Keys by name (admin, owner, member, viewer…); a request picks one, or none, or garbage. */
  readonly keys: readonly string[];
  /** Ids that exist (jobs, tenants, invoices): path parameters are sometimes one of them. */
  readonly ids: readonly string[];
  /** Fastify-style route table: `GET /v1/jobs/:id`. */
  readonly routes: readonly { readonly method: string; readonly url: string }[];
}

/** Strings that broke something once: NUL, lone surrogates, huge numbers, far dates, aliases. */
const NASTY_TEXT = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\ufeff',
  '😀',
  '../../etc/passwd',
  'a'.repeat(300),
  '%00',
  '${x}',
  "'; DROP TABLE jobs; --",
  'null',
  'true',
  '-1',
  '0',
  '3.5',
  '1e400',
  '2147483648',
  '9223372036854775808',
  '-9223372036854775809',
  '275760-09-13T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01',
  'NaN',
  'Infinity',
  'abc',
];
const NASTY_NUMBERS = [
  0,
  -1,
  0.5,
  3.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  2 ** 31,
  2 ** 63,
  1e21,
  5e-324,
];

const nastyText = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const nastyNumber = fc.oneof(
  fc.constantFrom(...NASTY_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** Any JSON value a client might send where another was expected. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyText,
  nastyNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.array(nastyText, { maxLength: 3 }),
  fc.dictionary(nastyText, nastyText, { maxKeys: 3 }),
);

/** Percent-escapes a value for a path or query, sometimes wrongly on purpose. */
const escaped = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: value.map((v) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, 'x'))) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%E2%82') },
  );

/** Valid bodies to start from; a mutation replaces one field of them. */
export const TEMPLATES: Readonly<Record<string, unknown>> = {
  tenant: { name: 'fuzzco' },
  key: { role: 'member', project: 'p1' },
  budget: { limit: { gpuHours: 100 }, onExceeded: 'wait' },
  moneyBudget: { limit: '100.00 EUR' },
  billing: {
    taxRate: '0.20',
    statementCurrency: 'EUR',
    markups: { p1: '0.10' },
    commitments: [
      {
        month: '2026-01',
        site: 'sim-paris',
        gpuModel: 'H100',
        gpus: 1,
        pricePerGpuHour: '2.00 EUR',
        overagePricePerGpuHour: '3.00 EUR',
      },
    ],
  },
  usage: [
    {
      specversion: '1.0',
      id: 'u1',
      source: 'fuzz',
      type: 'usine.usage.v1',
      data: {
        site: 'sim-paris',
        gpuModel: 'H100',
        gpus: 1,
        start: '2026-01-01T00:00:00Z',
        end: '2026-01-01T01:00:00Z',
      },
    },
  ],
  spec: {
    apiVersion: 'usine/v1',
    kind: 'Job',
    metadata: { name: 'fuzz', labels: { team: 'a' } },
    spec: {
      workload: 'train',
      command: ['python', 'train.py'],
      resources: { gpus: 1 },
      duration: '1h',
      placement: { sites: ['sim-paris'] },
    },
  },
};

/** Every path to a leaf (or an object) of a JSON value, as keys. */
function listPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => listPaths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => listPaths(v, [...prefix, k]))];
  }
  return here;
}

function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

const RAW_BODIES = [
  '',
  '{',
  'null',
  '[]',
  '"x"',
  'a: &a [*a]',
  '&a [*a, *a]',
  'x: &x\n  y: *x\n',
  '- &a [a, a, a]\n- &b [*a, *a, *a]\n- &c [*b, *b, *b]\n- &d [*c, *c, *c]\n- &e [*d, *d, *d]\n- &f [*e, *e, *e]\n- &g [*f, *f, *f]\n- &h [*g, *g, *g]\n- &i [*h, *h, *h]\n',
  'apiVersion: usine/v1\nkind: Job\nmetadata: { name: "a\\0b" }\nspec: { command: [x], resources: { gpus: 1 }, duration: 1h }\n',
  'apiVersion: usine/v1\nkind: Job\nmetadata: { name: ok }\nspec: { command: [x], resources: { gpus: 1e308 }, duration: 1h }\n',
  'apiVersion: usine/v1\nkind: Job\nmetadata: { name: ok }\nspec: { command: [x], resources: { gpus: 1 }, duration: 99999999999h }\n',
  'apiVersion: usine/v1\nkind: Job\nmetadata: { name: ok }\nspec: { command: [x], resources: { gpus: 1 }, duration: 1h, maxDuration: 1e400h }\n',
  '!!binary AAAA',
  '? [a]\n: b',
  '\u0000',
];

/** A template with one field replaced (or removed, or an extra one added). */
const mutatedJson = (template: unknown) =>
  fc
    .tuple(fc.constantFrom(...listPaths(template)), nastyValue, fc.integer({ min: 0, max: 5 }))
    .map(([path, replacement, mode]) => (mode === 0 ? template : replaceAt(template, path, replacement)));

/** Raw text bodies: JSON with escapes JSON.stringify would not write, YAML tricks. */
const rawBody = (template: unknown) =>
  fc.oneof(
    { weight: 8, arbitrary: mutatedJson(template).map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: mutatedJson(template).map((v) =>
        JSON.stringify(v).replace(/"(fuzz|p1|a|u1|wait)"/, '"fu\\u0000zz"'),
      ),
    },
    {
      weight: 1,
      arbitrary: mutatedJson(template).map((v) =>
        JSON.stringify(v).replace(/"(fuzz|p1|a|u1|wait)"/, '"fu\\ud800zz"'),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: mutatedJson(TEMPLATES['spec']).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );

/** The template of the body a route takes, by its URL. */
function templateOf(method: string, url: string): unknown {
  if (method === 'POST' && url === '/v1/tenants') return TEMPLATES['tenant'];
  if (url.endsWith('/keys')) return TEMPLATES['key'];
  if (url.endsWith('/billing')) return TEMPLATES['billing'];
  if (url.startsWith('/v1/budgets')) return TEMPLATES['budget'];
  if (url === '/v1/usage') return TEMPLATES['usage'];
  return TEMPLATES['spec'];
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json',
  'application/yaml',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'multipart/form-data; boundary=x',
  'weird',
);

const QUERY_NAMES = [
  'limit',
  'cursor',
  'status',
  'project',
  'label',
  'follow',
  'format',
  'groupBy',
  'from',
  'to',
  'month',
  'tenant',
  'after',
];

/** A request to one of the routes (sometimes to none), with fuzzed parameters, headers and body. */
export function fuzzRequest(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const route = fc.constantFrom(...world.routes);
  const param = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...world.ids).map(encodeURIComponent) },
    { weight: 2, arbitrary: escaped(nastyText) },
  );
  const query = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_NAMES), escaped(fc.string({ maxLength: 8 }))),
      escaped(
        fc.oneof(
          nastyText,
          fc.constantFrom(
            'true',
            'false',
            '10',
            '500',
            '501',
            'job',
            'day',
            'csv',
            'html',
            'team=a',
            'queued',
            '2026-01',
          ),
        ),
      ),
    ),
    { maxLength: 4 },
  );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...world.keys).map((k) => `Bearer ${k}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', 'Bearer', 'Bearer usk_nope', 'Basic Zm9vOmJhcg==', 'Bearer a b'),
    },
  );
  const headerText = fc.oneof(
    fc.constantFrom(...NASTY_TEXT.filter((t) => /^[\x20-\x7e]*$/.test(t))),
    fc.string({ maxLength: 20 }).filter((t) => /^[\x21-\x7e]*$/.test(t)),
  );
  const extraHeaders = fc.record(
    {
      'idempotency-key': headerText,
      'last-event-id': headerText,
      'x-request-id': headerText,
      accept: fc.constantFrom('*/*', 'text/html', 'application/json'),
    },
    { requiredKeys: [] },
  );
  return route
    .chain((r) =>
      fc.record({
        route: fc.constant(r),
        params: fc.array(param, { minLength: 3, maxLength: 3 }),
        query,
        auth: fc.option(auth, { nil: undefined, freq: 10 }),
        contentType:
          r.method === 'GET'
            ? contentTypes
            : fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, contentTypes),
        body:
          r.method === 'GET'
            ? fc.option(rawBody(TEMPLATES['spec']), { nil: undefined, freq: 4 })
            : fc.option(rawBody(templateOf(r.method, r.url)), { nil: undefined, freq: 8 }),
        extraHeaders,
        // now and then a method the route does not take
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') },
        ),
      }),
    )
    .map(({ route: r, params, query: q, auth: a, contentType, body, extraHeaders: h, method }) => {
      let i = 0;
      const path = r.url.replace(/:[A-Za-z]+/g, () => params[i++ % params.length] ?? 'x');
      const search = q.map(([k, v]) => `${k}=${v}`).join('&');
      const m = method ?? r.method;
      const hasBody = body !== undefined && m !== 'GET';
      return {
        method: m,
        path: search ? `${path}?${search}` : path,
        headers: {
          ...(a !== undefined ? { authorization: a } : {}),
          ...(hasBody ? { 'content-type': contentType } : {}),
          ...h,
        },
        body: hasBody ? body : undefined,
      };
    });
}

/**
 * Sends the request as is over a fresh connection and reads the whole answer; a stream that
 * has not ended after `timeoutMs` is an error (a fuzzed stream must end: its job is finished).
 */
export function sendRaw(base: URL, req: FuzzRequest, timeoutMs = 20_000): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: {
          ...req.headers,
          ...(req.body !== undefined ? { 'content-length': Buffer.byteLength(req.body) } : {}),
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      r.destroy(new Error(`no complete answer after ${timeoutMs} ms: ${req.method} ${req.path}`));
    }, timeoutMs);
    r.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    r.end(req.body);
  });
}

/** What is wrong with an answer, or undefined: never a 5xx, every error problem+json. */
export function findAnswerProblem(answer: FuzzAnswer): string | undefined {
  if (answer.status >= 500) return `${answer.status}: ${answer.body.slice(0, 300)}`;
  if (answer.status >= 400) {
    if (!answer.contentType.startsWith('application/problem+json'))
      return `${answer.status} as ${answer.contentType || 'no content type'}: ${answer.body.slice(0, 200)}`;
    try {
      const problem = JSON.parse(answer.body) as { status?: unknown; code?: unknown };
      if (problem.status !== answer.status || typeof problem.code !== 'string')
        return `${answer.status}: problem without a matching status and code: ${answer.body.slice(0, 200)}`;
    } catch {
      return `${answer.status}: problem+json that is not JSON`;
    }
  }
  return undefined;
}

import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { ServiceView } from '../../api/service-schemas.js';
import { readDocuments } from '../../app/read-documents.js';
import { addClientOptions, withClient } from '../client-config.js';
import { formatAge } from '../format-age.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { readInputFile } from '../read-input-files.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

type ClientFlags = { json?: boolean; url?: string; apiKey?: string };

/** `usine serve`, `services`, `service`, `scale` and `delete service`: serving models. */
export function registerServices(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('serve')
      .summary('serve a Service spec: replicas behind the gateway')
      .description(
        'Serve a Service spec (YAML or JSON). Its replicas are placed and admitted like jobs, and\n' +
          "the server's gateway routes /s/<tenant>/<service>/… to the ready ones. Serving the same\n" +
          'spec again changes nothing; another spec under a live name is refused (use `usine apply`).',
      )
      .argument('<file>', 'the spec; - reads it from standard input')
      .option('--json', 'print the service as JSON'),
  )
    .addHelpText('after', '\nExample:\n  usine serve examples/services/chat.yaml && usine service chat')
    .action(async (file: string, options: ClientFlags) => {
      const input = readInputFile(file, io);
      if (input.problem) throw new CliExit(ExitCode.error, `${input.name}: ${input.problem}`);
      await withClient(
        io,
        options,
        async (client) => {
          const isJson = file === '-' ? /^\s*\{/.test(input.text) : /\.json$/i.test(file);
          const { service, created } = await client.serveService(input.text, randomUUID(), isJson);
          io.stdout(
            options.json
              ? `${JSON.stringify(service, null, 2)}\n`
              : `service ${service.name} ${created ? 'created' : 'already served with this spec'}: ${service.endpoint.url}\n`,
          );
          setExit(ExitCode.ok);
        },
        { file: input.name },
      );
    });

  addClientOptions(
    program
      .command('apply')
      .summary('apply a Service spec: serve it, or roll out its new revision')
      .description(
        'Apply a Service spec (YAML or JSON): served when no service has its name, else made its next\n' +
          'revision, rolled out replica by replica (spec.rollout) and rolled back if the new replicas fail.',
      )
      .argument('<file>', 'the spec; - reads it from standard input')
      .option('--json', 'print the service as JSON'),
  ).action(async (file: string, options: ClientFlags) => {
    const input = readInputFile(file, io);
    if (input.problem) throw new CliExit(ExitCode.error, `${input.name}: ${input.problem}`);
    // the name says which service: read from the spec, as the server will read it
    const name = readDocuments([{ name: input.name, text: input.text }]).specs[0]?.spec.name;
    if (!name)
      throw new CliExit(ExitCode.error, `${input.name}: not one valid Service (usine validate says why)`);
    await withClient(
      io,
      options,
      async (client) => {
        const isJson = file === '-' ? /^\s*\{/.test(input.text) : /\.json$/i.test(file);
        const { service, outcome } = await client.applyService(name, input.text, isJson);
        io.stdout(
          options.json
            ? `${JSON.stringify(service, null, 2)}\n`
            : `service ${service.name} ${outcome === 'revised' ? `revision ${service.revision} rolling out` : outcome}\n`,
        );
        setExit(ExitCode.ok);
      },
      { file: input.name },
    );
  });

  addClientOptions(
    program
      .command('services')
      .summary('list services: replicas, endpoint, traffic')
      .option('--json', 'print {items} as JSON'),
  ).action(async (options: ClientFlags) => {
    await withClient(io, options, async (client) => {
      const { items } = await client.listServices();
      io.stdout(
        options.json ? `${JSON.stringify({ items }, null, 2)}\n` : renderServiceTable(items, io.now()),
      );
      setExit(ExitCode.ok);
    });
  });

  addClientOptions(
    program
      .command('service')
      .summary('show a service: revisions, replicas with site and node, endpoint, traffic, events')
      .argument('<name>', 'the service name')
      .option('--json', 'print the service as JSON'),
  ).action(async (name: string, options: ClientFlags) => {
    await withClient(io, options, async (client) => {
      const service = await client.getService(name);
      io.stdout(options.json ? `${JSON.stringify(service, null, 2)}\n` : describeService(service, io.now()));
      setExit(ExitCode.ok);
    });
  });

  addClientOptions(
    program
      .command('scale')
      .summary('set how many replicas a service wants')
      .argument('<name>', 'the service name')
      .argument('<replicas>', 'from 0 to the spec’s replicas.max')
      .option('--json', 'print the service as JSON'),
  ).action(async (name: string, replicas: string, options: ClientFlags) => {
    if (!/^\d+$/.test(replicas))
      throw new CliExit(ExitCode.usage, `replicas: ${replicas} is not a whole number`);
    await withClient(io, options, async (client) => {
      const service = await client.scaleService(name, Number(replicas));
      io.stdout(
        options.json
          ? `${JSON.stringify(service, null, 2)}\n`
          : `service ${service.name} scaled to ${service.replicas.desired}\n`,
      );
      setExit(ExitCode.ok);
    });
  });

  const remove = program.command('delete').summary('delete a resource (service)');
  addClientOptions(
    remove
      .command('service')
      .summary('delete a service: the gateway stops routing to it and its replicas stop')
      .argument('<name>', 'the service name')
      .option('--json', 'print the deleted service as JSON'),
  ).action(async (name: string, options: ClientFlags) => {
    await withClient(io, options, async (client) => {
      const service = await client.deleteService(name);
      io.stdout(options.json ? `${JSON.stringify(service, null, 2)}\n` : `service ${service.name} deleted\n`);
      setExit(ExitCode.ok);
    });
  });
}

function renderServiceTable(items: readonly ServiceView[], now: Date): string {
  return renderTable(
    ['name', 'project', 'rev', 'ready', 'rps', 'p99', 'age', 'endpoint'],
    items.map((s) => [
      s.name,
      s.project,
      String(s.revision),
      `${s.replicas.ready}/${s.replicas.desired}`,
      s.traffic.rps.toFixed(1),
      s.traffic.p99Ms === null ? '-' : `${s.traffic.p99Ms.toFixed(1)}ms`,
      formatAge(s.createdAt, now),
      s.endpoint.url,
    ]),
  );
}

/** A service for a person: endpoint, replicas and where they run, traffic, latest events. */
export function describeService(service: ServiceView, now: Date): string {
  const t = service.traffic;
  const lines = [
    `${service.id}  Service ${service.name}  (project ${service.project}, revision ${service.revision})`,
    `endpoint:  ${service.endpoint.url}  (auth ${service.endpoint.auth}${service.endpoint.openai ? ', OpenAI API, tokens metered' : ''})`,
    `replicas:  ${service.replicas.ready} ready of ${service.replicas.desired} wanted (min ${service.replicas.min}, max ${service.replicas.max})`,
    `traffic:   ${t.rps.toFixed(1)} req/s, ${t.inflight} in flight, p50 ${formatMs(t.p50Ms)}, p99 ${formatMs(t.p99Ms)}; ` +
      `${t.requests} requests since this server started`,
    ...(service.endpoint.openai
      ? [
          `tokens:    ${service.tokens.promptTokens} prompt + ${service.tokens.completionTokens} completion in ${service.tokens.requests} metered requests` +
            (service.tokens.byKey.length > 1 ? ` (${service.tokens.byKey.length} keys)` : ''),
        ]
      : []),
  ];
  if (service.replicas.items.length > 0) {
    lines.push(
      '',
      renderTable(
        ['replica', 'rev', 'status', 'ready', 'site', 'node', 'inflight', 'age', 'problem'],
        service.replicas.items.map((r) => [
          r.job,
          String(r.revision),
          r.status,
          r.ready ? 'yes' : 'no',
          `${r.site ?? '-'}${r.simulated ? ' (simulated)' : ''}`,
          r.node ?? '-',
          String(r.inflight),
          r.startedAt ? formatAge(r.startedAt, now) : '-',
          r.problem ?? '',
        ]),
      ).trimEnd(),
    );
  }
  if (service.events.length > 0) {
    lines.push('', 'events:');
    for (const e of service.events.slice(0, 10))
      lines.push(`  ${e.at}  ${e.type}  ${JSON.stringify(e.data)}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatMs(ms: number | null): string {
  return ms === null ? '-' : `${ms.toFixed(1)}ms`;
}

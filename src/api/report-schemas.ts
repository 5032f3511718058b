import Type from 'typebox';

const Text = Type.String();
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ComputeReportQuery = Type.Object({
  // required, checked after the key's role (a key that may not read usage gets 403, not 400)
  model: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Required: `metadata.model` or the label `usine.dev/model`',
    }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  precision: Type.Optional(Type.Enum(['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8'])),
  utilisation: Type.Optional(
    Type.String({
      pattern: '^\\d+(\\.\\d+)?$',
      description: 'Model FLOP utilisation, a fraction (default 0.4)',
    }),
  ),
  format: Type.Optional(Type.Enum(['json', 'html'])),
  lang: Type.Optional(Type.Enum(['en', 'fr'])),
});

export const SealedComputeReport = Type.Object({
  sha256: Type.String({ description: 'SHA-256 of the report’s canonical JSON, sealed in the audit chain' }),
  report: Type.Object({
    model: Text,
    period: Type.Object({ from: Nullable(Text), to: Nullable(Text) }),
    generatedAt: Text,
    jobs: Type.Array(Type.Object({ id: Text, name: Text, site: Nullable(Text) })),
    wallClock: Type.Object({ firstStart: Nullable(Text), lastEnd: Nullable(Text), hours: Text }),
    gpuHours: Type.Object({
      total: Text,
      byGpuModelAndSite: Type.Array(
        Type.Object({
          gpuModel: Text,
          site: Text,
          country: Nullable(Text),
          gpuHours: Text,
          simulated: Type.Boolean(),
        }),
      ),
    }),
    computation: Type.Object({
      method: Text,
      precision: Text,
      utilisation: Text,
      flop: Nullable(Text),
      byGpuModel: Type.Array(
        Type.Object({
          gpuModel: Text,
          peakTeraflops: Nullable(Text),
          source: Nullable(Text),
          flop: Nullable(Text),
        }),
      ),
    }),
    energy: Type.Object({
      kWh: Text,
      measuredKWh: Text,
      estimatedKWh: Text,
      measuredShare: Text,
      estimatedShare: Text,
      method: Text,
    }),
    carbon: Type.Object({ kgCO2e: Text, method: Text }),
    sites: Type.Array(Type.Object({ site: Text, country: Nullable(Text), kWh: Text, kgCO2e: Text })),
    countries: Type.Array(Text),
  }),
});

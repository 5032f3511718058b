import { MILLI_PER_GPU, type PodRequest } from '../domain/scheduling/resources.js';
import { parseCsvTable, readCount, TraceFormatError } from './csv-table.js';

/** A pod of a trace: its name and what it asks for. */
export interface TracePod extends PodRequest {
  readonly name: string;
}

const POD_COLUMNS = ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli'] as const;

/**
 * Parses an openb pod list. Only the request columns are read (`gpu_spec` when present), so the
 * five-column `multigpu` files load too. A share below 1000 milli-GPU is only valid for one GPU.
 */
export function parsePodList(text: string, source: string): TracePod[] {
  return parseCsvTable(text, source, POD_COLUMNS).map((row) => {
    const gpuCount = readCount(row, 'num_gpu', source);
    const gpuMilli = gpuCount > 0 ? readCount(row, 'gpu_milli', source) : 0;
    if (gpuCount > 0 && (gpuMilli === 0 || gpuMilli > MILLI_PER_GPU))
      throw new TraceFormatError(source, row.line, `gpu_milli: expected 1..1000, found ${gpuMilli}`);
    if (gpuCount > 1 && gpuMilli !== MILLI_PER_GPU)
      throw new TraceFormatError(
        source,
        row.line,
        'gpu_milli: a pod with several GPUs takes them whole (1000)',
      );
    const spec = gpuCount > 0 ? row.cell('gpu_spec') : '';
    return {
      name: row.cell('name'),
      cpuMilli: readCount(row, 'cpu_milli', source),
      memoryMib: readCount(row, 'memory_mib', source),
      gpuCount,
      gpuMilli,
      gpuModels: spec === '' ? [] : spec.split('|').map((model) => model.trim()),
      minGpuMemoryMib: 0,
    };
  });
}

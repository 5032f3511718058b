import type { NodeSpec } from '../domain/scheduling/resources.js';
import { parseCsvTable, readCount, TraceFormatError } from './csv-table.js';

const NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'] as const;

/** Parses an openb node list (`sn,cpu_milli,memory_mib,gpu,model`) into nodes. GPU memory is not in the trace. */
export function parseNodeList(text: string, source: string): NodeSpec[] {
  return parseCsvTable(text, source, NODE_COLUMNS).map((row) => {
    const gpuCount = readCount(row, 'gpu', source);
    const gpuModel = row.cell('model');
    if (gpuCount > 0 && gpuModel === '')
      throw new TraceFormatError(source, row.line, 'model: a node with GPUs needs a GPU model');
    return {
      name: row.cell('sn'),
      cpuMilli: readCount(row, 'cpu_milli', source),
      memoryMib: readCount(row, 'memory_mib', source),
      gpuCount,
      gpuModel: gpuCount > 0 ? gpuModel : '',
      gpuMemoryMib: 0,
    };
  });
}

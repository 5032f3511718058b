import { describe, expect, it } from 'vitest';
import { TraceFormatError } from '../../src/sim/csv-table.js';
import { parseNodeList } from '../../src/sim/trace-nodes.js';
import { parsePodList } from '../../src/sim/trace-pods.js';

const POD_HEADER =
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

describe('trace parsing', () => {
  it('reads a node list into nodes with CPU, memory and GPUs by model', () => {
    const nodes = parseNodeList(
      'sn,cpu_milli,memory_mib,gpu,model\nn-0,64000,262144,2,P100\nn-1,32000,1024,0,\n',
      'n.csv',
    );
    expect(nodes).toEqual([
      { name: 'n-0', cpuMilli: 64000, memoryMib: 262144, gpuCount: 2, gpuModel: 'P100', gpuMemoryMib: 0 },
      { name: 'n-1', cpuMilli: 32000, memoryMib: 1024, gpuCount: 0, gpuModel: '', gpuMemoryMib: 0 },
    ]);
  });

  it('reads a GPU share, a model constraint and a CPU-only pod', () => {
    const pods = parsePodList(
      `${POD_HEADER}\np-0,6000,12288,1,460,T4|P100,LS,Running,0,1,0\np-1,12500,1024,0,0,T4,BE,Running,0,1,0\n`,
      'p.csv',
    );
    expect(pods[0]).toMatchObject({ gpuCount: 1, gpuMilli: 460, gpuModels: ['T4', 'P100'] });
    expect(pods[1]).toMatchObject({ gpuCount: 0, gpuMilli: 0, gpuModels: [] });
  });

  it('reads the five-column multi-GPU pod lists', () => {
    const pods = parsePodList(
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np-0,12000,16384,8,1000\n',
      'p.csv',
    );
    expect(pods[0]).toMatchObject({ gpuCount: 8, gpuMilli: 1000, gpuModels: [] });
  });

  it('names the file and line of a malformed row', () => {
    const parse = () =>
      parsePodList(
        `${POD_HEADER}\np-0,6000,12288,1,460,,LS,Running,0,1,0\np-1,abc,1,0,0,,,,,,\n`,
        'pods.csv',
      );
    expect(parse).toThrow(TraceFormatError);
    expect(parse).toThrow(/^pods\.csv:3: cpu_milli: expected a non-negative integer, found "abc"$/);
  });

  it('names the missing columns of a header', () => {
    expect(() => parseNodeList('sn,cpu_milli\n', 'nodes.csv')).toThrow(
      /nodes\.csv:1: missing column\(s\) memory_mib, gpu, model/,
    );
  });
});

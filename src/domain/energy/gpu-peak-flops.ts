import { parseDecimal, type Decimal } from '../money/decimal.js';

export const PRECISIONS = ['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface GpuPeakFlops {
  /** The variant the figures are for (the short model name covers several). */
  readonly variant: string;
  /** Peak dense (no structured sparsity) TFLOP/s per precision, on tensor/matrix cores where there are. */
  readonly teraflops: Readonly<Partial<Record<Precision, Decimal>>>;
  readonly source: string;
}

const tf = (text: string): Decimal => parseDecimal(text) ?? { coefficient: 0n, scale: 0 };

/**
 * Vendor datasheet figures, dense: the datasheets print most tensor figures "with sparsity",
 * twice the dense rate; those are halved here. FP64 and FP32 are the tensor-core (matrix)
 * rate where there is one. A model absent here, or a precision it lacks (FP8 on an A100), gives
 * no FLOP estimate: the report says so rather than guess.
 */
export const GPU_PEAK_FLOPS: Readonly<Record<string, GpuPeakFlops>> = {
  H100: {
    variant: 'H100 SXM5 80 GB',
    teraflops: {
      fp64: tf('67'),
      fp32: tf('67'),
      tf32: tf('494.7'),
      bf16: tf('989.4'),
      fp16: tf('989.4'),
      fp8: tf('1978.9'),
    },
    source:
      'NVIDIA H100 Tensor Core GPU datasheet, https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet',
  },
  H200: {
    variant: 'H200 SXM 141 GB',
    teraflops: {
      fp64: tf('67'),
      fp32: tf('67'),
      tf32: tf('494.7'),
      bf16: tf('989.4'),
      fp16: tf('989.4'),
      fp8: tf('1978.9'),
    },
    source: 'NVIDIA H200 product page, https://www.nvidia.com/en-us/data-center/h200/',
  },
  B200: {
    variant: 'B200 in HGX B200 (per GPU, an eighth of the 8-GPU board)',
    teraflops: {
      fp64: tf('37'),
      fp32: tf('75'),
      tf32: tf('1125'),
      bf16: tf('2250'),
      fp16: tf('2250'),
      fp8: tf('4500'),
    },
    source: 'NVIDIA HGX platform page, https://www.nvidia.com/en-us/data-center/hgx/',
  },
  A100: {
    variant: 'A100 SXM 80 GB',
    teraflops: { fp64: tf('19.5'), fp32: tf('19.5'), tf32: tf('156'), bf16: tf('312'), fp16: tf('312') },
    source:
      'NVIDIA A100 datasheet, https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf',
  },
  L40S: {
    variant: 'L40S 48 GB',
    teraflops: { fp32: tf('91.6'), tf32: tf('183'), bf16: tf('362.05'), fp16: tf('362.05'), fp8: tf('733') },
    source: 'NVIDIA L40S datasheet, https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413',
  },
  L4: {
    variant: 'L4 24 GB',
    teraflops: { fp32: tf('30.3'), tf32: tf('60'), bf16: tf('121'), fp16: tf('121'), fp8: tf('242.5') },
    source: 'NVIDIA L4 datasheet, https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet',
  },
  MI300X: {
    variant: 'Instinct MI300X 192 GB',
    teraflops: {
      fp64: tf('163.4'),
      fp32: tf('163.4'),
      tf32: tf('653.7'),
      bf16: tf('1307.4'),
      fp16: tf('1307.4'),
      fp8: tf('2614.9'),
    },
    source:
      'AMD Instinct MI300X data sheet, https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf',
  },
};

/** The figures of a GPU model, its name compared without regard to case. */
export function findGpuPeakFlops(gpuModel: string): GpuPeakFlops | undefined {
  const key = Object.keys(GPU_PEAK_FLOPS).find((name) => name.toLowerCase() === gpuModel.toLowerCase());
  return key === undefined ? undefined : GPU_PEAK_FLOPS[key];
}

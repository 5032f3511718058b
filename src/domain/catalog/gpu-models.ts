import { suggestClosest } from '../documents/suggest.js';

/**
 * GPU models Usine knows by their short names, as catalogs and specs write them. Most
 * specific first (`L40S` before `L40` before `L4`, `GH200` before `H200`): the local
 * executor matches `nvidia-smi` names against them in this order.
 */
export const KNOWN_GPU_MODELS: readonly string[] = [
  'GB300',
  'GB200',
  'B300',
  'B200',
  'B100',
  'GH200',
  'H200',
  'H100',
  'H800',
  'H20',
  'A100',
  'A800',
  'A40',
  'A30',
  'A10G',
  'A10',
  'A16',
  'A2',
  'L40S',
  'L40',
  'L20',
  'L4',
  'V100',
  'T4',
  'P100',
  'MI355X',
  'MI350X',
  'MI325X',
  'MI300X',
  'MI300A',
  'MI250X',
  'MI210',
  'GAUDI3',
  'GAUDI2',
];

/**
 * The known model a misspelt one stands for (`H1OO` → `H100`, `a1OO` → `A100`, `L40` is
 * known), or undefined when the model is known or near none: a model Usine does not know
 * may still be one a site of the catalog offers, so only a likely typo is refused.
 */
export function suggestGpuModel(model: string): string | undefined {
  const known = (name: string) => KNOWN_GPU_MODELS.some((m) => m.toUpperCase() === name.toUpperCase());
  if (known(model) || /^RTX/i.test(model)) return undefined;
  // letters typed for digits are the commonest slip in these names
  const digits = model
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL](?=\d)|(?<=\d)[IL]/g, '1');
  const exact = KNOWN_GPU_MODELS.find((m) => m === digits);
  return exact ?? suggestClosest(model.toUpperCase(), KNOWN_GPU_MODELS);
}

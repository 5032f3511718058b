/**
 * The 512-byte header of one regular file in a POSIX ustar archive (POSIX.1-1988, the format
 * every `tar` reads). Modification times are 0 and owners empty: two exports of the same
 * files are the same bytes.
 */
export const TAR_BLOCK = 512;

export function encodeTarHeader(path: string, size: number): Uint8Array {
  const name = new TextEncoder().encode(path);
  if (name.length > 100) throw new Error(`tar: ${path} is longer than 100 bytes`);
  const header = new Uint8Array(TAR_BLOCK);
  header.set(name, 0);
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, 0);
  header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  header[156] = 0x30; // '0': a regular file
  header.set(new TextEncoder().encode('ustar\u000000'), 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeOctal(header, 148, 7, sum);
  header[155] = 0x20;
  return header;
}

export interface TarEntryHeader {
  readonly path: string;
  readonly size: number;
  /** '0' (or NUL) for a regular file; anything else is not extracted. */
  readonly type: string;
}

/** undefined for an all-zero block (the end of the archive); throws on a damaged header. */
export function decodeTarHeader(block: Uint8Array): TarEntryHeader | undefined {
  if (block.every((b) => b === 0)) return undefined;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  if (readOctal(block, 148, 8) !== sum)
    throw new Error('tar: a header checksum does not match (damaged archive)');
  const prefix = readText(block, 345, 155);
  const name = readText(block, 0, 100);
  return {
    path: prefix ? `${prefix}/${name}` : name,
    size: readOctal(block, 124, 12),
    type: String.fromCharCode(block[156] ?? 0),
  };
}

/** Bytes of padding after a file of `size` bytes, to the next block. */
export function tarPadding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

function writeOctal(header: Uint8Array, offset: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, '0');
  if (digits.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width - 1} octal digits`);
  header.set(new TextEncoder().encode(digits), offset);
  header[offset + width - 1] = 0;
}

function readOctal(block: Uint8Array, offset: number, width: number): number {
  const text = readText(block, offset, width).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error('tar: a numeric header field is not octal (damaged archive)');
  return text === '' ? 0 : parseInt(text, 8);
}

function readText(block: Uint8Array, offset: number, width: number): string {
  const field = block.subarray(offset, offset + width);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? field.subarray(0, end) : field);
}

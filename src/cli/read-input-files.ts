import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InputFile } from '../app/read-documents.js';
import { DEFAULT_PARSE_LIMITS } from '../domain/documents/parse-documents.js';

/** Where input files are read: paths are relative to `cwd`; `-` is standard input, when read. */
export interface InputSource {
  readonly cwd: string;
  readonly stdinText?: string;
}

/** The name `-` (standard input) takes in messages: `stdin:5:1: spec.resources…`. */
export const STDIN_NAME = 'stdin';

/**
 * Reads files for the document readers, never more than the size limit plus one byte, so a
 * huge or endless file (/dev/zero) costs nothing. Problems become the file's first diagnostic.
 */
export function readInputFiles(paths: readonly string[], from: InputSource | string): InputFile[] {
  return paths.map((path) => readInputFile(path, from));
}

/** One file; `from` is where paths are relative to (a directory, or the CLI's io with stdin). */
export function readInputFile(path: string, source: InputSource | string): InputFile {
  const from = typeof source === 'string' ? { cwd: source } : source;
  const limit = DEFAULT_PARSE_LIMITS.maxBytes;
  if (path === '-') {
    if (from.stdinText === undefined)
      return { name: STDIN_NAME, text: '', problem: 'standard input was not read' };
    return Buffer.byteLength(from.stdinText) > limit
      ? {
          name: STDIN_NAME,
          text: '',
          problem: `input is over the limit of ${limit} bytes; split it into smaller files`,
        }
      : { name: STDIN_NAME, text: from.stdinText.replace(/^\uFEFF/, '') };
  }
  const cwd = from.cwd;
  let fd: number | undefined;
  try {
    fd = openSync(resolve(cwd, path), 'r');
    if (fstatSync(fd).isDirectory())
      return { name: path, text: '', problem: 'is a directory; name the files inside it' };
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) {
      return {
        name: path,
        text: '',
        problem: `file is over the limit of ${limit} bytes; split it into smaller files`,
      };
    }
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    return { name: path, text: text.replace(/^\uFEFF/, '') };
  } catch (error) {
    return { name: path, text: '', problem: describeReadError(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory; name the files inside it';
  if (error instanceof TypeError) return 'is not UTF-8 text';
  return `cannot read: ${error instanceof Error ? error.message : String(error)}`;
}

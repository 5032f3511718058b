import { createHash } from 'node:crypto';
import type { ExportFileEntry, ExportFileFormat } from '../../domain/exchange/export-manifest.js';

/** One file being written; `write` resolves once the sink can take more (backpressure). */
export interface ExportFileSink {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where an export goes: a directory, or a tar stream (an HTTP answer, a file). Several files
 * may be open at once (usage.jsonl and usage.csv are written in one pass over the ledger);
 * `finish` is called once every file is closed.
 */
export interface ExportSink {
  open(path: string): Promise<ExportFileSink>;
  finish(): Promise<void>;
}

/** A file whose SHA-256, size and rows are counted as it is written: its manifest entry. */
export class CountedFile {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private rows = 0;

  constructor(
    private readonly sink: ExportFileSink,
    readonly path: string,
    private readonly format: ExportFileFormat,
    private readonly version = 1,
  ) {}

  /** Writes text holding `rows` rows. */
  async write(text: string, rows = 0): Promise<void> {
    if (text.length === 0) return;
    this.hash.update(text, 'utf8');
    this.bytes += Buffer.byteLength(text, 'utf8');
    this.rows += rows;
    await this.sink.write(text);
  }

  /** One JSON Lines row. */
  writeLine(value: unknown): Promise<void> {
    return this.write(`${JSON.stringify(value)}\n`, 1);
  }

  async close(rows?: number): Promise<ExportFileEntry> {
    await this.sink.close();
    return {
      path: this.path,
      format: this.format,
      version: this.version,
      sha256: this.hash.digest('hex'),
      bytes: this.bytes,
      rows: rows ?? this.rows,
    };
  }
}

/** An export to read: a directory (src/server/exchange/directory-source.ts), or anything listing files. */
export interface ExportSource {
  /** Every regular file, relative and `/`-separated, sorted. */
  list(): Promise<string[]>;
  read(path: string): AsyncIterable<Uint8Array>;
}

/** A whole (small) file as text. */
export async function readWholeText(source: ExportSource, path: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.read(path)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON Lines file, line by line (memory: one chunk and one line). */
export async function* readLines(source: ExportSource, path: string): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of source.read(path)) {
    rest += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, end);
      rest = rest.slice(end + 1);
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

/** A YAML stream whose documents each start with a `---` line: the text of each, that line left out. */
export async function* readYamlDocuments(source: ExportSource, path: string): AsyncIterable<string> {
  let current: string[] | undefined;
  for await (const line of readLines(source, path)) {
    if (line.startsWith('---')) {
      if (current) yield current.join('\n');
      current = [];
    } else current?.push(line);
  }
  if (current) yield current.join('\n');
}

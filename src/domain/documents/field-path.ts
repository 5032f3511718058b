/** A path into a parsed document: object keys and array indexes. */
export type FieldPath = readonly (string | number)[];

/** `['spec', 'command', 0]` → `spec.command[0]` */
export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/** JSON Pointer (`/spec/command/0`, as TypeBox reports) → field path. */
export function parseJsonPointer(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '#') return [];
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

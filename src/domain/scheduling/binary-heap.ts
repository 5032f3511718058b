/** A binary min-heap under `isBefore`; ties keep no particular order, so keys should be total. */
export interface BinaryHeap<T> {
  push(item: T): void;
  pop(): T | undefined;
  peek(): T | undefined;
  readonly size: number;
}

export function createBinaryHeap<T>(isBefore: (a: T, b: T) => boolean): BinaryHeap<T> {
  const items: T[] = [];
  return {
    get size() {
      return items.length;
    },
    peek: () => items[0],
    push(item) {
      let i = items.length;
      items.push(item);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!isBefore(items[i]!, items[parent]!)) break;
        [items[i], items[parent]] = [items[parent]!, items[i]!];
        i = parent;
      }
    },
    pop() {
      const top = items[0];
      const last = items.pop();
      if (items.length === 0 || last === undefined) return top;
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && isBefore(items[left]!, items[least]!)) least = left;
        if (right < items.length && isBefore(items[right]!, items[least]!)) least = right;
        if (least === i) break;
        [items[i], items[least]] = [items[least]!, items[i]!];
        i = least;
      }
      return top;
    },
  };
}

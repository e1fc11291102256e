/**
 * The `k` smallest items of a sequence under a total order, sorted: a bounded binary max-heap, so a
 * page of 10 out of 100k hits costs O(n log k) instead of sorting everything. Hand-written because
 * it is twenty lines and the project's dependencies have no bounded heap.
 *
 * @example selectTop(hits, 10, byScore) // the 10 best hits, best first
 */
export function selectTop<T>(items: Iterable<T>, k: number, compare: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  // heap[0] is the worst item kept (largest under `compare`).
  const heap: T[] = [];
  const siftDown = (start: number): void => {
    let i = start;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < n && compare(heap[left] as T, heap[worst] as T) > 0) worst = left;
      if (right < n && compare(heap[right] as T, heap[worst] as T) > 0) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] as T, heap[i] as T];
      i = worst;
    }
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i] as T, heap[parent] as T) <= 0) break;
        [heap[i], heap[parent]] = [heap[parent] as T, heap[i] as T];
        i = parent;
      }
    } else if (compare(item, heap[0] as T) < 0) {
      heap[0] = item;
      siftDown(0);
    }
  }
  return heap.sort(compare);
}

/**
 * As {@link selectTop} over the indices 0..count-1 of parallel arrays, skipping those `include`
 * rejects: no object per candidate, which matters when a broad query has 100k hits. Returns the
 * selected indices sorted and how many indices were included.
 */
export function selectTopIndices(
  count: number,
  k: number,
  compare: (a: number, b: number) => number,
  include: ((i: number) => boolean) | null = null,
): { top: number[]; included: number } {
  const heap: number[] = [];
  let included = 0;
  if (k <= 0) {
    if (include) for (let i = 0; i < count; i++) if (include(i)) included++;
    return { top: heap, included: include ? included : count };
  }
  const siftDown = (): void => {
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < n && compare(heap[left] as number, heap[worst] as number) > 0) worst = left;
      if (right < n && compare(heap[right] as number, heap[worst] as number) > 0) worst = right;
      if (worst === i) return;
      const t = heap[i] as number;
      heap[i] = heap[worst] as number;
      heap[worst] = t;
      i = worst;
    }
  };
  for (let item = 0; item < count; item++) {
    if (include && !include(item)) continue;
    included++;
    if (heap.length < k) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i] as number, heap[parent] as number) <= 0) break;
        const t = heap[i] as number;
        heap[i] = heap[parent] as number;
        heap[parent] = t;
        i = parent;
      }
    } else if (compare(item, heap[0] as number) < 0) {
      heap[0] = item;
      siftDown();
    }
  }
  return { top: heap.sort(compare), included };
}

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

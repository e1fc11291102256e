/**
 * The `k` smallest items under a total order, kept in a bounded binary max-heap whose root is the
 * worst item kept, so a page of 10 out of 100k hits costs O(n log k) instead of sorting everything.
 * Hand-written because it is twenty lines and the project's dependencies have no bounded heap.
 */
class BoundedHeap<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  offer(item: T): void {
    const { heap, compare } = this;
    if (heap.length < this.k) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i] as T, heap[parent] as T) <= 0) break;
        this.swap(i, parent);
        i = parent;
      }
    } else if (this.k > 0 && compare(item, heap[0] as T) < 0) {
      heap[0] = item;
      this.siftDown();
    }
  }

  /** The items kept, best first. */
  sorted(): T[] {
    return this.heap.sort(this.compare);
  }

  private siftDown(): void {
    const { heap, compare } = this;
    const n = heap.length;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < n && compare(heap[left] as T, heap[worst] as T) > 0) worst = left;
      if (right < n && compare(heap[right] as T, heap[worst] as T) > 0) worst = right;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i] as T;
    this.heap[i] = this.heap[j] as T;
    this.heap[j] = t;
  }
}

/**
 * The `k` smallest items of a sequence under a total order, sorted.
 *
 * @example selectTop(hits, 10, byScore) // the 10 best hits, best first
 */
export function selectTop<T>(items: Iterable<T>, k: number, compare: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  const heap = new BoundedHeap(k, compare);
  for (const item of items) heap.offer(item);
  return heap.sorted();
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
  const heap = new BoundedHeap(Math.max(k, 0), compare);
  let included = 0;
  for (let item = 0; item < count; item++) {
    if (include && !include(item)) continue;
    included++;
    heap.offer(item);
  }
  return { top: heap.sorted(), included };
}

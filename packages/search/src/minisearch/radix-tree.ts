import type { Steps } from '@archive/core';
/**
 * Two operations on MiniSearch 7.2's radix tree (`SearchableMap._tree`: edge label → child, and
 * '' → the key's value) that its public API lacks, shared by the index's term tree and the surface
 * vocabulary (surface-vocabulary.ts): building a tree straight from sorted keys, and a fuzzy walk
 * with a bound on its work. The tree shape is pinned by minisearch-internals.test.ts.
 */

/** A radix tree node: edge label → child node, and '' (its LEAF) → the key's value. */
export type RadixNode = Map<string, RadixNode | unknown>;
const LEAF = '';

/**
 * The tree of `keys` (sorted in UTF-16 code unit order, as `<` compares, no duplicates) with their
 * `values`, each node made once: the shape `SearchableMap.set` gives, without walking the path from
 * the root and splitting edges once per key.
 */
export function sortedRadixTree(keys: readonly string[], values: readonly unknown[]): RadixNode {
  if (keys.length !== values.length) throw new Error('sortedRadixTree: one value per key');
  // Not the steps below run to the end: a generator per node is slower, and this builds every
  // index's term tree on every cold start (300k sorted keys: 161 ms at once against 200 ms through
  // the steps, medians of 9 alternating runs).
  return radixNodeAtOnce(keys, values, 0, keys.length, 0);
}

function radixNodeAtOnce(
  keys: readonly string[],
  values: readonly unknown[],
  lo: number,
  hi: number,
  depth: number,
): RadixNode {
  const node: RadixNode = new Map();
  let i = lo;
  if (i < hi && (keys[i] as string).length === depth) node.set(LEAF, values[i++]);
  while (i < hi) {
    const j = groupEnd(keys, i, hi, depth);
    const end = sharedEnd(keys[i] as string, keys[j - 1] as string, depth);
    node.set((keys[i] as string).slice(depth, end), radixNodeAtOnce(keys, values, i, j, end));
    i = j;
  }
  return node;
}

/** The end of the run of keys from `i` that share the code unit at `depth`. */
function groupEnd(keys: readonly string[], i: number, hi: number, depth: number): number {
  const unit = (keys[i] as string)[depth];
  let j = i + 1;
  while (j < hi && (keys[j] as string)[depth] === unit) j++;
  return j;
}

/** Sorted, so a group's common prefix is that of its first and last keys. */
function sharedEnd(first: string, last: string, depth: number): number {
  let end = depth + 1;
  while (end < first.length && end < last.length && first[end] === last[end]) end++;
  return end;
}

/** Nodes built between two pauses of {@link sortedRadixTreeSteps}. */
const NODES_PER_STEP = 4096;

/**
 * {@link sortedRadixTree} as steps that may pause (@archive/core's time slices): a vocabulary
 * inflated to 576k words took 440–920 ms to build in one go.
 */
export function* sortedRadixTreeSteps(keys: readonly string[], values: readonly unknown[]): Steps<RadixNode> {
  if (keys.length !== values.length) throw new Error('sortedRadixTree: one value per key');
  const built = { nodes: 0 };
  return yield* radixNode(keys, values, 0, keys.length, 0, built);
}

/** The node of keys[lo..hi), which share their first `depth` code units. */
function* radixNode(
  keys: readonly string[],
  values: readonly unknown[],
  lo: number,
  hi: number,
  depth: number,
  built: { nodes: number },
): Steps<RadixNode> {
  if (++built.nodes % NODES_PER_STEP === 0) yield;
  const node: RadixNode = new Map();
  let i = lo;
  if (i < hi && (keys[i] as string).length === depth) node.set(LEAF, values[i++]);
  while (i < hi) {
    const j = groupEnd(keys, i, hi, depth);
    const end = sharedEnd(keys[i] as string, keys[j - 1] as string, depth);
    node.set((keys[i] as string).slice(depth, end), yield* radixNode(keys, values, i, j, end, built));
    i = j;
  }
  return node;
}

/**
 * The tree's keys with their values in UTF-16 code unit order (the order sortedRadixTree takes),
 * walking each node's edges sorted: edges of one node start with distinct code units, so this is
 * the sorted order without sorting every key (at half a million terms the iterate-then-sort it
 * replaces held the event loop for seconds). Lazy, so a caller may pause.
 */
export function* sortedRadixEntries(root: RadixNode): Generator<[string, unknown], void, void> {
  const stack: { prefix: string; node: RadixNode; edges: string[]; next: number }[] = [
    { prefix: '', node: root, edges: [...root.keys()].sort(), next: 0 },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    if (top.next >= top.edges.length) {
      stack.pop();
      continue;
    }
    const edge = top.edges[top.next++] as string;
    const child = top.node.get(edge);
    if (edge === LEAF) {
      yield [top.prefix, child];
      continue;
    }
    const node = child as RadixNode;
    stack.push({ prefix: top.prefix + edge, node, edges: [...node.keys()].sort(), next: 0 });
  }
}

/** Work a bounded fuzzy walk may still do: one unit per radix-tree character compared. */
export interface WalkBudget {
  steps: number;
}

/**
 * Calls `found` for every key within `maxDistance` edits (Levenshtein) of `term`, walking the tree
 * at most `budget.steps` characters (shared by the walks given the same budget), then stopping with
 * what it found so far. Why by hand: MiniSearch's `fuzzyGet` takes no bound, and a walk costs with
 * the vocabulary's shape: an inflated vocabulary of random strings made four walks take 100–150 ms
 * (issue 12, finding 6). A depth-first walk, one matrix row per character of a path, pruned where
 * every cell of a row exceeds `maxDistance`.
 */
export function boundedFuzzyWalk(
  tree: RadixNode,
  term: string,
  maxDistance: number,
  budget: WalkBudget,
  found: (key: string, value: unknown, distance: number) => void,
): void {
  const columns = term.length + 1;
  const maxDepth = term.length + maxDistance;
  const codes = new Uint16Array(term.length);
  for (let i = 0; i < term.length; i++) codes[i] = term.charCodeAt(i);
  // rows[i] is the Levenshtein row after the path's first i characters. Only the band of
  // columns within maxDistance of the diagonal is computed; the rest keep "too far".
  const tooFar = maxDistance + 1;
  const rows = new Uint8Array((maxDepth + 1) * columns).fill(tooFar);
  for (let j = 0; j < columns; j++) rows[j] = Math.min(j, 255);
  for (let i = 0; i <= maxDepth; i++) rows[i * columns] = Math.min(i, 255);
  const visit = (node: RadixNode, prefix: string, depth: number): void => {
    for (const [edge, child] of node) {
      if (budget.steps <= 0) return;
      if (edge === LEAF) {
        const distance = rows[depth * columns + columns - 1] as number;
        if (distance <= maxDistance) found(prefix, child, distance);
        continue;
      }
      let row = depth;
      let alive = true;
      for (let k = 0; k < edge.length; k++) {
        const unit = edge.charCodeAt(k);
        if (row + 1 > maxDepth || --budget.steps < 0) {
          alive = false;
          break;
        }
        row++;
        const here = row * columns;
        const above = here - columns;
        let best = rows[here] as number;
        const last = Math.min(columns - 1, row + maxDistance);
        for (let j = Math.max(1, row - maxDistance); j <= last; j++) {
          let cell = (rows[above + j - 1] as number) + (unit === codes[j - 1] ? 0 : 1);
          const deletion = (rows[above + j] as number) + 1;
          if (deletion < cell) cell = deletion;
          const insertion = (rows[here + j - 1] as number) + 1;
          if (insertion < cell) cell = insertion;
          rows[here + j] = cell;
          if (cell < best) best = cell;
        }
        if (best > maxDistance) {
          alive = false;
          break;
        }
      }
      if (alive) visit(child as RadixNode, prefix + edge, row);
    }
  };
  visit(tree, '', 0);
}

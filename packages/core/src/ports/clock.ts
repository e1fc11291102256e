/** Wall-clock time in epoch milliseconds; injected so refresh timing can be driven by tests. */
export type Clock = () => number;

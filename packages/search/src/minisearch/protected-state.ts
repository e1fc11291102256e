import MiniSearch from 'minisearch';

/**
 * The one door to MiniSearch 7.2's protected state. MiniSearch declares its state `protected`, so a
 * subclass may read and write it with every name and type checked against MiniSearch's own
 * declarations: an upgrade that renames or retypes a field fails to compile here, not at run time.
 * The class is never instantiated; {@link ProtectedState.of} opens any MiniSearch's state.
 *
 * Two things stay behind a cast in minisearch-internals.ts, because MiniSearch declares them
 * `private` (no subclass may name them): `executeQuery` (raw BM25 sums) and `SearchableMap._tree`
 * (the radix tree the codec builds and walks). minisearch-internals.test.ts pins both.
 */
// biome-ignore lint/suspicious/noExplicitAny: any document type has the same state.
export abstract class ProtectedState<T = any> extends MiniSearch<T> {
  // biome-ignore lint/suspicious/noExplicitAny: any document type has the same state.
  static of(ms: MiniSearch<any>) {
    const known = views.get(ms);
    if (known) return known;
    const view = ProtectedState.view(ms as ProtectedState);
    views.set(ms, view);
    return view;
  }

  /** The accessors over one instance's state (live: they read and write the instance itself). */
  private static view(m: ProtectedState) {
    return {
      get _index() {
        return m._index;
      },
      get _documentCount() {
        return m._documentCount;
      },
      set _documentCount(value) {
        m._documentCount = value;
      },
      get _nextId() {
        return m._nextId;
      },
      set _nextId(value) {
        m._nextId = value;
      },
      get _documentIds() {
        return m._documentIds;
      },
      get _idToShortId() {
        return m._idToShortId;
      },
      get _fieldIds() {
        return m._fieldIds;
      },
      set _fieldIds(value) {
        m._fieldIds = value;
      },
      get _fieldLength() {
        return m._fieldLength;
      },
      set _fieldLength(value) {
        m._fieldLength = value;
      },
      get _avgFieldLength() {
        return m._avgFieldLength;
      },
      set _avgFieldLength(value) {
        m._avgFieldLength = value;
      },
      get _storedFields() {
        return m._storedFields;
      },
      get _dirtCount() {
        return m._dirtCount;
      },
      set _dirtCount(value) {
        m._dirtCount = value;
      },
    };
  }
}

/** MiniSearch's protected state as {@link ProtectedState.of} opens it. */
export type MiniSearchState = ReturnType<typeof ProtectedState.of>;

/**
 * One view per instance: the engine opens the state on every term it scores or expands, and a new
 * object of twenty accessors each time would be garbage on the query path.
 */
// biome-ignore lint/suspicious/noExplicitAny: any document type has the same state.
const views = new WeakMap<MiniSearch<any>, ReturnType<(typeof ProtectedState)['view']>>();

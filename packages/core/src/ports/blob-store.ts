/**
 * A minimal blob store: immutable bulk objects (`get`/`put`/`delete`/`list`) plus compare-and-swap
 * on small pointer objects (`read`/`readIfChanged`/`writeIfMatch`). Index snapshots are bulk
 * objects; the manifest that names the current snapshot is a pointer object.
 *
 * Implementations: {@link FsBlobStore} (a local directory) and {@link S3BlobStore}. Keys are
 * `/`-separated relative paths; an implementation may prepend its own prefix.
 */
export interface BlobStore {
  /** The object's bytes, or null when it does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /** Writes the whole object atomically: a reader sees the old bytes or the new, never a mix. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Deletes the object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
  /** A pointer object with its entity tag, or null when it does not exist. */
  read(key: string): Promise<VersionedBlob | null>;
  /**
   * Cheap freshness check: `'unchanged'` when the object's tag still equals `etag`, the new
   * contents when it changed, null when it no longer exists.
   */
  readIfChanged(key: string, etag: string): Promise<'unchanged' | VersionedBlob | null>;
  /**
   * Compare-and-swap: writes `bytes` only if the object's current tag equals `expectedEtag`
   * (or, with null, only if the object does not exist). Returns the new tag on success and
   * `false` on conflict; any other failure throws.
   */
  writeIfMatch(key: string, bytes: Uint8Array, expectedEtag: string | null): Promise<string | false>;
}

export interface VersionedBlob {
  bytes: Uint8Array;
  etag: string;
}

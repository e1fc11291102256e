import type { SearchDeps } from '@archive/api';
import type { ArticleRepository, DynamoClients, StoryStore } from '@archive/store';
import type { Hono } from 'hono';
import type { ChangeListener } from './change-feed';

/** What the local runtime offers a plugin (the search indexer and search routes plug in this way). */
export interface LocalPluginContext {
  repository: ArticleRepository;
  /** The story table (story sizes for `collapse=story`). */
  stories: StoryStore;
  /** Subscribe to the change records of committed writes (the local DynamoDB stream). */
  onChanges(listener: ChangeListener): () => void;
  /** The data dir (`ARCHIVE_DATA_DIR`), or null for an in-memory runtime. */
  dataDir: string | null;
  dynamo: DynamoClients;
  log(message: string): void;
}

/** What a started plugin contributes. */
export interface LocalPluginInstance {
  /** The search the app serves (`/search`, `/suggest`, feeds, `/export`); one plugin provides it. */
  search?: SearchDeps;
  /** Mounted on the app (the reader's pages). */
  routes?: (app: Hono) => void;
  /** Extra `GET /health` fields. */
  health?: () => Promise<Record<string, unknown>>;
  /** Called on shutdown after the HTTP server stopped and pending change records were delivered. */
  close?: () => Promise<void>;
}

export interface LocalPlugin {
  name: string;
  /** Started after the store is ready and before the app is built and examples imported. */
  start(context: LocalPluginContext): Promise<LocalPluginInstance>;
}

import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AlertService,
  type AppDeps,
  createApp,
  type DeliveryOptions,
  type IngestSummary,
  ingestMany,
  LOCAL_WEBHOOK_POLICY,
  type Logger,
  StoryAssigner,
  summarize,
} from '@archive/api';
import {
  ChangeLog,
  createDynamoClients,
  DataDirInUseError,
  DEFAULT_ALERT_TABLE_NAME,
  DEFAULT_CHANGE_LOG_TABLE_NAME,
  DEFAULT_KEYS_TABLE_NAME,
  DEFAULT_STORY_TABLE_NAME,
  DEFAULT_TABLE_NAME,
  DynamoAlertStore,
  DynamoArticleRepository,
  type DynamoClients,
  DynamoStoryStore,
  decodeChangeRecord,
  ensureTables,
  hashIngestKey,
  KeyStore,
  repairLocalDateIndex,
  repairLocalDateIndexSince,
  sameKeyHash,
  startLocalDynamo,
  type TableNames,
} from '@archive/store';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { ChangeFeed, type ChangeListener } from './change-feed';
import { findDispatchFiles, readDispatches } from './dispatch-files';
import { guardedApp, LOCAL_HTTP_LIMITS, type LocalServerTimeouts, localServerOptions } from './http-guards';
import { type LocalIngestKey, resolveLocalIngestKey } from './ingest-key';
import type { LocalPlugin, LocalPluginInstance } from './plugins';

/** The project's example dispatches, imported on first start. */
export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples');
const EXAMPLES_MARKER = 'examples-imported';
/** Written by a clean close, removed at start: its absence at start means the last run was killed. */
const CLEAN_SHUTDOWN_MARKER = 'clean-shutdown';
/** When the current run started (before its first write): where an unclean shutdown's repair starts. */
const RUN_STARTED_MARKER = 'run-started';
/** Writes stamped before their run's start marker (a clock stepped back) are still looked at. */
const REPAIR_MARGIN_MS = 60_000;

export interface LocalRuntimeConfig {
  /** Where dynalite persists (`<dataDir>/dynamo`) and the key file lives; null keeps all in memory. */
  dataDir: string | null;
  tableName?: string;
  keysTableName?: string;
  storyTableName?: string;
  alertTableName?: string;
  /** The change log the local indexer reconciles from (`@archive/store` change-log.ts). */
  changeLogTableName?: string;
  /**
   * How alerts are delivered; by default http and loopback webhooks are allowed (a receiver on
   * this machine), private and link-local ones are not, and retries follow DEFAULT_DELIVERY.
   */
  alertDelivery?: Partial<DeliveryOptions>;
  /** Most alerts (default 10,000). */
  maxAlerts?: number;
  /** Detect stories at ingest (default true; off only to measure what detection costs). */
  storyDetection?: boolean;
  /** `ARCHIVE_INGEST_KEY`; otherwise read from or generated into the data dir. */
  ingestKey?: string;
  /** Import `examplesDir` when the archive is empty on start (never twice for a data dir). */
  importExamples?: boolean;
  examplesDir?: string;
  plugins?: LocalPlugin[];
  /** The HTTP server's timeouts; default `LOCAL_HTTP_LIMITS` (tests shorten them). */
  serverTimeouts?: Partial<LocalServerTimeouts>;
  /** Progress lines (startup, example import). Defaults to stderr. */
  log?: (message: string) => void;
  logger?: Logger;
}

export interface LocalRuntime {
  app: Hono;
  repository: DynamoArticleRepository;
  keyStore: KeyStore;
  /** Story detection at ingest and the story table it writes. */
  stories: StoryAssigner;
  storyStore: DynamoStoryStore;
  /** Standing searches: matched in process from the change records, delivered in the background. */
  alerts: AlertService;
  ingestKey: LocalIngestKey;
  dataDir: string | null;
  dynamo: DynamoClients & { endpoint: string };
  /** Subscribe to change records; plugins get the same hook before examples are imported. */
  onChanges(listener: ChangeListener): () => void;
  /** What the example import did, or null when it did not run. */
  examples: IngestSummary | null;
  /** Serves the app over HTTP; resolves to the base URL. Port 0 picks a free one. */
  listen(port?: number, hostname?: string): Promise<string>;
  /**
   * Stops in order: HTTP server (in-flight requests finish), pending change deliveries,
   * plugins, then the store (LevelDB closed cleanly). Acknowledged writes are on disk by then.
   */
  close(): Promise<void>;
}

/**
 * The local service: dynalite in process, tables ensured, the ingest key resolved, plugins
 * started, the app with every route built, examples imported on first start. `npm start`,
 * the CLI's local import and the integration tests all run this.
 */
export async function createLocalRuntime(config: LocalRuntimeConfig): Promise<LocalRuntime> {
  const log = config.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const dataDir = config.dataDir ? resolve(config.dataDir) : null;
  const tableName = config.tableName ?? DEFAULT_TABLE_NAME;
  const keysTableName = config.keysTableName ?? DEFAULT_KEYS_TABLE_NAME;
  const storyTableName = config.storyTableName ?? DEFAULT_STORY_TABLE_NAME;
  const alertTableName = config.alertTableName ?? DEFAULT_ALERT_TABLE_NAME;
  const changeLogTableName = config.changeLogTableName ?? DEFAULT_CHANGE_LOG_TABLE_NAME;
  if (dataDir) await mkdir(dataDir, { recursive: true });

  const localDynamo = await startLocalDynamo(dataDir ? { dataDir } : {}).catch((error: unknown) => {
    throw error instanceof DataDirInUseError
      ? new Error(
          `cannot open the archive: ${error.message}. Stop that process, or import through the running server with --url.`,
          { cause: error },
        )
      : error;
  });
  const clients = createDynamoClients({ endpoint: localDynamo.endpoint });
  const cleanup: (() => Promise<void>)[] = [];
  try {
    await ensureTablesOrExplain(
      clients,
      { tableName, keysTableName, storyTableName, alertTableName, changeLogTableName },
      dataDir,
    );
    const cleanMarker = dataDir ? join(dataDir, CLEAN_SHUTDOWN_MARKER) : null;
    const startedMarker = dataDir ? join(dataDir, RUN_STARTED_MARKER) : null;
    const changeLog = new ChangeLog(clients.doc, changeLogTableName);
    if (cleanMarker && startedMarker && !(await exists(cleanMarker))) {
      await repairAfterUncleanShutdown(clients, tableName, changeLog, startedMarker, log);
    }
    if (cleanMarker) await rm(cleanMarker, { force: true });
    // Before any write of this run: a kill from here on is repaired from the log since this instant.
    if (startedMarker) await writeFile(startedMarker, `${new Date().toISOString()}\n`);
    const feed = new ChangeFeed((error) => log(`change listener failed: ${String(error)}`));
    const repository = new DynamoArticleRepository({
      doc: clients.doc,
      tableName,
      changeLogTableName,
      changeSink: feed.sink,
      onUnreadable: (error) =>
        log(`quarantined: ${error.message}; list and repair with: npm run archive -- quarantine`),
    });
    const keyStore = new KeyStore(clients.doc, keysTableName);
    const storyStore = new DynamoStoryStore(clients.doc, storyTableName);
    const stories = new StoryAssigner(storyStore);
    const alerts = await AlertService.start(new DynamoAlertStore(clients.doc, alertTableName), {
      delivery: {
        ...config.alertDelivery,
        policy: { ...LOCAL_WEBHOOK_POLICY, ...config.alertDelivery?.policy },
      },
      ...(config.maxAlerts === undefined ? {} : { maxAlerts: config.maxAlerts }),
      onError: (error) => log(`alerts: ${String(error)}`),
    });
    // The same change records the indexer gets; matching is in memory, deliveries run after.
    feed.subscribe((records) => alerts.matchChanges(records.map(decodeChangeRecord)).then(() => undefined));
    cleanup.push(() => alerts.close());
    const ingestKey = await resolveLocalIngestKey(dataDir, config.ingestKey);
    const localKeyHash = hashIngestKey(ingestKey.key);

    const plugins: LocalPluginInstance[] = [];
    for (const plugin of config.plugins ?? []) {
      plugins.push(
        await plugin.start({
          repository,
          stories: storyStore,
          onChanges: (listener) => feed.subscribe(listener),
          dataDir,
          dynamo: clients,
          log: (message) => log(`[${plugin.name}] ${message}`),
        }),
      );
    }
    cleanup.push(async () => {
      for (const plugin of plugins.reverse()) await plugin.close?.();
    });

    const deps: AppDeps = {
      ingest: { repository, ...(config.storyDetection === false ? {} : { stories }) },
      articles: { repository },
      stories: { stories: storyStore, repository },
      alerts: { alerts },
      // The local key (an ingest key), or any key created with `archive keys create` whose scopes allow the route.
      authorize: async (bearer, scope) =>
        bearer !== undefined &&
        (sameKeyHash(hashIngestKey(bearer), localKeyHash) || (await keyStore.verify(bearer, scope))),
      search: plugins.map((plugin) => plugin.search).find((search) => search !== undefined),
      extraRoutes: (app) => {
        for (const plugin of plugins) plugin.routes?.(app);
      },
      health: async () => Object.assign({}, ...(await Promise.all(plugins.map((p) => p.health?.() ?? {})))),
      logger: config.logger,
    };
    const app = createApp(deps);

    const examples = config.importExamples
      ? await importExamplesOnce(repository, stories, config.examplesDir ?? EXAMPLES_DIR, dataDir, log)
      : null;

    let server: ServerType | null = null;
    let closing: Promise<void> | null = null;
    return {
      app,
      repository,
      keyStore,
      stories,
      storyStore,
      alerts,
      ingestKey,
      dataDir,
      dynamo: { ...clients, endpoint: localDynamo.endpoint },
      onChanges: (listener) => feed.subscribe(listener),
      examples,
      async listen(port = 0, hostname = '127.0.0.1') {
        if (server) throw new Error('already listening');
        const started = await new Promise<{ server: ServerType; info: AddressInfo }>(
          (resolvePromise, reject) => {
            const guarded = guardedApp(app);
            const s = serve(
              {
                fetch: guarded.fetch,
                port,
                hostname,
                serverOptions: localServerOptions(config.serverTimeouts),
              },
              (info) => resolvePromise({ server: s, info }),
            );
            s.once('error', reject);
          },
        );
        server = started.server;
        (server as { maxConnections: number }).maxConnections = LOCAL_HTTP_LIMITS.maxConnections;
        const shownHost = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname;
        return `http://${shownHost}:${started.info.port}`;
      },
      close() {
        closing ??= (async () => {
          if (server) await closeServer(server);
          await feed.drain();
          for (const step of cleanup) await step();
          clients.client.destroy();
          await localDynamo.close();
          if (cleanMarker) await writeFile(cleanMarker, `${new Date().toISOString()}\n`);
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of cleanup) await step().catch(() => undefined);
    clients.client.destroy();
    await localDynamo.close().catch(() => undefined);
    throw error;
  }
}

/**
 * After a kill, only writes in flight at that moment can have left the date index disagreeing with
 * the items, and each was logged before its item: the articles logged since the killed run started
 * are checked one by one. A data dir without the start marker (an earlier build) is checked whole.
 */
async function repairAfterUncleanShutdown(
  clients: DynamoClients,
  tableName: string,
  changeLog: ChangeLog,
  startedMarker: string,
  log: (message: string) => void,
): Promise<void> {
  const started = Date.parse(await readFile(startedMarker, 'utf8').catch(() => ''));
  const repaired = Number.isNaN(started)
    ? await repairLocalDateIndex(clients.doc, tableName)
    : await repairLocalDateIndexSince(
        clients.doc,
        tableName,
        changeLog,
        new Date(started - REPAIR_MARGIN_MS).toISOString(),
      );
  if (repaired.orphans || repaired.missing) {
    log(
      `after an unclean shutdown: date index repaired (${repaired.orphans} entries without an article, ${repaired.missing} articles without an entry)`,
    );
  }
}

async function ensureTablesOrExplain(
  clients: DynamoClients,
  names: TableNames,
  dataDir: string | null,
): Promise<void> {
  try {
    await ensureTables(clients.client, names);
  } catch (error) {
    if (!dataDir) throw error;
    throw new Error(
      `cannot open the archive in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Imports the example dispatches into an empty archive, once per data dir. The marker file is
 * written once the question is settled (imported, or the archive already held articles), so only
 * a data dir's first start looks at the table, and then with a one-item read, never a scan; it
 * also keeps a later start from re-importing after the examples were taken down.
 */
async function importExamplesOnce(
  repository: DynamoArticleRepository,
  stories: StoryAssigner,
  examplesDir: string,
  dataDir: string | null,
  log: (message: string) => void,
): Promise<IngestSummary | null> {
  const marker = dataDir ? join(dataDir, EXAMPLES_MARKER) : null;
  if (marker && (await exists(marker))) return null;
  if (await repository.hasAny()) {
    if (marker) await writeFile(marker, `${new Date().toISOString()} (the archive was not empty)\n`);
    return null;
  }
  if (!(await exists(examplesDir))) return null;

  const inputs = [];
  for await (const record of readDispatches(await findDispatchFiles([examplesDir]))) {
    if (record.input) inputs.push(record.input);
  }
  const results = await ingestMany(inputs, { repository, stories });
  const summary = summarize(results);
  for (const result of results) {
    if (result.status === 'failed') log(`example not imported: ${result.error.message}`);
  }
  log(`imported ${summary.created} example dispatches from ${examplesDir}`);
  if (marker) await writeFile(marker, `${new Date().toISOString()}\n`);
  return summary;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.close((error?: Error) => (error ? reject(error) : resolvePromise()));
    // Idle keep-alive sockets would otherwise hold the close open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

/**
 * `npm start`: the whole service on one machine. Reads the environment, starts the runtime,
 * serves HTTP, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { readLocalEnv } from './config';
import { defaultPlugins } from './default-plugins';
import { createLocalRuntime } from './runtime';

// The SDK's Node-version notice is noise when running locally.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const env = readLocalEnv();
  const runtime = await createLocalRuntime({
    dataDir: env.ARCHIVE_DATA_DIR,
    tableName: env.ARCHIVE_TABLE_NAME,
    keysTableName: env.ARCHIVE_KEYS_TABLE_NAME,
    ingestKey: env.ARCHIVE_INGEST_KEY,
    importExamples: env.ARCHIVE_IMPORT_EXAMPLES,
    plugins: defaultPlugins(),
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.error(`${signal}: finishing requests in flight, then stopping`);
    runtime.close().then(
      () => process.exit(0),
      (error) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const url = await runtime.listen(env.PORT, env.HOST);
  const keyOrigin = {
    env: 'from ARCHIVE_INGEST_KEY',
    file: `from ${runtime.ingestKey.file}`,
    generated: `generated, saved in ${runtime.ingestKey.file}`,
  }[runtime.ingestKey.source];
  console.log(`Dispatch archive listening on ${url}`);
  console.log(`Data directory: ${runtime.dataDir}`);
  console.log(`Ingest key (${keyOrigin}): ${runtime.ingestKey.key}`);
  console.log(`Try: curl ${url}/health`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

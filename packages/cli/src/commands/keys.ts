import { KEY_SCOPES, type KeyScope, KeyStore, KeyStoreError } from '@archive/store';
import type { Command } from 'commander';
import { CliError, type CliIo } from '../io';
import { withStore } from '../store-session';

interface KeysOptions {
  aws?: boolean;
  dataDir?: string;
}

/**
 * `keys create|revoke|list` against the keys table: the local data dir by default; with `--aws`
 * (or `DYNAMODB_ENDPOINT` set) the table `ARCHIVE_KEYS_TABLE_NAME` in the account and region
 * of the usual AWS environment (AWS_PROFILE / AWS_REGION...).
 */
export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description(
      'manage ingest keys (stored only as SHA-256 hashes); locally, with the server stopped (one process opens the data dir)',
    )
    .option(
      '--aws',
      'use the keys table on AWS (ARCHIVE_KEYS_TABLE_NAME, AWS_REGION, credentials from the environment)',
    )
    .option('--data-dir <dir>', 'local data dir (default: $ARCHIVE_DATA_DIR or ./.archive)');

  keys
    .command('create')
    .argument('<name>', 'who or what the key is for')
    .option(
      '--scope <scope>',
      `what the key may do: ${KEY_SCOPES.join(' or ')} (ingest: uploads, takedowns and alerts; alerts: /alerts only)`,
      'ingest',
    )
    .description('create a key; it is shown once and only its hash is stored')
    .action(async (name: string, options: { scope: string }) => {
      await withKeyStore(keys.opts<KeysOptions>(), io, async (store) => {
        const { key, record } = await store.create(name, [options.scope as KeyScope]);
        io.out(`${key}\n`);
        io.err(
          `created key "${record.name}" (hash ${record.keyHash.slice(0, 12)}, scope ${record.scopes.join(',')}); it is not shown again\n`,
        );
      });
    });

  keys
    .command('revoke')
    .argument(
      '<name-or-hash-prefix>',
      'the key name, or the first characters (at least 6) of its hash as `keys list` shows it',
    )
    .description('revoke a key')
    .action(async (selector: string) => {
      await withKeyStore(keys.opts<KeysOptions>(), io, async (store) => {
        const record = await store.revoke(selector);
        io.out(`revoked ${record.keyHash.slice(0, 12)} "${record.name}" at ${record.revokedAt}\n`);
      });
    });

  keys
    .command('list')
    .description('list keys, one a line: hash prefix, created, state (active or revoked <when>), scope, name')
    .action(async () => {
      await withKeyStore(keys.opts<KeysOptions>(), io, async (store) => {
        const records = await store.list();
        if (records.length === 0) io.err('no keys\n');
        for (const record of records) {
          const state = record.revokedAt ? `revoked ${record.revokedAt}` : 'active';
          io.out(
            `${record.keyHash.slice(0, 12)}  ${record.createdAt}  ${state.padEnd(32)}  ${record.scopes.join(',').padEnd(6)}  ${record.name}\n`,
          );
        }
      });
    });
}

async function withKeyStore(
  options: KeysOptions,
  io: CliIo,
  run: (store: KeyStore) => Promise<void>,
): Promise<void> {
  const remote = Boolean(options.aws || io.env.DYNAMODB_ENDPOINT);
  try {
    await withStore({ remote, dataDir: options.dataDir }, io, ({ clients, keysTableName }) =>
      run(new KeyStore(clients.doc, keysTableName)),
    );
  } catch (error) {
    if (error instanceof KeyStoreError) throw new CliError(error.message);
    throw error;
  }
}

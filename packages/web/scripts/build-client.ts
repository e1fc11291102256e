import { writeFile } from 'node:fs/promises';
import { buildClientModule, GENERATED_MODULE } from '../src/client-build';

await writeFile(GENERATED_MODULE, await buildClientModule());
process.stdout.write(`wrote ${GENERATED_MODULE}\n`);

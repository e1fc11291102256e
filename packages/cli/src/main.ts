/** `npm run archive -- <command>`: see `npm run archive -- --help`. */
import { runCli } from './program';

// The SDK's Node-version notice is noise for a local command line tool.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);

import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ArchiveStack } from './archive-stack';
import { settingsFromContext } from './config';

/**
 * Builds the CDK app exactly as `cdk synth`/`cdk deploy` do (stack plus cdk-nag), for `bin/app.ts`
 * and for the infra tests, which pass context and an output directory.
 *
 * The stack is environment-agnostic (no account/region, no lookups), so synthesis needs no AWS
 * credentials and no network; `cdk deploy` binds it to the account and region of the caller's profile.
 */
/**
 * Feature flags the stack is written for; set here rather than in cdk.json so tests synthesise with
 * exactly the flags a deploy uses.
 */
export const FEATURE_FLAGS = {
  // Grant S3 log delivery through a bucket policy, so the log bucket can keep ACLs disabled.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;

export function buildArchiveApp(props: AppProps = {}): {
  app: App;
  stack: ArchiveStack;
  nag: AwsSolutionsChecks;
} {
  const app = new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
  const settings = settingsFromContext(app.node);
  const stack = new ArchiveStack(app, `DispatchArchive-${settings.stage}`, {
    settings,
    description: `Dispatch archive (${settings.stage}): ingest, search and article API over DynamoDB and S3`,
    tags: { project: 'dispatch-archive', stage: settings.stage },
  });
  // Every unacknowledged AWS Solutions finding fails the synth.
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, stack, nag };
}

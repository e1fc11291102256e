import { createRequire } from 'node:module';
import type * as LambdaSdk from '@aws-sdk/client-lambda';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as SqsSdk from '@aws-sdk/client-sqs';

/*
 * The SDK clients that only the AWS side calls (S3 for the index bucket, Lambda for partition
 * functions, SQS for alert deliveries), loaded on first use instead of when `@archive/store` is
 * imported: `npm start` and the CLI import the package and never call them, and loading the three
 * cost every local start about 0.15 s (docs/SCALING.md, "Local start"). `require` rather than
 * `import()` keeps the client factories synchronous. The SDK packages have no `exports` map, so an
 * ES `import` of them resolves to the same CommonJS module this loads: one copy, one class identity.
 */
const load = createRequire(import.meta.url);

let s3: typeof S3Sdk | undefined;
let lambda: typeof LambdaSdk | undefined;
let sqs: typeof SqsSdk | undefined;

export const s3Sdk = (): typeof S3Sdk => {
  s3 ??= load('@aws-sdk/client-s3') as typeof S3Sdk;
  return s3;
};

export const lambdaSdk = (): typeof LambdaSdk => {
  lambda ??= load('@aws-sdk/client-lambda') as typeof LambdaSdk;
  return lambda;
};

export const sqsSdk = (): typeof SqsSdk => {
  sqs ??= load('@aws-sdk/client-sqs') as typeof SqsSdk;
  return sqs;
};

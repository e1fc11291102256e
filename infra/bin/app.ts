/** CDK app entry (`cdk.json`: `node --import tsx infra/bin/app.ts`). */
import { buildArchiveApp } from '../lib/archive-app';

buildArchiveApp().app.synth();

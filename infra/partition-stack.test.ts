import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  configVariables,
  LOCAL_ONLY_VARIABLES,
  RUNTIME_VARIABLES,
  readFunctionConfig,
  requiredVariables,
} from '../functions/config';
import type { ArchiveFunction } from './lib/archive-function';
import { settingsFromContext } from './lib/config';
import { logicalId, roleStatements, type Synthesised, synthesise } from './test-support';

/**
 * The stack with partition functions (K = 2): the search function becomes a coordinator that holds
 * no partitions and may invoke exactly its partition functions; each partition function reads only
 * the index prefix. (The default layout, K = 0, is archive-stack.test.ts.)
 */
let s: Synthesised;
beforeAll(() => {
  s = synthesise({ partitionFunctions: 2 });
}, 240_000);

const props = (fn: ArchiveFunction) => s.template.toJSON().Resources[logicalId(s, fn)].Properties;

describe('partition functions', () => {
  it('deploys K partition functions, each told its place, with the environment its schema reads', () => {
    expect(s.stack.partitionFunctions).toHaveLength(2);
    s.stack.partitionFunctions.forEach((fn, i) => {
      const variables: Record<string, unknown> = props(fn).Environment.Variables;
      expect(variables).toMatchObject({ ARCHIVE_PARTITION_INDEX: String(i), ARCHIVE_PARTITION_COUNT: '2' });
      const own = Object.keys(variables).filter((k) => !RUNTIME_VARIABLES.includes(k));
      const readable = configVariables('partition').filter((k) => !LOCAL_ONLY_VARIABLES.includes(k));
      expect(own.filter((k) => !readable.includes(k))).toEqual([]);
      expect(requiredVariables('partition').filter((k) => !own.includes(k))).toEqual([]);
      const resolved = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `deploy-time-${k}`]),
      );
      expect(() => readFunctionConfig('partition', resolved)).not.toThrow();
    });
  });

  it('the indexer opens partitions of half a function share, so the assignment can balance them', () => {
    const variables = props(s.stack.functions.indexer).Environment.Variables;
    expect(variables.ARCHIVE_PARTITION_TARGET).toBe('50000');
  });

  it('search is the coordinator: it names the partition functions and may invoke only them', () => {
    const search = s.stack.functions.search;
    const variables = props(search).Environment.Variables;
    expect(variables.ARCHIVE_PARTITION_FUNCTIONS).toEqual({
      'Fn::Join': [',', s.stack.partitionFunctions.map((fn) => ({ Ref: logicalId(s, fn) }))],
    });
    const { statements } = roleStatements(s, 'search');
    const invoke = statements.filter((st) => st.actions.some((a) => a.startsWith('lambda:')));
    expect(invoke).toEqual([
      {
        actions: ['lambda:InvokeFunction'],
        resources: s.stack.partitionFunctions.map((fn) => ({ 'Fn::GetAtt': [logicalId(s, fn), 'Arn'] })),
        effect: 'Allow',
      },
    ]);
    // It holds no partitions: no access to the index bucket at all.
    expect(statements.flatMap((st) => st.actions).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('partition functions read the index prefix and nothing else, and invoke nothing', () => {
    for (const fn of s.stack.partitionFunctions) {
      const actions = roleStatements(s, fn).statements.flatMap((st) => st.actions);
      expect([...new Set(actions)].sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:GetObject',
        's3:ListBucket',
      ]);
    }
  });

  it('alarms on errors and throttles of every partition function', () => {
    const alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    for (const fn of s.stack.partitionFunctions) {
      const onFn = alarms.filter((a) =>
        (a.Dimensions ?? []).some(
          (d: { Name: string; Value: unknown }) =>
            d.Name === 'FunctionName' &&
            JSON.stringify(d.Value) === JSON.stringify({ Ref: logicalId(s, fn) }),
        ),
      );
      expect(onFn.map((a) => a.MetricName).sort()).toEqual(['Errors', 'Throttles']);
      for (const alarm of onFn) expect(alarm.AlarmActions).toHaveLength(1);
    }
  });

  it('is cdk-nag clean', () => {
    const report = s.nag.validateScope(s.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    const annotations = Annotations.fromStack(s.stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('K from settings', () => {
  const k = (context: Record<string, unknown>) =>
    settingsFromContext(new App({ context }).node).partitionFunctions;

  it('is 0 by default and set directly or derived from a target of articles per function', () => {
    expect(k({})).toBe(0);
    expect(k({ partitionFunctions: 3 })).toBe(3);
    expect(k({ expectedArticles: 1_000_000 })).toBe(10);
    expect(k({ expectedArticles: 1_000_000, articlesPerPartitionFunction: 300_000 })).toBe(4);
    // An archive one function holds keeps the single-function layout.
    expect(k({ expectedArticles: 80_000 })).toBe(0);
    expect(() => k({ partitionFunctions: 99 })).toThrow(/partitionFunctions/);
  });
});

describe('partition target from settings', () => {
  const target = (context: Record<string, unknown>) =>
    settingsFromContext(new App({ context }).node).partitionTarget;

  it("is the index's default without partition functions, and half a function's share with them", () => {
    expect(target({})).toBeUndefined();
    expect(target({ partitionFunctions: 2 })).toBe(50_000);
    expect(target({ expectedArticles: 1_000_000, articlesPerPartitionFunction: 300_000 })).toBe(150_000);
    expect(target({ partitionTarget: 20_000 })).toBe(20_000);
    expect(() => target({ partitionTarget: 10 })).toThrow(/partitionTarget/);
  });
});

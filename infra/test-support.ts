/**
 * Helpers shared by the infra tests: synthesise the app once into a temp directory and read IAM
 * policies per function role out of the template.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { buildArchiveApp } from './lib/archive-app';
import type { ArchiveFunction } from './lib/archive-function';
import type { ArchiveStack } from './lib/archive-stack';
import type { SingletonFunctionName } from './lib/bundling';

export interface Synthesised {
  stack: ArchiveStack;
  template: Template;
  app: ReturnType<typeof buildArchiveApp>['app'];
  nag: ReturnType<typeof buildArchiveApp>['nag'];
}

/** Builds the app exactly as `bin/app.ts` does (real esbuild bundling) and synthesises it. */
export function synthesise(context: Record<string, unknown> = {}): Synthesised {
  const outdir = mkdtempSync(path.join(tmpdir(), 'archive-cdk-'));
  const { app, stack, nag } = buildArchiveApp({ outdir, context });
  const template = Template.fromStack(stack);
  return { app, stack, nag, template };
}

export interface Statement {
  actions: string[];
  resources: unknown[];
  effect: string;
}

interface PolicyDocument {
  Statement: { Action: string | string[]; Resource: unknown; Effect: string }[];
}

/** The few CloudFormation properties of functions, roles and policies these helpers read. */
interface CfnResourceJson {
  Type: string;
  Properties: {
    Role?: { 'Fn::GetAtt': [string, string] };
    Policies?: { PolicyDocument: PolicyDocument }[];
    ManagedPolicyArns?: unknown[];
    Roles?: { Ref: string }[];
    PolicyDocument?: PolicyDocument;
  };
}

/** Every statement of every policy attached to a function's execution role, plus managed policies. */
export function roleStatements(
  s: Synthesised,
  fn: SingletonFunctionName | ArchiveFunction,
): { statements: Statement[]; managedPolicies: unknown[] } {
  const construct = typeof fn === 'string' ? s.stack.functions[fn] : fn;
  const cfnFunction = construct.node.defaultChild as CfnFunction;
  const resources = s.template.toJSON().Resources as Record<string, CfnResourceJson>;
  const roleId = resources[s.stack.getLogicalId(cfnFunction)]?.Properties.Role?.['Fn::GetAtt'][0];
  const role = roleId ? resources[roleId] : undefined;
  if (!roleId || !role) throw new Error(`role of ${construct.node.path} not found`);
  const statements: Statement[] = [];
  const add = (doc: PolicyDocument | undefined) => {
    for (const st of doc?.Statement ?? []) {
      statements.push({ actions: [st.Action].flat(), resources: [st.Resource].flat(), effect: st.Effect });
    }
  };
  for (const policy of role.Properties.Policies ?? []) add(policy.PolicyDocument);
  for (const res of Object.values(resources)) {
    if (res.Type === 'AWS::IAM::Policy' && res.Properties.Roles?.some((r) => r.Ref === roleId)) {
      add(res.Properties.PolicyDocument);
    }
  }
  return { statements, managedPolicies: role.Properties.ManagedPolicyArns ?? [] };
}

/** Logical id of a construct's CloudFormation resource, for `{Ref}`/`{Fn::GetAtt}` matching. */
export function logicalId(s: Synthesised, construct: { node: { defaultChild?: unknown } }): string {
  return Stack.of(s.stack).getLogicalId(construct.node.defaultChild as never);
}

// cdk-nag's AwsSolutions rules on the synthesized stack, as `cdk synth` runs
// them (a validation plugin: Validations.of(app).addPlugins): no finding is
// left unacknowledged, with the table's key AWS-owned or the city's own and
// with partner accounts. Each acknowledgment gives its reason, is listed in
// docs/security.md, and still answers a finding (none is stale). A wildcard
// grant added to the stack fails the synth: the check is live.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, test } from 'vitest';
import { HuiminbaoStack, type HuiminbaoStackProps } from '../../infra/stack.ts';
import { newApp, removeTempDirs, repoRoot, SKIP_BUNDLING, SYNTH_TIMEOUT, tempDir } from './support.ts';

afterAll(removeTempDirs);

/** An app like `cdk synth`'s (no bundling), with the AwsSolutions pack registered the way infra/app.ts does. */
function nagged(props: HuiminbaoStackProps = {}): { app: App; stack: HuiminbaoStack } {
  const app = newApp(SKIP_BUNDLING, { outdir: tempDir('hmb-nag-'), builtinCloudFormationValidation: false });
  const stack = new HuiminbaoStack(app, 'HuiminbaoStack', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Findings as `rule at path`, for a readable failure. */
function findings(scope: IConstruct): string[] {
  return new AwsSolutionsChecks().validateScope(scope).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

/** Every acknowledgment in the tree: where, which rule (as cdk-nag names it), and why. */
function acknowledgments(scope: IConstruct): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  const walk = (c: IConstruct) => {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
        found.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
    }
    c.node.children.forEach(walk);
  };
  walk(scope);
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['as configured by default', {}],
    ['with a customer-managed table key and partner accounts', { tableKey: 'cmk', callerAccounts: { insurer: ['111122223333'], sponsor: ['444455556666'] } }],
  ] as const)(
    '%s: 0 unacknowledged findings, and the synth with the plugin passes',
    (_, props) => {
      const { app, stack } = nagged(props as HuiminbaoStackProps);
      expect(findings(stack)).toEqual([]);
      expect(() => app.synth()).not.toThrow();
    },
    SYNTH_TIMEOUT,
  );

  test(
    'a wildcard grant added to the stack fails the synth',
    () => {
      const { app, stack } = nagged();
      const role = new Role(stack, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: [stack.data.table.tableArn] }));
      expect(findings(stack)).toEqual(['AwsSolutions-IAM5[Action::dynamodb:*] at HuiminbaoStack/Careless/DefaultPolicy/Resource']);
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
    },
    SYNTH_TIMEOUT,
  );

  test(
    'each acknowledgment states its reason, and docs/security.md lists each rule acknowledged',
    () => {
      const { stack } = nagged();
      const acks = acknowledgments(stack);
      const docs = readFileSync(join(repoRoot, 'docs/security.md'), 'utf8');
      expect(acks.length).toBeGreaterThan(0);
      for (const { path, id, reason } of acks) {
        expect(reason.length, `${id} at ${path}`).toBeGreaterThan(40);
        // The rule, and for a wildcard finding what is wildcarded: a path parameter of an execute-api ARN, or X-Ray's "*".
        const rule = id.replace(/\[.*$/, '');
        expect(docs, `${rule} (at ${path})`).toContain(rule);
      }
      // Only these kinds are acknowledged: public routes, path parameters of execute-api ARNs, X-Ray, the runtime.
      // And the console's (docs/console.md): the user pool's feature plan, the distribution's geography, WAF and TLS
      // floor, and CDK's own BucketDeployment function.
      const kind = ({ id, path }: { id: string; path: string }) =>
        path.includes('CDKBucketDeployment')
          ? `BucketDeployment ${id.replace(/\[.*$/, '')}`
          : id.replace(/\[Resource::arn:.*execute-api:.*\]$/, '[execute-api path parameters]');
      expect([...new Set(acks.map(kind))].sort()).toEqual([
        'AwsSolutions-APIG4',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
        'AwsSolutions-COG8',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[execute-api path parameters]',
        'AwsSolutions-L1',
        'BucketDeployment AwsSolutions-IAM4',
        'BucketDeployment AwsSolutions-IAM5',
        'BucketDeployment AwsSolutions-L1',
      ]);
      // The execute-api wildcards are path parameters only: the stage and every literal segment are spelled out.
      for (const { id } of acks.filter((a) => a.id.includes('execute-api'))) {
        const resource = /<Api\w+>\/(.*)\]$/.exec(id)![1];
        expect(resource, id).toMatch(/^\$default\/(GET|POST|PUT)\/plans\/\*(\/[a-z-]+|\/\*)*$/);
      }
    },
    SYNTH_TIMEOUT,
  );

  test(
    'no acknowledgment is stale: each answers a finding cdk-nag makes without it',
    () => {
      const { stack } = nagged({ tableKey: 'cmk' });
      const pack = NagPack.prototype as unknown as { isAcknowledged: (...args: unknown[]) => boolean };
      const original = pack.isAcknowledged;
      pack.isAcknowledged = () => false;
      let raw: { ruleName: string; paths: string[] }[];
      try {
        raw = new AwsSolutionsChecks()
          .validateScope(stack)
          .violations.map((v) => ({ ruleName: v.ruleName, paths: v.violatingResources.map((r) => r.constructPath ?? '') }));
      } finally {
        pack.isAcknowledged = original;
      }
      for (const { path, id } of acknowledgments(stack)) {
        expect(
          raw.some((v) => v.ruleName === id && v.paths.some((p) => p === path || p.startsWith(`${path}/`))),
          `${id} at ${path}`,
        ).toBe(true);
      }
    },
    SYNTH_TIMEOUT,
  );
});

// The stack does not grow with plans: synthesized from the plans folder and
// from a thousand plan files, it has the same resources (CloudFormation allows
// 500) and outputs (200), one window sweep whatever the plans, and a plan that
// fails validation is reported at synth (the publisher refuses it) without
// stopping the others.
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, test } from 'vitest';
import { WindowSweep } from '@huiminbao/core';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { realPlansDir, removeTempDirs, shapeApp, SYNTH_TIMEOUT, tempDir } from './support.ts';

afterAll(removeTempDirs);

function synth(plansDir: string) {
  const stack = new HuiminbaoStack(shapeApp(), 'HuiminbaoStack', { plansDir });
  return { stack, template: Template.fromStack(stack) };
}

/** Resource types and how many of each: what CloudFormation would create. */
function census(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.toJSON().Resources as Record<string, { Type: string }>)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return counts;
}

/** A copy of plans/ plus renamed copies of its plan files, `count` plan files in all. */
function manyPlans(count: number): string {
  const dir = join(tempDir('hmb-plans-'), 'plans');
  cpSync(realPlansDir, dir, { recursive: true });
  const seeds = readdirSync(realPlansDir).filter((f) => f.endsWith('.yaml'));
  for (let i = seeds.length; i < count; i++) {
    const seed = seeds[i % seeds.length];
    const id = `city${String(i).padStart(4, '0')}-${seed
      .replace(/\.yaml$/, '')
      .split('-')
      .at(-1)}`;
    writeFileSync(join(dir, `${id}.yaml`), readFileSync(join(realPlansDir, seed), 'utf8').replace(/^id: .*$/m, `id: ${id}`));
  }
  return dir;
}

describe('a thousand plans', () => {
  test(
    "synthesize to the same resources and outputs as the plans folder, well within CloudFormation's limits",
    () => {
      const few = synth(realPlansDir).template;
      const thousandDir = manyPlans(1000);
      expect(readdirSync(thousandDir).filter((f) => f.endsWith('.yaml'))).toHaveLength(1000);
      const many = synth(thousandDir).template;
      expect(census(many)).toEqual(census(few));
      const total = Object.values(census(many)).reduce((a, b) => a + b, 0);
      console.log(`resources: ${total} with 1,000 plans and with the folder's; outputs: ${Object.keys(many.toJSON().Outputs).length}`);
      expect(total).toBeLessThan(500);
      expect(Object.keys(many.toJSON().Outputs)).toEqual(Object.keys(few.toJSON().Outputs));
      expect(Object.keys(many.toJSON().Outputs).length).toBeLessThan(200);
    },
    4 * SYNTH_TIMEOUT,
  );
});

describe('windows', () => {
  test(
    'one schedule, the sweep, every minute to the enrollment-windows function',
    () => {
      const { stack, template } = synth(realPlansDir);
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as { Properties: any }[];
      expect(schedules).toHaveLength(1);
      const target = stack.getLogicalId(stack.services.fn('enrollment-windows').node.defaultChild as any);
      expect(schedules[0].Properties).toMatchObject({
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [target, 'Arn'] } },
      });
      expect(WindowSweep.parse(JSON.parse(schedules[0].Properties.Target.Input))).toEqual({ source: 'hmb.scheduler', action: 'sweep' });
    },
    SYNTH_TIMEOUT,
  );
});

describe('a plan that fails validation', () => {
  test(
    'is reported at synth as file: path: reason, and the synth goes on',
    () => {
      const plansDir = join(tempDir('hmb-plans-'), 'plans');
      cpSync(realPlansDir, plansDir, { recursive: true });
      const broken = readFileSync(join(plansDir, 'jiangxi-2023.yaml'), 'utf8')
        .replace(/^id: jiangxi-2023$/m, 'id: brokencity-2027')
        .replace('closes: "2023-06-01T00:00:00+08:00"', 'closes: "2023-03-01T00:00:00+08:00"');
      writeFileSync(join(plansDir, 'brokencity-2027.yaml'), broken);
      const { stack } = synth(plansDir);
      Annotations.fromStack(stack).hasWarning(
        '/HuiminbaoStack',
        Match.stringLikeRegexp('not published: .*brokencity-2027\\.yaml: enrollment\\.window\\.closes: must be after opens'),
      );
    },
    SYNTH_TIMEOUT,
  );
});

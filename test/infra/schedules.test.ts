// Enrollment windows open and close on EventBridge Scheduler one-time
// schedules derived from the plan files: dated instants get one, undated
// (administrator-scheduled) ones none, and a new plan file needs no code. A
// recurring schedule sends the sweep that closes extended windows.
import { cpSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ScheduledToggle, WindowSweep } from '@huiminbao/core';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { plansWithTestCity, realPlansDir, removeTempDirs, shapeApp, SYNTH_TIMEOUT, tempDir } from './support.ts';

afterAll(removeTempDirs);

interface Synthesized {
  /** `<planId> <action>` → the schedule's properties */
  byPlanAction: Map<string, Record<string, any>>;
  /** `<planId> <action>` → logical id */
  logicalIds: Map<string, string>;
  targetId: string;
  /** The recurring sweep's properties. */
  sweep?: Record<string, any>;
}

/** Before every seed plan's window, so all dated instants are still ahead. */
const BEFORE_SEEDS = new Date('2023-01-01T00:00:00Z');

function synth(plansDir: string, now: Date = BEFORE_SEEDS): Synthesized {
  const stack = new HuiminbaoStack(shapeApp(), 'HuiminbaoStack', { plansDir, now });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const byPlanAction = new Map<string, Record<string, any>>();
  const logicalIds = new Map<string, string>();
  let sweep: Record<string, any> | undefined;
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Scheduler::Schedule') continue;
    const input = JSON.parse(r.Properties.Target.Input);
    if (input.action === 'sweep') {
      expect(sweep, 'one sweep').toBeUndefined();
      sweep = r.Properties;
      continue;
    }
    const key = `${input.planId} ${input.action}`;
    expect(byPlanAction.has(key), `duplicate schedule ${key}`).toBe(false);
    byPlanAction.set(key, r.Properties);
    logicalIds.set(key, id);
  }
  const target = stack.services.fn('enrollment-windows');
  return { byPlanAction, logicalIds, targetId: stack.getLogicalId(target.node.defaultChild as any), sweep };
}

test('instants already past at synth get no schedule', () => {
  // Jiangxi closes 2023-06-01T00:00+08:00 and Sanming 2024-01-01T00:00+08:00; Wenshan is over by 2023-09-01.
  const midway = synth(realPlansDir, new Date('2023-08-01T00:00:00Z'));
  expect([...midway.byPlanAction.keys()].sort()).toEqual(['sanming-2024 close', 'wenshan-2023 close']);
  expect(synth(realPlansDir, new Date('2026-11-25T00:00:00Z')).byPlanAction.size).toBe(0);
}, SYNTH_TIMEOUT);

describe('with the plans of this checkout', () => {
  let real: Synthesized;
  beforeAll(() => { real = synth(realPlansDir); }, SYNTH_TIMEOUT);

  test('dated windows get open/close schedules; administrator-scheduled ones get none', () => {
    expect([...real.byPlanAction.keys()].sort()).toEqual([
      'jiangxi-2023 close',
      'jiangxi-2023 open',
      // sanming-2024 opens when an administrator says so, but its close is dated.
      'sanming-2024 close',
      'wenshan-2023 close',
      'wenshan-2023 open',
    ]);
    for (const key of real.byPlanAction.keys()) expect(key).not.toMatch(/^(nantong-2021|wuwei-2025) /);
  });

  test('Wenshan opens at 2023-07-03 00:00 Beijing time, i.e. 2023-07-02 16:00 UTC', () => {
    expect(real.byPlanAction.get('wenshan-2023 open')).toMatchObject({
      ScheduleExpression: 'at(2023-07-02T16:00:00)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    // The exclusive end 2023-08-31 24:00 is written 2023-09-01T00:00:00+08:00.
    expect(real.byPlanAction.get('wenshan-2023 close')!.ScheduleExpression).toBe('at(2023-08-31T16:00:00)');
    expect(real.byPlanAction.get('jiangxi-2023 open')!.ScheduleExpression).toBe('at(2023-03-13T16:00:00)');
    expect(real.byPlanAction.get('jiangxi-2023 close')!.ScheduleExpression).toBe('at(2023-05-31T16:00:00)');
    expect(real.byPlanAction.get('sanming-2024 close')!.ScheduleExpression).toBe('at(2023-12-31T16:00:00)');
  });

  test('every schedule invokes the enrollment-windows function with source, action and plan id', () => {
    for (const [key, props] of real.byPlanAction) {
      const [planId, action] = key.split(' ');
      expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [real.targetId, 'Arn'] });
      expect(JSON.parse(props.Target.Input)).toEqual({ source: 'hmb.scheduler', action, planId });
      // …which is what the handler accepts as a scheduled toggle.
      expect(ScheduledToggle.safeParse(JSON.parse(props.Target.Input)).success).toBe(true);
    }
  });
});

test('every five minutes the sweep goes to the enrollment-windows function, whatever the plans', () => {
  for (const { sweep, targetId } of [synth(realPlansDir), synth(realPlansDir, new Date('2026-11-25T00:00:00Z'))]) {
    expect(sweep).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED', Target: { Arn: { 'Fn::GetAtt': [targetId, 'Arn'] } } });
    expect(WindowSweep.safeParse(JSON.parse(sweep!.Target.Input)).success).toBe(true);
    expect(ScheduledToggle.safeParse(JSON.parse(sweep!.Target.Input)).success).toBe(false);
  }
}, SYNTH_TIMEOUT);

describe('a new city is a new plan file', () => {
  test('testcity-2027.yaml dropped into a copy of plans/ becomes two schedules, no code change', () => {
    const { plansDir, planId } = plansWithTestCity();
    const withNew = synth(plansDir);
    expect(withNew.byPlanAction.get(`${planId} open`)!.ScheduleExpression).toBe('at(2027-02-28T16:00:00)');
    expect(withNew.byPlanAction.get(`${planId} close`)!.ScheduleExpression).toBe('at(2027-03-31T16:00:00)');
    expect(JSON.parse(withNew.byPlanAction.get(`${planId} open`)!.Target.Input)).toEqual({ source: 'hmb.scheduler', action: 'open', planId });
    expect(withNew.byPlanAction.size).toBe(7);
    // Existing schedules keep their logical ids: adding a city replaces nothing.
    const real = synth(realPlansDir);
    for (const [key, id] of real.logicalIds) expect(withNew.logicalIds.get(key)).toBe(id);
  });

  test('a plan that fails validation stops the synth with every problem as file: path: reason', () => {
    const plansDir = join(tempDir('hmb-plans-'), 'plans');
    cpSync(realPlansDir, plansDir, { recursive: true });
    const broken = readFileSync(join(plansDir, 'jiangxi-2023.yaml'), 'utf8')
      .replace(/^id: jiangxi-2023$/m, 'id: brokencity-2027')
      .replace('closes: "2023-06-01T00:00:00+08:00"', 'closes: "2023-03-01T00:00:00+08:00"');
    writeFileSync(join(plansDir, 'brokencity-2027.yaml'), broken);
    expect(() => synth(plansDir)).toThrow(/brokencity-2027\.yaml: enrollment\.window\.closes: must be after opens/);
  });
});

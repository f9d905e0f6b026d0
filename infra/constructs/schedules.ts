// Opening and closing enrollment windows, derived from the plan files: one
// EventBridge Scheduler one-time schedule per dated instant, invoking the
// enrollment-windows function. A city's new plan file becomes schedules on the
// next deploy with no code change; a window the source leaves undated (null) is
// scheduled by an administrator through the API instead, so it gets none here.
// Instants already past at synth are history (a one-time schedule in the past
// would never fire, or be refused): the plan file's schedule still governs the
// window state the service derives. A recurring schedule sends the sweep every
// five minutes: it closes a window whose closing instant an administrator moved
// (an extension, which no schedule of the plan file knows of) or whose
// scheduled close was missed.
import { loadPlans, formatProblem, type LoadedPlan, type ScheduledToggle, type WindowSweep } from '@huiminbao/core';
import { Duration } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface SchedulesProps {
  plansDir: string;
  /** Instants before this get no schedule. */
  now: Date;
  /** The enrollment-windows function. */
  target: IFunction;
}

export class Schedules extends Construct {
  /** Construct id (`<planId>-<action>`) → schedule. */
  readonly schedules = new Map<string, Schedule>();
  /** Every five minutes: closes windows past their closing instant with no close recorded. */
  readonly sweep: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const sweep: WindowSweep = { source: 'hmb.scheduler', action: 'sweep' };
    this.sweep = new Schedule(this, 'sweep', {
      schedule: ScheduleExpression.rate(Duration.minutes(5)),
      target: new LambdaInvoke(props.target, { input: ScheduleTargetInput.fromObject(sweep) }),
      description: 'close enrollment windows past their closing instant with no close recorded',
    });
    for (const plan of plansOrThrow(props.plansDir)) {
      const { opens, closes } = plan.enrollment.window;
      const instants = [['open', opens], ['close', closes]] as const;
      for (const [action, instant] of instants) {
        if (instant === null || Date.parse(instant) <= props.now.getTime()) continue;
        // The event the enrollment-windows handler parses with the core's ScheduledToggle schema.
        const event: ScheduledToggle = { source: 'hmb.scheduler', action, planId: plan.id };
        // The id depends only on plan and action, so editing a date updates the
        // schedule in place and adding a plan never renames the others.
        const scheduleId = `${plan.id}-${action}`;
        this.schedules.set(scheduleId, new Schedule(this, scheduleId, {
          // at() renders the instant in UTC: 2023-07-03T00:00:00+08:00 → at(2023-07-02T16:00:00).
          schedule: ScheduleExpression.at(new Date(instant)),
          target: new LambdaInvoke(props.target, { input: ScheduleTargetInput.fromObject(event) }),
          description: `${action} the enrollment window of ${plan.id} (${instant})`,
        }));
      }
    }
  }
}

/**
 * Every plan of the folder. A plan that fails validation stops the synth: it
 * would otherwise be shipped in the layer yet silently get no schedules.
 */
function plansOrThrow(plansDir: string): LoadedPlan[] {
  const { plans, problems } = loadPlans(plansDir);
  if (problems.length > 0) {
    throw new Error(`plans in ${plansDir} do not validate:\n${problems.map(formatProblem).join('\n')}`);
  }
  return [...plans.values()];
}

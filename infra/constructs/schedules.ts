// The window sweep: every minute EventBridge Scheduler sends it to the
// enrollment-windows function, which opens and closes windows at the published
// plans' instants (functions/core/enrollment/window-schedule.ts). One schedule
// whatever the number of plans; publishing a version needs none of its own.
import type { WindowSweep } from '@huiminbao/core';
import { Duration } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * LambdaInvoke whose role may invoke the function itself and nothing more: the stock target grants `<function>:*`
 * too (every version and alias), and the sweep invokes the function as deployed, unqualified.
 */
class InvokeFunction extends LambdaInvoke {
  private readonly target: IFunction;

  constructor(target: IFunction, input: ScheduleTargetInput) {
    super(target, { input });
    this.target = target;
  }

  protected addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }));
  }
}

export interface SchedulesProps {
  /** The enrollment-windows function. */
  target: IFunction;
}

export class Schedules extends Construct {
  readonly sweep: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const sweep: WindowSweep = { source: 'hmb.scheduler', action: 'sweep' };
    this.sweep = new Schedule(this, 'sweep', {
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new InvokeFunction(props.target, ScheduleTargetInput.fromObject(sweep)),
      description: "open and close enrollment windows at the published plans' instants (and an extended window at its new one)",
    });
  }
}

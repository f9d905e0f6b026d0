// Publishing on deploy: a function whose zip carries the plans folder, run by
// a CloudFormation trigger whenever its code changes (a plan changed, or the
// publisher did). It stores each changed plan as a new version in the plan
// store; `hmb plan publish` does the same from a workstation, without a
// deploy. A constant number of resources, whatever the number of plans.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Trigger } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { coreFunction } from './services.ts';
import { grantTable, TABLE_ACCESS } from './table-access.ts';

export interface PublisherProps {
  plansDir: string;
  table: ITable;
  coreLayer: ILayerVersion;
}

export class Publisher extends Construct {
  readonly fn: NodejsFunction;
  readonly trigger: Trigger;

  constructor(scope: Construct, id: string, props: PublisherProps) {
    super(scope, id);
    this.fn = coreFunction(this, 'Function', {
      entry: 'plan-publisher/handler.ts',
      coreLayer: props.coreLayer,
      table: props.table,
      serviceName: 'plan-publisher',
      // Validating and publishing a thousand plans takes seconds; the trigger waits for it.
      timeout: Duration.minutes(5),
      // The plans folder travels in the zip: the code's hash, and so the trigger, follows every plan change.
      afterBundling: (outputDir) => [`mkdir -p "${outputDir}/plans"`, `cp -R "${props.plansDir}/." "${outputDir}/plans/"`],
    });
    grantTable(this.fn, props.table, TABLE_ACCESS['plan-publisher']);
    this.trigger = new Trigger(this, 'Publish', { handler: this.fn, timeout: Duration.minutes(5), executeAfter: [props.table] });
  }
}

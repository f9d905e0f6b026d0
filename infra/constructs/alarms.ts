// What the city's operators are told about, on one SNS topic they subscribe
// to: work that failed five times (a fulfilment, a settlement, a renewal run
// now waits in the dead-letter queue for a person), a function failing (a
// scheduled window toggle among them), and the API answering 5xx.
import { CfnOutput, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  deadLetters: IQueue;
  /** Service name → function. */
  functions: ReadonlyMap<string, IFunction>;
  api: HttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);

export class Alarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'huiminbao alerts', masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns') });
    const notify = new SnsAction(this.topic);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        alarmDescription: description,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(notify);
      this.alarms.push(a);
    };
    alarm(
      'DeadLetters',
      'Queued work (an order to quote, fulfil or settle, a renewal run, a late refund) failed five times and waits in the dead-letter queue',
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
    );
    for (const [name, fn] of props.functions) {
      alarm(`${name}-errors`, `The ${name} function failed (an unhandled error or a timeout)`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1);
    }
    alarm('Api5xx', 'The HTTP API answered 5xx five times or more in five minutes', props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), 5);
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn, description: 'Subscribe operators to this topic for alerts' }).overrideLogicalId(
      'AlertsTopicArn',
    );
  }
}

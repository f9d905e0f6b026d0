// The queue long work waits in (sponsors' orders to quote, fulfil and settle;
// renewal runs): the charity-purchase function sends to it and consumes it,
// one message at a time; the windows function also sends (a renewal run when
// a window opens, settlements when it closes, a sponsor's refund counted when
// a sponsored policy is cancelled). A run that fails or times out
// comes back after the visibility timeout and resumes where it stopped;
// after five tries the message goes to a dead-letter queue for a person to read.
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';

export interface FulfilmentProps {
  /** Sends paid orders and fulfils them. */
  worker: NodejsFunction;
  /** Others that send work (the windows function: renewal runs and settlements). */
  senders?: NodejsFunction[];
}

export class Fulfilment extends Construct {
  readonly queue: Queue;
  /** Where work lands after five failed tries (Alarms watch it). */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: FulfilmentProps) {
    super(scope, id);
    const deadLetters = this.deadLetters = new Queue(this, 'DeadLetters', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED });
    this.queue = new Queue(this, 'Orders', {
      // Longer than the worker's timeout, so a running fulfilment is not delivered twice at once.
      visibilityTimeout: Duration.seconds((props.worker.timeout?.toSeconds() ?? 900) + 60),
      encryption: QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    for (const sender of [props.worker, ...(props.senders ?? [])]) {
      sender.addEnvironment('QUEUE_URL', this.queue.queueUrl);
      this.queue.grantSendMessages(sender);
    }
    (props.worker as IFunction).addEventSource(new SqsEventSource(this.queue, { batchSize: 1 }));
  }
}

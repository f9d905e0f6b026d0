// The queue long work waits in (sponsors' orders to quote, fulfil and settle;
// renewal runs) and the worker function that consumes it, one message at a
// time. The charity-purchase and windows functions send to it (an order's
// quote or fulfilment, a renewal run when a window opens, settlements when it
// closes, a sponsor's refund counted when a sponsored policy is cancelled).
// The worker stops before its time is up and sends its message on, so a
// delivery does not time out; a run that fails comes back after the visibility
// timeout and resumes where it stopped; after five failures the message goes
// to a dead-letter queue for a person to read.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { coreFunction } from './services.ts';
import { grantTable, TABLE_ACCESS } from './table-access.ts';

export interface FulfilmentProps {
  table: ITable;
  coreLayer: ILayerVersion;
  /** Functions that send work (charity purchase: orders; enrollment windows: renewal runs and settlements). */
  senders: NodejsFunction[];
}

/**
 * A delivery's longest run. The worker stops a minute before (STOP_MARGIN_MS) and sends its message on: long jobs go
 * on across deliveries, and a delivery lost to a crash is seen again within the visibility timeout, minutes later.
 */
export const WORKER_TIMEOUT = Duration.minutes(5);

export class Fulfilment extends Construct {
  readonly queue: Queue;
  /** Where work lands after five failed tries (Alarms watch it). */
  readonly deadLetters: Queue;
  /** Consumes the queue: functions/worker/handler.ts. */
  readonly worker: NodejsFunction;

  constructor(scope: Construct, id: string, props: FulfilmentProps) {
    super(scope, id);
    this.worker = coreFunction(this, 'Worker', {
      entry: 'worker/handler.ts',
      coreLayer: props.coreLayer,
      table: props.table,
      serviceName: 'worker',
      timeout: WORKER_TIMEOUT,
    });
    grantTable(this.worker, props.table, TABLE_ACCESS.worker);
    // Both queues refuse requests not sent over TLS (a bucket-policy-like queue policy CDK writes).
    const deadLetters = (this.deadLetters = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    }));
    this.queue = new Queue(this, 'Orders', {
      // Longer than the worker's timeout, so a running delivery is not handed to a second worker.
      visibilityTimeout: WORKER_TIMEOUT.plus(Duration.minutes(1)),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    // The worker sends too: a message whose job stopped for time goes back on the queue.
    for (const sender of [this.worker, ...props.senders]) {
      sender.addEnvironment('QUEUE_URL', this.queue.queueUrl);
      this.queue.grantSendMessages(sender);
    }
    this.worker.addEventSource(new SqsEventSource(this.queue, { batchSize: 1 }));
  }
}

// The work queue on AWS: SQS, consumed by the worker Lambda.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WorkMessage, WorkQueue } from './queue.ts';

export class SqsQueue implements WorkQueue {
  private readonly client: SQSClient;
  private readonly url: string;

  constructor(url: string, client = new SQSClient({})) {
    this.url = url;
    this.client = client;
  }

  async send(message: WorkMessage): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.url, MessageBody: JSON.stringify(message) }));
  }
}

// The local work queue's journal on the table (wiring.ts uses it where there is
// no SQS): one item per message until its work is done, in one partition (a
// local stack's queue holds a handful of messages).
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { WorkJournal, WorkMessage } from '../work/queue.ts';
import { Table, docOf, row } from './dynamo-ops.ts';

const PARTITION = 'WORKQUEUE';

export class DynamoWorkJournal implements WorkJournal {
  private readonly t: Table;

  constructor(client: DynamoDBClient, tableName: string) {
    this.t = new Table(client, tableName);
  }

  async add(message: WorkMessage): Promise<string> {
    // Sorted by when sent: resumed in the order they came.
    const id = `${new Date().toISOString()}#${randomUUID()}`;
    await this.t.db.send(new PutCommand({ TableName: this.t.name, Item: row({ pk: PARTITION, sk: id }, message) }));
    return id;
  }

  async done(id: string): Promise<void> {
    await this.t.db.send(new DeleteCommand({ TableName: this.t.name, Key: { pk: PARTITION, sk: id } }));
  }

  pending(): Promise<{ id: string; message: WorkMessage }[]> {
    return this.t.queryAll({ ConsistentRead: true, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PARTITION } }, (item) => ({
      id: item.sk as string,
      message: docOf<WorkMessage>(item)!,
    }));
  }
}

// The table on DynamoDB Local (the local stack, tests, benchmarks): created if
// missing, its indexes added to a table an older version created. On AWS the
// CDK stack makes the same table from the same definitions (keys.ts).
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INDEXES, KEY_ATTRIBUTES } from './keys.ts';

/** Creates the table (and its indexes) if missing and waits until all are active. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributes,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [...INDEXES],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = Table?.GlobalSecondaryIndexes ?? [];
    const missing = INDEXES.find((wanted) => !present.some((g) => g.IndexName === wanted.IndexName));
    const ready = Table?.TableStatus === 'ACTIVE' && present.every((g) => g.IndexStatus === 'ACTIVE');
    // One index is created at a time (DynamoDB's rule), each once the table and the others are ready.
    if (ready && missing) {
      await client.send(new UpdateTableCommand({ TableName: tableName, AttributeDefinitions: attributes, GlobalSecondaryIndexUpdates: [{ Create: missing }] }));
    } else if (ready) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${tableName} did not become active`);
}

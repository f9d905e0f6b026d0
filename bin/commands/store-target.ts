// Which platform a command that writes to the plan store or the partner
// registry talks to: a DynamoDB table, local (DynamoDB Local, --endpoint) or
// on AWS (the default credential chain and region).
import type { Command } from 'commander';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';

export interface StoreOptions {
  table: string;
  endpoint?: string;
}

/** Adds --table and --endpoint (defaults from TABLE_NAME and HMB_DYNAMODB_ENDPOINT, as the services read them). */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--table <name>', "the platform's table (default: $TABLE_NAME, else huiminbao)", process.env.TABLE_NAME || 'huiminbao')
    .option(
      '--endpoint <url>',
      "DynamoDB endpoint, e.g. the local stack's DynamoDB Local http://127.0.0.1:8000 (default: $HMB_DYNAMODB_ENDPOINT, else AWS)",
      process.env.HMB_DYNAMODB_ENDPOINT,
    );
}

/** The store, and a line saying where it is. */
export function openStore(opts: StoreOptions): { store: DynamoStore; where: string; close(): void } {
  const client = new DynamoDBClient(
    opts.endpoint ? { endpoint: opts.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 } : {},
  );
  return {
    store: new DynamoStore(client, opts.table),
    where: `table ${opts.table}${opts.endpoint ? ` at ${opts.endpoint}` : ' (AWS)'}`,
    close: () => client.destroy(),
  };
}

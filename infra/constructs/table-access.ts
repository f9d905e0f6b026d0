// What each function may do on the one table: the DynamoDB actions its code
// path uses (functions/core/store/dynamo.ts and dynamo-ops.ts say which Store
// method sends which request) and the indexes it queries, nothing more. No
// function scans; only adjudication deletes, and only its staged revisions. TransactWriteItems needs
// no action of its own: each of its items is authorized as the PutItem or
// UpdateItem it is. A function that deletes does so only in the partitions
// named (dynamodb:LeadingKeys). docs/security.md explains each line.
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { JOURNAL_INDEX, RELIEF_INDEX, RENEWAL_INDEX } from '../../functions/core/store/keys.ts';
import type { ServiceName } from './services.ts';

export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'BatchWriteItem';

export interface TableAccess {
  actions: readonly TableAction[];
  /** Indexes the function queries (by name); none unless listed. */
  indexes?: readonly string[];
  /** Partition-key prefixes of items the function deletes (DeleteItem on those partitions only); none unless listed. */
  deletes?: readonly string[];
}

/** Every function that serves requests or runs work reads plans (Query), the partner registry (GetItem) and items in batches. */
const READS = ['GetItem', 'BatchGetItem', 'Query'] as const satisfies readonly TableAction[];

export const TABLE_ACCESS: Readonly<Record<ServiceName | 'worker' | 'plan-publisher', TableAccess>> = {
  // Roster imports (BatchWriteItem), a roster change (a conditional PutItem), eligibility answers (reads).
  eligibility: { actions: [...READS, 'PutItem', 'BatchWriteItem'] },
  // Windows (PutItem), policies with their counters and account debits (PutItem, UpdateItem ADD in one transaction),
  // the population; at a close, the orders to settle (Query of the ledger, a PutItem per order). It queues renewal
  // runs and settlements but runs neither: no index.
  'enrollment-windows': { actions: [...READS, 'PutItem', 'UpdateItem'] },
  // Claims, member years, revisions (PutItem), payout totals and a revised claim's document (UpdateItem); the daily
  // statement reads the payouts' journal index.
  // A revision too large for one transaction stages its claims' documents and deletes them once written (STAGED#).
  adjudication: { actions: [...READS, 'PutItem', 'UpdateItem', 'BatchWriteItem'], indexes: [JOURNAL_INDEX], deletes: ['STAGED#'] },
  // Orders: the list's chunks and lines (BatchWriteItem), the header and a short list's quote job (PutItem); a
  // selection by relief group reads the relief index. Fulfilment and settlement are the worker's.
  'charity-purchase': { actions: [...READS, 'PutItem', 'BatchWriteItem'], indexes: [RELIEF_INDEX] },
  // Quotes, fulfilments, settlements (lines by BatchWriteItem, policies and jobs by PutItem, participation counts and
  // ledger totals by UpdateItem) and renewal runs, which read the renewals index.
  worker: { actions: [...READS, 'PutItem', 'UpdateItem', 'BatchWriteItem'], indexes: [RENEWAL_INDEX] },
  // Publishing: a plan's versions and content (Query), content parts (BatchWriteItem), the version and the index
  // entry in one transaction (PutItem).
  'plan-publisher': { actions: ['Query', 'PutItem', 'BatchWriteItem'] },
};

/**
 * Grants exactly `access` on the table (and its named indexes), and, when the table has a customer-managed key, the
 * key operations DynamoDB makes on the caller's behalf — by name, no wildcard actions.
 */
export function grantTable(grantee: IGrantable, table: ITable, access: TableAccess): void {
  const principal = grantee.grantPrincipal;
  principal.addToPrincipalPolicy(new PolicyStatement({ actions: access.actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }));
  if (access.indexes && access.indexes.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: access.indexes.map((name) => `${table.tableArn}/index/${name}`) }),
    );
  }
  if (access.deletes && access.deletes.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.deletes.map((prefix) => `${prefix}*`) } },
      }),
    );
  }
  if (table.encryptionKey) {
    const writes = access.actions.some((a) => a === 'PutItem' || a === 'UpdateItem' || a === 'BatchWriteItem');
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
        resources: [table.encryptionKey.keyArn],
      }),
    );
  }
}

// The one DynamoDB table every service shares (single-table design, keys pk/sk;
// access patterns in docs/data-model.md).
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INDEXES, TTL_ATTRIBUTE } from '../../functions/core/store/keys.ts';

/** Who holds the table's encryption key: AWS (DynamoDB's default, no cost), or the city, in a key of this stack. */
export type TableKey = 'aws-owned' | 'cmk';

export interface DataProps {
  /** @default 'aws-owned' */
  tableKey?: TableKey;
}

export class Data extends Construct {
  readonly table: Table;
  /** The customer-managed key, when the table has one. */
  readonly key?: Key;

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    // A city whose rules ask to hold (and be able to revoke) the key of its insured people's data: a key of its own,
    // rotated yearly, retained like the table (data encrypted under a deleted key is lost).
    this.key =
      props.tableKey === 'cmk'
        ? new Key(this, 'TableKey', { description: 'huiminbao table: policies, claims, rosters', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN })
        : undefined;
    // `Table`, not `TableV2`: TableV2 synthesizes AWS::DynamoDB::GlobalTable,
    // which we do not need for one region. The name is left to CDK so two
    // stages can live in one account.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      // Traffic follows enrollment windows: near zero most of the year, spikes when a city opens.
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Policies, claims and accumulators are the record of who is insured and what was paid: recoverable to the
      // second, never deleted by a stack deletion nor by a call to DeleteTable.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Hospitals' trial quotes expire (only they carry the attribute).
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(this.key ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.key } : {}),
    });
    // The indexes as the core defines them (the local table is made from the same definitions): each sparse, carried
    // only by the items its query reads (docs/data-model.md).
    for (const index of INDEXES) {
      const key = (type: 'HASH' | 'RANGE') => ({ name: index.KeySchema!.find((k) => k.KeyType === type)!.AttributeName!, type: AttributeType.STRING });
      const projection =
        index.Projection?.ProjectionType === 'INCLUDE'
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: index.Projection.NonKeyAttributes ?? [] }
          : { projectionType: ProjectionType.ALL };
      this.table.addGlobalSecondaryIndex({ indexName: index.IndexName!, partitionKey: key('HASH'), sortKey: key('RANGE'), ...projection });
    }
  }
}

/** The context value `tableKey` (`-c tableKey=cmk`): absent means AWS-owned; anything else is refused. */
export function tableKeyFrom(context: unknown): TableKey {
  if (context === undefined) return 'aws-owned';
  if (context === 'aws-owned' || context === 'cmk') return context;
  throw new Error(`context tableKey: must be "aws-owned" or "cmk" (got ${JSON.stringify(context)})`);
}

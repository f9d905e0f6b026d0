// The one DynamoDB table every service shares (single-table design, keys pk/sk;
// access patterns in docs/data-model.md).
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { INDEXES, TTL_ATTRIBUTE } from '../../functions/core/store/keys.ts';

export class Data extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // `Table`, not `TableV2`: TableV2 synthesizes AWS::DynamoDB::GlobalTable,
    // which we do not need for one region. The name is left to CDK so two
    // stages can live in one account.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      // Traffic follows enrollment windows: near zero most of the year, spikes when a city opens.
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Policies, claims and accumulators are the record of who is insured and what was paid.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Hospitals' trial quotes expire (only they carry the attribute).
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The indexes as the core defines them (the local table is made from the same definitions): each sparse, carried
    // only by the items its query reads (docs/data-model.md).
    for (const index of INDEXES) {
      const key = (type: 'HASH' | 'RANGE') => ({ name: index.KeySchema!.find((k) => k.KeyType === type)!.AttributeName!, type: AttributeType.STRING });
      const projection = index.Projection?.ProjectionType === 'INCLUDE'
        ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: index.Projection.NonKeyAttributes ?? [] }
        : { projectionType: ProjectionType.ALL };
      this.table.addGlobalSecondaryIndex({ indexName: index.IndexName!, partitionKey: key('HASH'), sortKey: key('RANGE'), ...projection });
    }
  }
}

// The one DynamoDB table every service shares (single-table design, keys pk/sk;
// access patterns in docs/data-model.md).
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { JOURNAL_INDEX, RELIEF_INDEX, RENEWAL_INDEX } from '../../functions/core/store/dynamo.ts';

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
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Sparse: only paid policies with auto-renewal consent carry rpk/rsk (the renewal run reads it).
    this.table.addGlobalSecondaryIndex({
      indexName: RENEWAL_INDEX,
      partitionKey: { name: 'rpk', type: AttributeType.STRING },
      sortKey: { name: 'rsk', type: AttributeType.STRING },
    });
    // Sparse: only roster entries with a relief group carry fpk/fsk (a sponsor's selection by group and county reads it).
    this.table.addGlobalSecondaryIndex({
      indexName: RELIEF_INDEX,
      partitionKey: { name: 'fpk', type: AttributeType.STRING },
      sortKey: { name: 'fsk', type: AttributeType.STRING },
    });
    // Sparse: claims and reversals carry jpk/jsk, one partition per plan and day (insurers' daily statements);
    // only the small movement is projected, not the claim with its explanation.
    this.table.addGlobalSecondaryIndex({
      indexName: JOURNAL_INDEX,
      partitionKey: { name: 'jpk', type: AttributeType.STRING },
      sortKey: { name: 'jsk', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: ['movement'],
    });
  }
}

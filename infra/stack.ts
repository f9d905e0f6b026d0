// The whole platform in one stack: the table (which is also the plan store and
// the partner registry), the core layer, the four services, their HTTP API
// (with a role per kind of caller), the work queue and its worker, the plan
// publisher run on deploy, the window sweep and the operators' alarms. Its
// resources are the same whatever the number of plans. It passes cdk-nag's
// AwsSolutions checks; what it acknowledges, and why, is in docs/security.md.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Annotations } from 'aws-cdk-lib';
import { defaultPlansDir, formatProblem, loadPlans } from '@huiminbao/core';
import { Data, type TableKey } from './constructs/data.ts';
import { CoreLayer } from './constructs/core-layer.ts';
import { Services } from './constructs/services.ts';
import { Fulfilment } from './constructs/fulfilment.ts';
import { Api, type CallerAccounts } from './constructs/api.ts';
import { Schedules } from './constructs/schedules.ts';
import { Alarms } from './constructs/alarms.ts';
import { Publisher } from './constructs/publisher.ts';
import { Console } from './constructs/console.ts';

export interface HuiminbaoStackProps extends StackProps {
  /**
   * The plan files the deploy publishes (each changed plan a new version in the plan store).
   * @default defaultPlansDir() — plans/ of this checkout, or $HMB_PLANS_DIR
   */
  plansDir?: string;
  /**
   * Partner AWS accounts that may assume each caller role (bureau, insurer, channel, sponsor).
   * @default none: only this account's principals may assume them
   */
  callerAccounts?: CallerAccounts;
  /**
   * Who holds the table's key: AWS (its own key, DynamoDB's default), or the city (`cmk`: a customer-managed key in
   * this stack, rotated yearly).
   * @default 'aws-owned'
   */
  tableKey?: TableKey;
}

export class HuiminbaoStack extends Stack {
  readonly data: Data;
  readonly core: CoreLayer;
  readonly services: Services;
  readonly fulfilment: Fulfilment;
  readonly api: Api;
  readonly schedules: Schedules;
  readonly alarms: Alarms;
  readonly publisher: Publisher;

  constructor(scope: Construct, id: string, props: HuiminbaoStackProps = {}) {
    super(scope, id, props);
    const plansDir = props.plansDir ?? defaultPlansDir();
    this.data = new Data(this, 'Data', { tableKey: props.tableKey });
    this.core = new CoreLayer(this, 'Core');
    this.services = new Services(this, 'Services', { table: this.data.table, coreLayer: this.core.layer });
    this.fulfilment = new Fulfilment(this, 'Fulfilment', {
      table: this.data.table,
      coreLayer: this.core.layer,
      senders: [this.services.fn('charity-purchase'), this.services.fn('enrollment-windows')],
    });
    this.api = new Api(this, 'Api', { services: this.services.deployed, callerAccounts: props.callerAccounts });
    this.schedules = new Schedules(this, 'Schedules', { target: this.services.fn('enrollment-windows') });
    new Console(this, 'Console', { httpApi: this.api.httpApi, callerRoles: this.api.callerRoles, services: this.services.deployed });
    // Checked here too, so a plan the deploy would refuse is seen at synth (the publisher refuses it again, and
    // publishes the others: one city's broken file never holds back the rest).
    for (const problem of loadPlans(plansDir).problems) Annotations.of(this).addWarningV2('huiminbao:plan-refused', `not published: ${formatProblem(problem)}`);
    this.publisher = new Publisher(this, 'Publisher', { plansDir, table: this.data.table, coreLayer: this.core.layer });
    this.alarms = new Alarms(this, 'Alarms', {
      deadLetters: this.fulfilment.deadLetters,
      api: this.api.httpApi,
      functions: new Map([...this.services.deployed.map(({ spec, fn }) => [spec.name, fn] as const), ['worker', this.fulfilment.worker] as const]),
    });
  }
}

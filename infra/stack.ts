// The whole platform in one stack: the table, the core layer, the four
// services, their HTTP API (with a role per kind of caller), the
// enrollment-window schedules and the operators' alarms.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { defaultPlansDir, loadPlans } from '@huiminbao/core';
import { Data } from './constructs/data.ts';
import { CoreLayer } from './constructs/core-layer.ts';
import { Services } from './constructs/services.ts';
import { Fulfilment } from './constructs/fulfilment.ts';
import { Api, type CallerAccounts } from './constructs/api.ts';
import { Schedules } from './constructs/schedules.ts';
import { Alarms } from './constructs/alarms.ts';

export interface HuiminbaoStackProps extends StackProps {
  /**
   * The plan files: copied into the layer and read for window schedules.
   * @default defaultPlansDir() — plans/ of this checkout, or $HMB_PLANS_DIR
   */
  plansDir?: string;
  /**
   * The synth's clock: window instants before it are history and get no schedule.
   * @default the time of synthesis
   */
  now?: Date;
  /**
   * Partner AWS accounts that may assume each caller role (bureau, insurer, channel, sponsor).
   * @default none: only this account's principals may assume them
   */
  callerAccounts?: CallerAccounts;
}

export class HuiminbaoStack extends Stack {
  readonly data: Data;
  readonly core: CoreLayer;
  readonly services: Services;
  readonly fulfilment: Fulfilment;
  readonly api: Api;
  readonly schedules: Schedules;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: HuiminbaoStackProps = {}) {
    super(scope, id, props);
    const plansDir = props.plansDir ?? defaultPlansDir();
    this.data = new Data(this, 'Data');
    this.core = new CoreLayer(this, 'Core', { plansDir });
    this.services = new Services(this, 'Services', { table: this.data.table, coreLayer: this.core.layer });
    this.fulfilment = new Fulfilment(this, 'Fulfilment', { worker: this.services.fn('charity-purchase'), senders: [this.services.fn('enrollment-windows')] });
    const planIds = [...loadPlans(plansDir).plans.keys()];
    this.api = new Api(this, 'Api', { services: this.services.deployed, planIds, callerAccounts: props.callerAccounts });
    this.schedules = new Schedules(this, 'Schedules', { plansDir, now: props.now ?? new Date(), target: this.services.fn('enrollment-windows') });
    this.alarms = new Alarms(this, 'Alarms', {
      deadLetters: this.fulfilment.deadLetters, api: this.api.httpApi,
      functions: new Map(this.services.deployed.map(({ spec, fn }) => [spec.name, fn])),
    });
  }
}

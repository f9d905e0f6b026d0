// The CDK app (cdk.json: `node infra/app.ts`; Node 22 runs the TypeScript directly).
// Environment-agnostic on purpose: account and region come from the deploy
// profile, and partition-aware ARNs keep it deployable in aws-cn too.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HuiminbaoStack } from './stack.ts';
import { callerAccountsFrom } from './caller-accounts.ts';
import { tableKeyFrom } from './constructs/data.ts';

const app = new App();
new HuiminbaoStack(app, 'HuiminbaoStack', {
  description: 'huiminbao: city-customised supplementary medical insurance (惠民保) as data',
  callerAccounts: callerAccountsFrom(app.node.tryGetContext('callerAccounts')),
  tableKey: tableKeyFrom(app.node.tryGetContext('tableKey')),
});
// cdk-nag's AwsSolutions rules run at every synth: a finding not acknowledged (docs/security.md) fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();

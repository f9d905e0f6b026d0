// The CDK app (cdk.json: `node infra/app.ts`; Node 22 runs the TypeScript directly).
// Environment-agnostic on purpose: account and region come from the deploy
// profile, and partition-aware ARNs keep it deployable in aws-cn too.
import { App } from 'aws-cdk-lib';
import { HuiminbaoStack } from './stack.ts';
import { callerAccountsFrom } from './caller-accounts.ts';

const app = new App();
new HuiminbaoStack(app, 'HuiminbaoStack', {
  description: 'huiminbao: city-customised supplementary medical insurance (惠民保) as data',
  callerAccounts: callerAccountsFrom(app.node.tryGetContext('callerAccounts')),
});
app.synth();

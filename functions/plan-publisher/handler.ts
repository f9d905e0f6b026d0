// Plan publisher: run by the deploy (a CloudFormation trigger) with the plans
// folder of the deployed checkout in its zip. Each valid plan whose content
// changed becomes a new version in the plan store; a plan that fails
// validation is refused and logged, the others published, and the platform
// keeps serving the versions it has.
import { join } from 'node:path';
import { defaultDeps, describeOutcome, loadPlans, Logger, publishPlans } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'plan-publisher' });

export async function handler() {
  const outcomes = await publishPlans(defaultDeps().store, loadPlans(join(import.meta.dirname, 'plans')), new Date());
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  for (const outcome of outcomes) {
    if (outcome.status === 'refused') logger.error(describeOutcome(outcome));
    else if (outcome.status === 'published') logger.info(describeOutcome(outcome));
  }
  return { published: count('published'), unchanged: count('unchanged'), refused: count('refused') };
}

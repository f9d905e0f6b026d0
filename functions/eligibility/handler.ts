// Eligibility Lambda: the basic-insurance roster and the eligibility check.
import { Logger } from '@aws-lambda-powertools/logger';
import { createHttpHandler, defaultDeps, eligibilityApi } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'eligibility' });

export const handler = createHttpHandler(eligibilityApi(defaultDeps), logger);

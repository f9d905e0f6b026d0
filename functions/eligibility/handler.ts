// Eligibility Lambda: the basic-insurance roster and the eligibility check.
import { createHttpHandler, defaultDeps, eligibilityApi, Logger } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'eligibility' });

export const handler = createHttpHandler(eligibilityApi(defaultDeps), logger);

// Eligibility Lambda: the basic-insurance roster and the eligibility check.
import { createHttpHandler, defaultDeps, defaultGate, eligibilityApi, Logger } from '@huiminbao/core';
import { access } from './routes.ts';

const logger = new Logger({ serviceName: 'eligibility' });

export const handler = createHttpHandler(eligibilityApi(defaultDeps), logger, defaultGate(access));

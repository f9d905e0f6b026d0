// Adjudication Lambda: settlements, explanations, reversals, accumulators, the OpenAPI document.
import { access } from './routes.ts';
import { adjudicationApi, createHttpHandler, defaultDeps, defaultGate, Logger, platformOpenApi } from '@huiminbao/core';
import { platformAccess } from '../services.ts';

const logger = new Logger({ serviceName: 'adjudication' });

export const handler = createHttpHandler(
  adjudicationApi(defaultDeps, () => platformOpenApi(defaultDeps, platformAccess)),
  logger,
  defaultGate(access),
);

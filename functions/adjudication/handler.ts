// Adjudication Lambda: settlements, explanations, reversals, accumulators, the OpenAPI document.
import { adjudicationApi, createHttpHandler, defaultDeps, Logger, platformOpenApi } from '@huiminbao/core';
import { platformAccess } from '../services.ts';

const logger = new Logger({ serviceName: 'adjudication' });

export const handler = createHttpHandler(adjudicationApi(defaultDeps, () => platformOpenApi(defaultDeps, platformAccess)), logger);

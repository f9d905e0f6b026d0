// Adjudication Lambda: settlements, explanations, reversals, accumulators, the OpenAPI document.
import { Logger } from '@aws-lambda-powertools/logger';
import { adjudicationApi, createHttpHandler, defaultDeps, platformOpenApi } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'adjudication' });

export const handler = createHttpHandler(adjudicationApi(defaultDeps, () => platformOpenApi(defaultDeps)), logger);

// Adjudication Lambda: settlements, explanations, reversals, accumulators, the OpenAPI document.
import { adjudicationApi, createHttpHandler, defaultDeps, Logger, platformOpenApi } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'adjudication' });

export const handler = createHttpHandler(adjudicationApi(defaultDeps, () => platformOpenApi(defaultDeps)), logger);

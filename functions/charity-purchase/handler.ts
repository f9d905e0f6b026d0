// Charity-purchase Lambda: sponsors' orders and their quotes.
import { Logger } from '@aws-lambda-powertools/logger';
import { charityApi, createHttpHandler, defaultDeps } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'charity-purchase' });

export const handler = createHttpHandler(charityApi(defaultDeps), logger);

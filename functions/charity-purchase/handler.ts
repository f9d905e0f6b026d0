// Charity-purchase Lambda: sponsors' orders and their quotes.
import { charityApi, createHttpHandler, defaultDeps, Logger } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'charity-purchase' });

export const handler = createHttpHandler(charityApi(defaultDeps), logger);

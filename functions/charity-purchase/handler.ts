// Charity-purchase Lambda: sponsors' orders over HTTP (quote, approvals,
// payment, settlement, the public ledger). Their long work (quoting a long
// list, fulfilment, settlement) goes to the queue the worker consumes.
import { charityApi, createHttpHandler, defaultDeps, defaultGate, Logger } from '@huiminbao/core';
import { access } from './routes.ts';

const logger = new Logger({ serviceName: 'charity-purchase' });

export const handler = createHttpHandler(charityApi(defaultDeps), logger, defaultGate(access));

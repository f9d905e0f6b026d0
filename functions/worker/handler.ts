// Worker Lambda: the long work from the SQS queue — sponsors' orders (quoting
// a long list, fulfilment once paid, settlement after the window, a refund
// counted after it) and the windows service's renewal runs. Each delivery
// stops before its time is up and sends its message on (core/work/sqs-handler.ts).
import { createWorkHandler, defaultDeps, Logger } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'worker' });

export const handler = createWorkHandler(defaultDeps, logger);

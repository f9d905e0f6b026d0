// Enrollment-windows Lambda: the window (HTTP, and the sweep EventBridge
// Scheduler sends every minute, which opens and closes windows at the
// published plans' instants) and policies. Opening a plan year that renews the
// last queues its renewal run, closing a window the settlement of the
// sponsors' orders: the worker runs both.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHttpHandler, defaultDeps, defaultGate, enrollmentApi, Logger, sweepWindows, WindowSweep } from '@huiminbao/core';
import { access } from './routes.ts';

const logger = new Logger({ serviceName: 'enrollment-windows' });
const http = createHttpHandler(enrollmentApi(defaultDeps), logger, defaultGate(access));

export async function handler(event: APIGatewayProxyEventV2 | WindowSweep, context: Context) {
  if (!WindowSweep.safeParse(event).success) return http(event as APIGatewayProxyEventV2, context);
  const swept = await sweepWindows(defaultDeps());
  if (swept.opened.length + swept.closed.length > 0) logger.info('windows swept', { opened: swept.opened, closed: swept.closed });
  for (const failure of swept.failed ?? []) logger.error('window sweep failed for a plan', failure);
  return swept;
}

// Enrollment-windows Lambda: the window (HTTP, the scheduled toggles
// EventBridge Scheduler sends and its periodic sweep) and policies. Opening a
// plan year that renews the last queues its renewal run, closing a window the
// settlement of the sponsors' orders: the charity function's worker runs both.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHttpHandler, defaultDeps, enrollmentApi, Logger, runScheduledToggle, ScheduledToggle, sweepWindows, WindowSweep } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'enrollment-windows' });
const http = createHttpHandler(enrollmentApi(defaultDeps), logger);

export async function handler(event: APIGatewayProxyEventV2 | ScheduledToggle | WindowSweep, context: Context) {
  if (WindowSweep.safeParse(event).success) {
    const closed = await sweepWindows(defaultDeps());
    if (closed.length > 0) logger.info('windows swept: closing instant passed with no close recorded', { closed });
    return { closed };
  }
  const toggle = ScheduledToggle.safeParse(event);
  if (!toggle.success) return http(event as APIGatewayProxyEventV2, context);
  const outcome = await runScheduledToggle(defaultDeps(), toggle.data);
  logger.info('scheduled toggle', {
    planId: outcome.window.planId, action: toggle.data.action, state: outcome.window.state, ...(outcome.skipped ? { skipped: outcome.skipped } : {}),
    ...(outcome.renewal !== undefined ? { renewalQueued: true } : {}), ...(outcome.settlements ? { settlementsQueued: outcome.settlements.length } : {}),
  });
  return outcome;
}

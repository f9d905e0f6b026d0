// The four HTTP Lambdas: name, handler module and routes. The CDK stack, the
// local gateway and the tests iterate this list, so a service is declared once.
// (The worker, which consumes the queue, and the plan publisher answer no route:
// infra/constructs/fulfilment.ts and publisher.ts.)
import { access as enrollmentWindows } from './enrollment-windows/routes.ts';
import { access as eligibility } from './eligibility/routes.ts';
import { access as adjudication } from './adjudication/routes.ts';
import { access as charityPurchase } from './charity-purchase/routes.ts';
import type { RouteAccess } from '@huiminbao/core';

export interface ServiceSpec {
  name: 'enrollment-windows' | 'eligibility' | 'adjudication' | 'charity-purchase';
  /** Handler module relative to functions/, exporting `handler`. */
  entry: string;
  routes: readonly string[];
  /** Who may call each route (see core/http/access.ts). */
  access: RouteAccess;
  /** Longer than the HTTP default (10 s) where a request may do more; always under API Gateway's 30 s. */
  timeoutSeconds?: number;
}

/** A service answering the routes of `access`. */
const service = (name: ServiceSpec['name'], entry: string, access: RouteAccess, more: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  entry,
  routes: Object.keys(access),
  access,
  ...more,
});

export const services: readonly ServiceSpec[] = [
  service('enrollment-windows', 'enrollment-windows/handler.ts', enrollmentWindows),
  service('eligibility', 'eligibility/handler.ts', eligibility),
  service('adjudication', 'adjudication/handler.ts', adjudication),
  // An order of up to 100,000 lines (or a selection read from the roster) is stored in one request.
  service('charity-purchase', 'charity-purchase/handler.ts', charityPurchase, { timeoutSeconds: 25 }),
];

/** Who may call each route of the platform. */
export const platformAccess: RouteAccess = Object.assign({}, ...services.map((s) => s.access));

// The four Lambdas: name, handler module and routes. The CDK stack, the local
// gateway and the tests iterate this list, so a service is declared once.
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
  /** Longer than the HTTP default (10 s) for a service that also runs long jobs from a queue. */
  timeoutSeconds?: number;
}

/** A service answering the routes of `access`. */
const service = (name: ServiceSpec['name'], entry: string, access: RouteAccess, more: Partial<ServiceSpec> = {}): ServiceSpec =>
  ({ name, entry, routes: Object.keys(access), access, ...more });

export const services: readonly ServiceSpec[] = [
  service('enrollment-windows', 'enrollment-windows/handler.ts', enrollmentWindows),
  service('eligibility', 'eligibility/handler.ts', eligibility),
  service('adjudication', 'adjudication/handler.ts', adjudication),
  // Fulfilment of a paid order runs from the queue: Lambda's maximum; a longer order resumes on redelivery.
  service('charity-purchase', 'charity-purchase/handler.ts', charityPurchase, { timeoutSeconds: 900 }),
];

/** Who may call each route of the platform. */
export const platformAccess: RouteAccess = Object.assign({}, ...services.map((s) => s.access));

// The four Lambdas: name, handler module and routes. The CDK stack, the local
// gateway and the tests iterate this list, so a service is declared once.
import { routes as enrollmentWindows } from './enrollment-windows/routes.ts';
import { routes as eligibility } from './eligibility/routes.ts';
import { routes as adjudication } from './adjudication/routes.ts';
import { routes as charityPurchase } from './charity-purchase/routes.ts';

export interface ServiceSpec {
  name: 'enrollment-windows' | 'eligibility' | 'adjudication' | 'charity-purchase';
  /** Handler module relative to functions/, exporting `handler`. */
  entry: string;
  routes: readonly string[];
  /** Longer than the HTTP default (10 s) for a service that also runs long jobs from a queue. */
  timeoutSeconds?: number;
}

export const services: readonly ServiceSpec[] = [
  { name: 'enrollment-windows', entry: 'enrollment-windows/handler.ts', routes: enrollmentWindows },
  { name: 'eligibility', entry: 'eligibility/handler.ts', routes: eligibility },
  { name: 'adjudication', entry: 'adjudication/handler.ts', routes: adjudication },
  // Fulfilment of a paid order runs from the queue: Lambda's maximum; a longer order resumes on redelivery.
  { name: 'charity-purchase', entry: 'charity-purchase/handler.ts', routes: charityPurchase, timeoutSeconds: 900 },
];

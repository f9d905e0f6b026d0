// Path parameters shared by the services' routes.
import { z } from 'zod';
import { ResidentId } from '../identity/resident-id.ts';
import { LocalDate } from '../plan/schema.ts';

export const PlanId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be a plan id (lower-case letters, digits, dashes)' });
export const PlanParams = z.object({ planId: PlanId });
export const PersonParams = z.object({ planId: PlanId, personId: ResidentId });
export const MemberParams = z.object({ planId: PlanId, memberId: ResidentId });
export const ClaimParams = z.object({ planId: PlanId, claimId: z.string().min(1).max(128) });
export const OrderParams = z.object({ planId: PlanId, orderId: z.string().min(1).max(64) });
export const StatementParams = z.object({ planId: PlanId, date: LocalDate });

// Path parameters shared by the services' routes.
import { z } from 'zod';
import { ResidentId } from '../identity/resident-id.ts';
import { ID_MAX_LENGTH, ID_PATTERN, LocalDate } from '../plan/schema.ts';
import { ClaimFields } from '../claim/schema.ts';

/** The plan language's id rule (plan/schema.ts): every plan that validates is one a route can name. */
export const PlanId = z.string().regex(ID_PATTERN, { error: `must be a plan id (1–${ID_MAX_LENGTH} lower-case letters, digits, dashes)` });
export const PlanParams = z.object({ planId: PlanId });
export const PersonParams = z.object({ planId: PlanId, personId: ResidentId });
export const MemberParams = z.object({ planId: PlanId, memberId: ResidentId });
export const ClaimParams = z.object({ planId: PlanId, claimId: ClaimFields.shape.claimId });
/** Order ids are ours (`ord-` and hex), but any id of their alphabet is answered 404 rather than 400 when unknown. */
export const OrderParams = z.object({
  planId: PlanId,
  orderId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be 1–64 letters, digits, dot, dash, colon or underscore' }),
});

/**
 * A paging cursor as this API hands it out: sealed, base64url, a few hundred characters (store/dynamo-ops.ts
 * CursorSeal); anything else is refused before it is opened.
 */
export const PageCursor = z.string().regex(/^[A-Za-z0-9_-]{1,1024}$/, { error: 'must be a cursor this API returned (base64url, at most 1024 characters)' });
export const StatementParams = z.object({ planId: PlanId, date: LocalDate });
/** A hospital's settlement, by the centre's settlement id (setl_id), as the national messages spell it. */
export const SettlementParams = z.object({
  planId: PlanId,
  setlId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be a setl_id: 1–100 letters, digits, dot, dash, colon or underscore' }),
});
export const HospitalCode = z.string().regex(/^[A-Za-z0-9]{1,64}$/, { error: 'must be a hospital code (fixmedins_code): 1–64 letters and digits' });

// Tenancy: the partner registry says which plans each partner serves as each
// kind of caller, and every request signed by a caller role is admitted only
// to the routes of its kind and the plans its partner serves. Adding a city to
// a partner (a consortium insurer serves several) is a registry write, not a
// deploy; the number of roles and policies never grows with plans.
import { forbidden } from '../errors.ts';
import { isPublic, type Caller, type RouteAccess, type Signer } from './access.ts';

export interface Partner {
  /** The partner's AWS account id: its sessions are named after it (the caller roles' trust policy requires so). */
  partnerId: string;
  kind: Caller;
  /** The plans it serves as this kind of caller. */
  plans: string[];
  /**
   * A hospital partner: the hospitals (fixmedins_code, 定点医药机构编号) it settles as; its requests name no other
   * hospital's settlements, and its reconciliation shows only these. (A hospital group's one account may run several.)
   */
  hospitals?: string[];
  /** Who the partner is, for people reading the registry. */
  name?: string;
  updatedAt: string;
}

export type PartnerLookup = (partnerId: string, kind: Caller) => Promise<Partner | undefined>;

/** A console user's group in the user pool: its role (the caller role of a kind) and its precedence (lower first). */
export interface ConsoleGroup {
  name: string;
  roleArn?: string;
  precedence?: number;
}

/** The groups of a console user (by sub). */
export type ConsoleGroups = (user: string) => Promise<ConsoleGroup[]>;

/**
 * The group a console session signs for: of the user's groups whose role is the session's, the first in precedence
 * (the one whose role the identity pool handed out); none when no group of theirs has that role.
 */
export function consoleGroupFor(groups: readonly ConsoleGroup[], roleArn: string): string | undefined {
  return groups
    .filter((g) => g.roleArn === roleArn)
    .sort((a, b) => (a.precedence ?? Number.MAX_SAFE_INTEGER) - (b.precedence ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name))[0]?.name;
}

/** Lookups kept for `freshForMs` per container and key (the registry's and a console user's groups alike). */
export function cached<T>(read: (key: string) => Promise<T>, freshForMs = 60_000, clock = Date.now): (key: string) => Promise<T> {
  const cache = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const hit = cache.get(key);
    if (hit && clock() - hit.at < freshForMs) return hit.value;
    const value = read(key);
    cache.set(key, { at: clock(), value });
    value.catch(() => cache.delete(key));
    return value;
  };
}

/** Registry reads kept for `freshForMs` per container (a grant or a revocation reaches a warm container within it). */
export function cachedPartners(read: PartnerLookup, freshForMs = 60_000, clock = Date.now): PartnerLookup {
  const cache = new Map<string, { at: number; value: Promise<Partner | undefined> }>();
  return (partnerId, kind) => {
    const key = `${partnerId}#${kind}`;
    const hit = cache.get(key);
    if (hit && clock() - hit.at < freshForMs) return hit.value;
    const value = read(partnerId, kind);
    cache.set(key, { at: clock(), value });
    value.catch(() => cache.delete(key));
    return value;
  };
}

/**
 * Admits a request to a route, or refuses it (403, naming why), answering the partner's registry entry where it read
 * one (a signed request to a plan's route). Public routes admit anyone. A signed request must
 * come from one of our caller roles whose kind the route allows, and, on a plan's route, from a partner the registry
 * gives that plan for that kind. An unsigned request to a non-public route is admitted only where nothing signs
 * (`signing: false`: the local stack, which does not authenticate).
 */
export async function admit(options: {
  callers: RouteAccess[string];
  signer: Signer | undefined;
  planId: string | undefined;
  signing: boolean;
  partners: PartnerLookup;
}): Promise<Partner | undefined> {
  const { callers, signer, planId } = options;
  if (isPublic(callers)) return undefined;
  if (!signer) {
    if (options.signing) throw forbidden('NOT_SIGNED', 'this route needs a request signed with a caller role');
    return undefined;
  }
  const allowed = callers as readonly Caller[];
  if (!signer.kind || !signer.partnerId) throw forbidden('UNKNOWN_CALLER', "the request is not signed with one of the platform's caller roles");
  if (!allowed.includes(signer.kind)) throw forbidden('NOT_YOUR_ROUTE', `this route is for ${allowed.join(' or ')}, not ${signer.kind}`, { callers: allowed });
  if (planId === undefined) return undefined;
  const partner = await options.partners(signer.partnerId, signer.kind);
  if (!partner?.plans.includes(planId)) throw forbidden('NOT_YOUR_PLAN', `partner ${signer.partnerId} does not serve ${planId} as ${signer.kind}`, { planId });
  return partner;
}

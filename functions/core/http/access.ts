// Who may call each route (each service declares it in functions/<service>/routes.ts).
// On AWS every route but the public ones requires IAM (SigV4) credentials, and
// each kind of caller gets a role allowed exactly its routes
// (infra/constructs/api.ts): a city lets its partners' accounts assume those
// roles. The OpenAPI document says the same. The local stack does not authenticate.

/**
 * - bureau: the city's medical-insurance bureau and the government offices working with it (civil affairs, finance)
 * - insurer: the consortium's insurers (claims, their members' policies and accumulators)
 * - channel: where residents buy: the bureau's and insurers' apps and mini-programs, service desks (they authenticate the resident)
 * - sponsor: charities, enterprises and governments buying for others
 */
export const CALLERS = ['bureau', 'insurer', 'channel', 'sponsor'] as const;
export type Caller = (typeof CALLERS)[number];

/** Anyone, unsigned: the plans, a window's dates, the public sponsorship ledger, the API's description. */
export const PUBLIC = 'public';

/** Route key ("METHOD /path") → who may call it: `public`, or the kinds of callers allowed. */
export type RouteAccess = Readonly<Record<string, readonly [typeof PUBLIC] | readonly Caller[]>>;

/** Who signed a request (on AWS): the role session's ARN, and the kind of caller its role is. */
export interface Signer {
  arn: string;
  /** Absent for a role that is none of ours. */
  kind?: Caller;
}

/** The signer of a request signed with `userArn`: our roles are named after their kind (`…InsurerCaller…`, infra/constructs/api.ts). */
export function signerOf(userArn: string | undefined): Signer | undefined {
  if (userArn === undefined) return undefined;
  const role = /:assumed-role\/([^/]+)\//.exec(userArn)?.[1] ?? '';
  const kind = CALLERS.find((c) => role.includes(`${c[0].toUpperCase()}${c.slice(1)}Caller`));
  return { arn: userArn, ...(kind ? { kind } : {}) };
}

/** Whether anyone may call the route, unsigned. */
export function isPublic(callers: RouteAccess[string]): boolean {
  return (callers as readonly string[]).includes(PUBLIC);
}

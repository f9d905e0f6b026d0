// Who may call each route (each service declares it in functions/<service>/routes.ts).
// On AWS every route but the public ones requires IAM (SigV4) credentials of a
// caller role: one per kind of caller, allowed exactly that kind's routes
// (infra/constructs/api.ts). Which plans a partner reaches is the partner
// registry's (partners.ts), checked by every handler. The OpenAPI document says
// the same. The local stack does not authenticate.

/**
 * - bureau: the city's medical-insurance bureau and the government offices working with it (civil affairs, finance)
 * - insurer: the consortium's insurers (claims, their members' policies and accumulators)
 * - channel: where residents buy: the bureau's and insurers' apps and mini-programs, service desks (they authenticate the resident)
 * - sponsor: charities, enterprises and governments buying for others
 * - hospital: designated hospitals settling at discharge (一站式结算): trial, settlement, cancellation, their
 *   reconciliation; the registry also names the hospitals (fixmedins_code) a hospital partner settles as
 */
export const CALLERS = ['bureau', 'insurer', 'channel', 'sponsor', 'hospital'] as const;
export type Caller = (typeof CALLERS)[number];

/** Anyone, unsigned: the plans, a window's dates, the public sponsorship ledger, the API's description. */
export const PUBLIC = 'public';

/** Route key ("METHOD /path") → who may call it: `public`, or the kinds of callers allowed. */
export type RouteAccess = Readonly<Record<string, readonly [typeof PUBLIC] | readonly Caller[]>>;

/**
 * The caller roles of a deployment, by kind: their ARNs (HMB_CALLER_ROLES on AWS). One role per kind of caller,
 * whatever the number of plans: which plans a partner serves is the partner registry's (partners.ts).
 */
export type CallerRoles = Partial<Record<Caller, string>>;

/** Who signed a request (on AWS): the role session's ARN, the kind of caller its role is, and the partner it names. */
export interface Signer {
  arn: string;
  /** Absent for a role that is none of ours. */
  kind?: Caller;
  /**
   * The partner: the session's name, which the caller roles' trust policy requires to be the assuming principal's
   * own AWS account id (so no partner can sign as another).
   */
  partnerId?: string;
}

const ASSUMED_ROLE = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/;
const ROLE = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * The signer of a request signed with `userArn`: the kind is the one whose role is exactly the session's role (same
 * partition, account and name), never guessed from a name's spelling.
 */
export function signerOf(userArn: string | undefined, roles: CallerRoles): Signer | undefined {
  if (userArn === undefined) return undefined;
  const session = ASSUMED_ROLE.exec(userArn);
  if (!session) return { arn: userArn };
  const [, partition, account, roleName, sessionName] = session;
  const kind = CALLERS.find((c) => {
    const role = roles[c] === undefined ? null : ROLE.exec(roles[c]!);
    return role !== null && role[1] === partition && role[2] === account && role[3] === roleName;
  });
  return { arn: userArn, ...(kind ? { kind, partnerId: sessionName } : {}) };
}

/** Whether anyone may call the route, unsigned. */
export function isPublic(callers: RouteAccess[string]): boolean {
  return (callers as readonly string[]).includes(PUBLIC);
}

/**
 * Cognito's identity of a request signed with credentials from an identity pool, as API Gateway passes it beside the
 * role session (requestContext.authorizer.iam.cognitoIdentity): the pool and the authentication methods, the last of
 * which names the user pool user (`<user pool provider>:CognitoSignIn:<sub>`).
 */
export interface CognitoIdentity {
  identityPoolId: string;
  amr: readonly string[];
}

/** The deployment's console pools (HMB_CONSOLE, set by CDK: infra/constructs/console.ts). */
export interface ConsolePools {
  identityPoolId: string;
  /** `cognito-idp.<region>.amazonaws.com/<user pool id>` */
  userPoolProvider: string;
}

/**
 * A console user's partner in the registry: the user pool group of their organisation (`hmb partner grant
 * console:<group> …`). The group's role is the caller role of its kind, which the identity pool gives its users.
 */
export const consolePartner = (group: string) => `console:${group}`;

/**
 * The user pool user (sub) a session was signed for, when it comes from this deployment's console identity pool and
 * was authenticated by its user pool; undefined for anything else (another pool, a guest identity, no identity).
 */
export function consoleUserOf(identity: CognitoIdentity | null | undefined, pools: ConsolePools | undefined): string | undefined {
  if (!identity || !pools || identity.identityPoolId !== pools.identityPoolId || !identity.amr.includes('authenticated')) return undefined;
  const prefix = `${pools.userPoolProvider}:CognitoSignIn:`;
  const user = identity.amr.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  return user && /^[\w-]{1,128}$/.test(user) ? user : undefined;
}

// Sign-in on AWS: the user pool checks the password (USER_PASSWORD_AUTH over
// HTTPS) and an authenticator app's code (set up at first sign-in); the identity
// pool turns the ID token into temporary credentials of the caller role the
// user's group maps to (a user in no group, or in groups of two roles, gets
// none), and the console signs the API's requests with them. Plain JSON calls
// to Cognito's endpoints; no SDK. No DOM (unit-tested).
import type { Credentials } from './sigv4.ts';

export type Kind = 'bureau' | 'insurer' | 'sponsor';
export const KINDS: readonly Kind[] = ['bureau', 'insurer', 'sponsor'];

/** What the deployment writes to /console/config.json. */
export interface CognitoConfig {
  auth: 'cognito';
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string;
  /** The API's host: requests go through the console's own origin (CloudFront) and are signed for this host. */
  apiHost: string;
  /** The caller role of each kind the console serves (a group's role tells the user's kind). */
  roles: Record<Kind, string>;
}

/** The challenges the console answers: a new password at first sign-in, setting up an authenticator app, its code. */
export type Challenge = 'NEW_PASSWORD_REQUIRED' | 'MFA_SETUP' | 'SOFTWARE_TOKEN_MFA';
const CHALLENGES: readonly string[] = ['NEW_PASSWORD_REQUIRED', 'MFA_SETUP', 'SOFTWARE_TOKEN_MFA'];
export type SignInStep = { idToken: string } | { challenge: Challenge; session: string };

export class CognitoError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

type Fetch = typeof fetch;

async function call<T>(fetcher: Fetch, url: string, target: string, body: unknown): Promise<T> {
  const res = await fetcher(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const code = String(answer.__type ?? res.status)
      .split('#')
      .pop()!;
    throw new CognitoError(code, String(answer.message ?? answer.Message ?? code));
  }
  return answer as T;
}

const idp = (c: CognitoConfig) => `https://cognito-idp.${c.region}.amazonaws.com/`;
const identity = (c: CognitoConfig) => `https://cognito-identity.${c.region}.amazonaws.com/`;
const provider = (c: CognitoConfig) => `cognito-idp.${c.region}.amazonaws.com/${c.userPoolId}`;

type AuthResult = { AuthenticationResult?: { IdToken: string }; ChallengeName?: string; Session?: string };

function step(result: AuthResult): SignInStep {
  if (result.AuthenticationResult) return { idToken: result.AuthenticationResult.IdToken };
  if (result.ChallengeName && CHALLENGES.includes(result.ChallengeName) && result.Session)
    return { challenge: result.ChallengeName as Challenge, session: result.Session };
  throw new CognitoError(result.ChallengeName ?? 'UnknownChallenge', `sign-in needs a step the console does not offer (${result.ChallengeName})`);
}

export async function signIn(config: CognitoConfig, username: string, password: string, fetcher: Fetch = fetch): Promise<SignInStep> {
  return step(
    await call<AuthResult>(fetcher, idp(config), 'AWSCognitoIdentityProviderService.InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.userPoolClientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

function respond(config: CognitoConfig, challenge: Challenge, session: string, responses: Record<string, string>, fetcher: Fetch): Promise<AuthResult> {
  return call<AuthResult>(fetcher, idp(config), 'AWSCognitoIdentityProviderService.RespondToAuthChallenge', {
    ChallengeName: challenge,
    ClientId: config.userPoolClientId,
    Session: session,
    ChallengeResponses: responses,
  });
}

/** A user created by an administrator sets a password of their own at first sign-in. */
export async function setNewPassword(config: CognitoConfig, username: string, password: string, session: string, fetcher: Fetch = fetch): Promise<SignInStep> {
  return step(await respond(config, 'NEW_PASSWORD_REQUIRED', session, { USERNAME: username, NEW_PASSWORD: password }, fetcher));
}

/** The code of the user's authenticator app. */
export async function answerCode(config: CognitoConfig, username: string, code: string, session: string, fetcher: Fetch = fetch): Promise<SignInStep> {
  return step(await respond(config, 'SOFTWARE_TOKEN_MFA', session, { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code }, fetcher));
}

/** Setting up an authenticator app (the pool requires one): the secret to enter in it, and the session to go on with. */
export async function startTotpSetup(config: CognitoConfig, session: string, fetcher: Fetch = fetch): Promise<{ secret: string; session: string }> {
  const r = await call<{ SecretCode: string; Session: string }>(fetcher, idp(config), 'AWSCognitoIdentityProviderService.AssociateSoftwareToken', {
    Session: session,
  });
  return { secret: r.SecretCode, session: r.Session };
}

/** The app's first code confirms the setup; the sign-in then completes. */
export async function finishTotpSetup(config: CognitoConfig, username: string, code: string, session: string, fetcher: Fetch = fetch): Promise<SignInStep> {
  const verified = await call<{ Status: string; Session: string }>(fetcher, idp(config), 'AWSCognitoIdentityProviderService.VerifySoftwareToken', {
    Session: session,
    UserCode: code,
    FriendlyDeviceName: 'huiminbao console',
  });
  if (verified.Status !== 'SUCCESS') throw new CognitoError('CodeMismatchException', 'the code does not match the authenticator app');
  return step(await respond(config, 'MFA_SETUP', verified.Session, { USERNAME: username }, fetcher));
}

/** What an authenticator app reads (as a link or typed in): the account, the issuer and the secret. */
export const otpauthUri = (username: string, secret: string) =>
  `otpauth://totp/${encodeURIComponent(`huiminbao:${username}`)}?secret=${secret}&issuer=huiminbao`;

export interface SignedIn {
  credentials: Credentials;
  /** When the credentials run out (ms since the epoch): then the user signs in again. */
  expires: number;
  kind: Kind;
  /** The user's name as the pool knows it (shown, and the default actor of their actions). */
  name: string;
}

/** The claims of a JWT (not verified here: Cognito verifies the token when it gives credentials for it). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(
    payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '='),
  );
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

/** The kind whose caller role is the role the user's group maps to (the only one the identity pool will give). */
export function kindOf(idToken: string, roles: CognitoConfig['roles']): Kind | undefined {
  const claims = claimsOf(idToken);
  const role = claims['cognito:preferred_role'] ?? (claims['cognito:roles'] as string[] | undefined)?.[0];
  return KINDS.find((k) => roles[k] === role);
}

/** Temporary credentials of the caller role the user's group maps to. */
export async function credentialsFor(config: CognitoConfig, idToken: string, fetcher: Fetch = fetch): Promise<SignedIn> {
  const kind = kindOf(idToken, config.roles);
  if (!kind) throw new CognitoError('NoConsoleGroup', 'this user is in no group of the console (bureau, insurer or sponsor): ask the administrator');
  const logins = { [provider(config)]: idToken };
  const { IdentityId } = await call<{ IdentityId: string }>(fetcher, identity(config), 'AWSCognitoIdentityService.GetId', {
    IdentityPoolId: config.identityPoolId,
    Logins: logins,
  });
  const { Credentials: c } = await call<{ Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number } }>(
    fetcher,
    identity(config),
    'AWSCognitoIdentityService.GetCredentialsForIdentity',
    { IdentityId, Logins: logins },
  );
  const claims = claimsOf(idToken);
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken },
    // Cognito answers seconds since the epoch.
    expires: c.Expiration * 1000,
    kind,
    name: String(claims.name ?? claims.email ?? claims['cognito:username'] ?? ''),
  };
}

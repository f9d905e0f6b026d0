// AWS Signature Version 4 for the console's requests on AWS, with the browser's
// own WebCrypto: the API's IAM-authorized routes take the temporary credentials
// Cognito gives a signed-in user, like any partner's. No SDK (hundreds of
// kilobytes) for what is a few hashes. Pure: no DOM (the unit tests compare it
// with the AWS SDK's signer).

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigningInput {
  method: string;
  /** The API's host: on AWS the console's requests reach the API through CloudFront, which sends them on to this host. */
  host: string;
  /** The path as sent (its segments already percent-encoded). */
  path: string;
  /** The query string as sent, without "?". */
  query: string;
  /** Headers the request carries that are to be signed (e.g. content-type). */
  headers: Record<string, string>;
  body: string;
}

const encoder = new TextEncoder();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key: ArrayBuffer | Uint8Array, text: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(text));
}

/** The path's segments encoded once more (every service but S3 signs the path encoded twice). */
function canonicalPath(path: string): string {
  return path.split('/').map(rfc3986).join('/');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [k, v] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      return [rfc3986(decode(k)), rfc3986(decode(v))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** "20260101T120000Z" */
const amzDate = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The headers that sign the request (authorization, x-amz-date and, for temporary credentials, x-amz-security-token). */
export async function sigv4(
  input: SigningInput,
  credentials: Credentials,
  region: string,
  service = 'execute-api',
  now = new Date(),
): Promise<Record<string, string>> {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': date, ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}) };
  const signed: Record<string, string> = { host: input.host, ...added };
  for (const [name, value] of Object.entries(input.headers)) signed[name.toLowerCase()] = value;
  const names = Object.keys(signed).sort();
  const canonicalHeaders = names.map((n) => `${n}:${signed[n].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(input.path),
    canonicalQuery(input.query),
    canonicalHeaders,
    signedHeaders,
    await sha256(input.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, await sha256(canonicalRequest)].join('\n');
  let key = await hmac(encoder.encode(`AWS4${credentials.secretAccessKey}`), day);
  for (const part of [region, service, 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, stringToSign));
  return { ...added, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}

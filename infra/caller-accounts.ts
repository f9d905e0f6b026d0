// The partner accounts allowed to assume each caller role, from the CDK context
// `callerAccounts` (cdk.json, or `-c callerAccounts='{"insurer":["111122223333"]}'`).
import { z } from 'zod';
import { CALLERS } from '@huiminbao/core';
import type { CallerAccounts } from './constructs/api.ts';

const Accounts = z.partialRecord(z.enum(CALLERS), z.array(z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })));

/** The context value (an object, or its JSON text from -c) validated; absent means no partner account yet. */
export function callerAccountsFrom(context: unknown): CallerAccounts {
  if (context === undefined) return {};
  let value = context;
  if (typeof context === 'string') {
    try {
      value = JSON.parse(context);
    } catch {
      throw new Error('context callerAccounts: not JSON');
    }
  }
  const parsed = Accounts.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`context callerAccounts${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
  }
  return parsed.data;
}

// The kind of caller a signed request comes from, read from its role's name (infra/constructs/api.ts names
// each plan's roles `…<Kind>Caller<Plan>…`): the approvals check who may take each step by it.
import { describe, expect, test } from 'vitest';
import { signerOf } from '../../functions/core/http/access.ts';

describe('signerOf', () => {
  const session = (role: string) => `arn:aws:sts::111122223333:assumed-role/${role}/staff-1`;

  test("reads the kind from a plan's role, as CloudFormation names it", () => {
    expect(signerOf(session('HuiminbaoStack-ApiInsurerCallerJiangxi20236A1B2C3D-Q1W2E3R4T5Y6'))).toEqual({ arn: session('HuiminbaoStack-ApiInsurerCallerJiangxi20236A1B2C3D-Q1W2E3R4T5Y6'), kind: 'insurer' });
    expect(signerOf(session('HuiminbaoStack-ApiSponsorCallerSanming2024-ABC'))?.kind).toBe('sponsor');
    expect(signerOf(session('HuiminbaoStack-ApiBureauCallerWuwei2025-ABC'))?.kind).toBe('bureau');
  });

  test('a role of no kind of ours has none; an unsigned request no signer', () => {
    expect(signerOf(session('SomeoneElsesRole'))).toEqual({ arn: session('SomeoneElsesRole') });
    expect(signerOf('arn:aws:iam::111122223333:user/InsurerCaller')).toEqual({ arn: 'arn:aws:iam::111122223333:user/InsurerCaller' });
    expect(signerOf(undefined)).toBeUndefined();
  });
});

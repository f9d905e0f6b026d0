// The kind of caller a signed request comes from: the role of the session must be exactly one of the deployment's
// caller roles (partition, account and name), never a role whose name merely contains a kind.
import { describe, expect, test } from 'vitest';
import { signerOf, type CallerRoles } from '../../functions/core/http/access.ts';

const ROLES: CallerRoles = {
  bureau: 'arn:aws:iam::111122223333:role/HuiminbaoStack-ApiBureauCaller1A2B-Q1W2E3',
  insurer: 'arn:aws:iam::111122223333:role/HuiminbaoStack-ApiInsurerCaller3C4D-R5T6Y7',
  channel: 'arn:aws-cn:iam::111122223333:role/hmb/HuiminbaoStack-ApiChannelCaller5E6F-U8I9O0',
};
const session = (role: string, name = '444455556666', account = '111122223333', partition = 'aws') =>
  `arn:${partition}:sts::${account}:assumed-role/${role}/${name}`;

describe('signerOf', () => {
  test("reads the kind from the session's role, and the partner from the session's name", () => {
    const arn = session('HuiminbaoStack-ApiInsurerCaller3C4D-R5T6Y7');
    expect(signerOf(arn, ROLES)).toEqual({ arn, kind: 'insurer', partnerId: '444455556666' });
    expect(signerOf(session('HuiminbaoStack-ApiBureauCaller1A2B-Q1W2E3', '111122223333'), ROLES)).toMatchObject({ kind: 'bureau', partnerId: '111122223333' });
    // A role with a path: its ARN carries the path, the session's only the name.
    expect(signerOf(session('HuiminbaoStack-ApiChannelCaller5E6F-U8I9O0', '444455556666', '111122223333', 'aws-cn'), ROLES)?.kind).toBe('channel');
  });

  test('a role merely named like a caller role has no kind', () => {
    for (const arn of [
      session('AnyoneBureauCaller'), // the kind spelled in its name
      session('HuiminbaoStack-ApiBureauCaller1A2B-Q1W2E3-copy'),
      session('HuiminbaoStack-ApiBureauCaller1A2B-Q1W2E3', '444455556666', '999988887777'), // the same name in another account
      session('HuiminbaoStack-ApiChannelCaller5E6F-U8I9O0'), // the right name in another partition
    ])
      expect(signerOf(arn, ROLES)).toEqual({ arn });
  });

  test('a user or an unknown principal has no kind; an unsigned request no signer', () => {
    expect(signerOf('arn:aws:iam::111122223333:user/InsurerCaller', ROLES)).toEqual({ arn: 'arn:aws:iam::111122223333:user/InsurerCaller' });
    expect(signerOf(session('HuiminbaoStack-ApiInsurerCaller3C4D-R5T6Y7'), {})).toEqual({ arn: session('HuiminbaoStack-ApiInsurerCaller3C4D-R5T6Y7') });
    expect(signerOf(undefined, ROLES)).toBeUndefined();
  });
});

// `hmb partner …`: the partner registry, which says which plans each partner
// (an AWS account signing with a caller role, or the console users of a user
// pool group, console:<group>) serves as each kind of caller.
// Giving a consortium insurer another city is a registry write, not a deploy.
import type { Command } from 'commander';
import { z } from 'zod';
import { CALLERS, type Caller } from '../../functions/core/http/access.ts';
import { PlanId } from '../../functions/core/api/params.ts';
import type { Partner } from '../../functions/core/http/partners.ts';
import { processIo, runAsync, type Io } from './io.ts';
import { openStore, withStoreOptions, type StoreOptions } from './store-target.ts';

interface GrantOptions extends StoreOptions {
  kind: string;
  plans?: string;
  hospitals?: string;
  name?: string;
}

/** A partner: an AWS account signing with a caller role, or the console users of a user pool group (console:<group>). */
const Account = z.string().regex(/^(\d{12}|console:[\w.-]{1,128})$/, {
  error: 'a partner is its 12-digit AWS account id, or console:<group> for the console users of a user pool group',
});
const Kind = z.enum(CALLERS, { error: `the kind is one of ${CALLERS.join(', ')}` });
const commaList = (item: z.ZodString) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
const PlanIds = commaList(PlanId);
/** 定点医药机构编号 as the national messages carry them (setlinfo.fixmedins_code). */
const HospitalCodes = commaList(z.string().regex(/^[A-Za-z0-9]{1,64}$/, { error: 'hospital codes (fixmedins_code) are 1–64 letters and digits' }));

export function registerPartnerCommands(program: Command, io: Io = processIo): Command {
  const partner = program.command('partner').description('the partner registry: which plans a partner serves as each kind of caller');
  for (const [verb, adding] of [
    ['grant', true],
    ['revoke', false],
  ] as const) {
    withStoreOptions(
      partner
        .command(verb)
        .description(adding ? 'let a partner serve these plans as this kind of caller' : 'stop a partner serving these plans as this kind of caller')
        .argument('<account>', "the partner's AWS account id (its sessions are named after it), or console:<group>")
        .requiredOption('--kind <kind>', CALLERS.join(' | '))
        .option('--plans <ids>', 'plan ids, comma-separated')
        .option('--hospitals <codes>', 'a hospital partner: the hospitals (fixmedins_code) it settles as, comma-separated')
        .option('--name <name>', 'who the partner is'),
    ).action((account: string, opts: GrantOptions) => runAsync(io, () => change(account, opts, adding, io)));
  }
  withStoreOptions(partner.command('show').description('the plans a partner serves, by kind').argument('<account>')).action(
    (account: string, opts: StoreOptions) => runAsync(io, () => show(account, opts, io)),
  );
  return partner;
}

async function change(account: string, opts: GrantOptions, adding: boolean, io: Io): Promise<number> {
  const partnerId = Account.parse(account);
  const kind = Kind.parse(opts.kind);
  const plans = PlanIds.parse(opts.plans ?? '');
  const hospitals = HospitalCodes.parse(opts.hospitals ?? '');
  if (plans.length === 0 && hospitals.length === 0) throw new Error('name at least one plan (--plans) or hospital (--hospitals)');
  if (hospitals.length > 0 && kind !== 'hospital') throw new Error('--hospitals is for a partner of kind hospital');
  const target = openStore(opts);
  try {
    const before = await target.store.getPartner(partnerId, kind);
    const change = (had: readonly string[], named: string[]) => (adding ? [...new Set([...had, ...named])].sort() : had.filter((x) => !named.includes(x)));
    const nextHospitals = change(before?.hospitals ?? [], hospitals);
    const next: Partner = {
      partnerId,
      kind,
      plans: change(before?.plans ?? [], plans),
      ...(kind === 'hospital' ? { hospitals: nextHospitals } : {}),
      ...((opts.name ?? before?.name) ? { name: opts.name ?? before!.name } : {}),
      updatedAt: new Date().toISOString(),
    };
    await target.store.putPartner(next);
    const settlesAs = kind === 'hospital' ? `; settles as ${nextHospitals.join(', ') || '(no hospital)'}` : '';
    io.out(`${partnerId} as ${kind}: ${next.plans.join(', ') || '(no plans)'}${settlesAs}  [${target.where}]\n`);
    return 0;
  } finally {
    target.close();
  }
}

async function show(account: string, opts: StoreOptions, io: Io): Promise<number> {
  const partnerId = Account.parse(account);
  const target = openStore(opts);
  try {
    for (const kind of CALLERS as readonly Caller[]) {
      const p = await target.store.getPartner(partnerId, kind);
      const settlesAs = p?.hospitals ? `; settles as ${p.hospitals.join(', ') || '(no hospital)'}` : '';
      if (p) io.out(`${kind.padEnd(8)} ${p.plans.join(', ') || '(no plans)'}${settlesAs}${p.name ? `  (${p.name})` : ''}\n`);
    }
    return 0;
  } finally {
    target.close();
  }
}

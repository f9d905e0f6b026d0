// `hmb hospitals …`: a plan's hospital register in the platform's table, which hospitals' direct settlements are
// mapped with: each designated hospital's level, public, region and designations by its fixmedins_code. The
// same JSON array `hmb settlements replay --hospitals` reads; a city's update replaces the entries it names.
import type { Command } from 'commander';
import { z } from 'zod';
import { Hospital } from '../../functions/core/claim/schema.ts';
import { HospitalCode, PlanId } from '../../functions/core/api/params.ts';
import { byKey, parseFile } from './settlements.ts';
import { processIo, runAsync, type Io } from './io.ts';
import { openStore, withStoreOptions, type StoreOptions } from './store-target.ts';

/** A register entry: the claim's hospital, its code a fixmedins_code as the national messages carry it. */
const RegisterEntry = Hospital.safeExtend({ code: HospitalCode });

export function registerHospitalCommands(program: Command, io: Io = processIo): Command {
  const hospitals = program.command('hospitals').description("a plan's hospital register, which hospitals' direct settlements are mapped with");
  withStoreOptions(
    hospitals
      .command('register')
      .description('register (or update) hospitals of a plan from a JSON array: code (fixmedins_code), level, public, regionCode, designations, ward')
      .argument('<planId>')
      .argument('<file>'),
  ).action((planId: string, file: string, opts: StoreOptions) =>
    runAsync(io, async () => {
      const plan = PlanId.parse(planId);
      const entries = [...byKey(parseFile(z.array(RegisterEntry).min(1), file), (h) => h.code, file, 'code').values()];
      const target = openStore(opts);
      try {
        await target.store.putHospitals(plan, entries);
        io.out(`${plan}: ${entries.length} hospital(s) registered: ${entries.map((h) => h.code).join(', ')}  [${target.where}]\n`);
        return 0;
      } finally {
        target.close();
      }
    }),
  );
  withStoreOptions(hospitals.command('show').description("the plan's hospital register").argument('<planId>')).action((planId: string, opts: StoreOptions) =>
    runAsync(io, async () => {
      const target = openStore(opts);
      try {
        for (const h of await target.store.listHospitals(PlanId.parse(planId))) {
          io.out(`${h.code}  level ${h.level}  ${h.public ? 'public' : 'private'}  ${h.regionCode}  ${h.designations.join(', ') || '-'}  ${h.ward}\n`);
        }
        return 0;
      } finally {
        target.close();
      }
    }),
  );
  return hospitals;
}

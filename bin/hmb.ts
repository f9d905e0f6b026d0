// hmb: the platform's command line. Each command family lives in bin/commands/
// and registers itself here, so adding one (e.g. `hmb adjudicate`) is one import
// and one call.
import { Command } from 'commander';
import { registerPlanCommands } from './commands/plan.ts';
import { registerAdjudicateCommand } from './commands/adjudicate.ts';
import { registerRosterCommands } from './commands/roster.ts';
import { registerPlanStoreCommands } from './commands/plan-store.ts';
import { registerPartnerCommands } from './commands/partner.ts';
import { registerSettlementCommands } from './commands/settlements.ts';
import { registerHospitalCommands } from './commands/hospitals.ts';
import { registerSimulateCommand } from './commands/simulate.ts';

// A reader that stops early (`hmb plan check | head -1`) closes the pipe: what is left to print has no reader, which
// is the reader's choice, not a failure to report with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

const program = new Command('hmb').description('惠民保 plans as data: validate and inspect plans, adjudicate settlements').showHelpAfterError();

registerPlanStoreCommands(registerPlanCommands(program));
registerAdjudicateCommand(program);
registerRosterCommands(program);
registerPartnerCommands(program);
registerSettlementCommands(program);
registerHospitalCommands(program);
registerSimulateCommand(program);

await program.parseAsync(process.argv);

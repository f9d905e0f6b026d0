// The core's public surface: what handlers, the local stack and the CLI import
// as `@huiminbao/core`. On AWS this module, bundled, is the Lambda layer.
export * from './money/money.ts';
export * from './plan/schema.ts';
export * from './plan/loader.ts';
export { publishPlans, describeOutcome, type PublishOutcome } from './plan/publish.ts';
export { fixedCatalog, storedCatalog, type PlanCatalog, type PlanSummary } from './plan/catalog.ts';
export { versionLabel, type PlanVersion, type VersionedPlan } from './plan/version.ts';
export * from './claim/schema.ts';
export * from './engine/index.ts';
export { renderAdjudication } from './engine/explain.ts';
export { defaultDeps, defaultGate } from './wiring.ts';
export { currentPlan, type Deps } from './deps.ts';
export { createHttpHandler, dispatch, json } from './http/handler.ts';
export { CALLERS, PUBLIC, isPublic, type Caller, type RouteAccess } from './http/access.ts';
export { adjudicationApi } from './api/adjudication.ts';
export { enrollmentApi } from './api/enrollment.ts';
export { WindowSweep, sweepWindows } from './enrollment/window-schedule.ts';
export { eligibilityApi } from './api/eligibility.ts';
export { charityApi } from './api/charity.ts';
export { runWork, runWorkUntil } from './work/worker.ts';
export { createWorkHandler, STOP_MARGIN_MS } from './work/sqs-handler.ts';
export { WorkMessage } from './work/queue.ts';
export { platformOpenApi } from './api/openapi.ts';
export { DynamoStore } from './store/dynamo.ts';
export { ensureTable } from './store/provision.ts';
export type { Store } from './store/store.ts';
export { ResidentId, isResidentId, maskId, maskName, residentIdCheckChar } from './identity/resident-id.ts';
export { CreditCode, creditCodeCheckChar, creditCodeProblem, isValidCreditCode, organisationCodeCheckChar } from './identity/credit-code.ts';
export { LEDGER_CSV_COLUMNS, ledgerCsv, type Ledger, type LedgerEntry } from './charity/ledger-csv.ts';
export { RosterRow, checkRow, validateRows, type RejectedRow, type RosterEntry } from './eligibility/roster.ts';
export { ROSTER_COLUMNS, REQUIRED_COLUMNS, RosterFileError, csvRecordToRow, rosterHeader } from './eligibility/roster-csv.ts';
export { importRoster, storeSink, RosterImportError, type ImportReport, type RosterSink, type SourceRow } from './eligibility/roster-import.ts';
export { RosterChange, applyRosterChange, changePerson } from './eligibility/roster-changes.ts';
// Handlers log through the layer's copy, so their bundles stay tiny and one Logger class exists at run time.
export { Logger } from '@aws-lambda-powertools/logger';

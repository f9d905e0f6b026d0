// Every property test in every worker: a run (shrinking included) that goes on
// past 20 s stops and fails with its seed, instead of holding CI at full CPU.
// A synchronous property blocks the event loop, so vitest's own timeout could
// not stop it.
import { fc } from '@fast-check/vitest';

fc.configureGlobal({ interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true });

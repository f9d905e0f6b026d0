// A local stack in a process of its own, for tests that kill it: started on the
// DynamoDB and table given, it prints its URL as one JSON line and runs until killed.
import { startLocalStack } from '../../local/main.ts';

const stack = await startLocalStack({ endpoint: process.env.HMB_TEST_ENDPOINT, tableName: process.env.HMB_TEST_TABLE, quiet: true, sweepEveryMs: 3_600_000 });
console.log(JSON.stringify({ url: stack.url, pid: process.pid }));

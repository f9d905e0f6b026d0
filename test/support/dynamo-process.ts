// DynamoDB Local started by a process of its own, for the test that kills that process with -9: it prints the
// JVM's pid as one JSON line and waits to be killed.
import { startDynamoLocal } from '../../local/dynamodb.ts';

const dynamo = await startDynamoLocal();
console.log(JSON.stringify({ jvm: dynamo.pid }));
setInterval(() => {}, 60_000);

// The low-level operations of the DynamoDB adapter: documents in a `doc`
// attribute, versioned puts, transactions sent again while only contended,
// batched reads and writes whose retries of unprocessed items stop, and one
// paging helper whose cursors are opaque (sealed) and bound to their query.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GetItemCommand, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type NumberValue,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '../concurrency.ts';
import { unavailable, unprocessable } from '../errors.ts';
import { InvalidCursor, VersionConflict } from './store.ts';
import type { Key } from './keys.ts';

/** The document client with the options our items need (domain objects may hold undefined fields). */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } });
}

/**
 * A domain object is stored as one JSON string attribute `doc`: nothing queries inside it, and a nested
 * map (a claim with its explanation runs to hundreds of attributes) costs far more to marshal and parse.
 * An item DynamoDB would refuse for its size is refused here, before anything is written (checkItemSize).
 */
export function row(key: Key, value: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return checkItemSize({ ...key, doc: JSON.stringify(value), ...extra });
}

/** DynamoDB's item limit: 400 KB, attribute names and values counted. */
export const DYNAMO_ITEM_BYTES = 400 * 1024;
/** Room kept for what an adapter adds to a row after building it (an index's key attributes, a version). */
const ADDED_LATER_BYTES = 1024;

/** An item's size as DynamoDB counts it, or a little over: each attribute's name and value (UTF-8 text, bytes, a number's digits). */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (value instanceof Uint8Array) bytes += value.byteLength;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) bytes += String(value).length;
    else bytes += Buffer.byteLength(JSON.stringify(value) ?? '');
  }
  return bytes;
}

/** What an item is, from its key, for a refusal a client can act on. */
function itemKind(item: Record<string, unknown>): string {
  const sk = String(item.sk ?? '');
  const named: Record<string, string> = {
    CLAIM: 'claim',
    ROSTER: 'roster entry',
    YEAR: 'member year',
    ORDER: 'order',
    JOB: 'job',
    WINDOW: 'window',
    POPULATION: 'population',
  };
  if (named[sk]) return named[sk];
  if (sk.startsWith('POLICY#')) return 'policy';
  if (sk.startsWith('B#')) return 'order line';
  if (sk.startsWith('C#')) return 'order list';
  return 'item';
}

/** The kinds of item a request's body makes as sent (itemKind's names). */
const FROM_THE_BODY = new Set(['claim', 'roster entry', 'order', 'order line', 'order list', 'population']);

/**
 * Refuses an item too large for DynamoDB before it is written (a 422 naming what is too large: the claim, the roster
 * entry…), instead of DynamoDB's ValidationException mid-request, a 500. Answers the item.
 */
export function checkItemSize<T extends Record<string, unknown>>(item: T): T {
  const bytes = itemBytes(item);
  if (bytes <= DYNAMO_ITEM_BYTES - ADDED_LATER_BYTES) return item;
  const what = itemKind(item);
  throw unprocessable(
    'TOO_LARGE',
    `the ${what} would take ${Math.ceil(bytes / 1024)} KB stored, and one is stored whole in at most ${(DYNAMO_ITEM_BYTES - ADDED_LATER_BYTES) / 1024} KB: send it with fewer or shorter parts`,
    {
      // A claim, a roster entry, an order and its lines are what a request's body sent: the body must hold less.
      // A member year, a job or a policy grows with what was done to it: no field of this request is to blame.
      ...(FROM_THE_BODY.has(what) ? { field: 'body' } : {}),
      what,
      bytes,
      limit: DYNAMO_ITEM_BYTES - ADDED_LATER_BYTES,
    },
  );
}

export function docOf<T>(item: Record<string, unknown> | undefined): T | undefined {
  return item === undefined ? undefined : (JSON.parse(item.doc as string) as T);
}

/** A versioned row (member year, policy, job): its document, with the version the condition checks kept as an attribute. */
export function versioned<T extends { version: number }>(item: Record<string, unknown> | undefined): T | undefined {
  return item === undefined ? undefined : { ...docOf<T>(item)!, version: item.version as number };
}

/** Which items of a cancelled transaction failed their condition. */
export function failedConditions(error: TransactionCanceledException): boolean[] {
  return (error.CancellationReasons ?? []).map((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * A single-item write that lost to another writer: its condition failed, or a transaction was changing the item at
 * that moment (policies and jobs are also written in transactions). Either way the caller re-reads and decides again.
 */
export function lostRace(error: unknown): boolean {
  const name = (error as Error).name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException';
}

/** Why DynamoDB cancels a transaction only for the moment: another transaction on one of its items (a shared counter shard), throttling. */
const MOMENTARY_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** A cancellation the same transaction, sent again, may pass: no condition failed, and some item was only contended. */
export function momentaryCancellation(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
  return codes.length > 0 && codes.every((code) => MOMENTARY_CANCELLATIONS.has(code));
}

/** Tries of one batch request while DynamoDB hands items back unprocessed (throttling): then the request answers 503. */
export const BATCH_ATTEMPTS = 10;

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 20 * 2 ** attempt)));

const storeBusy = (what: string) => unavailable('STORE_BUSY', `the data store kept deferring ${what}; retry shortly`);

/** Rows of a batch read are keyed `pk|sk`. */
export const rowKey = (key: Key) => `${key.pk}|${key.sk}`;

/**
 * Paging cursors are the query's last evaluated key sealed with AES-GCM, bound to the query's partition: opaque
 * (no table key shows), and a cursor altered, invented or taken from another query is refused (InvalidCursor)
 * instead of reaching DynamoDB. The key is derived from the table name and, on AWS, HMB_CURSOR_SECRET.
 */
export class CursorSeal {
  private readonly key: Buffer;

  constructor(tableName: string, secret = process.env.HMB_CURSOR_SECRET ?? '') {
    this.key = createHash('sha256').update(`huiminbao-cursor|${tableName}|${secret}`).digest();
  }

  seal(lastKey: Record<string, unknown>, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(JSON.stringify(lastKey), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(cursor: string, boundTo: string): Record<string, unknown> {
    try {
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length < 29 || raw.toString('base64url') !== cursor) throw new Error('malformed');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(raw.subarray(12, 28));
      const key = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as unknown;
      if (key === null || typeof key !== 'object' || Array.isArray(key)) throw new Error('not a key');
      return key as Record<string, unknown>;
    } catch {
      throw new InvalidCursor();
    }
  }
}

/** One DynamoDB table and the operations the adapter builds on. */
export class Table {
  /** The plain client, for reads of exact amounts (the document client would make JS numbers of DynamoDB's numbers). */
  readonly client: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly name: string;
  private readonly cursors: CursorSeal;

  constructor(client: DynamoDBClient, name: string) {
    this.client = client;
    this.db = documentClient(client);
    this.name = name;
    this.cursors = new CursorSeal(name);
  }

  /**
   * One TransactWriteItems, sent again (up to 8 times, backing off to 1 s) while DynamoDB cancels it only for
   * contention: the SDK does not retry those, and enrollments and claims share counter shards, so under load two
   * transactions on one shard are routine. A failed condition or any other error is the caller's to judge.
   */
  async transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (attempt >= 8 || !momentaryCancellation(error)) throw error;
        await backoff(attempt);
      }
    }
  }

  async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return docOf<T>(Item);
  }

  /**
   * An item's number attributes as exact decimal strings (the plain client: the document client would make JS
   * numbers of them); empty when the item does not exist.
   */
  async getNumbers(key: Key): Promise<Record<string, string>> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.name, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }));
    return Object.fromEntries(Object.entries(Item ?? {}).flatMap(([name, value]) => (value.N !== undefined ? [[name, value.N]] : [])));
  }

  /** A versioned item (window excepted: its version lives in its document): the document with its version attribute. */
  async getVersioned<T extends { version: number }>(key: Key): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return versioned<T>(Item);
  }

  /** Puts `value` at `version` if the stored item is still at `version - 1` (or absent for 1); VersionConflict naming `what` otherwise. */
  async putVersioned(key: Key, value: { version: number }, what: string): Promise<void> {
    try {
      await this.db.send(new PutCommand(this.versionedPut(key, value, value.version, value.version - 1)));
    } catch (error) {
      if (lostRace(error)) throw new VersionConflict(what);
      throw error;
    }
  }

  /** A put conditioned on the version the writer read (0: the item must not exist yet). */
  versionedPut(key: Key, value: unknown, version: number, readVersion: number) {
    return {
      TableName: this.name,
      Item: row(key, value, { version }),
      ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :read',
      ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':read': readVersion } }),
    };
  }

  /** One UpdateItem ADDing each value to its attribute (undefined when there is none). */
  addUpdate(key: Key, moved: [string, number | NumberValue][]) {
    if (moved.length === 0) return undefined;
    return {
      TableName: this.name,
      Key: key,
      UpdateExpression: `ADD ${moved.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(moved.map(([name], i) => [`#a${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(moved.map(([, value], i) => [`:a${i}`, value])),
    };
  }

  /**
   * Consistent reads of many keys (each once, however often asked: DynamoDB refuses a batch naming a key twice), 100
   * a request, 4 requests in flight; keys handed back unprocessed are asked again a bounded number of times.
   */
  async batchGet(wanted: readonly Key[]): Promise<Map<string, Record<string, unknown>>> {
    const rows = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(wanted.map((k) => [rowKey(k), k])).values()];
    const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) => unique.slice(i * 100, (i + 1) * 100));
    await mapConcurrent(chunks, 4, async (chunk) => {
      let requestKeys: Record<string, unknown>[] = chunk;
      for (let attempt = 0; requestKeys.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw storeBusy('a batch read');
        if (attempt > 0) await backoff(attempt);
        const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.name]: { Keys: requestKeys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.name] ?? []) rows.set(`${item.pk}|${item.sk}`, item);
        requestKeys = result.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    });
    return rows;
  }

  /** BatchWriteItem puts, 25 a request, 8 requests in flight; unprocessed items sent again a bounded number of times. */
  async batchWrite(items: readonly Record<string, unknown>[]): Promise<void> {
    const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
    await mapConcurrent(chunks, 8, async (chunk) => {
      let requests = chunk.map((item) => ({ PutRequest: { Item: item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw storeBusy('a batch write');
        if (attempt > 0) await backoff(attempt);
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } }));
        requests = (result.UnprocessedItems?.[this.name] ?? []) as typeof requests;
      }
    });
  }

  /**
   * One page of a query, from an opaque cursor this helper returned for the same query (`after`); the next
   * page's cursor when there is more. The cursor is bound to the query's key condition values.
   */
  async queryPage<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    read: (item: Record<string, unknown>) => T,
    after?: string,
  ): Promise<{ items: T[]; after?: string }> {
    const boundTo = `${input.IndexName ?? ''}|${JSON.stringify(input.ExpressionAttributeValues ?? {})}`;
    const result = await this.db.send(
      new QueryCommand({
        ...input,
        TableName: this.name,
        ...(after !== undefined ? { ExclusiveStartKey: this.cursors.open(after, boundTo) } : {}),
      }),
    );
    return {
      items: (result.Items ?? []).map(read),
      ...(result.LastEvaluatedKey ? { after: this.cursors.seal(result.LastEvaluatedKey, boundTo) } : {}),
    };
  }

  /**
   * One page of exactly up to `limit` items of a query on the table's own keys, whose cursor is absent on the last
   * page: it asks for one item more than it answers (DynamoDB's own cursor comes whenever the limit is reached, so
   * a page ending with the last item would still name a next, empty, page).
   */
  async queryPageOf<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit' | 'IndexName'>,
    limit: number,
    read: (item: Record<string, unknown>) => T,
    after?: string,
  ): Promise<{ items: T[]; after?: string }> {
    const boundTo = `|${JSON.stringify(input.ExpressionAttributeValues ?? {})}`;
    const result = await this.db.send(
      new QueryCommand({
        ...input,
        TableName: this.name,
        Limit: limit + 1,
        ...(after !== undefined ? { ExclusiveStartKey: this.cursors.open(after, boundTo) } : {}),
      }),
    );
    const items = (result.Items ?? []).slice(0, limit);
    const more = (result.Items ?? []).length > limit;
    return {
      items: items.map(read),
      ...(more ? { after: this.cursors.seal({ pk: items.at(-1)!.pk, sk: items.at(-1)!.sk }, boundTo) } : {}),
    };
  }

  /** Every item a query finds, page after page. */
  async queryAll<T>(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>, read: (item: Record<string, unknown>) => T): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    do {
      const page = await this.queryPage(input, read, after);
      items.push(...page.items);
      after = page.after;
    } while (after !== undefined);
    return items;
  }
}

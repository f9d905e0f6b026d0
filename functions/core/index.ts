// The core's public surface: what handlers, the local stack and the CLI import
// as `@huiminbao/core`. On AWS this module, bundled, is the Lambda layer.
export * from './money/money.ts';
export * from './plan/schema.ts';
export * from './plan/loader.ts';
export * from './claim/schema.ts';
export * from './engine/index.ts';
export { renderAdjudication } from './engine/explain.ts';

/**
 * The Datadog layer versions current at this release, used when a `*LayerVersion` parameter is not
 * given (a given one always wins). Facts from Datadog's Serverless Framework plugin v5.134.1
 * (`src/layers.json` and `src/layers-gov.json`, commit 7ee6772, 2026-08-06): the same numbers in the
 * commercial and GovCloud accounts. To refresh: read the newest plugin release's two files and update
 * the numbers here, and the runtime rows of `src/runtimes.ts` (a new runtime is one row; a runtime whose
 * layer Datadog stopped publishing is marked deprecated there, with its last version). README.md says so too.
 */

/** The current version of each runtime family's library layer, and of the extension. */
export const DEFAULT_LAYER_VERSIONS = {
  python: 127,
  nodejs: 142,
  ruby: 29,
  java: 27,
  dotnet: 25,
  extension: 99,
} as const satisfies Record<string, number>;

/** The runtime families that have a library layer (the keys above, but the extension). */
export type LibraryFamily = Exclude<keyof typeof DEFAULT_LAYER_VERSIONS, "extension">;

/**
 * The oldest layers that read the trace context a JSONata state machine passes (`_datadog`), from Datadog's
 * "Merge Step Functions and Lambda Traces" page: older ones ignore it.
 */
export const JSONATA_CONTEXT_MIN_LAYER_VERSIONS = {
  nodejs: 116,
  python: 103,
  extension: 75,
} as const satisfies Partial<Record<keyof typeof DEFAULT_LAYER_VERSIONS, number>>;

/**
 * The Datadog layer versions current at this release, used when a `*LayerVersion` parameter is not
 * given (a given one always wins). Facts from Datadog's Serverless Framework plugin v5.134.1
 * (`src/layers.json` and `src/layers-gov.json`, commit 7ee6772, 2026-08-06): the same numbers in the
 * commercial and GovCloud accounts. To refresh: read the newest plugin release's two files and update
 * the numbers here (and the test that pins them); README.md says so too.
 */
import type { RuntimeFamily } from "./runtimes";

export const DEFAULT_LAYER_VERSIONS: Readonly<Record<Exclude<RuntimeFamily, "provided"> | "extension", number>> = {
  python: 127,
  nodejs: 142,
  ruby: 29,
  java: 27,
  dotnet: 25,
  extension: 99,
};

/** The runtimes those defaults are for (the plugin's table); any other needs its `*LayerVersion` given. */
export const DEFAULTED_RUNTIMES: ReadonlySet<string> = new Set([
  "python3.7", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
  "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
  "java8", "java8.al2", "java11", "java17", "java21", "java25",
  "dotnet6", "dotnet8", "dotnet10",
  "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0",
]);

/** Layers Datadog stopped publishing at an older version (runtimes past end of life). */
export const LAST_LAYER_VERSIONS: Readonly<Record<string, number>> = {
  "Datadog-Python37": 85,
  "Datadog-Node16-x": 120,
};

/**
 * The one module that reads, builds and writes CloudFormation intrinsic functions. No other module
 * looks for `Ref` / `Fn::*` keys itself.
 */
export * from "./json";
export * from "./read";
export * from "./build";
export * from "./edit";
export * from "./conditions";

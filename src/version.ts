/** The macro's version, taken from package.json at build time (esbuild inlines the JSON). */
import { version } from "../package.json";

export const MACRO_VERSION: string = version;

/** The name the macro is installed under by default, as written in a template's Transform. */
export const MACRO_NAME = "DatadogServerless";

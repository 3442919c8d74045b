/** The macro's version, taken from package.json at build time (esbuild inlines the JSON). */
import { version } from "../package.json";

export const MACRO_VERSION: string = version;

/** The model of the template, the selection of what to instrument, and the draft the steps write into. */
export * from "./model";
export * from "./discover";
export * from "./select";
export * from "./draft";

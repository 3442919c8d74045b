/** Datadog sites a function may send data to. */
export const DATADOG_SITES = [
  "datadoghq.com",
  "datadoghq.eu",
  "us3.datadoghq.com",
  "us5.datadoghq.com",
  "ap1.datadoghq.com",
  "ap2.datadoghq.com",
  "uk1.datadoghq.com",
  "ddog-gov.com",
  "us2.ddog-gov.com",
] as const;

/** Sites that accept FIPS-mode traffic. */
export const GOV_SITES: readonly string[] = ["ddog-gov.com", "us2.ddog-gov.com"];

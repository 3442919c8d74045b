/** Problems found while transforming: errors fail the transform, warnings are logged. */
export class Report {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  private readonly seen = new Set<string>();

  error(message: string): void {
    this.add(this.errors, message);
  }

  /** Records `message` as an error when there is one. */
  errorIf(message: string | undefined): void {
    if (message !== undefined) this.error(message);
  }

  warn(message: string): void {
    this.add(this.warnings, message);
  }

  /** The same message twice (e.g. for functions sharing a role) is reported once. */
  private add(list: string[], message: string): void {
    if (this.seen.has(message)) return;
    this.seen.add(message);
    list.push(message);
  }
}

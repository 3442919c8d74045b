/** Problems found while transforming: errors fail the transform, warnings are logged. */
export class Report {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  error(message: string): void {
    if (!this.errors.includes(message)) this.errors.push(message);
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}

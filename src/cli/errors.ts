// Errors the CLI reports as one clear line (no stack): bad flags and arguments.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

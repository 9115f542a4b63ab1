/**
 * A request GridWatch refuses on purpose: carries the HTTP status, a machine-readable code and a
 * message for people. Anything else that escapes a handler is a bug and becomes a bare 500.
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

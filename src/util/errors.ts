// Typed errors of the off-chain code: each names what is wrong, carries the value, and sets `name`,
// so a caller can tell a bad input from a chain that is not ready and a broken environment.

/** A bad input (a command-line argument, a config field, a request field): names it, carries its value. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    readonly field: string,
    readonly value: unknown,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The chain or a service is not in the state an action needs (no deployment, no delegates yet). */
export class StateError extends Error {
  override name = "StateError";
  constructor(
    readonly what: string,
    readonly value: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** The environment does not hold what the code needs (a node that exited, a missing IPC channel, a worker that failed). */
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(message);
  }
}

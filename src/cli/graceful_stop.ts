// Ctrl-C for the commands that train: the first asks the trainer to stop after the current
// iteration with a checkpoint (through an AbortSignal), a second quits at once.

export interface GracefulStop {
  signal: AbortSignal;
  /** Stops listening for Ctrl-C (call it in a finally). */
  release(): void;
}

/** Listens for SIGINT; `message` is printed on the first one. */
export function gracefulStop(message: string): GracefulStop {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${message}\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

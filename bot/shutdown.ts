import type { Logger } from '../commands/types.ts';

/** A signal this soon after the first is the same request passed on again (npm, a shell, a terminal), not an order to hurry. */
export const REPEAT_WINDOW_MS = 1000;

/**
 * SIGTERM and SIGINT stop the bot gracefully once; a second signal more than a second later exits at
 * once (status 1) for an operator who does not want to wait.
 */
export function exitOnSignals(stop: (reason: string) => Promise<number>, log: Logger, exit: (code: number) => void = (c) => process.exit(c)): void {
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt) {
      if (Date.now() - firstAt < REPEAT_WINDOW_MS) return void log.info('signal repeated; still shutting down', { signal });
      log.warn('second signal: exiting without waiting for answers in flight', { signal });
      return exit(1);
    }
    firstAt = Date.now();
    log.info('shutting down', { signal });
    stop(signal).then(exit, (e: unknown) => {
      log.error('shutdown failed', { error: e });
      exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

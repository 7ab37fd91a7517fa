/**
 * Lets timers and signal handlers run during long synchronous work (about every 50 ms), and stops
 * there when the signal is aborted.
 */
export function yielder(signal?: AbortSignal): () => Promise<void> {
  let last = Date.now();
  return async () => {
    signal?.throwIfAborted();
    if (Date.now() - last < 50) return;
    await new Promise((r) => setImmediate(r));
    last = Date.now();
    signal?.throwIfAborted();
  };
}

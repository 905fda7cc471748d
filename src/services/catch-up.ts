// Catching up with something that only grows (the log, and the views fed from it): one pass at a time, and never a
// pass that began before the caller asked, so that a caller sees what it wrote just before. Callers arriving while a
// pass runs share the next one.
export function catchingUp(pass: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = pass().finally(() => (running = null));
    running = run;
    return run;
  };
  return () => {
    if (next !== null) return next;
    if (running === null) return start();
    next = running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}

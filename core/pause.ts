/**
 * A pause of `ms` that ends early on `wake()` or when `signal` aborts, and resolves (never
 * rejects) however it ends.
 *
 * Why a helper: loops pause thousands of times on one signal that lives as long as the process
 * (a stop signal). A pause that ends by its timer or by a wake must also take its 'abort'
 * listener off that signal (`{ once: true }` only removes it when the abort fires); left behind,
 * one listener per pause piles up: memory grows and Node warns "MaxListenersExceededWarning ...
 * abort listeners added to [AbortSignal]". Here every way out clears the timer and the listener.
 */
export interface Pause {
  /** Settles once the time is up, `wake()` was called or the signal aborted. */
  readonly ended: Promise<void>;
  /** Ends the pause now; does nothing once it has ended. A property, so it can be handed on. */
  readonly wake: () => void;
}

export function pause(ms: number, signal?: AbortSignal): Pause {
  let wake!: () => void;
  const ended = new Promise<void>((resolve) => {
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    const timer = setTimeout(end, ms);
    wake = end;
    // A listener added to a signal already aborted would never run: end at once instead.
    if (signal?.aborted) end();
    else signal?.addEventListener('abort', end, { once: true });
  });
  return { ended, wake };
}

/**
 * A signal that aborts when `parent` does or when `ms` have passed, whichever comes first, and a
 * `done()` to call when the guarded call has finished.
 *
 * Why not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: the composite holds its sources
 * weakly, so a timeout signal nothing else references can be garbage-collected before it fires,
 * and the call then waits forever (seen here: a webhook that never answered was never given
 * up on under memory pressure). A timer here is held by the event loop until it fires or
 * `done()` clears it, and `done()` also removes the listener from the long-lived parent.
 */
export function deadline(ms: number, parent?: AbortSignal): { signal: AbortSignal; done(): void } {
  const ctl = new AbortController();
  const onParent = () => ctl.abort(parent?.reason);
  const timer = setTimeout(
    () => ctl.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
    ms,
  );
  timer.unref();
  if (parent?.aborted) ctl.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: ctl.signal,
    done() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

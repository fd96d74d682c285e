import { errors as esErrors } from '@elastic/elasticsearch';
import { type LookoutError, PermanentDeliveryError, TransientDeliveryError } from '../../../core/errors';

/** What a whole-request failure means for a retry. */
export function classify(err: unknown): LookoutError {
  if (err instanceof esErrors.ResponseError) {
    const status = err.statusCode ?? 0;
    const what = `elasticsearch answered ${status}: ${String(err.message).slice(0, 300)}`;
    // 401/403 are retried too: fixing credentials or privileges must not have cost the logs.
    if (status === 429 || status >= 500 || status === 401 || status === 403 || status === 0)
      return new TransientDeliveryError(what, err);
    return new PermanentDeliveryError(what, err);
  }
  if (err instanceof esErrors.ElasticsearchClientError) {
    if (err instanceof esErrors.ProductNotSupportedError || err instanceof esErrors.ConfigurationError)
      return new PermanentDeliveryError(err.message, err);
    return new TransientDeliveryError(`elasticsearch unreachable: ${err.message}`, err);
  }
  return new TransientDeliveryError(`elasticsearch: ${(err as Error).message}`, err);
}

/** Refused for lack of credentials or privileges (as opposed to a cluster that is down). */
export function isAuthRefusal(err: unknown): boolean {
  return err instanceof esErrors.ResponseError && [401, 403].includes(err.statusCode ?? 0);
}

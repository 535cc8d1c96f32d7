import type { Provider, ProviderStatus } from '../providers/provider.ts';
import { UpstreamError } from '../providers/upstream/upstream-error.ts';
import type { Metrics, ProviderCall } from './metrics.ts';
import type { Tracing } from './tracing.ts';

/** How a call that threw is counted: the upstream error's kind (`timeout`, `rate`…), else `error`. */
const thrownOutcome = (error: unknown) =>
  error instanceof UpstreamError
    ? `error_${error.kind}`
    : error instanceof Error && error.name === 'AbortError'
      ? 'aborted'
      : 'error';

/** How a status answer is counted: the state it reports. */
const statusOutcome = (status: ProviderStatus) => status.state;

/**
 * The provider with each call it makes (start, status, cancel, find_started) timed and counted by provider, call
 * and outcome, and run in a span of its own: a child of the worker's step, so one generation's trace shows every
 * call that was made for it. Everything else of the provider is its own.
 */
export function instrumentProvider(provider: Provider, metrics: Metrics, tracing: Tracing): Provider {
  const timed = async <T>(
    call: ProviderCall,
    work: () => Promise<T>,
    outcomeOf: (value: T) => string,
  ): Promise<T> => {
    const started = performance.now();
    return tracing.inSpan(
      `provider.${call}`,
      { 'reelay.provider': provider.id, 'reelay.provider_call': call },
      async (span) => {
        try {
          const value = await work();
          const outcome = outcomeOf(value);
          span.setAttributes({ 'reelay.outcome': outcome });
          metrics.providerCall(provider.id, call, outcome, (performance.now() - started) / 1000);
          return value;
        } catch (error) {
          const outcome = thrownOutcome(error);
          span.setAttributes({ 'reelay.outcome': outcome });
          metrics.providerCall(provider.id, call, outcome, (performance.now() - started) / 1000);
          throw error;
        }
      },
    );
  };
  const { cancel, findStarted, assess, parseCallback, startWork, close } = provider;
  return {
    id: provider.id,
    ...(provider.startIsIdempotent !== undefined ? { startIsIdempotent: provider.startIsIdempotent } : {}),
    ...(provider.files !== undefined ? { files: provider.files } : {}),
    ...(assess ? { assess: assess.bind(provider) } : {}),
    ...(parseCallback ? { parseCallback: parseCallback.bind(provider) } : {}),
    ...(startWork ? { startWork: startWork.bind(provider) } : {}),
    ...(close ? { close: close.bind(provider) } : {}),
    start: (call) =>
      timed(
        'start',
        () => provider.start(call),
        () => 'started',
      ),
    status: (call) => timed('status', () => provider.status(call), statusOutcome),
    ...(cancel
      ? {
          cancel: (call) =>
            timed(
              'cancel',
              () => cancel.call(provider, call),
              () => 'sent',
            ),
        }
      : {}),
    ...(findStarted
      ? {
          findStarted: (call) =>
            timed(
              'find_started',
              () => findStarted.call(provider, call),
              (found) => (found === null ? 'none' : 'found'),
            ),
        }
      : {}),
  };
}

import type { EngineEvent, EngineEventSink } from "#core/engine/context.js";
import type { Logger } from "#core/logger.js";

export interface EventBus extends EngineEventSink {
  subscribe(listener: (event: EngineEvent) => Promise<void> | void): () => void;
}

/** Fans engine events out to listeners (alerts, metrics); a failing listener is logged, never fatal. */
export function createEventBus(logger: Logger): EventBus {
  const listeners = new Set<(event: EngineEvent) => Promise<void> | void>();
  return {
    emit(event) {
      for (const listener of listeners) {
        Promise.resolve()
          .then(() => listener(event))
          .catch((error: unknown) => {
            logger.error(
              { event: event.type, err: error instanceof Error ? error.message : String(error) },
              "event listener failed",
            );
          });
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

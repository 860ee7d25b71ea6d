import type { ConnectionConfig } from "#config/config.js";
import type { AlertRoute } from "#core/chat/alerts/stores.js";
import type { AlertRouteBook } from "#core/chat/ports.js";
import { err, ok } from "#core/result.js";

/**
 * `ABM_ALERT_CHANNELS` plus the routes set with `alerts here [kinds]`. A configured channel receives
 * every kind (the variable carries no kinds); `alerts here <kinds>` typed in it stores a route that
 * wins, so the channel can be narrowed from chat.
 */
export function createAlertRouteBook(config: ConnectionConfig, store: AlertRouteBook): AlertRouteBook {
  return {
    set: (conversation, kinds, setBy) => store.set(conversation, kinds, setBy),
    remove: (conversation) => store.remove(conversation),
    async list() {
      const stored = await store.list();
      if (!stored.ok) return err(stored.error);
      const routes = new Map<string, AlertRoute>();
      for (const r of config.alerts.routes)
        routes.set(`${r.platform}:${r.channel}`, {
          platform: r.platform,
          channelId: r.channel,
          kinds: "all",
          setBy: null,
          setAt: null,
        });
      for (const r of stored.value) routes.set(`${r.platform}:${r.channelId}`, r);
      return ok([...routes.values()]);
    },
  };
}

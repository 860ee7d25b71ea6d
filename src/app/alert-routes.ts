import type { ConnectionConfig } from "#config/config.js";
import type { AlertRoute, AlertRouteSource } from "#core/chat/alerts/stores.js";
import { err, ok } from "#core/result.js";
import type { AlertRouteStore } from "#db/repositories/alert-route-repository.js";

/** `ABM_ALERT_CHANNELS` plus the routes added with `alerts here`. */
export function createAlertRouteSource(config: ConnectionConfig, store: AlertRouteStore): AlertRouteSource {
  return {
    async list() {
      const stored = await store.list();
      if (!stored.ok) return err(stored.error);
      const routes = new Map<string, AlertRoute>();
      for (const r of config.alerts.routes)
        routes.set(`${r.platform}:${r.channel}`, { platform: r.platform, channelId: r.channel });
      for (const r of stored.value) routes.set(`${r.platform}:${r.channelId}`, r);
      return ok([...routes.values()]);
    },
  };
}

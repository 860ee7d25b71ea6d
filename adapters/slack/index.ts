/** Public surface of the Slack edge, for the composition root. */

export { createSlackAdapter, type SlackAdapter, type SlackForeignRequest } from "./adapter.js";
export type { ChatHandler } from "./listeners.js";
export type { SlackNotifier } from "./notifier.js";
export { validateSlackHomeView, validateSlackMessage } from "./render/validate.js";
export { createSlackWebClient } from "./web-client.js";

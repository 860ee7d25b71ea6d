/** Public surface of the Slack edge, for the composition root. */

export { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "./adapter.js";
export { slackApiError } from "./errors.js";
export type { ChatHandler } from "./listeners.js";
export { createSlackMessageEditor, type SlackMessageEditor } from "./message-editor.js";
export { createSlackNotifier, type SlackNotifier } from "./notifier.js";
export { renderSlack, slackResponseType } from "./render/blocks.js";
export { validateSlackMessage } from "./render/validate.js";
export { createRequestVerifier, type RequestVerifier } from "./request-verifier.js";
export { createSlackWebClient, type SlackWebClient, type SlackWebClientOptions } from "./web-client.js";

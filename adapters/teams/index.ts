/** Public surface of the Teams edge, for the composition root. */

export { createTeamsBot, type TeamsBot, type TeamsBotOptions } from "./bot.js";
export { createBotbuilderTransport as createTeamsTransport } from "./botbuilder-transport.js";
export type { AdaptiveCard } from "./card-types.js";
export { type RenderCardOptions, renderCard } from "./cards.js";
export { type ConversationTarget, createTeamsNotifier, type TeamsNotifier } from "./notifier.js";
export type { TeamsAppType, TeamsCredentials, TeamsTransport } from "./transport.js";
export {
  type TeamsAction,
  type TeamsActor,
  type TeamsCommand,
  type TeamsConversation,
  type TeamsConversationReference,
  type TeamsConversationStore,
  type TeamsConversationType,
  type TeamsHandler,
  type TeamsInstallation,
  teamsConversationReferenceSchema,
} from "./types.js";

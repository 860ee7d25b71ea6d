/** Public surface of the Teams edge, for the composition root. */

export { createTeamsBot } from "./bot.js";
export { createTeamsNotifier } from "./notifier.js";

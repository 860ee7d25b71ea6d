export { type AppleBusinessClient, createAppleBusinessClient } from "./apple-business-client.js";

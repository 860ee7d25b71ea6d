export {
  APPLE_DEFAULT_API_URL,
  APPLE_DEFAULT_TOKEN_URL,
  type AppleBusinessClient,
  createAppleBusinessClient,
} from "./apple-business-client.js";
export { readApplePrivateKey } from "./private-key.js";

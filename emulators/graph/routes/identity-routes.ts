import { randomBytes, randomUUID } from "node:crypto";
import { readBody } from "../../http-json.js";
import type { RouteFamily } from "../context.js";
import { sendGraphJson } from "../http.js";

const TOKEN_LIFETIME_SECONDS = 3599;

/** The authority: OpenID metadata and the client-credentials token endpoint, as Entra ID answers. */
export const identityRoutes: RouteFamily = (context) => {
  const aadError = (status: number, error: string, code: number, description: string) => ({
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${context.now().toISOString().replace("T", " ").slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: `${context.now().toISOString().replace("T", " ").slice(0, 19)}Z`,
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  });

  return [
    {
      method: "GET",
      path: "/:tenant/v2.0/.well-known/openid-configuration",
      kind: "identity",
      handle({ res, params }) {
        const base = `${context.origin()}/${params.tenant ?? ""}`;
        sendGraphJson(res, 200, {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_modes_supported: ["query", "fragment", "form_post"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
          issuer: `${context.origin()}/${context.identity.tenantId}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${context.origin()}/oidc/userinfo`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid", "oid"],
          tenant_region_scope: "EU",
          cloud_instance_name: "microsoftonline.com",
          cloud_graph_host_name: "graph.windows.net",
          msgraph_host: "graph.microsoft.com",
        });
      },
    },
    {
      method: "POST",
      path: "/:tenant/oauth2/v2.0/token",
      kind: "identity",
      async handle({ req, res, params }) {
        const form = new URLSearchParams(await readBody(req));
        const { tenantId, clientId, clientSecret } = context.identity;
        const clientIdSent = form.get("client_id") ?? "";
        let failure: ReturnType<typeof aadError> | null = null;
        if (params.tenant !== tenantId) {
          failure = aadError(
            400,
            "invalid_request",
            90002,
            `Tenant '${params.tenant ?? ""}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
          );
        } else if (form.get("grant_type") !== "client_credentials") {
          failure = aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        } else if (clientIdSent !== clientId) {
          failure = aadError(
            400,
            "unauthorized_client",
            700016,
            `Application with identifier '${clientIdSent}' was not found in the directory '${tenantId}'.`,
          );
        } else if (form.get("client_secret") !== clientSecret) {
          failure = aadError(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
              clientId +
              "'.",
          );
        } else if (!(form.get("scope") ?? "").endsWith("/.default")) {
          failure = aadError(
            400,
            "invalid_scope",
            1002012,
            "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
          );
        }
        if (failure !== null) {
          sendGraphJson(res, failure.status, failure.body);
          return;
        }
        const token = randomBytes(32).toString("base64url");
        context.tokens.set(token, context.now().getTime() + TOKEN_LIFETIME_SECONDS * 1000);
        sendGraphJson(res, 200, {
          token_type: "Bearer",
          expires_in: TOKEN_LIFETIME_SECONDS,
          ext_expires_in: TOKEN_LIFETIME_SECONDS,
          access_token: token,
        });
      },
    },
  ];
};

import type { GraphConnection, GraphConnectionOptions } from "#adapters/graph/graph-client.js";

/**
 * The process's one Graph connection (one credential, one retry policy), made on its first call:
 * @azure/identity with MSAL and the Graph SDK are ~25 MB that a command which never calls Graph
 * (`status`, `history`, `approvals`, …) does not load.
 */
export function connectGraphOnFirstCall(options: GraphConnectionOptions): GraphConnection {
  let connecting: Promise<GraphConnection> | undefined;
  const connection = (): Promise<GraphConnection> => {
    connecting ??= import("#adapters/graph/graph-client.js").then(({ connectGraph }) => connectGraph(options));
    return connecting;
  };
  return {
    requester: {
      get: async (path, schema, request) => (await connection()).requester.get(path, schema, request),
      post: async (path, body, schema, request) => (await connection()).requester.post(path, body, schema, request),
      put: async (path, body, schema, request) => (await connection()).requester.put(path, body, schema, request),
    },
    close: async () => {
      if (connecting !== undefined) await (await connecting).close();
    },
  };
}

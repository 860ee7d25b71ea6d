/**
 * The one Microsoft Graph client package: credential, requester (one retry / Retry-After / abort
 * policy), error mapping, OData quoting, paging, user lookup and flattening, assigned scope.
 * The app builds one connection per process; the entra engine (adapters/entra-provisioning, the
 * one adapter allowed to import another — this one) uses it through this file.
 */
export { readAssignedScope } from "./assigned-scope.js";
export { explainAssignment, findDeletedUser } from "./explain-user.js";
export { connectGraph, type GraphConnectionOptions } from "./graph-client.js";
export { createGraphDirectorySource } from "./graph-directory-source.js";
export type { GraphRequester, RequestOptions } from "./graph-requester.js";
export { lookupUser } from "./lookup-user.js";
export { odataString } from "./odata.js";
export { readAllPages } from "./paging.js";
export { UserListSchema } from "./schemas.js";

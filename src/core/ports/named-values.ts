/**
 * Named strings kept per connection (the entra engine's provisioning-log cursor and last seen job
 * states). Methods reject with an AppError when the database fails.
 */
export interface NamedValueStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
}

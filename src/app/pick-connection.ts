import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * The connection a command names (`--connection <id>`), or the only one; otherwise an error that
 * names the choices. The CLI router checks a given id against the configuration with it before
 * anything is opened; commands pick their opened connection with it.
 */
export function pickConnection<T>(
  connections: readonly T[],
  idOf: (connection: T) => string,
  id: string | null,
): Result<T, AppError> {
  const choices = connections.map(idOf).join(", ");
  if (id === null) {
    const [only, ...others] = connections;
    if (only !== undefined && others.length === 0) return ok(only);
    return err(
      new AppError(
        "connection.required",
        `This service serves ${connections.length} organizations: say which with --connection (one of ${choices}).`,
      ),
    );
  }
  const found = connections.find((c) => idOf(c) === id);
  if (found !== undefined) return ok(found);
  const given = id === "" ? "--connection needs an id" : `There is no connection "${id}"`;
  return err(new AppError("connection.unknown", `${given}: use one of ${choices}.`));
}

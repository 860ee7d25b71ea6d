import { readFile } from "node:fs/promises";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import { type AttributeMap, DEFAULT_ATTRIBUTE_MAP, parseAttributeMap } from "#core/sync/attribute-map.js";

/** Reads `ABM_ATTRIBUTE_MAP` (a JSON file) or returns the gallery app's default mapping. */
export async function loadAttributeMap(path: string | null): Promise<Result<AttributeMap, AppError>> {
  if (path === null) return ok(DEFAULT_ATTRIBUTE_MAP);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return err(
      new AppError(
        "config.attribute_map_unreadable",
        `ABM_ATTRIBUTE_MAP points at ${path}, which cannot be read: ${(error as Error).message}. Fix the path or unset the variable to use the default mapping.`,
        { cause: error },
      ),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(
      new AppError(
        "config.attribute_map_invalid",
        `ABM_ATTRIBUTE_MAP (${path}) is not valid JSON: ${(error as Error).message}.`,
        { cause: error },
      ),
    );
  }
  return parseAttributeMap(json);
}

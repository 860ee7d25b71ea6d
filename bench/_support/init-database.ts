/**
 * Child process: opens the database once (PGlite's initdb plus the migrations) and exits, so the
 * measured process opens an existing data directory like a service restarted after its first run.
 * PGlite's initdb grows its WebAssembly heap to ~630 MB and WebAssembly memory never shrinks.
 *
 *   node --import tsx bench/_support/init-database.ts <dataDir>
 */
import { openDatabase } from "#db/client.js";

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error("usage: init-database.ts <dataDir>");
const opened = await openDatabase({ dataDir });
if (!opened.ok) throw opened.error;
await opened.value.close();

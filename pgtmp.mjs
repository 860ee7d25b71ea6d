import { PGlite } from "@electric-sql/pglite";
let t=Date.now();
const a = new PGlite(); await a.waitReady; console.log("mem initdb", Date.now()-t);
t=Date.now(); const dump = await a.dumpDataDir("none"); console.log("dump", Date.now()-t, dump.size);
t=Date.now(); const b = new PGlite({loadDataDir: dump}); await b.waitReady; console.log("load", Date.now()-t);
console.log(typeof a.clone);
if (a.clone) { t=Date.now(); const c = await a.clone(); await c.waitReady; console.log("clone", Date.now()-t); }
t=Date.now(); const d = new PGlite(); await d.waitReady; console.log("mem initdb 2", Date.now()-t);

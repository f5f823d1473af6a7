// Bundles the CLI into one file so that `covshim status` and the shell hooks
// start fast; heavy modules stay behind dynamic imports (split chunks).
// Templates and hook scripts are inlined (`?raw` imports, as vite does) so the
// bundle needs no file lookups at run time.
import { build } from "esbuild";
import { readFile, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";

const raw = {
  name: "raw",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({
      path: resolve(dirname(a.importer), a.path.slice(0, -4)),
      namespace: "raw",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, async (a) => ({
      contents: await readFile(a.path, "utf8"),
      loader: "text",
    }));
  },
};

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { covshim: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  plugins: [raw],
  banner: {
    // CommonJS dependencies expect these; every output file (chunks too) gets them.
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __covshimRequire } from 'node:module';",
      "import { fileURLToPath as __covshimPath } from 'node:url';",
      "const require = __covshimRequire(import.meta.url);",
      "const __filename = __covshimPath(import.meta.url);",
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join("\n"),
  },
  logLevel: "warning",
});

// Bundles the CLI: a small CommonJS executable that answers `status`, `hook`
// and `--version` itself, and an ESM CLI split into chunks, a command and
// what it alone imports in each (src/commands/index.ts loads them by name),
// so a command compiles its own code only.
// Templates and hook scripts are inlined (`?raw` imports, as vite does) so the
// bundle needs no file lookups at run time.
import { build } from "esbuild";
import { chmod, readFile, rename, rm } from "node:fs/promises";
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

// Built beside dist and swapped in whole: a covshim that runs meanwhile (a
// shell hook, a test) finds the old build or the new one, never half of one.
const root = new URL("..", import.meta.url).pathname;
const out = `${root}dist.build-${process.pid}`;
await rm(out, { recursive: true, force: true });
// cosmiconfig loads TypeScript only for a covshim.config.ts, which covshim does
// not support: leaving it out keeps 3.6 MB out of the package.
const common = { bundle: true, platform: "node", target: "node20", plugins: [raw], minify: true, logLevel: "warning", external: ["typescript"] };
// The full CLI: ESM, split so each command loads only what it needs.
await build({
  ...common,
  entryPoints: { cli: "src/cli.ts" },
  outdir: out,
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  banner: {
    // CommonJS dependencies expect these; every output file (chunks too) gets them.
    js: [
      "import { createRequire as __covshimRequire } from 'node:module';",
      "import { fileURLToPath as __covshimPath } from 'node:url';",
      "const require = __covshimRequire(import.meta.url);",
      "const __filename = __covshimPath(import.meta.url);",
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join("\n"),
  },
});
// The executable: CommonJS (faster for Node to load) with the fast paths.
await build({
  ...common,
  entryPoints: ["src/bin.ts"],
  outfile: `${out}/covshim.cjs`,
  format: "cjs",
  banner: { js: "#!/usr/bin/env node" },
});
await chmod(`${out}/covshim.cjs`, 0o755);
await rm(`${root}dist.old`, { recursive: true, force: true });
await rename(`${root}dist`, `${root}dist.old`).catch((e) => {
  if (e.code !== "ENOENT") throw e;
});
await rename(out, `${root}dist`);
await rm(`${root}dist.old`, { recursive: true, force: true });

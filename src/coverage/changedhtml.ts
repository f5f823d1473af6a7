import { type ChangedFile, type ChangedReport, type Hunk, changedLines, mapOld } from "./changed.js";
import type { CovJson } from "./report.js";

/**
 * `diff --changed --html DIR`: covshim's own pages, no assets to fetch. Pure:
 * the report, the hunks and the sources in, file names and HTML out.
 */

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
export const pageName = (repoPath: string) => `${repoPath.replace(/[^A-Za-z0-9._-]+/g, "_")}.html`;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}table{border-collapse:collapse}td{padding:0 .5em;white-space:pre}
td.n{color:#888;text-align:right}td.m{text-align:center;width:1.5em;color:#666}
td.src{font:13px/1.35 ui-monospace,monospace;border-left:3px solid transparent}
table.code{min-width:100%}table.code td.src{width:100%}
tr.changed td.src{border-left:3px solid #3465a4}
tr.covered td.src{background:#dff0d8}tr.missing td.src{background:#f8d7da}
tr.lost td.src{background:#fff3cd}
tr.partial td.src{background:#fcf8e3;box-shadow:inset -6px 0 0 #f0ad4e}
.bar{display:inline-block;width:200px;height:.8em;background:#f8d7da;vertical-align:middle}
.bar span{display:block;height:100%;background:#5cb85c}
.legend span{margin-right:1.2em}.summary{margin:.5em 0 1em}`;

/** Counts the marks in the page itself: what a reader of the DOM sees. */
const COUNT = `<script>
(function () {
  var q = function (s) { return document.querySelectorAll(s).length; };
  document.getElementById("summary").textContent =
    q("tr.changed") + " changed, " + q("tr.changed.covered") + " run, " + q("tr.changed.missing") + " never run, " + q("tr.lost") + " lost" +
    (q("tr.partial") ? ", " + q("tr.partial") + " with a branch never taken" : "");
})();
</script>`;

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** Every page of the report: the index and one per changed file. */
export function changedHtml(r: ChangedReport, hunks: (f: ChangedFile) => Hunk[], head: CovJson, base: CovJson | null, source: (f: ChangedFile) => string): Map<string, string> {
  const out = new Map<string, string>();
  const rows: string[] = [];
  for (const f of r.files) {
    const h = head.files[f.path]!;
    const ran = new Set(h.executed_lines);
    const statements = new Set([...h.executed_lines, ...h.missing_lines]);
    const changed = changedLines(hunks(f));
    const covered = new Set(f.covered);
    const missing = new Set(f.missing);
    const lost = new Set(f.lost);
    const before = new Set<number>();
    for (const l of base?.files[f.path]?.executed_lines ?? []) {
      const now = mapOld(hunks(f), l);
      if (now !== null) before.add(now);
    }
    const lines = source(f).split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    const trs = lines.map((text, i) => {
      const n = i + 1;
      const never = f.partial?.[String(n)];
      const cls = [changed.has(n) && statements.has(n) ? "changed" : "", covered.has(n) ? "covered" : missing.has(n) ? "missing" : "", lost.has(n) ? "lost" : "", never ? "partial" : ""].filter(Boolean);
      const mark = (set: Set<number>, stmt: boolean) => (stmt ? (set.has(n) ? "●" : "○") : "");
      const who = f.contexts?.[String(n)];
      const tips = [never ? `never taken: ${never.map((t) => `${n}→${t < 0 ? "exit" : t}`).join(", ")}` : "", who?.length ? `ran in: ${who.join(", ")}` : ""].filter(Boolean);
      const title = tips.length ? ` title="${esc(tips.join("; "))}"` : "";
      return `<tr data-line="${n}"${cls.length ? ` class="${cls.join(" ")}"` : ""}${title}><td class="n">${n}</td><td class="m" data-before>${mark(before, !!base && statements.has(n) && !changed.has(n))}</td><td class="m" data-after>${mark(ran, statements.has(n))}</td><td class="src">${esc(text)}</td></tr>`;
    });
    const name = pageName(f.repoPath);
    out.set(
      name,
      page(
        `${f.repoPath}: coverage of the change`,
        `<p><a href="index.html">all changed files</a></p>\n<h1>${esc(f.repoPath)}</h1>\n<p class="summary" id="summary"></p>\n` +
          `<p class="legend"><span>left mark: ran in ${esc(r.base ?? "(no base)")}</span><span>right mark: ran in ${esc(r.head)}</span><span>blue edge: changed since ${esc(r.ref)}</span><span style="background:#f8d7da">never run</span><span style="background:#fff3cd">unchanged, no longer run</span><span style="background:#fcf8e3">a branch never taken (hover)</span></p>\n` +
          `<table class="code">\n${trs.join("\n")}\n</table>\n${COUNT}`,
      ),
    );
    const pct = f.changed.length ? Math.round((100 * f.covered.length) / f.changed.length) : 100;
    rows.push(`<tr data-file="${esc(f.repoPath)}"><td><a href="${esc(name)}">${esc(f.repoPath)}</a></td><td>${f.covered.length}/${f.changed.length}</td><td><span class="bar"><span style="width:${pct}%"></span></span> ${pct}%</td><td>${f.lost.length} lost</td></tr>`);
  }
  const t = r.totals;
  out.set(
    "index.html",
    page(
      "coverage of the change",
      `<h1>Coverage of the change since ${esc(r.ref)}</h1>\n<p class="summary">${t.covered} of ${t.changed} changed lines ran in ${esc(r.head)}${r.base ? `; ${t.lost} unchanged lines no longer run since ${esc(r.base)}` : ""}.</p>\n<table>\n<tr><th>file</th><th>changed lines run</th><th></th><th></th></tr>\n${rows.join("\n")}\n</table>`,
    ),
  );
  return out;
}

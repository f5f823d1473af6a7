import type { CovJson, CovFile } from "./report.js";

/**
 * The formats CI systems read, written from coverage's JSON report. Pure.
 * `report --xml` is coverage's own `xml_report`; these serve `report --lcov`
 * (coverage 5.5 has no LCOV, and 6.x and 7.x write it differently) and
 * `diff --changed`, whose files are named as in their repository.
 */

/** One file to write: its coverage, and the name a consumer matches against its checkout. */
export interface NamedFile {
  name: string;
  file: CovFile;
}

/** Arcs from each line (negative targets are exits), and which of them ran. */
export function branchesByLine(f: CovFile): Map<number, { targets: number[]; taken: Set<number> }> {
  const out = new Map<number, { targets: number[]; taken: Set<number> }>();
  const add = (from: number, to: number, ran: boolean) => {
    const b = out.get(from) ?? { targets: [], taken: new Set<number>() };
    if (!b.targets.includes(to)) b.targets.push(to);
    if (ran) b.taken.add(to);
    out.set(from, b);
  };
  for (const [a, b] of f.executed_branches ?? []) add(a, b, true);
  for (const [a, b] of f.missing_branches ?? []) add(a, b, false);
  for (const b of out.values()) b.targets.sort((x, y) => x - y);
  return out;
}

/** LCOV tracefile (geninfo's format): per file its lines (DA), branches (BRDA) and counts. */
export function lcov(files: NamedFile[]): string {
  const out: string[] = [];
  for (const { name, file } of files) {
    const ran = new Set(file.executed_lines);
    const lines = [...file.executed_lines, ...file.missing_lines].sort((a, b) => a - b);
    out.push("TN:", `SF:${name}`);
    for (const l of lines) out.push(`DA:${l},${ran.has(l) ? 1 : 0}`);
    const br = branchesByLine(file);
    let found = 0;
    let hit = 0;
    for (const [line, b] of [...br].sort((x, y) => x[0] - y[0])) {
      b.targets.forEach((to, i) => {
        // A branch of a line that never ran is "-": not taken, never evaluated.
        const taken = !ran.has(line) ? "-" : b.taken.has(to) ? "1" : "0";
        out.push(`BRDA:${line},0,${i},${taken}`);
        found++;
        if (taken === "1") hit++;
      });
    }
    if (found) out.push(`BRF:${found}`, `BRH:${hit}`);
    out.push(`LF:${lines.length}`, `LH:${file.executed_lines.length}`, "end_of_record");
  }
  return out.join("\n") + "\n";
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** coverage's rate(): four significant digits, "1" for nothing to count. */
const rate = (hit: number, n: number) => (n ? String(Number((hit / n).toPrecision(4))) : "1");

/**
 * Cobertura XML as coverage.py's xml_report writes it (its DTD's structure:
 * coverage > sources, packages > package > classes > class > methods, lines >
 * line), for files named relative to one source directory.
 */
export function cobertura(files: NamedFile[], sources: string[], version: string, now = Date.now()): string {
  const packages = new Map<string, { classes: string[]; lines: number; hits: number; branches: number; brHits: number }>();
  const anyBranches = files.some((f) => f.file.executed_branches !== undefined || f.file.missing_branches !== undefined);
  for (const { name, file } of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : ".";
    const ran = new Set(file.executed_lines);
    const statements = [...file.executed_lines, ...file.missing_lines].sort((a, b) => a - b);
    const br = branchesByLine(file);
    let branches = 0;
    let brHits = 0;
    const xlines = statements.map((l) => {
      let attrs = `number="${l}" hits="${ran.has(l) ? 1 : 0}"`;
      const b = br.get(l);
      if (anyBranches && b) {
        const taken = ran.has(l) ? b.taken.size : 0;
        branches += b.targets.length;
        brHits += taken;
        attrs += ` branch="true" condition-coverage="${Math.floor((100 * taken) / b.targets.length)}% (${taken}/${b.targets.length})"`;
        const missing = b.targets.filter((t) => !(ran.has(l) && b.taken.has(t)));
        if (missing.length) attrs += ` missing-branches="${missing.map((t) => (t < 0 ? "exit" : String(t))).join(",")}"`;
      }
      return `\t\t\t\t\t\t<line ${attrs}/>`;
    });
    const base = name.slice(name.lastIndexOf("/") + 1);
    const p = packages.get(dir) ?? { classes: [], lines: 0, hits: 0, branches: 0, brHits: 0 };
    p.classes.push(
      `\t\t\t\t<class name="${esc(base)}" filename="${esc(name)}" complexity="0" line-rate="${rate(ran.size, statements.length)}" branch-rate="${anyBranches ? rate(brHits, branches) : "0"}">\n` +
        `\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n${xlines.join("\n")}${xlines.length ? "\n" : ""}\t\t\t\t\t</lines>\n\t\t\t\t</class>`,
    );
    p.lines += statements.length;
    p.hits += file.executed_lines.length;
    p.branches += branches;
    p.brHits += brHits;
    packages.set(dir, p);
  }
  let lines = 0;
  let hits = 0;
  let branches = 0;
  let brHits = 0;
  const xpackages = [...packages].sort((a, b) => a[0].localeCompare(b[0])).map(([dir, p]) => {
    lines += p.lines;
    hits += p.hits;
    branches += p.branches;
    brHits += p.brHits;
    return `\t\t<package name="${esc(dir.replace(/\//g, "."))}" line-rate="${rate(p.hits, p.lines)}" branch-rate="${anyBranches ? rate(p.brHits, p.branches) : "0"}" complexity="0">\n\t\t\t<classes>\n${p.classes.join("\n")}\n\t\t\t</classes>\n\t\t</package>`;
  });
  const top =
    `<coverage version="${esc(version)}" timestamp="${now}" lines-valid="${lines}" lines-covered="${hits}" line-rate="${rate(hits, lines)}" ` +
    (anyBranches ? `branches-covered="${brHits}" branches-valid="${branches}" branch-rate="${rate(brHits, branches)}"` : `branches-covered="0" branches-valid="0" branch-rate="0"`) +
    ` complexity="0">`;
  return [
    `<?xml version="1.0" ?>`,
    top,
    `\t<!-- Generated by covshim from coverage.py's data -->`,
    `\t<!-- Based on https://raw.githubusercontent.com/cobertura/web/master/htdocs/xml/coverage-04.dtd -->`,
    `\t<sources>\n${sources.map((s) => `\t\t<source>${esc(s)}</source>\n`).join("")}\t</sources>`,
    `\t<packages>${xpackages.length ? `\n${xpackages.join("\n")}\n\t` : ""}</packages>`,
    `</coverage>`,
    "",
  ].join("\n");
}

/** A summary for a CI job's page or a review comment: totals, the worst files, the threshold. */
export function reportMarkdown(j: CovJson, install: string, failUnder?: number, worst = 10): string {
  const t = j.totals;
  const total = t.percent_covered;
  // coverage's percent: with branch data it counts the branches too.
  const out = [`**Coverage of ${install}**: ${t.covered_lines} of ${t.num_statements} statements ran${t.num_branches ? `, ${t.covered_branches} of ${t.num_branches} branches taken` : ""}: ${total.toFixed(1)}%.`];
  if (failUnder !== undefined) out.push("", total >= failUnder ? `Threshold ${failUnder}%: held.` : `Threshold ${failUnder}%: **not held** (${total.toFixed(1)}% < ${failUnder}%).`);
  const files = Object.entries(j.files)
    .filter(([, f]) => f.summary.num_statements > 0)
    .sort((a, b) => a[1].summary.percent_covered - b[1].summary.percent_covered || b[1].summary.num_statements - a[1].summary.num_statements)
    .slice(0, worst);
  if (files.length) {
    out.push("", `| File (the ${files.length} least covered) | Statements | Missing | Cover |`, "| --- | ---: | ---: | ---: |");
    for (const [name, f] of files) out.push(`| \`${name}\` | ${f.summary.num_statements} | ${f.summary.num_statements - f.summary.covered_lines} | ${f.summary.percent_covered.toFixed(1)}% |`);
  }
  return out.join("\n") + "\n";
}

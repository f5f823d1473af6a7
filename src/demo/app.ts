import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import mpapp from "../../templates/demo/mpapp.py?raw";
import child from "../../templates/demo/child.py?raw";
import grand from "../../templates/demo/grand.py?raw";
import leaf from "../../templates/demo/leaf.py?raw";
import execer from "../../templates/demo/execer.py?raw";

export const DEMO_FILES: Record<string, string> = {
  "mpapp.py": mpapp, "child.py": child, "grand.py": grand, "leaf.py": leaf, "execer.py": execer,
};

export function writeDemoApp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [n, text] of Object.entries(DEMO_FILES)) writeFileSync(join(dir, n), text);
  return join(dir, "mpapp.py");
}

/** The `# MARK name` lines of the app: one per kind of process. */
export function demoMarks(): { name: string; file: string; line: number }[] {
  const out: { name: string; file: string; line: number }[] = [];
  for (const [file, text] of Object.entries(DEMO_FILES)) {
    text.split("\n").forEach((l, i) => {
      const m = /# MARK (\S+)/.exec(l);
      if (m) out.push({ name: m[1]!, file, line: i + 1 });
    });
  }
  return out;
}

/** Which marks a `coverage json` report shows as executed. */
export function marksCovered(report: { files: Record<string, { executed_lines: number[] }> }, appDir: string) {
  return demoMarks().map((m) => {
    const f = report.files[join(appDir, m.file)];
    return { ...m, measured: !!f && f.executed_lines.includes(m.line) };
  });
}

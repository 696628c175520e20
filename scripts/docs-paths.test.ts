import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/*
 * The README and docs/*.md name files, folders and sections; code moves.
 * These tests fail when a name in the docs no longer matches the repository,
 * so the docs are corrected in the change that moves the code.
 */

const root = path.resolve(__dirname, "..");

const docs = [
  "README.md",
  ...readdirSync(path.join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

const text = (file: string) => readFileSync(path.join(root, file), "utf8");

/** Where repository paths start; anything else in backticks (routes, commands, values) is not a path. */
const PATH_PREFIXES = ["app/", "bench/", "components/", "db/", "docs/", "e2e/", "lib/", "scripts/", "test/", "types/"];
const ROOT_FILES =
  /^(proxy(\.test)?\.ts|instrumentation\.ts|[a-z]+\.config\.(ts|mjs)|package\.json|README\.md|\.env\.example)$/;

/** A path as written, or the folder before its first placeholder (`bench/results/<date>.json` names `bench/results/`). */
function checkablePath(span: string): string | null {
  if (!PATH_PREFIXES.some((prefix) => span.startsWith(prefix)) && !ROOT_FILES.test(span)) return null;
  if (/\s/.test(span.replace(/<[^>]*>/g, ""))) return null;
  const placeholder = span.search(/[<*…]/);
  return placeholder === -1 ? span : span.slice(0, span.lastIndexOf("/", placeholder) + 1);
}

function pathsIn(file: string): string[] {
  const spans = [...text(file).matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
  return [...new Set(spans.map(checkablePath).filter((span): span is string => span !== null))];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*]/g, "")
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchorsIn(file: string): Set<string> {
  return new Set([...text(file).matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

/** The files under app/ a request can reach: pages, route handlers and "use server" modules. */
function entryPointFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (
        /^(page\.tsx|route\.ts)$/.test(entry.name) ||
        (/\.tsx?$/.test(entry.name) && /^\s*["']use server["']/m.test(text(relative)))
      ) {
        found.push(relative);
      }
    }
  };
  walk("app");
  return found.sort();
}

/** The rows of the README's entry-point table: a file in backticks, then the route, then the guards in backticks. */
function entryPointRows(): Array<{ file: string; guards: string[] }> {
  const readme = text("README.md");
  const start = readme.indexOf("### Entry points");
  expect(start, 'README.md has a section "### Entry points"').toBeGreaterThan(-1);
  const section = readme.slice(start).split(/\n#{2,3} /)[0]!;
  return section
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const cells = line.split(" | ");
      const file = /`([^`]+)`/.exec(cells[0]!)![1]!;
      // Only the calls (`requireUser`, `requirePermission("users:read")`); paths and permissions in the cell are explanations.
      const guards = [...(cells[2] ?? "").matchAll(/`([^`]+)`/g)]
        .map((match) => match[1]!)
        .filter((span) => /^[a-z][A-Za-z]*(\(.*\))?$/.test(span));
      return { file, guards };
    });
}

describe("the docs name what exists", () => {
  it.each(docs)("every repository path written in backticks in %s exists", (file) => {
    const missing = pathsIn(file).filter((span) => !existsSync(path.join(root, span)));
    expect(missing).toEqual([]);
  });

  it.each(docs)("every link in %s reaches a file, and a heading of it when it names one", (file) => {
    const broken: string[] = [];
    for (const [, target] of text(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [relative, anchor] = target!.split("#");
      const linked = relative ? path.normalize(path.join(path.dirname(file), relative)) : file;
      if (!existsSync(path.join(root, linked))) broken.push(target!);
      else if (anchor && linked.endsWith(".md") && !anchorsIn(linked).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it("the README's entry-point table lists every page, route handler and server-action file under app/", () => {
    const listed = entryPointRows().map((row) => row.file);
    expect(listed.filter((file) => file.startsWith("app/")).sort()).toEqual(entryPointFiles());
  });

  it("each guard the entry-point table names is called in that file", () => {
    const wrong = entryPointRows().flatMap(({ file, guards }) =>
      guards.filter((guard) => !text(file).includes(guard)).map((guard) => `${file}: ${guard}`),
    );
    expect(wrong).toEqual([]);
  });
});

import fs from "node:fs";
import path from "node:path";

/*
 * Every page and server action of the production build, read from the build's
 * own manifests, so access tests cover what exists rather than a chosen sample.
 */

export type ServerAction = { id: string; name: string; file: string; page: string };

export function allServerActions(): ServerAction[] {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(".next", "server", "server-reference-manifest.json"), "utf8"),
  ) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, action]) => ({
    id,
    name: action.exportedName,
    file: action.filename,
    page: routeOf(
      Object.keys(action.workers)[0]!
        .replace(/^app/, "")
        .replace(/\/page$/, ""),
    ),
  }));
}

/** "/(app)/admin/users/[id]" → "/admin/users/1" */
function routeOf(segmentPath: string): string {
  const route = segmentPath
    .split("/")
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => (/^\[.*\]$/.test(segment) ? "1" : segment))
    .join("/");
  return route || "/";
}

/**
 * Every page and route handler of the build. Not the icons (app/favicon.ico,
 * app/icon.svg): Next.js serves them as static files, public by design and
 * with no HTML to protect (e2e/layout.spec.ts checks they answer).
 */
export function allPages(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(".next", "app-path-routes-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  return Object.values(manifest)
    .filter((route) => !route.startsWith("/_"))
    .map(routeOf)
    .filter((route) => !/^\/(favicon\.ico|icon\.svg)$/.test(route));
}

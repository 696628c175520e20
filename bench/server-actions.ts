import fs from "node:fs";
import path from "node:path";

/*
 * Server actions called over raw HTTP exactly as the browser's React client
 * calls them after a form submit, so the server runs the same code path
 * (action decoding, the redirect and its render) as for a real user.
 */

type ReferenceManifest = { node: Record<string, { filename: string; exportedName: string }> };

/** The id the production build gave an action, from its own manifest (as e2e/manifests.ts reads it). */
export function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(".next", "server", "server-reference-manifest.json"), "utf8"),
  ) as ReferenceManifest;
  const found = Object.entries(manifest.node).find(
    ([, action]) => action.filename === file && action.exportedName === exportedName,
  );
  if (!found) throw new Error(`No server action ${exportedName} in ${file} in the build`);
  return found[0];
}

/**
 * The body React's encodeReply makes for a `useActionState` form action,
 * `action(previousState, formData)`, as multipart/form-data: the form's
 * fields under the prefix "_1_" and, last, the argument list as field "0"
 * naming them "$K1". The order matters: the server decodes the list as soon
 * as it arrives.
 */
export function formActionBody(
  fields: Record<string, string>,
  previousState: object = { status: "idle" },
): { body: Buffer; contentType: string } {
  const boundary = `----twofoldbench${Math.random().toString(16).slice(2)}`;
  const parts = [
    ...Object.entries(fields).map(([name, value]) => [`_1_${name}`, value]),
    ["0", JSON.stringify([previousState, "$K1"])],
  ];
  const text = parts
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join("");
  return { body: Buffer.from(`${text}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The headers the browser sends with an action: which action, and that it wants the RSC answer. */
export function actionHeaders(origin: string, actionId: string): Record<string, string> {
  return {
    "next-action": actionId,
    accept: "text/x-component",
    "accept-encoding": "gzip",
    origin,
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) twofold-bench",
  };
}

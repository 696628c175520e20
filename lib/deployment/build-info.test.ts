import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildId, serverActionsKey } from "@/lib/deployment/build-info";

function buildDirectory(files: Record<string, string>): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-build-info-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    fs.writeFileSync(path.join(directory, name), content);
  }
  return directory;
}

describe("what a build says about itself", () => {
  const built = buildDirectory({
    BUILD_ID: "abc123\n",
    "server/server-reference-manifest.json": JSON.stringify({ node: {}, edge: {}, encryptionKey: "build-key" }),
  });

  it("the build id is .next/BUILD_ID, or development without a build", () => {
    expect(buildId(built)).toBe("abc123");
    expect(buildId(buildDirectory({}))).toBe("development");
  });

  it("the server actions key is the configured one, else the one the build made", () => {
    expect(serverActionsKey({ NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "configured-key" }, built)).toBe("configured-key");
    expect(serverActionsKey({}, built)).toBe("build-key");
    expect(serverActionsKey({}, buildDirectory({}))).toBe("none");
  });
});

import { describe, expect, it, vi } from "vitest";
import { checkWebhookUrl, isPublicAddress, resolveThrough, type Resolve } from "@/lib/webhooks/address-rule";

describe("webhook address rule", () => {
  it.each([
    ["93.184.215.14", true],
    ["8.8.8.8", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["::", false],
    ["::1", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["ff02::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:7f00:1", false],
    ["::ffff:8.8.8.8", true],
    ["64:ff9b::a00:1", false],
    ["not an address", false],
  ])("%s is public: %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  const resolvesTo =
    (...addresses: string[]): Resolve =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("accepts https to a public host and pins the checked address", async () => {
    const check = await checkWebhookUrl("https://siem.example/hook", {
      allowedHosts: [],
      resolve: resolvesTo("93.184.215.14"),
    });
    expect(check).toMatchObject({ ok: true, target: { address: { address: "93.184.215.14", family: 4 } } });
  });

  it.each([
    ["http://siem.example/hook", "not-https"],
    ["ftp://siem.example/hook", "not-https"],
    ["https://user:pass@siem.example/hook", "invalid"],
    ["not a url", "invalid"],
    ["https://127.0.0.1/hook", "private-address"],
    ["https://[::1]/hook", "private-address"],
    ["https://[::ffff:169.254.169.254]/hook", "private-address"],
  ])("refuses %s (%s)", async (url, problem) => {
    expect(await checkWebhookUrl(url, { allowedHosts: [], resolve: resolvesTo("93.184.215.14") })).toEqual({
      ok: false,
      problem,
    });
  });

  it("refuses a name with any private address among its answers", async () => {
    expect(
      await checkWebhookUrl("https://rebind.example/", {
        allowedHosts: [],
        resolve: resolvesTo("93.184.215.14", "10.0.0.1"),
      }),
    ).toEqual({ ok: false, problem: "private-address" });
  });

  it("lets the operator's allow-list through, by host or host:port, and only then over http", async () => {
    const local = resolvesTo("127.0.0.1");
    expect(
      (await checkWebhookUrl("http://receiver.internal:8080/", { allowedHosts: ["receiver.internal"], resolve: local }))
        .ok,
    ).toBe(true);
    expect((await checkWebhookUrl("http://127.0.0.1:8080/", { allowedHosts: ["127.0.0.1:8080"] })).ok).toBe(true);
    expect(await checkWebhookUrl("http://127.0.0.1:9090/", { allowedHosts: ["127.0.0.1:8080"] })).toEqual({
      ok: false,
      problem: "not-https",
    });
  });

  describe("lookups through c-ares (offline: the resolver is a stand-in)", () => {
    const notFound = () => Promise.reject(Object.assign(new Error("queryA ENOTFOUND"), { code: "ENOTFOUND" }));
    const queries = (v4: string[] | null, v6: string[] | null) => ({
      resolve4: vi.fn(() => (v4 ? Promise.resolve(v4) : notFound())),
      resolve6: vi.fn(() => (v6 ? Promise.resolve(v6) : notFound())),
    });
    const hostsFile = vi.fn<Resolve>(async () => [{ address: "10.0.0.9", family: 4 }]);

    it("asks for A and AAAA records and checks every address of both", async () => {
      const both = queries(["93.184.215.14"], ["2606:4700:4700::1111"]);
      const check = await checkWebhookUrl("https://siem.example/hook", {
        allowedHosts: [],
        resolve: resolveThrough(both as never, hostsFile),
      });
      expect(check).toMatchObject({ ok: true, target: { address: { address: "93.184.215.14", family: 4 } } });
      expect(both.resolve4).toHaveBeenCalledWith("siem.example");
      expect(both.resolve6).toHaveBeenCalledWith("siem.example");
      // A private AAAA beside a public A is refused.
      const mixed = resolveThrough(queries(["93.184.215.14"], ["fd00::1"]) as never, hostsFile);
      expect(await checkWebhookUrl("https://siem.example/", { allowedHosts: [], resolve: mixed })).toEqual({
        ok: false,
        problem: "private-address",
      });
      // An IPv6-only host works.
      const v6Only = resolveThrough(queries(null, ["2606:4700:4700::1111"]) as never, hostsFile);
      expect(await checkWebhookUrl("https://siem.example/", { allowedHosts: [], resolve: v6Only })).toMatchObject({
        ok: true,
        target: { address: { family: 6 } },
      });
    });

    it("does not fall back to the system lookup, except for an allow-listed host", async () => {
      const nothing = resolveThrough(queries(null, null) as never, hostsFile);
      expect(await checkWebhookUrl("https://siem.example/", { allowedHosts: [], resolve: nothing })).toEqual({
        ok: false,
        problem: "unresolvable",
      });
      expect(hostsFile).not.toHaveBeenCalled();
      expect(
        await checkWebhookUrl("http://receiver.internal/", { allowedHosts: ["receiver.internal"], resolve: nothing }),
      ).toMatchObject({ ok: true, target: { address: { address: "10.0.0.9" } } });
      expect(hostsFile).toHaveBeenCalledWith("receiver.internal");
    });

    it("gives up on a lookup that does not answer by the deadline", async () => {
      const hanging = resolveThrough({
        resolve4: () => new Promise(() => {}),
        resolve6: () => new Promise(() => {}),
      } as never);
      expect(
        await checkWebhookUrl("https://siem.example/", {
          allowedHosts: [],
          resolve: hanging,
          signal: AbortSignal.timeout(50),
        }),
      ).toEqual({ ok: false, problem: "unresolvable" });
    });
  });
});

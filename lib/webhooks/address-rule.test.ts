import { describe, expect, it } from "vitest";
import { checkWebhookUrl, isPublicAddress, type Resolve } from "@/lib/webhooks/address-rule";

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
});

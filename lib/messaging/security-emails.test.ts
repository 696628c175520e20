import { describe, expect, it, vi } from "vitest";
import * as emails from "@/lib/messaging/security-emails";

// Links in emails come from APP_URL; a fixed one keeps the snapshots readable.
vi.mock("@/lib/app-url", () => ({ appUrl: (path: string) => `https://twofold.example.com${path}` }));

const at = new Date("2026-11-28T23:05:00Z");
const user = { id: 7, email: "alice@acme.test", name: "Alice" };
const url = "https://twofold.example.com/link#token";

// One snapshot per template: e2e read these words from the outbox, so a change shows here first.
describe("security emails", () => {
  it("twoFactorEnabled", () => {
    expect(emails.twoFactorEnabled()).toMatchInlineSnapshot(`
      {
        "heading": "Two-factor authentication is on",
        "paragraphs": [
          "Signing in to your account now needs a code from your authenticator app as well as your password.",
        ],
        "subject": "two-factor authentication is on",
      }
    `);
  });
  it("twoFactorDisabled", () => {
    expect(emails.twoFactorDisabled()).toMatchInlineSnapshot(`
      {
        "heading": "Two-factor authentication was turned off",
        "paragraphs": [
          "Your authenticator app, recovery codes and remembered browsers no longer work for your account.",
        ],
        "subject": "two-factor authentication is off",
      }
    `);
  });
  it("signInCodesEnabled", () => {
    expect(emails.signInCodesEnabled()).toMatchInlineSnapshot(`
      {
        "heading": "Codes by text message or email are on",
        "paragraphs": [
          "Signing in to your account now needs a code we send you as well as your password.",
        ],
        "subject": "sign-in codes are on",
      }
    `);
  });
  it("duoEnabled", () => {
    expect(emails.duoEnabled()).toMatchInlineSnapshot(`
      {
        "heading": "Duo is on for your account",
        "paragraphs": [
          "Signing in to your account now asks you to approve it in Duo after your password.",
        ],
        "subject": "Duo is on",
      }
    `);
  });
  it("duoDisabled", () => {
    expect(emails.duoDisabled()).toMatchInlineSnapshot(`
      {
        "heading": "Duo was turned off for your account",
        "paragraphs": [
          "Duo is no longer asked for when you sign in.",
        ],
        "subject": "Duo is off",
      }
    `);
  });
  it("recoveryCodesReplaced", () => {
    expect(emails.recoveryCodesReplaced()).toMatchInlineSnapshot(`
      {
        "heading": "Your recovery codes were replaced",
        "paragraphs": [
          "A new set of recovery codes was made for your account. The old codes no longer work.",
        ],
        "subject": "new recovery codes",
      }
    `);
  });
  it("recoveryCodeUsed", () => {
    expect(emails.recoveryCodeUsed({ codesLeft: 1 })).toMatchInlineSnapshot(`
      {
        "heading": "A recovery code was used on your account",
        "paragraphs": [
          "One of your recovery codes was just used. You have 1 recovery code left.",
          "If you lost your phone or authenticator app, set up a new method and create new recovery codes on your profile: https://twofold.example.com/profile",
          "If it was not you, someone has your password and a recovery code: reset your password at https://twofold.example.com/login/forgot",
        ],
        "subject": "a recovery code was used",
      }
    `);
    expect(emails.recoveryCodeUsed({ codesLeft: 0 }).paragraphs[0]).toBe(
      "One of your recovery codes was just used. You have no recovery codes left.",
    );
  });
  it("twoFactorDisabledByAdministrator", () => {
    expect(emails.twoFactorDisabledByAdministrator({ actorName: "Ada" })).toMatchInlineSnapshot(`
      {
        "heading": "An administrator turned off your two-factor authentication",
        "paragraphs": [
          "Ada turned off two-factor authentication for your account, for example because you lost your phone.",
          "Your authenticator app, passkeys and security keys, recovery codes, sign-in codes and remembered browsers no longer work. Set it up again from your profile.",
        ],
        "subject": "two-factor authentication was turned off",
      }
    `);
  });
  it("twoFactorRequirementChanged", () => {
    expect(emails.twoFactorRequirementChanged({ actorName: "Ada", from: "default", to: "required" }))
      .toMatchInlineSnapshot(`
      {
        "heading": "Your two-factor authentication requirement changed",
        "paragraphs": [
          "Ada changed it from “Organisation default” to “Required”.",
        ],
        "subject": "your two-factor requirement changed",
      }
    `);
  });
  it("twoFactorRequirementChanged names phishing-resistant methods as the admin form does, not the stored value", () => {
    const email = emails.twoFactorRequirementChanged({ actorName: "Ada", from: "required", to: "phishing_resistant" });
    expect(email.paragraphs).toEqual(["Ada changed it from “Required” to “Phishing-resistant methods only”."]);
    expect(JSON.stringify(email)).not.toContain("phishing_resistant");
  });
  it("twoFactorReset", () => {
    expect(emails.twoFactorReset({ actorName: "Ada", reason: "Lost her phone; checked by video call" }))
      .toMatchInlineSnapshot(`
        {
          "heading": "An administrator reset your two-factor authentication",
          "paragraphs": [
            "Ada reset two-factor authentication for your account and signed you out everywhere.",
            "The reason they gave: “Lost her phone; checked by video call”",
            "Your authenticator app, passkeys and security keys, sign-in codes, recovery codes and remembered browsers no longer work; you will set them up again.",
          ],
          "subject": "two-factor authentication was reset",
        }
      `);
  });
  it("twoFactorTurnedOffForOrganisation", () => {
    expect(emails.twoFactorTurnedOffForOrganisation({ actorName: "Ada" })).toMatchInlineSnapshot(`
      {
        "heading": "Two-factor authentication was turned off for your organisation",
        "paragraphs": [
          "Ada turned off two-factor authentication for everyone in your organisation. Signing in now asks only for your password.",
          "Your authenticator app, codes and Duo stay set up, and will be asked for again if it is turned back on.",
        ],
        "subject": "Two-factor authentication turned off for your organisation",
      }
    `);
  });
  it("signInPaused, which does not say 'If this was not you' twice (notifyUser closes with it)", () => {
    const email = emails.signInPaused();
    expect(email).toMatchInlineSnapshot(`
      {
        "heading": "Someone is trying to sign in to your account",
        "paragraphs": [
          "Your password was entered correctly, then the second step failed too many times, so it is paused for a while.",
          "Someone else may know your password: reset it now at https://twofold.example.com/login/forgot",
        ],
        "subject": "failed sign-in attempts",
      }
    `);
    expect(email.paragraphs.join(" ")).not.toContain("If this was not you");
  });
  it("secondFactorLocked, which says it is locked once (the heading), not again in the text", () => {
    const email = emails.secondFactorLocked({ failures: 10 });
    expect([email.heading, ...email.paragraphs].join(" ").match(/is locked/g)).toHaveLength(1);
    const forAdministrator = emails.secondFactorLockedForAdministrator({ user, failures: 10 });
    expect([forAdministrator.heading, ...forAdministrator.paragraphs].join(" ").match(/is locked/g)).toHaveLength(1);
    expect(email).toMatchInlineSnapshot(`
      {
        "heading": "Your second sign-in step is locked",
        "paragraphs": [
          "Your password was entered correctly, then the second step failed 10 times in a row.",
          "To sign in, use one of your recovery codes, or ask an administrator to unlock it.",
          "Someone else may know your password: reset it at https://twofold.example.com/login/forgot",
        ],
        "subject": "your second sign-in step is locked",
      }
    `);
  });
  it("secondFactorLockedForAdministrator", () => {
    expect(emails.secondFactorLockedForAdministrator({ user, failures: 10 })).toMatchInlineSnapshot(`
      {
        "heading": "A user's second sign-in step is locked",
        "paragraphs": [
          "The second step of Alice (alice@acme.test) failed 10 times in a row after a correct password.",
          "Check with them that it was really them, then press “Unlock” on their page: https://twofold.example.com/admin/users/7",
        ],
        "subject": "Alice's second sign-in step is locked",
      }
    `);
  });
  it("secondFactorUnlocked", () => {
    expect(emails.secondFactorUnlocked({ actorName: "Ada" })).toMatchInlineSnapshot(`
      {
        "heading": "Your second sign-in step was unlocked",
        "paragraphs": [
          "Ada unlocked the second step of your sign-in. Your authenticator app, codes and Duo work again.",
        ],
        "subject": "your second sign-in step was unlocked",
      }
    `);
  });
  it("recoveryRequestForAdministrator", () => {
    const request = { createdAt: at, expiresAt: new Date("2026-11-29T23:05:00Z"), ip: "203.0.113.7", userAgent: null };
    expect(emails.recoveryRequestForAdministrator({ user, request, timeZone: "UTC" })).toMatchInlineSnapshot(`
      {
        "heading": "Someone asks for help signing in",
        "paragraphs": [
          "Alice (alice@acme.test) entered their password and said they cannot use any of their two-factor methods, on 28 Nov 2026, 23:05 UTC from 203.0.113.7 (Unknown browser).",
          "Before you do anything, check it is really them by your own means: call them on a number you already know, or see them in person. Do not reply to this email to check.",
          "If it is them, press “Reset two-factor authentication” on their page, and give the reason: https://twofold.example.com/admin/users/7",
          "If it is not them, dismiss the request there and tell them: someone knows their password. The request expires on 29 Nov 2026, 23:05 UTC.",
        ],
        "subject": "Alice cannot use their two-factor methods",
      }
    `);
    expect(
      emails.recoveryRequestForAdministrator({ user, request: { ...request, ip: null }, timeZone: "UTC" })
        .paragraphs[0],
    ).toContain("from an unknown address");
  });
  it("recoveryRequestCreated", () => {
    expect(emails.recoveryRequestCreated({ request: { createdAt: at }, timeZone: "UTC" })).toMatchInlineSnapshot(`
      {
        "heading": "You asked for help signing in",
        "paragraphs": [
          "On 28 Nov 2026, 23:05 UTC, after your password was entered correctly, someone said they cannot use any of your two-factor methods and asked your administrators for help.",
          "If that was you: an administrator will contact you to check it is really you, then reset your two-factor authentication. Nothing changes until then.",
          "If it was not you, someone knows your password. Contact your administrator now so they can dismiss the request.",
        ],
        "subject": "you asked for help signing in",
      }
    `);
  });
  it("newSignIn: browser, system, address and time in the reader's zone (named), and a link to the sessions", () => {
    const context = {
      ip: "203.0.113.7",
      userAgent:
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    };
    expect(emails.newSignIn({ context, at, timeZone: "Europe/Paris" })).toMatchInlineSnapshot(`
      {
        "heading": "New sign-in to your account",
        "paragraphs": [
          "Your account was just signed in to from a browser it has not used before:",
          "Browser: Chrome 131. System: Windows 10. Address: 203.0.113.7. Time: 29 Nov 2026, 00:05 CET.",
          "If this was you, there is nothing to do. If not, end that session and change your password: https://twofold.example.com/profile#sessions",
        ],
        "subject": "New sign-in to Twofold",
      }
    `);
    expect(
      emails.newSignIn({ context: { ip: null, userAgent: null }, at: new Date(0), timeZone: "UTC" }).paragraphs[1],
    ).toContain("Browser: Unknown browser. System: Unknown system. Address: unknown. Time: 1 Jan 1970, 00:00 UTC.");
  });
  it("passwordChanged", () => {
    expect(emails.passwordChanged({ organisationName: "Acme" })).toMatchInlineSnapshot(`
      {
        "heading": "Your password was changed",
        "paragraphs": [
          "The password of your Acme account was just changed, and your other sessions were signed out.",
        ],
        "subject": "your password was changed",
      }
    `);
  });
  it("passwordResetCompleted", () => {
    expect(emails.passwordResetCompleted({ organisationName: "Acme", passkeyNames: [] })).toMatchInlineSnapshot(`
      {
        "heading": "Your password was changed",
        "paragraphs": [
          "The password of your Acme account was reset through a link sent to this address. Every session was signed out and remembered browsers were forgotten.",
          "Your two-factor authentication is unchanged: you still need it to sign in.",
        ],
        "subject": "your password was changed",
      }
    `);
  });
  it("passkeyCloneSuspected", () => {
    expect(
      emails.passkeyCloneSuspected({
        passkeyName: "Blue key",
        context: { ip: "192.0.2.1", userAgent: null },
        at: new Date("2026-03-01T10:00:00Z"),
        timeZone: "UTC",
      }).paragraphs[0],
    ).toBe(
      "Your passkey “Blue key” was just used in a way that suggests it was copied (its signature counter went backwards), so we refused it.",
    );
  });
  it("passwordResetCompleted with passkeys names each and says how to remove one", () => {
    const email = emails.passwordResetCompleted({ organisationName: "Acme", passkeyNames: ["Phone", "Blue key"] });
    expect(email.paragraphs.slice(2)).toEqual([
      "These passkeys and security keys still sign in to your account, without the password: “Phone”, “Blue key”.",
      expect.stringContaining("remove it under “Passkeys and security keys” on your profile"),
    ]);
  });
  it("passwordResetUnavailable, one reason per kind of account", () => {
    expect(
      (["sso", "api_account", "disabled", "invitation_pending"] as const).map((reason) =>
        emails.passwordResetUnavailable({ reason }),
      ),
    ).toMatchInlineSnapshot(`
      [
        {
          "heading": "Someone asked to reset your password",
          "paragraphs": [
            "Someone asked to reset the password of your account.",
            "Your account signs in with SSO, through your organisation's identity provider, so its password is not managed by Twofold. Reset it with your identity provider.",
          ],
          "subject": "password reset requested",
        },
        {
          "heading": "Someone asked to reset your password",
          "paragraphs": [
            "Someone asked to reset the password of your account.",
            "Your account is an API account: it uses API tokens and has no password to reset here.",
          ],
          "subject": "password reset requested",
        },
        {
          "heading": "Someone asked to reset your password",
          "paragraphs": [
            "Someone asked to reset the password of your account.",
            "Your account is disabled, so its password cannot be reset. Contact your administrator.",
          ],
          "subject": "password reset requested",
        },
        {
          "heading": "Someone asked to reset your password",
          "paragraphs": [
            "Someone asked to reset the password of your account.",
            "You have not accepted your invitation yet, so there is no password to reset. Use the link in your invitation email, or ask your administrator for a new invitation.",
          ],
          "subject": "password reset requested",
        },
      ]
    `);
  });
  it("mobileNumberRemoved", () => {
    expect(emails.mobileNumberRemoved({ maskedNumber: "•••• •••107" })).toMatchInlineSnapshot(`
      {
        "heading": "Your mobile number was removed",
        "paragraphs": [
          "•••• •••107 no longer receives sign-in codes for your account; they will come by email.",
        ],
        "subject": "mobile number removed",
      }
    `);
  });
  it("mobileNumberChanged", () => {
    expect(emails.mobileNumberChanged({ maskedNumber: "•••• •••107", previousMaskedNumber: "•••• •••999" }))
      .toMatchInlineSnapshot(`
      {
        "heading": "Your mobile number was changed",
        "paragraphs": [
          "Sign-in codes by text message now go to •••• •••107 instead of •••• •••999.",
        ],
        "subject": "new mobile number",
      }
    `);
    expect(emails.mobileNumberChanged({ maskedNumber: "•••• •••107", previousMaskedNumber: null }).paragraphs).toEqual([
      "Sign-in codes by text message now go to •••• •••107.",
    ]);
  });
  it("passwordResetLink, sent by the user or by an administrator", () => {
    expect(emails.passwordResetLink({ organisationName: "Acme", sentByName: null, url })).toMatchInlineSnapshot(`
      {
        "heading": "Reset your password",
        "intro": [
          "Someone asked to reset the password of your Acme account. To choose a new password, open this link:",
        ],
        "outro": [
          "The link works once and expires in 30 minutes. After the reset, you still sign in with your second factor as usual.",
          "If you did not ask for this, ignore this email: your password stays as it is.",
        ],
        "subject": "reset your password",
        "url": "https://twofold.example.com/link#token",
      }
    `);
    expect(emails.passwordResetLink({ organisationName: "Acme", sentByName: "Ada", url }).intro).toEqual([
      "Ada, an administrator of Acme, sent you this link to choose a new password for your account.",
    ]);
  });
  it("invitation", () => {
    expect(emails.invitation({ organisationName: "Acme", invitedByName: "Ada", expiresAt: at, url }))
      .toMatchInlineSnapshot(`
      {
        "heading": "Ada invited you to Acme",
        "intro": [
          "Ada invited you to sign in to Acme with Twofold.",
          "To accept, open this link, then choose your name and a password:",
        ],
        "outro": [
          "The link works once, until 28 Nov 2026, 23:05 UTC. If it has expired, ask your administrator for a new one.",
          "If you did not expect this invitation, you can ignore this email.",
        ],
        "subject": "you are invited to Twofold",
        "url": "https://twofold.example.com/link#token",
      }
    `);
  });
  it("signInSetupLink", () => {
    expect(emails.signInSetupLink({ organisationName: "Acme", url })).toMatchInlineSnapshot(`
      {
        "heading": "Finish signing in: set up two-factor authentication",
        "intro": [
          "Acme requires a second step at sign-in. To set it up, open this link in the browser where you just signed in:",
        ],
        "outro": [
          "The link works once, only in that browser, and expires in 24 hours.",
          "If you did not just sign in, change your password and tell your administrator.",
        ],
        "subject": "set up two-factor authentication",
        "url": "https://twofold.example.com/link#token",
      }
    `);
  });
  it("authenticatorSetupLink", () => {
    expect(emails.authenticatorSetupLink({ organisationName: "Acme", adminName: "Ada", url })).toMatchInlineSnapshot(`
      {
        "heading": "Set up two-factor authentication",
        "intro": [
          "Ada asked you to set up an authenticator app for your Acme account. Open this link, sign in, and follow the steps:",
        ],
        "outro": [
          "The link works once and expires in 24 hours.",
          "If you did not expect this, contact your administrator.",
        ],
        "subject": "set up your authenticator app",
        "url": "https://twofold.example.com/link#token",
      }
    `);
  });
  it("recoveryCodeBreakGlass, which says the administrators were told", () => {
    expect(emails.recoveryCodeBreakGlass({ codesLeft: 4 }).paragraphs[0]).toContain("Your administrators were told.");
  });
  it("recoveryCodeBreakGlassForAdministrator names the user and links to their page", () => {
    const email = emails.recoveryCodeBreakGlassForAdministrator({
      user: { id: 7, email: "grace@example.com", name: "Grace" },
    });
    expect(email.subject).toBe("Grace signed in with a recovery code instead of a passkey");
    expect(email.paragraphs.join(" ")).toContain("/admin/users/7");
  });
  it("passkeyRemovedByAdministrator names the passkey and who removed it", () => {
    const email = emails.passkeyRemovedByAdministrator({ actorName: "Ada", passkeyName: "Work laptop" });
    expect(email.paragraphs[0]).toContain("Ada removed the passkey or security key “Work laptop”");
  });
});

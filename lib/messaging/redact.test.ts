import { describe, expect, it } from "vitest";
import { describeErrorForLog, redactContactDetails } from "@/lib/messaging/redact";

describe("redactContactDetails", () => {
  it.each([
    // Twilio's own words, as its API returns them.
    [
      "The 'To' number +15551234567 is not a valid phone number.",
      "The 'To' number [phone number] is not a valid phone number.",
    ],
    [
      "Twilio 400 21211: Invalid 'To' Phone Number: +447700900123",
      "Twilio 400 21211: Invalid 'To' Phone Number: [phone number]",
    ],
    [
      "The 'To' number 5551234567 is not a valid phone number.",
      "The 'To' number [phone number] is not a valid phone number.",
    ],
    [
      "Twilio 400 21614: 'To' number +1 (555) 123-4567 is not a mobile number",
      "Twilio 400 21614: 'To' number [phone number] is not a mobile number",
    ],
    ["to +44 20 7946 0958 failed", "to [phone number] failed"],
    ["to +33.6.12.34.56.78 failed", "to [phone number] failed"],
    ["call (555) 123-4567 or 555-123-4567 or 555.123.4567", "call [phone number] or [phone number] or [phone number]"],
    ["UK number 020 7946 0958", "UK number [phone number]"],
    ["Danish 12345678", "Danish [phone number]"],
    // Resend's.
    [
      "Resend 422 validation_error: Invalid `to` field: alice.o'neil@example.com",
      "Resend 422 validation_error: Invalid `to` field: [email address]",
    ],
    ["'To' field: 'frank@example.com'", "'To' field: '[email address]'"],
    [
      "Resend 422 validation_error: Invalid `to` field: alice+2fa@mail.example.co.uk.",
      "Resend 422 validation_error: Invalid `to` field: [email address].",
    ],
    ["sending to Bob <bob@example.org> failed", "sending to Bob <[email address]> failed"],
    [
      "GET https://api.example.com/v1/users?email=carol%40example.com",
      "GET https://api.example.com/v1/users?email=[email address]",
    ],
    ["both bob@example.org and +15551234567", "both [email address] and [phone number]"],
    // Gaps an attacker's sign-up or a provider's quote could use: national numbers in two groups, addresses in other scripts.
    ["UK mobile 07700 900123 refused", "UK mobile [phone number] refused"],
    ["Festnetz 0170-1234567", "Festnetz [phone number]"],
    ["to josé@exämple.com failed", "to [email address] failed"],
    ["to müller@example.de failed", "to [email address] failed"],
    ["to 用户@例子.中国 failed", "to [email address] failed"],
  ])("takes the contact details out of %j", (input, expected) => {
    expect(redactContactDetails(input)).toBe(expected);
  });

  it.each([
    "Twilio 400 21211: Invalid 'To' Phone Number",
    "Twilio 429 20429: Too Many Requests",
    "More information: https://www.twilio.com/docs/errors/21211",
    "POST http://127.0.0.1:4010/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json",
    "Message SM12345678901234567890123456789012 queued",
    "Resend 403 validation_error: The example.com domain is not verified.",
    "Resend did not answer within 5000 ms",
    "connect ECONNREFUSED 10.0.100.200:443",
    "at 2026-11-29 04:38:50 UTC",
    "version 1.13.16, status 503",
    "",
  ])("leaves %j as it is", (input) => {
    expect(redactContactDetails(input)).toBe(input);
  });

  it("is idempotent: redacting twice changes nothing more", () => {
    const once = redactContactDetails("to +15551234567 and dave@example.com");
    expect(redactContactDetails(once)).toBe(once);
  });
});

describe("describeErrorForLog", () => {
  it("redacts an error's stack and anything thrown that is not an Error", () => {
    const error = new Error("send to erin@example.com failed");
    expect(describeErrorForLog(error)).toMatch(/^Error: send to \[email address\] failed\n/);
    expect(describeErrorForLog("+15551234567")).toBe("[phone number]");
  });
});

import type { AuditDetails } from "@/lib/audit-log-changes";

/*
 * What the audit log says about a webhook's address: its origin (scheme,
 * host, port), never the path or query, which often carry the receiver's
 * token (Slack's …/services/T…/B…/<token>). Audit details are shown to
 * auditors, exported and streamed (review L6; OWASP ASVS 5.0 V14.2.4,
 * sensitive data kept out of logs).
 */

/** The origin of `url`; "" when it is not a URL. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/**
 * An event's details as they may be read. Webhook events recorded before
 * L6 hold the whole `url`: it is read as its `origin`, as newer events record
 * it, wherever the log is read (the page, its CSV export, /api/v1/audit all
 * go through lib/admin/audit-log.ts), so nothing stored earlier leaks a token.
 */
export function auditDetailsAsRead(type: string, details: AuditDetails | null): AuditDetails | null {
  if (!details || !type.startsWith("webhook") || !("url" in details)) return details;
  const { url, ...rest } = details;
  return { ...rest, origin: typeof url === "string" ? urlOrigin(url) : "" };
}

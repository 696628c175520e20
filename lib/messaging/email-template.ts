/** Plain-text and HTML parts of one short notification, both saying the same thing. */
export function notificationEmail(input: {
  organisationName: string;
  heading: string;
  paragraphs: string[];
  /** A code to show large, after the first paragraph. */
  code?: string;
}): { text: string; html: string } {
  const paragraphsText = input.paragraphs.flatMap((p) => [p, ""]);
  if (input.code) paragraphsText.splice(2, 0, `    ${input.code}`, "");
  const text = [input.heading, "", ...paragraphsText, `— ${input.organisationName} via Twofold`].join("\n");
  const paragraphsHtml = input.paragraphs.map((p) => `<p style="line-height:1.5;margin:0 0 12px">${escapeHtml(p)}</p>`);
  if (input.code) {
    paragraphsHtml.splice(
      1,
      0,
      `<p style="font-family:ui-monospace,Menlo,monospace;font-size:28px;letter-spacing:6px;font-weight:600;margin:8px 0 16px">${escapeHtml(input.code)}</p>`,
    );
  }
  const html = `<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,sans-serif;color:#0f172a">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:24px">
<h1 style="font-size:18px;margin:0 0 16px">${escapeHtml(input.heading)}</h1>
${paragraphsHtml.join("\n")}
<p style="color:#64748b;font-size:13px;margin:16px 0 0">${escapeHtml(input.organisationName)} via Twofold</p>
</div></body></html>`;
  return { text, html };
}

function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

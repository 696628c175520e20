/** Plain-text and HTML parts of one short notification, both saying the same thing. */
export function notificationEmail(input: {
  organisationName: string;
  heading: string;
  paragraphs: string[];
}): { text: string; html: string } {
  const text = [input.heading, "", ...input.paragraphs.flatMap((p) => [p, ""]), `— ${input.organisationName} via Twofold`].join(
    "\n",
  );
  const html = `<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,sans-serif;color:#0f172a">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:24px">
<h1 style="font-size:18px;margin:0 0 16px">${escapeHtml(input.heading)}</h1>
${input.paragraphs.map((p) => `<p style="line-height:1.5;margin:0 0 12px">${escapeHtml(p)}</p>`).join("\n")}
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

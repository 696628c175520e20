import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { TimeZoneCookie } from "@/components/time-zone-cookie";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Twofold", template: "%s · Twofold" },
  description: "Two-factor authentication for your organisation",
};

export const viewport: Viewport = { themeColor: "#4f46e5" };

/*
 * Every page is rendered for its request, never prerendered at build time:
 * Next.js gives its scripts the nonce of the request's Content-Security-Policy
 * (proxy.ts), and a prerendered page's scripts would have none and be blocked.
 * This includes the "not found" page, which would otherwise be static.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <TimeZoneCookie />
      </body>
    </html>
  );
}

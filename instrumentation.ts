export async function register() {
  // The database and native modules exist only in the Node.js runtime.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseForbiddenMethods } = await import("@/lib/forbidden-methods");
    refuseForbiddenMethods();
    const { startServer } = await import("@/lib/startup");
    await startServer();
  }
}

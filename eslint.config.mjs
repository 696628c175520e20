import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";

// Boundaries (STYLE.md "Layout"): only the data-access layer in lib/ touches the database,
// components/ never reaches into a route, and domain code in lib/ stays unit-testable without Next.js.
const databaseOutsideDataAccess = {
  regex: "^(@/db|drizzle-orm)(/.*)?$",
  message: "Only lib/ reaches the database: use a lib/data function, which checks the actor and returns a DTO.",
};
const routeFromSharedComponent = {
  regex: "^@/app(/.*)?$",
  message: "components/ holds pieces shared by several routes and never imports app/; pass what it needs as props.",
};
const nextInDomainCode = {
  regex: "^next(/.*)?$",
  message:
    "Domain code never imports next/*; flows that redirect, set cookies or return form state live in lib/flows/.",
};

// SQLite-only, and lazy now that queries are awaited: `.get()`, `.all()`, `.run()` and a handle's raw
// `db.run(sql…)` would build nothing on PostgreSQL, and an unawaited one silently never runs.
const syncDrizzleCalls = [
  {
    selector:
      "CallExpression[arguments.length=0]:not([callee.object.callee.property.name=/^(prepare|pluck|raw)$/]) > MemberExpression.callee > Identifier.property[name=/^(get|all|run)$/]",
    message:
      "Await the query instead (`(await q)[0]` for one row): the database is asynchronous and may be PostgreSQL.",
  },
  {
    selector:
      "CallExpression > MemberExpression.callee[object.name=/^(db|tx)$/] > Identifier.property[name=/^(run|all|get|values)$/]",
    message: "Use queryRows or runStatement from @/db: they run hand-written SQL on SQLite and PostgreSQL alike.",
  },
];

// The names this repo gives a Drizzle handle: `db`, a transaction `tx`, and `getDb()` called in place.
const drizzleObjectName = ["db", "tx", "getDb"];

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    plugins: { drizzle },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      // `const { secret, ...rest } = row` is how a field is left out.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, argsIgnorePattern: "^_" }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName }],
      "no-restricted-syntax": ["error", ...syncDrizzleCalls],
    },
  },
  {
    files: ["app/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [databaseOutsideDataAccess] }] },
  },
  {
    files: ["components/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [databaseOutsideDataAccess, routeFromSharedComponent] }] },
  },
  {
    files: ["lib/**"],
    ignores: [
      "lib/flows/**",
      "lib/auth/guards.ts",
      "lib/auth/auth.ts",
      "lib/api/guard.ts",
      "lib/**/*.test.ts",
      "lib/**/*.test.tsx",
    ],
    rules: { "no-restricted-imports": ["error", { patterns: [nextInDomainCode] }] },
  },
  // A test's database holds one organisation, so updating or emptying a whole table is the point there.
  {
    files: ["**/*.test.ts", "**/*.test.tsx"],
    rules: { "drizzle/enforce-delete-with-where": "off", "drizzle/enforce-update-with-where": "off" },
  },
  // Playwright fixtures receive a callback named `use`; it is not React's hook. A locator's `.all()` is Playwright's.
  {
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off", "no-restricted-syntax": ["error", syncDrizzleCalls[1]] },
  },
  { ignores: [".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
];

export default config;

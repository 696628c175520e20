export function planProcesses(
  env: Record<string, string | undefined>,
  cores: number,
): { processes: number; hashConcurrency: string; error?: undefined } | { error: string };
export function stoppedOnRequest(code: number | null, signal: string | null): boolean;
export function describeExit(code: number | null, signal: string | null): string;
export class RestartBudget {
  constructor(limit: number, windowMs: number);
  allow(now: number): boolean;
  readonly used: number;
}

// autocannon ships no types; these cover the part of its API the bench uses.
declare module "autocannon" {
  type Histogram = {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
  };

  export type Client = { setHeaders: (headers: Record<string, string>) => void };

  export type Options = {
    url: string;
    connections: number;
    /** Seconds. */
    duration: number;
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    /** Called once per connection before its first request. */
    setupClient?: (client: Client) => void;
    /** Seconds without a response before a request counts as a timeout. */
    timeout?: number;
  };

  export type Result = {
    latency: Histogram;
    requests: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
    "5xx": number;
    totalCompletedRequests: number;
    statusCodeStats: Record<string, { count: number }>;
  };

  /** A running benchmark: awaitable for its result, and an emitter of each response. */
  export type Instance = PromiseLike<Result> & {
    on(
      event: "response",
      listener: (client: Client, statusCode: number, bytes: number, milliseconds: number) => void,
    ): Instance;
    on(event: "reqError", listener: (error: Error) => void): Instance;
  };

  function autocannon(options: Options): Instance;
  export default autocannon;
}

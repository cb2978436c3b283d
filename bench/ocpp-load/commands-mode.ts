/**
 * `--mode commands`: stations connected and idle; an HTTP client fires
 * `POST /api/v1/stations/{id}/commands/{action}` at a fixed rate, round-robin over the stations,
 * open loop: each request goes out at its scheduled time whether or not earlier ones have been
 * answered, and its latency is counted from that scheduled time, so queueing anywhere (generator
 * included) shows in the figures. Every 200 is the charger's reply, round-tripped through the
 * API (and in the cluster through RabbitMQ and the gateway holding the socket); the stations
 * count the calls they received as a cross-check.
 */
import { Agent, request } from 'node:http';
import type { BenchOptions } from './args.js';
import { connectBenchFleet } from './fleet.js';
import { CpuProbe, RssSampler, type CpuWindow } from './proc.js';
import { ADMIN_TOKEN, type Server } from './server.js';
import { fmt, Latencies, sleep, type LatencySummary } from './stats.js';
import type { Session } from './session.js';

export interface CommandsResult {
  mode: 'commands';
  command: string;
  stationsRequested: number;
  stationsConnected: number;
  offeredPerSec: number;
  windowSeconds: number;
  /** Requests scheduled in the window. */
  sentInWindow: number;
  /** 200 responses to requests scheduled in the window. */
  okInWindow: number;
  achievedPerSec: number;
  latency: LatencySummary;
  /** How late the generator sent requests after their scheduled time (its own lag), ms. */
  sendLag: LatencySummary;
  /** Non-200 answers and transport errors in the window, by HTTP status and error code (e.g. `504 CHARGER_TIMEOUT`). */
  errors: Record<string, number>;
  errorCount: number;
  errorSamples: string[];
  /** Requests still unanswered when the run ended. */
  unanswered: number;
  /** Calls of this action the stations received, whole run (warm-up included). */
  deliveredToStations: number;
  /** 200 responses, whole run (they must not exceed the calls delivered). */
  okTotal: number;
  /** Most requests in flight at once. */
  maxInFlight: number;
  cpu: CpuWindow;
  rssMaxMb: Record<string, number>;
  disconnects: number;
}

/** One open-loop request: resolves with the status and, on failure, the API's error code or the transport error. */
function send(agent: Agent, url: URL, body: string, timeoutMs: number): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${ADMIN_TOKEN}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 200) return resolve({ status });
          let code = 'unknown';
          try {
            code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code?: string } }).error?.code ?? code;
          } catch {
            // Not JSON: keep 'unknown'.
          }
          resolve({ status, error: code });
        });
        res.on('error', (e) => resolve({ status: 0, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    req.end(body);
  });
}

/**
 * Runs the API command benchmark against started Voltlane processes.
 * @example const result = await runCommands(opts, server, session);
 */
export async function runCommands(opts: BenchOptions, server: Server, session: Session): Promise<CommandsResult> {
  const rss = new RssSampler(server.processes);
  session.onCleanup(() => rss.stop());
  const probe = new CpuProbe(server.processes, { postgres: server.usesPostgres, broker: server.usesBroker });
  session.status(`connecting ${fmt(opts.stations)} stations`);
  const fleet = await connectBenchFleet(session, server, opts);
  if (!fleet.ready.length) throw new Error('No station connected; see the server log with --log-level info');
  let delivered = 0;
  for (const st of fleet.ready) st.on('request', (action) => void (action === opts.command && delivered++));
  // Let the StatusNotifications after the boots go out first.
  await sleep(1000);

  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  session.onCleanup(() => agent.destroy());
  const body = JSON.stringify(opts.payload);
  const urls = fleet.ready.map((st) => new URL(`${server.httpUrl}/api/v1/stations/${encodeURIComponent(st.id)}/commands/${opts.command}`));
  const intervalMs = 1000 / opts.rate;
  const latencies = new Latencies();
  const lag = new Latencies();
  const errors: Record<string, number> = {};
  const errorSamples = new Set<string>();
  let sentInWindow = 0;
  let okInWindow = 0;
  let okTotal = 0;
  let errorCount = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const pending = new Set<Promise<void>>();

  const t0 = performance.now();
  const windowStart = t0 + opts.warmupSec * 1000;
  const windowEnd = windowStart + opts.durationSec * 1000;
  let cpuMark = probe.mark();
  let cpu: CpuWindow | undefined;
  let rssMaxMb: Record<string, number> | undefined;
  const startTimer = setTimeout(() => {
    cpuMark = probe.mark();
    rss.reset();
  }, opts.warmupSec * 1000);
  const ticker = setInterval(() => {
    const now = performance.now();
    const phase = now < windowStart ? 'warm-up' : now < windowEnd ? 'measuring' : 'draining';
    session.status(`${phase}: ${fmt(okInWindow)} commands answered in the window, ${inFlight} in flight`);
  }, 1000);

  const fire = (k: number, scheduled: number) => {
    const inWindow = scheduled >= windowStart && scheduled < windowEnd;
    if (inWindow) sentInWindow++;
    lag.add(performance.now() - scheduled);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const p = send(agent, urls[k % urls.length]!, body, opts.timeoutSec * 1000 + 5000).then((r) => {
      inFlight--;
      const ms = performance.now() - scheduled;
      if (r.status === 200) {
        okTotal++;
        if (inWindow) {
          okInWindow++;
          latencies.add(ms);
        }
        return;
      }
      if (!inWindow) return;
      errorCount++;
      const key = `${r.status || 'network'} ${r.error ?? ''}`.trim();
      errors[key] = (errors[key] ?? 0) + 1;
      if (errorSamples.size < 5) errorSamples.add(key);
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  // Open loop: on every tick send what is due by now, each stamped with its own scheduled time.
  let k = 0;
  try {
    while (!session.aborted()) {
      const now = performance.now();
      if (now >= windowEnd) break;
      while (t0 + k * intervalMs <= now && t0 + k * intervalMs < windowEnd) {
        fire(k, t0 + k * intervalMs);
        k++;
      }
      const nextAt = t0 + k * intervalMs;
      await sleep(Math.max(0, Math.min(nextAt - performance.now(), 5)));
    }
    cpu = probe.since(cpuMark);
    rss.sample();
    rssMaxMb = { ...rss.maxMb };
    session.status(`waiting for ${pending.size} requests in flight`);
    const drainUntil = performance.now() + opts.timeoutSec * 1000 + 6000;
    while (pending.size && performance.now() < drainUntil && !session.aborted()) await Promise.race([sleep(200), ...pending]);
  } finally {
    clearTimeout(startTimer);
    clearInterval(ticker);
  }
  cpu ??= probe.since(cpuMark);
  rssMaxMb ??= { ...rss.maxMb };
  const unanswered = pending.size;
  const disconnects = fleet.disconnects();
  const gone = server.exited();
  if (gone) session.note(`exited during the run: ${gone}; the log:\n${server.logTail()}`);
  await fleet.stop();
  const windowSeconds = Math.max(0.001, Math.min(performance.now(), windowEnd) - windowStart) / 1000;
  return {
    mode: 'commands',
    command: opts.command,
    stationsRequested: opts.stations,
    stationsConnected: fleet.ready.length,
    offeredPerSec: opts.rate,
    windowSeconds,
    sentInWindow,
    okInWindow,
    achievedPerSec: okInWindow / windowSeconds,
    latency: latencies.summary(),
    sendLag: lag.summary(),
    errors,
    errorCount,
    errorSamples: [...errorSamples],
    unanswered,
    deliveredToStations: delivered,
    okTotal,
    maxInFlight,
    cpu,
    rssMaxMb,
    disconnects,
  };
}

/**
 * CPU and memory of processes and of the machine, read from /proc (Linux only).
 * CPU times are in seconds; a "% of one core" figure is cpuSeconds / wallSeconds * 100.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on every usual Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * User + system CPU seconds a process has used so far, or undefined if it is gone.
 * @example processCpuSeconds(1234) // -> 12.37
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.cpu;
  } catch {
    return undefined;
  }
}

/** utime + stime (fields 14 and 15) and the command name of a /proc/<pid>/stat line. */
function parseStat(text: string): { comm: string; cpu: number } | undefined {
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { comm: text.slice(open + 1, close), cpu: (utime + stime) / ticksPerSecond() };
}

/**
 * Resident set size of a process in MB (VmRSS), or undefined if it is gone.
 * @example processRssMb(1234) // -> 187.4
 */
export function processRssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by all processes with this command name (e.g. every `postgres` backend).
 * Processes that exit between two readings take their time with them, so use it over a window in
 * which the processes live throughout (the server's connection pool).
 */
export function cpuSecondsByName(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const s = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (s?.comm === comm) total += s.cpu;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Busy and total CPU seconds of the whole machine, summed over all cores (first line of /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() };
}

/**
 * The soft limit on open files of this process (what `ulimit -n` shows), from /proc/self/limits.
 * @example openFilesLimit() // -> 1024
 */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return undefined;
    return m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** A process whose CPU and memory the report shows (a Voltlane process: the all-in-one server or a cluster node). */
export interface Watched {
  /** e.g. `server`, `api-1`, `gateway-2`. */
  name: string;
  role: 'server' | 'api' | 'gateway' | 'worker';
  pid: number;
}

/** What else to measure besides the Voltlane processes and the load generator. */
export interface CpuScope {
  /** All `postgres` processes on the machine. */
  postgres: boolean;
  /** RabbitMQ (the Erlang VM, `beam.smp`). */
  broker: boolean;
}

/** Readings taken at the start of a measuring window, to compute averages at its end. */
export interface CpuMark {
  at: number;
  processes: number[];
  generator: number;
  postgres: number;
  broker: number;
  machine: { busy: number; total: number };
}

/** Average CPU over a window, each in % of one core (machine: % of all cores). */
export interface CpuWindow {
  seconds: number;
  /** Each Voltlane process, in the order given. */
  processes: { name: string; role: Watched['role']; pct: number }[];
  /** All Voltlane processes together. */
  serverPct: number;
  generatorPct: number;
  /** Sum over all `postgres` processes on the machine (0 when not measured). */
  postgresPct: number;
  /** RabbitMQ's Erlang VM (0 when not measured). */
  brokerPct: number;
  machinePct: number;
  /** CPU used by everything else on the machine (other processes, kernel), in % of one core: disturbs the figures when high. */
  otherPct: number;
}

/**
 * CPU of the Voltlane processes, the load generator, PostgreSQL, RabbitMQ and the machine over
 * a window, from /proc.
 * @example const probe = new CpuProbe(server.processes, { postgres: true, broker: false }); const m = probe.mark(); ...; probe.since(m).serverPct
 */
export class CpuProbe {
  constructor(
    readonly processes: Watched[],
    readonly scope: CpuScope,
  ) {}

  /** Takes the readings that {@link since} compares against. */
  mark(): CpuMark {
    const u = process.cpuUsage();
    return {
      at: performance.now(),
      processes: this.processes.map((p) => processCpuSeconds(p.pid) ?? 0),
      generator: (u.user + u.system) / 1e6,
      postgres: this.scope.postgres ? cpuSecondsByName('postgres') : 0,
      broker: this.scope.broker ? cpuSecondsByName('beam.smp') : 0,
      machine: machineCpuSeconds(),
    };
  }

  /** Average CPU use since `mark`. */
  since(mark: CpuMark): CpuWindow {
    const now = this.mark();
    const seconds = (now.at - mark.at) / 1000;
    const pct = (a: number, b: number) => (seconds > 0 ? (Math.max(0, b - a) / seconds) * 100 : 0);
    const machineTotal = now.machine.total - mark.machine.total;
    const processes = this.processes.map((p, i) => ({ name: p.name, role: p.role, pct: pct(mark.processes[i] ?? 0, now.processes[i] ?? 0) }));
    const serverPct = processes.reduce((a, p) => a + p.pct, 0);
    const generatorPct = pct(mark.generator, now.generator);
    const postgresPct = pct(mark.postgres, now.postgres);
    const brokerPct = pct(mark.broker, now.broker);
    const machineBusyPct = pct(mark.machine.busy, now.machine.busy);
    return {
      seconds,
      processes,
      serverPct,
      generatorPct,
      postgresPct,
      brokerPct,
      machinePct: machineTotal > 0 ? ((now.machine.busy - mark.machine.busy) / machineTotal) * 100 : 0,
      otherPct: Math.max(0, machineBusyPct - serverPct - generatorPct - postgresPct - brokerPct),
    };
  }
}

/**
 * Samples the RSS of several processes every `everyMs` and keeps each one's maximum.
 * @example const rss = new RssSampler(server.processes); ...; rss.reset(); ...; rss.maxMb['server']; rss.stop();
 */
export class RssSampler {
  /** Maximum per process name since the last reset, MB. */
  maxMb: Record<string, number> = {};
  /** Last reading per process name, MB. */
  lastMb: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly processes: Watched[],
    everyMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  /** Reads the RSS now (also updates the maxima); returns the readings by process name. */
  sample(): Record<string, number> {
    for (const p of this.processes) {
      const mb = processRssMb(p.pid);
      if (mb === undefined) continue;
      this.lastMb[p.name] = mb;
      if (mb > (this.maxMb[p.name] ?? 0)) this.maxMb[p.name] = mb;
    }
    return { ...this.lastMb };
  }

  /** Sum of the last readings of all processes (or of one role), MB. */
  total(role?: Watched['role']): number {
    return this.processes.filter((p) => !role || p.role === role).reduce((a, p) => a + (this.lastMb[p.name] ?? 0), 0);
  }

  /** Starts new maxima from the current values. */
  reset(): void {
    this.maxMb = {};
    this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

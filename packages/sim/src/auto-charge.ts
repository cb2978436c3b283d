import type { SimStation } from './station.js';

/** Demo traffic: sessions that start and stop on their own. */
export interface AutoChargeOptions {
  /** Tags drivers present (the CSMS must accept them). */
  idTags: string[];
  /** Every this many seconds each registered station starts a session on a free connector, with probability 1/2. */
  everySec: number;
  /** Sessions last this long (±20 %), then the driver stops and unplugs. */
  durationSec: number;
}

interface Session {
  st: SimStation;
  connectorId: number;
  stopAt: number;
}

/**
 * Starts random sessions across a fleet: plug in, present a random tag, charge, stop, unplug.
 * One timer for the whole fleet, whatever its size.
 * @example const auto = startAutoCharge(stations, { idTags: ['TAG1'], everySec: 20, durationSec: 90 }, console.log); auto.stop();
 */
export function startAutoCharge(stations: readonly SimStation[], opts: AutoChargeOptions, log: (msg: string) => void): { stop(): void } {
  const sessions: Session[] = [];
  const fail = (st: SimStation) => (e: Error) => log(`[${st.id}] auto-charge: ${e.message}`);

  const end = (s: Session) => {
    void (async () => {
      await s.st.stopTransaction(s.connectorId, 'Local');
      await s.st.unplug(s.connectorId);
    })().catch(fail(s.st));
  };

  const begin = (st: SimStation) => {
    const free = st.connectors.filter((c) => c.id > 0 && !c.tx && c.status === 'Available');
    const c = free[Math.floor(Math.random() * free.length)];
    const idTag = opts.idTags[Math.floor(Math.random() * opts.idTags.length)];
    if (!c || !idTag) return;
    const s: Session = { st, connectorId: c.id, stopAt: Date.now() + opts.durationSec * 1000 * (0.8 + Math.random() * 0.4) };
    sessions.push(s);
    void (async () => {
      await st.plugIn(c.id);
      const r = await st.startTransaction(c.id, idTag);
      if (r.status === 'Accepted') return;
      log(`[${st.id}] auto-charge: ${idTag} not accepted (${r.status})`);
      sessions.splice(sessions.indexOf(s), 1);
      await st.unplug(c.id);
    })().catch(fail(st));
  };

  const tick = () => {
    const now = Date.now();
    for (let i = sessions.length - 1; i >= 0; i--) {
      if (sessions[i]!.stopAt <= now) end(sessions.splice(i, 1)[0]!);
    }
    for (const st of stations) {
      if (st.connected && st.registrationStatus === 'Accepted' && Math.random() < 0.5) begin(st);
    }
  };

  const timer = setInterval(tick, Math.max(1, opts.everySec) * 1000);
  tick();
  return { stop: () => clearInterval(timer) };
}

/** An open report: what was asked (once the reply is seen) and what has been reported so far. */
interface OpenReport<C> {
  criteria?: C;
  keys: Set<string>;
  done: boolean;
  touchedAt: number;
}

/** Removes what a finished report did not mention: stored items matching `criteria` whose key is not in `reported`. */
export type FinishReport<C> = (stationId: string, criteria: C, reported: string[]) => Promise<void>;

/**
 * Follows the reports a station sends for a Get... request (GetChargingProfiles ->
 * ReportChargingProfiles, GetDisplayMessages -> NotifyDisplayMessages), so that the stored view can
 * be made equal to what the station reported. Each report message is stored as it arrives; once the
 * last message (tbc false) is in AND the request's criteria are known, `finish` removes what
 * matched the criteria but was not reported. The two may come in either order: the station can
 * send its first report before the CSMS has processed the reply to the request.
 * Reports for requests this process did not send (criteria never known) only add and update.
 * @example
 * const t = new ReportTracker<Criteria>((station, c, keys) => repo.deleteUnreported(station, c, keys));
 * await t.requested('CP1', 7, { evseId: 1 });        // effect of GetChargingProfiles (Accepted)
 * await t.reported('CP1', 7, ['CSO|3'], true);       // ReportChargingProfiles, after storing profile 3
 */
export class ReportTracker<C> {
  private readonly open = new Map<string, OpenReport<C>>();

  constructor(
    private readonly finish: FinishReport<C>,
    private readonly ttlMs = 2 * 60_000,
  ) {}

  /** The station accepted the request: reports with this id will follow. */
  async requested(stationId: string, requestId: number, criteria: C): Promise<void> {
    const r = this.entry(stationId, requestId);
    r.criteria = criteria;
    await this.settle(stationId, requestId, r);
  }

  /** One report message was stored; `last` when its tbc is false. */
  async reported(stationId: string, requestId: number, keys: string[], last: boolean): Promise<void> {
    const r = this.entry(stationId, requestId);
    for (const k of keys) r.keys.add(k);
    if (last) r.done = true;
    await this.settle(stationId, requestId, r);
  }

  /** Open reports (for tests and diagnostics). */
  get size(): number {
    return this.open.size;
  }

  private entry(stationId: string, requestId: number): OpenReport<C> {
    this.prune();
    const k = `${stationId}\u0000${requestId}`;
    let r = this.open.get(k);
    if (!r) {
      r = { keys: new Set(), done: false, touchedAt: 0 };
      this.open.set(k, r);
    }
    r.touchedAt = Date.now();
    return r;
  }

  private async settle(stationId: string, requestId: number, r: OpenReport<C>): Promise<void> {
    if (!r.done || r.criteria === undefined) return;
    // Deleted before finishing, so a request id used again starts a fresh report.
    this.open.delete(`${stationId}\u0000${requestId}`);
    await this.finish(stationId, r.criteria, [...r.keys]);
  }

  /**
   * Forgets reports idle for ttlMs: a station that never reported, or reports nobody asked for here
   * (kept only briefly, so a request id used again later does not complete with old keys).
   */
  private prune(): void {
    const oldest = Date.now() - this.ttlMs;
    for (const [k, r] of this.open) if (r.touchedAt < oldest) this.open.delete(k);
  }
}

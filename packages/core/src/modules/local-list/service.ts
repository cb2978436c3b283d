import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso } from '../../rows.js';

export interface LocalList {
  stationId: string;
  version: number | null;
  entries: { idToken: string; status: string | null; expiresAt: string | null; parentIdToken: string | null }[];
}

/**
 * The local authorization list Voltlane last sent each station (full or differential updates,
 * versioned), kept in step with SendLocalList and GetLocalListVersion replies.
 */
export class LocalListService {
  constructor(private readonly ctx: CoreContext) {}

  /** OCPP 2.0.1/2.1 messages of this block. */
  register201(_reg: HandlerRegistry): void {}

  register16(reg: HandlerRegistry): void {
    reg.effect16('SendLocalList', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.ctx.db.transaction(async (tx) => {
        if (req.updateType === 'Full') await tx.query('delete from local_list_entries where station_id = $1', [stationId]);
        for (const e of req.localAuthorizationList ?? []) {
          if (!e.idTagInfo) {
            // Differential update without idTagInfo removes the entry.
            await tx.query('delete from local_list_entries where station_id = $1 and id_token = $2', [stationId, e.idTag]);
            continue;
          }
          await tx.query(
            `insert into local_list_entries (station_id, id_token, status, expires_at, parent_id_token) values ($1, $2, $3, $4, $5)
             on conflict (station_id, id_token) do update set status = excluded.status, expires_at = excluded.expires_at,
               parent_id_token = excluded.parent_id_token`,
            [stationId, e.idTag, e.idTagInfo.status, e.idTagInfo.expiryDate ?? null, e.idTagInfo.parentIdTag ?? null],
          );
        }
        await this.setVersion(tx, stationId, req.listVersion);
      });
    });
    reg.effect16('GetLocalListVersion', async (stationId, _req, res) => {
      await this.setVersion(this.ctx.db, stationId, res.listVersion);
    });
  }

  private async setVersion(db: { query: CoreContext['db']['query'] }, stationId: string, version: number): Promise<void> {
    await db.query(
      `insert into local_lists (station_id, version) values ($1, $2)
       on conflict (station_id) do update set version = excluded.version, updated_at = now()`,
      [stationId, version],
    );
  }

  async get(stationId: string): Promise<LocalList> {
    const v = await this.ctx.db.query<{ version: number }>('select version from local_lists where station_id = $1', [stationId]);
    const e = await this.ctx.db.query('select * from local_list_entries where station_id = $1 order by id_token', [stationId]);
    return {
      stationId,
      version: v.rows[0]?.version ?? null,
      entries: e.rows.map((r) => ({
        idToken: r.id_token as string,
        status: (r.status as string) ?? null,
        expiresAt: iso(r.expires_at),
        parentIdToken: (r.parent_id_token as string) ?? null,
      })),
    };
  }
}

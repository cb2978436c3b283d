import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso } from '../../rows.js';

export interface LocalList {
  stationId: string;
  version: number | null;
  entries: {
    idToken: string;
    /** 2.x id token type; null for 1.6. */
    idTokenType: string | null;
    status: string | null;
    expiresAt: string | null;
    /** 1.6 parentIdTag, 2.x groupIdToken. */
    parentIdToken: string | null;
    /** 2.x: the whole idTokenInfo sent (language, EVSEs, personal message...); null for 1.6. */
    info: unknown;
  }[];
}

/** One SendLocalList update in version-neutral terms. */
interface ListUpdate {
  version: number;
  full: boolean;
  entries: {
    idToken: string;
    idTokenType?: string | undefined;
    /** Absent: remove the entry (differential update). */
    info?: { status: string; expiresAt?: string | undefined; parentIdToken?: string | undefined; raw?: unknown } | undefined;
  }[];
}

/**
 * The local authorization list Voltlane last sent each station (full or differential updates,
 * versioned), kept in step with SendLocalList and GetLocalListVersion replies, for every OCPP version.
 */
export class LocalListService {
  constructor(private readonly ctx: CoreContext) {}

  /** OCPP 2.0.1/2.1 (D01-D02): SendLocalList and GetLocalListVersion. */
  register201(reg: HandlerRegistry): void {
    reg.effect201('SendLocalList', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.apply(stationId, {
        version: req.versionNumber,
        full: req.updateType === 'Full',
        entries: (req.localAuthorizationList ?? []).map((e) => ({
          idToken: e.idToken.idToken,
          idTokenType: e.idToken.type,
          info: e.idTokenInfo && {
            status: e.idTokenInfo.status,
            expiresAt: e.idTokenInfo.cacheExpiryDateTime,
            parentIdToken: e.idTokenInfo.groupIdToken?.idToken,
            raw: e.idTokenInfo,
          },
        })),
      });
    });
    reg.effect201('GetLocalListVersion', async (stationId, _req, res) => {
      await this.setVersion(this.ctx.db, stationId, res.versionNumber);
    });
  }

  register16(reg: HandlerRegistry): void {
    reg.effect16('SendLocalList', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.apply(stationId, {
        version: req.listVersion,
        full: req.updateType === 'Full',
        entries: (req.localAuthorizationList ?? []).map((e) => ({
          idToken: e.idTag,
          info: e.idTagInfo && { status: e.idTagInfo.status, expiresAt: e.idTagInfo.expiryDate, parentIdToken: e.idTagInfo.parentIdTag },
        })),
      });
    });
    reg.effect16('GetLocalListVersion', async (stationId, _req, res) => {
      await this.setVersion(this.ctx.db, stationId, res.listVersion);
    });
  }

  /** Applies an update the station accepted: a full list replaces, a differential one adds, changes and removes. */
  private async apply(stationId: string, u: ListUpdate): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      if (u.full) await tx.query('delete from local_list_entries where station_id = $1', [stationId]);
      for (const e of u.entries) {
        if (!e.info) {
          await tx.query('delete from local_list_entries where station_id = $1 and id_token = $2', [stationId, e.idToken]);
          continue;
        }
        await tx.query(
          `insert into local_list_entries (station_id, id_token, id_token_type, status, expires_at, parent_id_token, id_token_info)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (station_id, id_token) do update set id_token_type = excluded.id_token_type, status = excluded.status,
             expires_at = excluded.expires_at, parent_id_token = excluded.parent_id_token, id_token_info = excluded.id_token_info`,
          [stationId, e.idToken, e.idTokenType ?? null, e.info.status, e.info.expiresAt ?? null, e.info.parentIdToken ?? null,
            e.info.raw === undefined ? null : JSON.stringify(e.info.raw)],
        );
      }
      await this.setVersion(tx, stationId, u.version);
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
        idTokenType: (r.id_token_type as string) ?? null,
        status: (r.status as string) ?? null,
        expiresAt: iso(r.expires_at),
        parentIdToken: (r.parent_id_token as string) ?? null,
        info: r.id_token_info ?? null,
      })),
    };
  }
}

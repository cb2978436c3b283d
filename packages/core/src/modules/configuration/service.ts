import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { isSecretKey } from '../commands/redact.js';
import { iso } from '../../rows.js';

export interface ConfigurationKey {
  key: string;
  value: string | null;
  readonly: boolean | null;
  updatedAt: string;
}

/** The configuration each station last reported (GetConfiguration) or accepted (ChangeConfiguration). */
export class ConfigurationService {
  constructor(private readonly ctx: CoreContext) {}

  /** OCPP 2.0.1/2.1 messages of this block. */
  register201(_reg: HandlerRegistry): void {}

  register16(reg: HandlerRegistry): void {
    reg.effect16('GetConfiguration', async (stationId, _req, res) => {
      for (const k of res.configurationKey ?? []) await this.put(stationId, k.key, k.value !== undefined && isSecretKey(k.key) ? '***' : (k.value ?? null), k.readonly);
    });
    reg.effect16('ChangeConfiguration', async (stationId, req, res) => {
      // RebootRequired: the value is stored by the charger and applies after a reboot.
      // Station passwords are never stored in the clear: only that the key is set.
      const value = isSecretKey(req.key) ? '***' : req.value;
      if (res.status === 'Accepted' || res.status === 'RebootRequired') await this.put(stationId, req.key, value, null);
    });
  }

  private async put(stationId: string, key: string, value: string | null, readonly: boolean | null): Promise<void> {
    await this.ctx.db.query(
      `insert into station_configuration (station_id, key, value, readonly) values ($1, $2, $3, $4)
       on conflict (station_id, key) do update set value = excluded.value,
         readonly = coalesce(excluded.readonly, station_configuration.readonly), updated_at = now()`,
      [stationId, key, value, readonly],
    );
  }

  async list(stationId: string): Promise<ConfigurationKey[]> {
    const r = await this.ctx.db.query('select * from station_configuration where station_id = $1 order by key', [stationId]);
    return r.rows.map((x) => ({
      key: x.key as string,
      value: (x.value as string) ?? null,
      readonly: (x.readonly as boolean) ?? null,
      updatedAt: iso(x.updated_at)!,
    }));
  }
}

import type { Queryable } from '@voltlane/db';

/**
 * What a 2.x station said about tariff and cost display in its device model (TariffCostCtrlr,
 * DisplayMessageCtrlr). Nothing reported: both on (the fields are standard; a station without a
 * display ignores them).
 */
export interface TariffCostSettings {
  /** Show tariffs to drivers (I01, I04): TariffCostCtrlr.Enabled[Tariff], else Available[Tariff]. */
  tariff: boolean;
  /** Show running and total cost (I02, I03, I05): TariffCostCtrlr.Enabled[Cost], else Available[Cost]. */
  cost: boolean;
  /** DisplayMessageCtrlr.Language: the station's default display language. */
  language: string | undefined;
  /** DisplayMessageCtrlr.PersonalMessageSize: the longest personal message it shows. */
  personalMessageSize: number | undefined;
  /** TariffCostCtrlr.Currency as the station has it. */
  currency: string | undefined;
}

/**
 * Reads the station's tariff and cost settings from its stored device model.
 * @example if ((await tariffCostSettings(db, 'CP1')).tariff) sendTariffText();
 */
export async function tariffCostSettings(db: Queryable, stationId: string): Promise<TariffCostSettings> {
  const r = await db.query<{ component_name: string; variable_name: string; variable_instance: string; value: string | null }>(
    `select component_name, variable_name, variable_instance, value from device_model_variables
     where station_id = $1 and attribute_type = 'Actual' and evse_id = 0 and (component_name = 'TariffCostCtrlr'
       or (component_name = 'DisplayMessageCtrlr' and variable_name in ('Language', 'PersonalMessageSize')))`,
    [stationId],
  );
  const get = (component: string, variable: string, instance = '') =>
    r.rows.find((x) => x.component_name === component && x.variable_name === variable && x.variable_instance === instance)?.value ?? undefined;
  const on = (instance: 'Tariff' | 'Cost') => {
    const enabled = get('TariffCostCtrlr', 'Enabled', instance);
    if (enabled !== undefined) return enabled.toLowerCase() === 'true';
    return get('TariffCostCtrlr', 'Available', instance)?.toLowerCase() !== 'false';
  };
  const size = Number(get('DisplayMessageCtrlr', 'PersonalMessageSize'));
  return {
    tariff: on('Tariff'),
    cost: on('Cost'),
    language: get('DisplayMessageCtrlr', 'Language') || undefined,
    personalMessageSize: Number.isInteger(size) && size > 0 ? size : undefined,
    currency: get('TariffCostCtrlr', 'Currency') || undefined,
  };
}

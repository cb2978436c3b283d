import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';
import { componentVariableView, type ComponentVariableView, type KeyColumns } from './component-variable.js';

/** One attribute (Actual, Target, MinSet, MaxSet) of a variable, as stored. */
export interface VariableAttribute {
  type: string;
  value: string | null;
  mutability: string | null;
  persistent: boolean | null;
  constant: boolean | null;
  /** The message that last wrote the value: report (NotifyReport), get (GetVariables), set (SetVariables). */
  source: string;
  /** SetVariables was answered RebootRequired: the value applies after the next reboot. */
  rebootRequired: boolean;
  updatedAt: string;
}

/** What a report says about a variable's values. */
export interface VariableCharacteristics {
  unit: string | null;
  dataType: string | null;
  minLimit: number | null;
  maxLimit: number | null;
  maxElements: number | null;
  valuesList: string | null;
  supportsMonitoring: boolean | null;
}

/** A variable of a component with its attributes and characteristics, as the API shows it. */
export type DeviceModelVariable = ComponentVariableView & {
  attributes: VariableAttribute[];
  characteristics: VariableCharacteristics | null;
};

/** What one NotifyReport entry stores per attribute. */
export interface ReportedAttribute extends KeyColumns, VariableCharacteristics {
  attributeType: string;
  value: string | null;
  mutability: string | null;
  persistent: boolean | null;
  constant: boolean | null;
}

const KEY = 'station_id, component_name, component_instance, evse_id, connector_id, variable_name, variable_instance, attribute_type';
const KEY_COLUMNS = 'component_name, component_instance, evse_id, connector_id, variable_name, variable_instance';

/**
 * Stores the attributes of a NotifyReport part in one statement (reports can hold thousands).
 * Rows must have distinct keys: PostgreSQL refuses to update one row twice in a statement.
 */
export async function upsertReported(db: Queryable, stationId: string, rows: ReportedAttribute[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into device_model_variables (${KEY}, value, mutability, persistent, is_constant, unit, data_type, min_limit, max_limit,
       max_elements, values_list, supports_monitoring, source, reboot_required, reported_at, updated_at)
     select $1, r."componentName", r."componentInstance", r."evseId", r."connectorId", r."variableName", r."variableInstance",
       r."attributeType", r.value, r.mutability, r.persistent, r.constant, r.unit, r."dataType", r."minLimit", r."maxLimit",
       r."maxElements", r."valuesList", r."supportsMonitoring", 'report', false, $3, $3
     from jsonb_to_recordset($2::jsonb) as r("componentName" text, "componentInstance" text, "evseId" integer, "connectorId" integer,
       "variableName" text, "variableInstance" text, "attributeType" text, value text, mutability text, persistent boolean,
       constant boolean, unit text, "dataType" text, "minLimit" double precision, "maxLimit" double precision,
       "maxElements" integer, "valuesList" text, "supportsMonitoring" boolean)
     on conflict (${KEY}) do update set value = excluded.value, mutability = excluded.mutability,
       persistent = excluded.persistent, is_constant = excluded.is_constant, unit = excluded.unit, data_type = excluded.data_type,
       min_limit = excluded.min_limit, max_limit = excluded.max_limit, max_elements = excluded.max_elements,
       values_list = excluded.values_list, supports_monitoring = excluded.supports_monitoring, source = 'report',
       reboot_required = false, reported_at = excluded.reported_at, updated_at = excluded.updated_at`,
    [stationId, JSON.stringify(rows), at],
  );
}

/**
 * Stores a value the charger confirmed (GetVariables, SetVariables), keeping what a report said
 * about the variable. A variable known to be write-only keeps no value.
 */
export async function upsertValue(
  db: Queryable,
  stationId: string,
  k: KeyColumns & { attributeType: string; value: string | null; source: 'get' | 'set'; rebootRequired: boolean },
): Promise<void> {
  await db.query(
    `insert into device_model_variables (${KEY}, value, source, reboot_required)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (${KEY}) do update set
       value = case when device_model_variables.mutability = 'WriteOnly' then null else excluded.value end,
       source = excluded.source, reboot_required = excluded.reboot_required, updated_at = now()`,
    [stationId, k.componentName, k.componentInstance, k.evseId, k.connectorId, k.variableName, k.variableInstance, k.attributeType,
      k.value, k.source, k.rebootRequired],
  );
}

/** Removes what a full report no longer contains (variables the station does not have any more). */
export async function deleteNotReportedSince(db: Queryable, stationId: string, since: Date): Promise<number> {
  const r = await db.query('delete from device_model_variables where station_id = $1 and (reported_at is null or reported_at < $2)', [
    stationId, since,
  ]);
  return r.rowCount;
}

/** Filters of the device model list; evseId 0 selects components that belong to no EVSE. */
export interface VariableFilter {
  component?: string | undefined;
  componentInstance?: string | undefined;
  variable?: string | undefined;
  variableInstance?: string | undefined;
  evseId?: number | undefined;
}

function where(stationId: string, f: VariableFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [stationId];
  const w = ['station_id = $1'];
  if (f.component !== undefined) w.push(`component_name = $${params.push(f.component)}`);
  if (f.componentInstance !== undefined) w.push(`component_instance = $${params.push(f.componentInstance)}`);
  if (f.variable !== undefined) w.push(`variable_name = $${params.push(f.variable)}`);
  if (f.variableInstance !== undefined) w.push(`variable_instance = $${params.push(f.variableInstance)}`);
  if (f.evseId !== undefined) w.push(`evse_id = $${params.push(f.evseId)}`);
  return { sql: w.join(' and '), params };
}

/** Variables with their attributes, one item per component/variable, in name order. */
export async function listVariables(
  db: Queryable,
  stationId: string,
  f: VariableFilter & { limit: number; offset: number },
): Promise<{ items: DeviceModelVariable[]; total: number }> {
  const w = where(stationId, f);
  const total = await db.query<{ n: number }>(
    `select count(*)::int as n from (select distinct ${KEY_COLUMNS} from device_model_variables where ${w.sql}) v`,
    w.params,
  );
  const rows = await db.query(
    `select ${KEY_COLUMNS},
       jsonb_agg(jsonb_build_object('type', attribute_type, 'value', value, 'mutability', mutability, 'persistent', persistent,
         'constant', is_constant, 'source', source, 'rebootRequired', reboot_required, 'updatedAt', updated_at)
         order by array_position(array['Actual', 'Target', 'MinSet', 'MaxSet'], attribute_type)) as attributes,
       max(unit) as unit, max(data_type) as data_type, max(min_limit) as min_limit, max(max_limit) as max_limit,
       max(max_elements) as max_elements, max(values_list) as values_list, bool_or(supports_monitoring) as supports_monitoring
     from device_model_variables where ${w.sql}
     group by ${KEY_COLUMNS}
     order by component_name, component_instance, evse_id, connector_id, variable_name, variable_instance
     limit $${w.params.length + 1} offset $${w.params.length + 2}`,
    [...w.params, f.limit, f.offset],
  );
  return { items: rows.rows.map(toVariable), total: total.rows[0]!.n };
}

function toVariable(r: Record<string, unknown>): DeviceModelVariable {
  const attributes = (r.attributes as Record<string, unknown>[]).map((a) => ({
    type: a.type as string,
    value: (a.value as string | null) ?? null,
    mutability: (a.mutability as string | null) ?? null,
    persistent: (a.persistent as boolean | null) ?? null,
    constant: (a.constant as boolean | null) ?? null,
    source: a.source as string,
    rebootRequired: a.rebootRequired as boolean,
    updatedAt: iso(a.updatedAt)!,
  }));
  // Characteristics come only with a report; a value read or set before any report has none.
  const characteristics = r.data_type === null && r.supports_monitoring === null ? null : {
    unit: (r.unit as string | null) ?? null,
    dataType: (r.data_type as string | null) ?? null,
    minLimit: (r.min_limit as number | null) ?? null,
    maxLimit: (r.max_limit as number | null) ?? null,
    maxElements: (r.max_elements as number | null) ?? null,
    valuesList: (r.values_list as string | null) ?? null,
    supportsMonitoring: (r.supports_monitoring as boolean | null) ?? null,
  };
  return { ...componentVariableView(r), attributes, characteristics };
}

/** A component of the device model with how many variables it has. */
export type DeviceModelComponent = Pick<ComponentVariableView, 'component'> & { variables: number };

/** Distinct components of a station with their variable counts, in name order. */
export async function listComponents(db: Queryable, stationId: string): Promise<DeviceModelComponent[]> {
  const r = await db.query(
    `select component_name, component_instance, evse_id, connector_id,
       count(distinct (variable_name, variable_instance))::int as variables
     from device_model_variables where station_id = $1
     group by component_name, component_instance, evse_id, connector_id
     order by component_name, component_instance, evse_id, connector_id`,
    [stationId],
  );
  return r.rows.map((x) => ({ component: componentVariableView({ ...x, variable_name: '' }).component, variables: x.variables as number }));
}

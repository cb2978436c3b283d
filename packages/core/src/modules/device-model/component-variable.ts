import type { V201 } from '@voltlane/ocpp';

/** A component and one of its variables, as OCPP 2.x names them. */
export interface ComponentVariable {
  component: V201.ComponentType;
  variable: V201.VariableType;
}

/**
 * The key columns of a component/variable. Absent parts are '' and 0 (OCPP numbers EVSEs and
 * connectors from 1), so they can be part of a primary key.
 */
export interface KeyColumns {
  componentName: string;
  componentInstance: string;
  evseId: number;
  connectorId: number;
  variableName: string;
  variableInstance: string;
}

/** A component/variable as the API shows it: absent parts are null. */
export interface ComponentVariableView {
  component: { name: string; instance: string | null; evse: { id: number; connectorId: number | null } | null };
  variable: { name: string; instance: string | null };
}

/**
 * Flattens a component/variable to its key columns.
 * @example keyColumns({ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } })
 * // { componentName: 'EVSE', componentInstance: '', evseId: 1, connectorId: 0, variableName: 'Power', variableInstance: '' }
 */
export function keyColumns(cv: ComponentVariable): KeyColumns {
  return {
    componentName: cv.component.name,
    componentInstance: cv.component.instance ?? '',
    evseId: cv.component.evse?.id ?? 0,
    connectorId: cv.component.evse?.connectorId ?? 0,
    variableName: cv.variable.name,
    variableInstance: cv.variable.instance ?? '',
  };
}

/** One string per component/variable (and attribute type), to match requests with results. */
export function keyOf(cv: ComponentVariable, attributeType?: string): string {
  const k = keyColumns(cv);
  return JSON.stringify([k.componentName, k.componentInstance, k.evseId, k.connectorId, k.variableName, k.variableInstance, attributeType ?? '']);
}

/** Database row (snake_case key columns, '' / 0 or null for absent parts) to the API shape. */
export function componentVariableView(r: Record<string, unknown>): ComponentVariableView {
  const evseId = (r.evse_id as number | null) || null;
  return {
    component: {
      name: r.component_name as string,
      instance: (r.component_instance as string | null) || null,
      evse: evseId === null ? null : { id: evseId, connectorId: (r.connector_id as number | null) || null },
    },
    variable: { name: r.variable_name as string, instance: (r.variable_instance as string | null) || null },
  };
}

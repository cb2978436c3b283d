import { RpcError, type V201 } from '@voltlane/ocpp';
import { describe, type Located } from '../device-model.js';
import type { Ocpp2 } from '../ocpp2.js';
import type { Handlers201 } from './index.js';

/** ReportData per NotifyReport: a full inventory goes out in several parts (tbc). */
export const REPORT_PART = 20;

type Criterion = V201.ComponentCriterionEnumType;

/** Whether a GetReport componentVariable names this variable (no variable: every variable of the component). */
function names(loc: Located, cv: V201.ComponentVariableType): boolean {
  const { def, evseId } = loc;
  const c = cv.component;
  if (c.name !== def.component || c.instance !== undefined) return false;
  if (c.evse && (c.evse.id !== evseId || (c.evse.connectorId !== undefined && (def.scope !== 'connector' || c.evse.connectorId !== 1)))) return false;
  if (!cv.variable) return true;
  return cv.variable.name === def.variable && (cv.variable.instance === undefined || cv.variable.instance === def.instance);
}

/** Whether the variable's component meets a criterion: its variable of that name (Active, Available, Enabled, Problem) is true. */
function meets(o: Ocpp2, loc: Located, criterion: Criterion): boolean {
  const found = o.model.locate(describe(loc).component, { name: criterion });
  return typeof found !== 'string' && o.model.read(found) === 'true';
}

/** Sends a report in parts of {@link REPORT_PART}, seqNo from 0, tbc on every part but the last. */
async function sendReport(o: Ocpp2, requestId: number, list: readonly Located[]): Promise<void> {
  const generatedAt = new Date().toISOString();
  const parts = Math.max(1, Math.ceil(list.length / REPORT_PART));
  for (let seqNo = 0; seqNo < parts; seqNo++) {
    const reportData = list.slice(seqNo * REPORT_PART, (seqNo + 1) * REPORT_PART).map((loc) => o.model.reportData(loc));
    const payload: V201.NotifyReportRequest = { requestId, generatedAt, seqNo, tbc: seqNo < parts - 1 };
    if (reportData.length > 0) payload.reportData = reportData as [V201.ReportDataType, ...V201.ReportDataType[]];
    // Also while Pending: the CSMS may ask for a report before it accepts the station.
    await o.st.notify('NotifyReport', payload, true);
  }
}

function report(o: Ocpp2, what: string, requestId: number, list: Located[]): { status: V201.GenericDeviceModelStatusEnumType } {
  if (list.length === 0) return { status: 'EmptyResultSet' };
  o.st.later(what, () => sendReport(o, requestId, list));
  return { status: 'Accepted' };
}

/** Refuses a request with more items than DeviceDataCtrlr.ItemsPerMessage allows (2.0.1 B06.FR.14 / B05.FR.15). */
function checkItems(o: Ocpp2, action: 'GetVariables' | 'SetVariables', n: number): void {
  const max = o.model.int('DeviceDataCtrlr', 'ItemsPerMessage', action);
  if (max > 0 && n > max) throw new RpcError('OccurrenceConstraintViolation', `${action} has ${n} items; ItemsPerMessage[${action}] is ${max}`);
}

/**
 * B Provisioning (2.0.1): device model reports, GetVariables / SetVariables, Reset and network
 * profiles; and P DataTransfer (vendorId Voltlane, messageId echo answers the data back).
 */
export const provisioning: Handlers201<'GetBaseReport' | 'GetReport' | 'GetVariables' | 'SetVariables' | 'Reset' | 'SetNetworkProfile' | 'DataTransfer'> = {
  GetBaseReport(o, req) {
    const all = [...o.model.all()];
    const list =
      req.reportBase === 'FullInventory'
        ? all
        : req.reportBase === 'ConfigurationInventory'
          ? all.filter((l) => l.def.mutability !== 'ReadOnly')
          : all.filter((l) => l.def.variable === 'AvailabilityState' || l.def.variable === 'Available' || l.def.variable === 'Problem');
    return report(o, 'GetBaseReport', req.requestId, list);
  },

  GetReport(o, req) {
    let list = [...o.model.all()];
    const wanted = req.componentVariable;
    if (wanted) list = list.filter((loc) => wanted.some((cv) => names(loc, cv)));
    const criteria = req.componentCriteria;
    if (criteria) list = list.filter((loc) => criteria.some((c) => meets(o, loc, c)));
    return report(o, 'GetReport', req.requestId, list);
  },

  GetVariables(o, req) {
    checkItems(o, 'GetVariables', req.getVariableData.length);
    return { getVariableResult: req.getVariableData.map((item) => o.model.lookup(item)) as V201.GetVariablesResponse['getVariableResult'] };
  },

  SetVariables(o, req) {
    checkItems(o, 'SetVariables', req.setVariableData.length);
    const changed: string[] = [];
    const results = req.setVariableData.map((item): V201.SetVariableResultType => {
      const { status, key } = o.model.change(item);
      if (key) changed.push(key);
      const out: V201.SetVariableResultType = { attributeStatus: status, component: item.component, variable: item.variable };
      if (item.attributeType) out.attributeType = item.attributeType;
      return out;
    });
    if (changed.length > 0) o.st.later('SetVariables', () => changed.forEach((k) => o.changed(k)));
    return { setVariableResult: results as V201.SetVariablesResponse['setVariableResult'] };
  },

  Reset(o, req) {
    const st = o.st;
    if (req.evseId !== undefined) {
      // One EVSE: its transaction ends; the station stays up.
      const c = st.connector(req.evseId);
      if (!c || c.id === 0) return { status: 'Rejected' };
      if (!c.tx) return { status: 'Accepted' };
      if (req.type === 'OnIdle') return { status: 'Scheduled' };
      st.later('Reset EVSE', () => o.tx.end(c, 'ImmediateReset', 'ResetCommand'));
      return { status: 'Accepted' };
    }
    if (req.type === 'OnIdle' && st.connectors.some((c) => c.tx)) {
      o.resetWhenIdle = true;
      return { status: 'Scheduled' };
    }
    // Immediate: the transactions end (ImmediateReset), then the station reboots.
    st.later('Reset', () => o.reboot('RemoteReset'));
    return { status: 'Accepted' };
  },

  SetNetworkProfile(o, req) {
    // A station must not fall back to a weaker security profile (2.0.1 B09.FR.04).
    if (req.connectionData.securityProfile < o.securityProfile()) return { status: 'Rejected' };
    o.st.log(`network profile ${req.configurationSlot} stored: ${req.connectionData.ocppCsmsUrl} (security profile ${req.connectionData.securityProfile})`);
    return { status: 'Accepted' };
  },

  DataTransfer(_o, req) {
    if (req.vendorId !== 'Voltlane') return { status: 'UnknownVendorId' };
    if (req.messageId !== 'echo') return { status: 'UnknownMessageId' };
    return req.data === undefined ? { status: 'Accepted' } : { status: 'Accepted', data: req.data };
  },
};

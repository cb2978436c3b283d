import type { V201 } from '@voltlane/ocpp';
import type { Connector } from '../connector.js';
import { sample, type ReadingContext } from '../meter.js';

/** Measurands of the 1.6 meter that OCPP 2.0.1 does not know (MeasurandEnumType has no Temperature). */
const NOT_IN_201 = new Set(['Temperature']);

/**
 * One reading of a connector as a 2.0.1 MeterValue: the shared meter's samples with numeric
 * values and unitOfMeasure; undefined if none of the measurands gives a value.
 * @example meterValue(connector, ['Energy.Active.Import.Register'], 'Sample.Periodic', 11000)
 * // -> { timestamp, sampledValue: [{ value: 1234, context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: { unit: 'Wh' } }] }
 */
export function meterValue(c: Connector, measurands: readonly string[], context: ReadingContext, offeredW: number, at = Date.now()): V201.MeterValueType | undefined {
  const values: V201.SampledValueType[] = [];
  for (const s of sample(c, measurands.filter((m) => !NOT_IN_201.has(m)), context, offeredW)) {
    const out: V201.SampledValueType = { value: Number(s.value) };
    if (s.context) out.context = s.context;
    if (s.measurand) out.measurand = s.measurand as V201.MeasurandEnumType;
    if (s.phase) out.phase = s.phase;
    if (s.location) out.location = s.location;
    if (s.unit) out.unitOfMeasure = { unit: s.unit };
    values.push(out);
  }
  const [first, ...rest] = values;
  return first ? { timestamp: new Date(at).toISOString(), sampledValue: [first, ...rest] } : undefined;
}

/**
 * A register reading (Energy.Active.Import.Register) in Wh at a given time.
 * @example registerValue(1234, 'Transaction.Begin', startedAt).sampledValue[0].value // -> 1234
 */
export function registerValue(wh: number, context: ReadingContext, at: number): V201.MeterValueType {
  return {
    timestamp: new Date(at).toISOString(),
    sampledValue: [{ value: wh, context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: { unit: 'Wh' } }],
  };
}

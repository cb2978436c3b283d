export type * from './types.js';
export { costOf } from './cost.js';
export { validateTariff, assertTariff, TariffError, type TariffProblem } from './validate.js';
export { isCurrency, minorUnits } from './currencies.js';
export { isTimeZone } from './local-time.js';
export { formatMoney, roundToMinor, toMainUnitNumber, Money } from './money.js';
export { cdrCharges, cdrChargesOverTime, creditCdr, negateShares, type TariffSegment } from './cdr.js';
export type { Cdr, CdrCharges, CdrDimension, CdrDimensionType, CdrLocation, CdrToken, ChargingPeriod, OcpiPrice } from './cdr.js';
export { invoiceTotals, lineNets, type InvoiceLine, type InvoiceTotals, type VatLine } from './invoice.js';

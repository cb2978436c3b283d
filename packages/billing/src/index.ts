export type * from './types.js';
export { costOf } from './cost.js';
export { validateTariff, assertTariff, TariffError, type TariffProblem } from './validate.js';
export { isCurrency, minorUnits } from './currencies.js';
export { isTimeZone } from './local-time.js';
export { formatMoney, roundToMinor, toMainUnitNumber } from './money.js';

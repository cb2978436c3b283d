/** OCPI 2.2.1 TariffDimensionType: what a price component prices. */
export type TariffDimensionType = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';

/** OCPI 2.2.1 DayOfWeek. */
export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** OCPI 2.2.1 ReservationRestrictionType. */
export type ReservationRestrictionType = 'RESERVATION' | 'RESERVATION_EXPIRES';

/** OCPI 2.2.1 TariffType. */
export type TariffType = 'AD_HOC_PAYMENT' | 'PROFILE_CHEAP' | 'PROFILE_FAST' | 'PROFILE_GREEN' | 'REGULAR';

/**
 * OCPI 2.2.1 PriceComponent. `price` is per unit excl. VAT (kWh, hour, or flat); `vat` a
 * percentage (absent: no VAT); `step_size` in Wh (ENERGY) or seconds (TIME, PARKING_TIME).
 * Prices are OCPI JSON numbers; the engine reads them as decimals (never float arithmetic).
 */
export interface PriceComponent {
  type: TariffDimensionType;
  price: number | string;
  vat?: number | string;
  step_size: number;
}

/** OCPI 2.2.1 TariffRestrictions (times and dates are local to the location's time zone). */
export interface TariffRestrictions {
  start_time?: string;
  end_time?: string;
  start_date?: string;
  end_date?: string;
  min_kwh?: number;
  max_kwh?: number;
  min_current?: number;
  max_current?: number;
  min_power?: number;
  max_power?: number;
  min_duration?: number;
  max_duration?: number;
  day_of_week?: DayOfWeek[];
  reservation?: ReservationRestrictionType;
}

/** OCPI 2.2.1 TariffElement. */
export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

/** OCPI 2.2.1 Price. */
export interface Price {
  excl_vat: number | string;
  incl_vat?: number | string;
}

/** OCPI 2.2.1 DisplayText. */
export interface DisplayText {
  language: string;
  text: string;
}

/**
 * OCPI 2.2.1 Tariff (the fields the cost engine and Voltlane use; other OCPI fields such as
 * country_code, party_id, tariff_alt_url, energy_mix and last_updated are kept as received).
 */
export interface Tariff {
  id: string;
  currency: string;
  type?: TariffType;
  tariff_alt_text?: DisplayText[];
  min_price?: Price;
  max_price?: Price;
  elements: TariffElement[];
  start_date_time?: string;
  end_date_time?: string;
  [extra: string]: unknown;
}

/** What the vehicle is doing in a charging period. */
export type PeriodState = 'CHARGING' | 'PARKING' | ReservationRestrictionType;

/**
 * A sample starting a charging period: it lasts until the next sample (or the session end).
 * `energyWh` is the energy register (cumulative, any origin) at `at`; `powerW` and `currentA`
 * (sum over phases) describe the period; without `powerW` the average power of the period is used.
 */
export interface PeriodSample {
  at: Date;
  state: PeriodState;
  energyWh?: number | undefined;
  powerW?: number | undefined;
  currentA?: number | undefined;
}

/** A session to price: its samples in time order and its end. */
export interface SessionInput {
  samples: PeriodSample[];
  end: Date;
  /** Energy register at `end` (defaults to the last sample's reading). */
  endEnergyWh?: number | undefined;
  /** IANA time zone of the location, for time, date and day-of-week restrictions (default UTC). */
  timeZone?: string;
}

/** One priced dimension of a session. */
export interface CostLine {
  dimension: TariffDimensionType;
  reservation: boolean;
  /** kWh, hours or 1 (FLAT) as a decimal string, after step_size rounding. */
  quantity: string;
  exclVat: string;
  inclVat: string;
}

/** The part of a session's cost taxed at one VAT rate (decimal strings). */
export interface VatShare {
  /** VAT percentage as a decimal string; null: the tariff gives no VAT (OCPI: not the same as 0 %). */
  rate: string | null;
  exclVat: string;
  inclVat: string;
}

/** The cost of a session: decimal strings in the tariff currency. */
export interface SessionCost {
  currency: string;
  exclVat: string;
  inclVat: string;
  lines: CostLine[];
  /** The totals split by VAT rate (after min_price/max_price), for invoices. */
  vat: VatShare[];
}

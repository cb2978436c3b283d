import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import enCommon from './locales/en/common.json';
import frCommon from './locales/fr/common.json';
import enConsole from './locales/en/console.json';
import frConsole from './locales/fr/console.json';
import enMap from './locales/en/map.json';
import frMap from './locales/fr/map.json';
import enDriver from './locales/en/driver.json';
import frDriver from './locales/fr/driver.json';

/** Languages the app ships; every string of the app goes through i18next with these resources. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'Français' },
] as const;

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('voltlane.lang') : null;
const browser = typeof navigator !== 'undefined' ? navigator.language.slice(0, 2) : 'en';
const initial = [stored, browser].find((l) => LANGUAGES.some((x) => x.code === l)) ?? 'en';

void i18n.use(initReactI18next).init({
  resources: {
    en: { common: enCommon, console: enConsole, map: enMap, driver: enDriver },
    fr: { common: frCommon, console: frConsole, map: frMap, driver: frDriver },
  },
  lng: initial,
  fallbackLng: 'en',
  ns: ['common', 'console', 'map', 'driver'],
  defaultNS: 'common',
  interpolation: { escapeValue: false },
});

i18n.on('languageChanged', (lng) => {
  localStorage.setItem('voltlane.lang', lng);
  document.documentElement.lang = lng;
});
document.documentElement.lang = initial;

export default i18n;

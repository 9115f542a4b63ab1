import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, zhCN } from './resources.js';

export type Language = 'zh-CN' | 'en';
const STORAGE_KEY = 'gridwatch.lang';

/** Chinese unless the user chose English on this device before. */
export function savedLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function setLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  void i18next.changeLanguage(lang);
}

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: savedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = savedLanguage();

export { i18next };

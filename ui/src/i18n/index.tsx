import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import zh from './zh-CN.json';
import en from './en.json';
import { errorMessage } from '../api';

export type Lang = 'zh-CN' | 'en';
export type Vars = Record<string, string | number>;
export type TFunc = (key: string, vars?: Vars) => string;

export const messages: Record<Lang, Record<string, string>> = { 'zh-CN': zh, en };
export const LANG_STORAGE_KEY = 'certdesk.lang';

export function storedLang(): Lang {
  try {
    const v = window.localStorage.getItem(LANG_STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

export function translate(lang: Lang, key: string, vars?: Vars): string {
  const s = messages[lang][key] ?? messages['zh-CN'][key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** Has the message file a string for this key? (for dynamic keys with a fallback) */
export function hasKey(key: string): boolean {
  return key in messages['zh-CN'];
}

type I18nCtx = {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: TFunc;
  /** Pick the server text (message_zh/message_en) for the current language. */
  msg: (e: { message_zh: string; message_en: string }) => string;
  /** Pick label_zh/label_en for the current language. */
  label: (l: { label_zh: string; label_en: string }) => string;
};

const Ctx = createContext<I18nCtx | null>(null);

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => initial ?? storedLang());
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      window.localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      /* ignore */
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const value = useMemo<I18nCtx>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      msg: (e) => errorMessage(e, lang),
      label: (l) => (lang === 'en' ? l.label_en || l.label_zh : l.label_zh || l.label_en),
    }),
    [lang, setLang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18nCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useI18n outside I18nProvider');
  return c;
}

export function useT(): TFunc {
  return useI18n().t;
}

import Button from 'antd/es/button';
import { useI18n } from '../i18n';

/** Toggles zh-CN ⇄ en; the label names the language you switch TO. */
export function LangSwitch({ type = 'text' }: { type?: 'text' | 'default' | 'link' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Button
      type={type}
      size="small"
      data-testid="lang-switch"
      title={t('lang.switchTitle')}
      onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
    >
      {lang === 'en' ? '中文' : 'English'}
    </Button>
  );
}

import { useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Input, { type InputRef } from 'antd/es/input';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, ScanReport } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ageParts, MAX_SCAN_INPUT, verdictTone } from './verdict';

/** 验证: a USB scanner types the QR's content and ends with Enter (pasting works too); the verdict
 * comes from the signature, the trust list and the revocation list held on this desk, offline. */
export default function VerifyPage({ onOpenWorker }: { onOpenWorker: (id: string) => void }) {
  const { t, msg, lang } = useI18n();
  const { statusLabel } = useSession();
  const [text, setText] = useState('');
  const [report, setReport] = useState<ScanReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const input = useRef<InputRef>(null);
  const seq = useRef(0);

  const check = async () => {
    const scanned = text.trim();
    if (!scanned) return;
    const mine = ++seq.current;
    setError(null);
    try {
      const r = await api.verifyScan(scanned);
      if (mine === seq.current) setReport(r);
    } catch (e) {
      if (mine === seq.current) {
        setReport(null);
        setError(api.toApiError(e));
      }
    }
    // The next scan replaces this one.
    input.current?.select();
  };

  const age = ageParts(report?.lists_age_seconds ?? null);
  return (
    <div className="page verify-page" data-testid="verify-page">
      <Typography.Title level={4}>{t('verify.title')}</Typography.Title>
      <Input.Search
        ref={input}
        size="large"
        autoFocus
        allowClear
        data-testid="verify-input"
        placeholder={t('verify.placeholder')}
        value={text}
        maxLength={MAX_SCAN_INPUT}
        enterButton={t('verify.check')}
        onChange={(e) => setText(e.target.value)}
        onSearch={check}
      />
      {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="verify-error" />}
      {report && (
        <div className="mt" data-testid="verify-result" data-verdict={report.verdict}>
          <div className="verify-colour" data-testid="verify-colour" data-colour={report.colour}>
            <span className={`dot ${report.colour}`} aria-hidden="true" />
            {t(`verify.colour.${report.colour}`)}
            {report.cover_notes.map((n) => (
              <div key={n.zh} className="small" data-testid="verify-cover-note">
                {lang === 'en' ? n.en : n.zh}
              </div>
            ))}
          </div>
          <Alert
            type={report.colour === 'yellow' ? 'warning' : verdictTone(report.verdict)}
            showIcon
            message={<span className="verdict-text" data-testid="verify-verdict">{lang === 'en' ? report.verdict_en : report.verdict_zh}</span>}
            description={t(`verify.explain.${report.verdict}`)}
          />
          {report.certificate_code && (
            <Descriptions className="mt" size="small" bordered column={2}>
              <Descriptions.Item label={t('worker.certificateCode')}>
                <span className="mono" data-testid="verify-code">{report.certificate_code}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('sync.cardVersion')}>
                {report.card_version}
                {report.current_card_version != null && report.current_card_version !== report.card_version && (
                  <span className="muted"> {t('verify.currentVersion', { v: report.current_card_version })}</span>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('sync.validFrom')}>{report.valid_from}</Descriptions.Item>
              <Descriptions.Item label={t('sync.validUntil')}>{report.valid_until}</Descriptions.Item>
            </Descriptions>
          )}
          {report.electronic_age_seconds != null && (
            <div className="mt" data-testid="verify-electronic">
              {t('verify.electronic', { n: report.electronic_age_seconds })}
            </div>
          )}
          {report.local_worker && (
            <div className="mt" data-testid="verify-local">
              {t('verify.ours', { name: report.local_worker.name, status: statusLabel(report.local_worker.status) })}{' '}
              <Button size="small" onClick={() => onOpenWorker(report.local_worker!.id)}>
                {t('verify.openWorker')}
              </Button>
            </div>
          )}
          <div className="muted small mt" data-testid="verify-age">
            {age ? t(`verify.age.${age.unit}`, { n: age.n, keys: report.trust_keys }) : t('verify.neverSynced')}
          </div>
        </div>
      )}
    </div>
  );
}

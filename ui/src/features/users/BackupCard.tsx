import { useEffect, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import * as api from '../../api';
import type { ApiError, BackupPlan } from '../../api';
import { useI18n } from '../../i18n';
import { formatTime } from '../../util';

/** 备份 (manager): the folder daily backups go to (a USB drive), how many to keep, the passphrase
 * that encrypts them (typed twice; left empty keeps the one set before), and 立即备份. */
export default function BackupCard() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [plan, setPlan] = useState<BackupPlan | null>(null);
  const [folder, setFolder] = useState('');
  const [keep, setKeep] = useState('7');
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState<'save' | 'now' | null>(null);

  const show = (p: BackupPlan) => {
    setPlan(p);
    setFolder(p.settings.folder ?? '');
    setKeep(String(p.settings.keep));
  };
  useEffect(() => {
    api.backupPlanGet().then(show).catch((e: unknown) => setError(api.toApiError(e)));
  }, []);

  const fieldError = (f: string) => error?.fields.find((x) => x.field === f);
  const save = async () => {
    if (busy) return;
    setMismatch(pass !== pass2);
    if (pass !== pass2) return;
    setBusy('save');
    setError(null);
    try {
      show(await api.backupPlanSet(folder, Number(keep.trim()) || 0, pass ? pass : null));
      setPass('');
      setPass2('');
      message.success(t('backup.saved'));
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(null);
    }
  };
  const now = async () => {
    if (busy) return;
    setBusy('now');
    setError(null);
    try {
      const w = await api.backupNow();
      message.success(t('backup.written', { path: w.path }));
      show(await api.backupPlanGet());
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(null);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    }
  };
  return (
    <Card size="small" title={t('backup.title')} className="mt" data-testid="backup-card">
      <Form layout="vertical" onKeyDown={onKeyDown} autoComplete="off">
        <Form.Item label={t('backup.folder')} htmlFor="backup_folder" help={fieldError('folder') ? msg(fieldError('folder')!) : t('backup.folderHelp')} validateStatus={fieldError('folder') ? 'error' : undefined}>
          <Input id="backup_folder" value={folder} onChange={(e) => setFolder(e.target.value)} />
        </Form.Item>
        <Form.Item label={t('backup.keep')} htmlFor="backup_keep" help={fieldError('keep') ? msg(fieldError('keep')!) : undefined} validateStatus={fieldError('keep') ? 'error' : undefined}>
          <Input id="backup_keep" value={keep} inputMode="numeric" style={{ width: 100 }} onChange={(e) => setKeep(e.target.value)} />
        </Form.Item>
        <Form.Item label={plan?.passphrase_kept ? t('backup.passphraseChange') : t('backup.passphrase')} htmlFor="backup_pass">
          <Input.Password id="backup_pass" value={pass} autoComplete="new-password" onChange={(e) => setPass(e.target.value)} />
        </Form.Item>
        <Form.Item label={t('backup.passphraseAgain')} htmlFor="backup_pass2" help={mismatch ? t('backup.mismatch') : undefined} validateStatus={mismatch ? 'error' : undefined}>
          <Input.Password id="backup_pass2" value={pass2} autoComplete="new-password" onChange={(e) => setPass2(e.target.value)} />
        </Form.Item>
        {error && error.fields.length === 0 && <Alert type="error" showIcon message={msg(error)} data-testid="backup-error" />}
        <div className="mt">
          <Button type="primary" loading={busy === 'save'} onClick={() => void save()} data-testid="backup-save">
            {t('common.save')}
          </Button>{' '}
          <Button loading={busy === 'now'} onClick={() => void now()} data-testid="backup-now">
            {t('backup.now')}
          </Button>
        </div>
        <div className="muted small mt" data-testid="backup-last">
          {plan?.settings.last_at ? t('backup.last', { at: formatTime(plan.settings.last_at), file: plan.settings.last_file ?? '' }) : t('backup.never')}
        </div>
      </Form>
    </Card>
  );
}

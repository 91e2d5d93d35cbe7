// 名册备案 (managers): file the roster of a period with the platform and keep its signed receipt;
// below, every filing kept on this desk, with 核验回执 checking each receipt again offline against
// the synced trust list. Filing syncs first and waits on the platform: it may take seconds, so
// the button shows progress. A refusal is the platform's own sentence, one line per row it names.
// Each filed period's newest filing offers its funding pack (项目资金材料): the roster checked
// against the training records, written as a PDF report and an .xlsx into the export folder.
import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, KeptFiling, PackFiles } from '../../api';
import { useI18n } from '../../i18n';
import { enterSubmits, formatTime } from '../../util';
import { isIsoDate, previousMonth, refusalLines } from './filing';

type DateField = 'from' | 'to';

/** The platform's refusal (or any failure), in full: its head, then each row it names. */
function Refusal({ error }: { error: ApiError }) {
  const { t, msg } = useI18n();
  const { head, rows } = refusalLines(msg(error));
  return (
    <Alert
      className="mt"
      type="error"
      showIcon
      data-testid="filing-error"
      message={t('filing.refused')}
      description={
        <>
          <div data-testid="filing-error-head">{head}</div>
          {rows.length > 0 && (
            <ol className="filing-rows" data-testid="filing-error-rows">
              {rows.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ol>
          )}
        </>
      }
    />
  );
}

/** What a filing's receipt says once checked: 有效, the desk's sentence, or no receipt yet. */
function Verdict({ filing, checked }: { filing: KeptFiling; checked: boolean }) {
  const { t, lang } = useI18n();
  if (!filing.receipt) return <span className="muted">{t('filing.noReceipt')}</span>;
  if (!checked) return <span className="muted">{t('filing.notChecked')}</span>;
  if (filing.problem_sentence) {
    const s = filing.problem_sentence;
    return (
      <Typography.Text type="danger" data-testid="filing-problem">
        {lang === 'en' ? s.en || s.zh : s.zh || s.en}
      </Typography.Text>
    );
  }
  return (
    <Tag color="success" data-testid="filing-valid">
      {t('filing.valid')}
    </Tag>
  );
}

export default function RosterFiling() {
  const { t, msg } = useI18n();
  const [period, setPeriod] = useState(() => previousMonth());
  const [replaces, setReplaces] = useState('');
  const [wrong, setWrong] = useState<Partial<Record<DateField, boolean>>>({});
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<KeptFiling | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [filings, setFilings] = useState<KeptFiling[]>([]);
  const [checked, setChecked] = useState(false);
  const [checking, setChecking] = useState(false);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [packing, setPacking] = useState<string | null>(null);
  const [pack, setPack] = useState<PackFiles | null>(null);
  const [packError, setPackError] = useState<ApiError | null>(null);
  const [printing, setPrinting] = useState<string | null>(null);
  const [printed, setPrinted] = useState<string | null>(null);
  const [printError, setPrintError] = useState<ApiError | null>(null);

  const load = useCallback(async (verify: boolean) => {
    setListError(null);
    try {
      setFilings(await api.rosterFilings(verify));
      setChecked(verify);
    } catch (e) {
      setListError(api.toApiError(e));
    }
  }, []);

  useEffect(() => {
    void load(false);
  }, [load]);

  const file = async () => {
    if (busy) return;
    const from = period.from.trim();
    const to = period.to.trim();
    const bad = { from: !isIsoDate(from), to: !isIsoDate(to) };
    setWrong(bad);
    if (bad.from || bad.to) {
      document.getElementById(bad.from ? 'filing_from' : 'filing_to')?.focus();
      return;
    }
    setBusy(true);
    setFiled(null);
    setError(null);
    try {
      setFiled(await api.rosterFile(from, to, replaces.trim() || null));
      setReplaces('');
      await load(false);
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const verify = async () => {
    setChecking(true);
    try {
      await load(true);
    } finally {
      setChecking(false);
    }
  };

  /** The receipt printed as a PDF into the export folder (to print or keep with the papers). */
  const printReceipt = async (number: string) => {
    if (printing) return;
    setPrinting(number);
    setPrinted(null);
    setPrintError(null);
    try {
      const dir = await api.exportFolder();
      setPrinted(await api.rosterReceiptPdf(number, dir));
    } catch (e) {
      setPrintError(api.toApiError(e));
    } finally {
      setPrinting(null);
    }
  };

  /** The funding pack of a filed period, into the export folder. */
  const writePack = async (f: KeptFiling) => {
    if (packing) return;
    setPacking(f.filing_id);
    setPack(null);
    setPackError(null);
    try {
      const dir = await api.exportFolder();
      setPack(await api.rosterPack(f.period_from, f.period_to, dir));
    } catch (e) {
      setPackError(api.toApiError(e));
    } finally {
      setPacking(null);
    }
  };
  // The pack is the period's newest filing's: offer it on that row only (the list is newest first).
  const newestOfPeriod = new Set(
    filings
      .filter((f) => f.receipt)
      .filter((f, i, all) => all.findIndex((g) => g.period_from === f.period_from && g.period_to === f.period_to) === i)
      .map((f) => f.filing_id),
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (enterSubmits(e)) {
      e.preventDefault();
      void file();
    }
  };

  const dateItem = (field: DateField, id: string, label: string) => (
    <Form.Item
      label={label}
      htmlFor={id}
      validateStatus={wrong[field] ? 'error' : undefined}
      help={wrong[field] ? t('filing.dateFormat') : undefined}
    >
      <Input
        id={id}
        data-testid={id}
        className="mono"
        style={{ width: 150 }}
        placeholder="YYYY-MM-DD"
        value={period[field]}
        onChange={(e) => setPeriod((p) => ({ ...p, [field]: e.target.value }))}
      />
    </Form.Item>
  );

  const receipt = filed?.receipt;
  return (
    <section className="mt roster-filing" data-testid="roster-filing" aria-labelledby="roster-filing-title">
      <Typography.Title level={5} id="roster-filing-title">
        {t('filing.title')}
      </Typography.Title>
      <Typography.Paragraph className="muted">{t('filing.intro')}</Typography.Paragraph>
      <div onKeyDown={onKeyDown} data-testid="filing-form">
        <Form layout="vertical" component="div">
          <div className="filing-fields">
            {dateItem('from', 'filing_from', t('filing.from'))}
            {dateItem('to', 'filing_to', t('filing.to'))}
            <Form.Item label={t('filing.replaces')} htmlFor="filing_replaces" extra={t('filing.replacesHint')} style={{ width: 320 }}>
              <Input
                id="filing_replaces"
                data-testid="filing_replaces"
                className="mono"
                style={{ width: 200 }}
                placeholder="BA2026-000001"
                value={replaces}
                onChange={(e) => setReplaces(e.target.value)}
              />
            </Form.Item>
          </div>
          <Space align="center">
            <Button type="primary" loading={busy} onClick={() => void file()} data-testid="filing-submit">
              {t('filing.submit')}
            </Button>
            {busy && (
              <span className="muted" data-testid="filing-busy">
                {t('filing.busy')}
              </span>
            )}
          </Space>
        </Form>
      </div>

      {filed && receipt && (
        <Alert
          className="mt"
          type="success"
          showIcon
          data-testid="filing-done"
          message={t('filing.done', { number: receipt.number })}
          description={
            <Descriptions size="small" column={2} bordered labelStyle={{ whiteSpace: 'nowrap' }}>
              <Descriptions.Item label={t('filing.number')}>
                <span className="mono" data-testid="filing-number">
                  {receipt.number}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('filing.rows')}>{receipt.rows}</Descriptions.Item>
              <Descriptions.Item label={t('filing.period')}>
                {receipt.period_from} ~ {receipt.period_to}
              </Descriptions.Item>
              <Descriptions.Item label={t('filing.filedAt')}>{formatTime(receipt.filed_at)}</Descriptions.Item>
              {receipt.replaces && (
                <Descriptions.Item label={t('filing.replacesShort')} span={2}>
                  <span className="mono">{receipt.replaces}</span>
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('filing.sha256')} span={2}>
                <span className="mono hash" data-testid="filing-sha256">
                  {receipt.roster_sha256}
                </span>
              </Descriptions.Item>
            </Descriptions>
          }
        />
      )}
      {error && <Refusal error={error} />}

      <div className="page-head mt">
        <Typography.Title level={5} className="grow" style={{ margin: 0 }}>
          {t('filing.kept')}
        </Typography.Title>
        <Button onClick={() => void verify()} loading={checking} disabled={filings.length === 0} data-testid="filing-verify">
          {t('filing.verify')}
        </Button>
      </div>
      {listError && <Alert className="mt" type="error" showIcon message={msg(listError)} data-testid="filing-list-error" />}
      {pack && (
        <Alert
          className="mt"
          type={pack.totals.workers_with_problems === 0 ? 'success' : 'warning'}
          showIcon
          data-testid="pack-done"
          message={t('filing.packDone', {
            number: pack.number,
            workers: pack.totals.workers,
            clear: pack.totals.workers_clear,
            problems: pack.totals.problems,
          })}
          description={
            <div className="mono" data-testid="pack-files">
              <div>{pack.pdf}</div>
              <div>{pack.xlsx}</div>
            </div>
          }
        />
      )}
      {packError && <Alert className="mt" type="error" showIcon message={msg(packError)} data-testid="pack-error" />}
      {printed && (
        <Alert
          className="mt"
          type="success"
          showIcon
          data-testid="receipt-printed"
          message={t('filing.receiptPrinted')}
          description={
            <div className="mono" data-testid="receipt-path">
              {printed}
            </div>
          }
        />
      )}
      {printError && <Alert className="mt" type="error" showIcon message={msg(printError)} data-testid="receipt-print-error" />}
      <Table<KeptFiling>
        size="small"
        rowKey="filing_id"
        pagination={false}
        data-testid="filing-list"
        dataSource={filings}
        locale={{ emptyText: t('filing.none') }}
        onRow={(f) => ({ 'data-testid': 'filing-row', 'data-number': f.receipt?.number ?? '' }) as never}
        columns={[
          {
            title: t('filing.number'),
            key: 'number',
            className: 'nowrap',
            render: (_, f) => <span className="mono">{f.receipt?.number ?? '—'}</span>,
          },
          { title: t('filing.period'), key: 'period', className: 'nowrap', render: (_, f) => `${f.period_from} ~ ${f.period_to}` },
          { title: t('filing.rows'), key: 'rows', className: 'nowrap', align: 'right', render: (_, f) => f.receipt?.rows ?? f.row_count },
          {
            title: t('filing.filedAt'),
            key: 'filed',
            className: 'nowrap',
            render: (_, f) => (f.receipt ? formatTime(f.receipt.filed_at) : '—'),
          },
          {
            title: t('filing.replacesShort'),
            key: 'replaces',
            className: 'nowrap',
            render: (_, f) => <span className="mono">{f.replaces ?? '—'}</span>,
          },
          { title: t('filing.key'), key: 'key', className: 'nowrap', align: 'right', render: (_, f) => f.receipt?.key_id ?? '—' },
          {
            title: t('filing.receipt'),
            key: 'verdict',
            render: (_, f) => (
              <Space direction="vertical" size={2}>
                <Verdict filing={f} checked={checked} />
                {f.receipt && (
                  <Button
                    size="small"
                    type="link"
                    style={{ padding: 0 }}
                    loading={printing === f.receipt.number}
                    onClick={() => void printReceipt(f.receipt!.number)}
                    data-testid="receipt-pdf"
                  >
                    {t('filing.receiptPdfWrite')}
                  </Button>
                )}
              </Space>
            ),
          },
          {
            title: t('filing.pack'),
            key: 'pack',
            className: 'nowrap',
            render: (_, f) =>
              newestOfPeriod.has(f.filing_id) ? (
                <Button size="small" loading={packing === f.filing_id} onClick={() => void writePack(f)} data-testid="pack-write">
                  {t('filing.packWrite')}
                </Button>
              ) : null,
          },
        ]}
      />
    </section>
  );
}

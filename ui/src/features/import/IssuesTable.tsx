// An import's report lines (row, column, the desk's sentence, what happened to the row), for
// every import: workers, health checks, insurance.
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import type { ImportIssue } from '../../api';
import { useI18n } from '../../i18n';

export default function IssuesTable({ issues }: { issues: ImportIssue[] }) {
  const { t, msg } = useI18n();
  return (
    <Table<ImportIssue>
      size="small"
      data-testid="import-issues"
      rowKey={(i) => `${i.row}-${i.column ?? ''}-${i.code}`}
      dataSource={issues}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        { title: t('import.row'), dataIndex: 'row', width: 60 },
        { title: t('import.column'), width: 140, render: (_: unknown, i) => [i.column, i.header].filter(Boolean).join(' ') },
        { title: t('import.problem'), render: (_: unknown, i) => msg(i) },
        {
          title: t('import.outcome'),
          dataIndex: 'severity',
          width: 90,
          render: (s: string) =>
            s === 'skipped' ? (
              <Tag>{t('import.skipped')}</Tag>
            ) : s === 'note' ? (
              <Tag color="cyan">{t('import.noted')}</Tag>
            ) : (
              <Tag color="red">{t('import.notImported')}</Tag>
            ),
        },
      ]}
    />
  );
}

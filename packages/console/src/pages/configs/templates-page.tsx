import { useState } from 'react';
import { CONFIGS_ROUTES } from '@outpost/protocol';
import { num } from '../../app/format.js';
import type { ConfigTemplateWithDevices as TemplateRow } from '../../app/route-types.js';
import { Link, href } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useRoute } from '../../app/use-route.js';
import { PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { targetFilter, TemplateDialog } from './template-dialog.js';

const COLUMNS: Column<TemplateRow>[] = [
  {
    key: 'name',
    header: 'Template',
    cell: (t) => (
      <>
        <Link to={`/templates/${encodeURIComponent(t.name)}`} className="strong">
          {t.name}
        </Link>
        {t.description ? <div className="muted small">{t.description}</div> : null}
      </>
    ),
  },
  { key: 'version', header: 'Version', cell: (t) => `v${t.version}` },
  {
    key: 'target',
    header: 'Applies to',
    className: 'mono small',
    cell: (t) => `${targetFilter(t.target)}${t.model ? ` · ${t.model}` : ''}`,
  },
  { key: 'policy', header: 'On drift', cell: (t) => (t.policy === 'enforce' ? 'put back' : 'report') },
  {
    key: 'devices',
    header: 'Devices',
    align: 'right',
    cell: (t) => <Link to={href('/devices', { filter: targetFilter(t.target) })}>{num(t.devices)}</Link>,
  },
  {
    key: 'changed',
    header: 'Changed',
    cell: (t) => (
      <>
        <Time iso={t.updatedAt} /> <span className="muted">by {t.updatedBy}</span>
      </>
    ),
  },
];

export function TemplatesPage() {
  const can = useCan();
  const list = useRoute(CONFIGS_ROUTES.templates);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Configuration templates"
        subtitle="Desired settings for the devices a group or filter chooses; devices report what they run, the hub compares."
        actions={
          can('operator') ? (
            <button type="button" className="primary" data-mutates="" onClick={() => setCreating(true)}>
              New template…
            </button>
          ) : undefined
        }
      />
      <DataTable
        columns={COLUMNS}
        rows={list.data?.items}
        rowKey={(t) => t.id}
        loading={list.loading}
        error={list.error}
        empty="No templates yet."
      />
      {creating ? (
        <TemplateDialog
          template={null}
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            list.reload();
          }}
        />
      ) : null}
    </>
  );
}

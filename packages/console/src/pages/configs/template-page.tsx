import { useState } from 'react';
import { CONFIGS_ROUTES } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { compactJson, num } from '../../app/format.js';
import { Link, href } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading, PageHeader, Time } from '../../ui/bits.js';
import { TemplateDialog, targetFilter } from './template-dialog.js';

/** One template: its settings, where it applies, every version with what changed. */
export function TemplatePage({ name }: { name: string }) {
  const can = useCan();
  const [version, setVersion] = useState(0);
  // `version` counts saves here: each reads the template and its versions again.
  const t = useRoute(CONFIGS_ROUTES.template, { params: { name } }, [version]);
  const versions = useRoute(CONFIGS_ROUTES.templateVersions, { params: { name } }, [version]);
  const [editing, setEditing] = useState(false);
  const act = useAction();
  if (t.loading && !t.data) return <Loading />;
  if (!t.data) return <ErrorBox error={t.error} />;
  const tpl = t.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/templates">Templates</Link> <span aria-hidden="true">/</span> <span>{tpl.name}</span>
      </nav>
      <PageHeader
        title={`${tpl.name} v${tpl.version}`}
        subtitle={tpl.description || undefined}
        actions={
          can('operator') ? (
            <button type="button" className="primary" data-mutates="" onClick={() => setEditing(true)}>
              Edit…
            </button>
          ) : undefined
        }
      />
      <div className="grid-2">
        <section className="card">
          <h2>Where it applies</h2>
          <dl className="facts">
            <div>
              <dt>Devices</dt>
              <dd>
                <Link to={href('/devices', { filter: targetFilter(tpl.target) })}>{num(tpl.devices)}</Link> (
                <code>{targetFilter(tpl.target)}</code>)
              </dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd>{tpl.model ?? 'any'}</dd>
            </div>
            <div>
              <dt>Priority</dt>
              <dd>{tpl.priority}</dd>
            </div>
            <div>
              <dt>On drift</dt>
              <dd>{tpl.policy === 'enforce' ? 'the hub puts the setting back' : 'reported, left as it is'}</dd>
            </div>
            <div>
              <dt>Compliance</dt>
              <dd>
                <Link to={href('/compliance', { template: tpl.name })}>drifted devices</Link>
              </dd>
            </div>
          </dl>
        </section>
        <section className="card">
          <h2>Settings</h2>
          <table className="data">
            <tbody>
              {Object.entries(tpl.settings).map(([k, v]) => (
                <tr key={k}>
                  <td>
                    <code>{k}</code>
                  </td>
                  <td className="mono">
                    {v && typeof v === 'object' && '$secret' in v ? '•••••• (secret)' : JSON.stringify(v)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section className="card section-gap">
        <h2>Versions</h2>
        <ErrorBox error={versions.error ?? act.error} />
        <ol className="history" reversed>
          {[...(versions.data?.items ?? [])].reverse().map((v) => (
            <li key={v.version}>
              <strong>v{v.version}</strong> <Time iso={v.createdAt} /> by {v.author}
              {v.comment ? <span className="muted"> — {v.comment}</span> : null}
              {can('operator') && v.version !== tpl.version ? (
                <button
                  type="button"
                  className="link"
                  data-mutates=""
                  onClick={() =>
                    void act
                      .perform(() => api.templates.restore(tpl.name, v.version, `restored v${v.version}`))
                      .then((r) => r && setVersion((n) => n + 1))
                  }
                >
                  Restore
                </button>
              ) : null}
              {v.diff.length ? (
                <ul className="diff">
                  {v.diff.map((d, i) => (
                    <li key={i} className={`diff-${d.change}`}>
                      <code>{d.field}</code> {d.change}
                      {d.secret
                        ? ' (secret)'
                        : d.change === 'changed'
                          ? `: ${compactJson(d.from, 60)} → ${compactJson(d.to, 60)}`
                          : d.change === 'added'
                            ? `: ${compactJson(d.to, 60)}`
                            : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      {editing ? (
        <TemplateDialog
          template={tpl}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setVersion((n) => n + 1);
          }}
        />
      ) : null}
    </>
  );
}

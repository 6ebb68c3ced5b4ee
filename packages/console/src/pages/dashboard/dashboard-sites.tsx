import { LIVE_ROUTES } from '@outpost/protocol';
import { num } from '../../app/format.js';
import { Link, href } from '../../app/router.js';
import { useRoute } from '../../app/use-route.js';
import { Empty, ErrorBox, Loading } from '../../ui/bits.js';
import { FirmwareByModel } from '../groups/firmware-by-model.js';

const devicesWhere = (filter: string) => href('/devices', { filter });

/** Per site (`site` tag): online, offline, critical devices and open alerts; then firmware per model. */
export function SitesCards() {
  const r = useRoute(LIVE_ROUTES.sites);
  const sites = r.data?.sites ?? [];
  return (
    <>
      <section className="card" aria-labelledby="sites-title">
        <h2 id="sites-title">Sites</h2>
        <ErrorBox error={r.error} />
        {r.loading && !r.data ? <Loading /> : null}
        {r.data && sites.length === 0 ? <Empty>No devices yet.</Empty> : null}
        {sites.length > 0 ? (
          <table className="data" data-testid="sites-table">
            <thead>
              <tr>
                <th>Site</th>
                <th className="num">Online</th>
                <th className="num">Offline</th>
                <th className="num">Critical</th>
                <th className="num">Open alerts</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr key={s.site ?? ''} data-site={s.site ?? ''}>
                  <td>
                    <Link to={devicesWhere(s.filter)}>{s.site ?? 'no site tag'}</Link>
                  </td>
                  <td className="num">
                    <Link to={devicesWhere(`${s.filter} and online`)}>{num(s.online)}</Link>
                  </td>
                  <td className="num">
                    <Link to={devicesWhere(`${s.filter} and offline`)}>{num(s.offline)}</Link>
                  </td>
                  <td className="num">{num(s.critical)}</td>
                  <td className="num">
                    <Link to={href('/alerts')}>{num(s.openAlerts)}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {r.data ? <FirmwareByModel rows={r.data.firmware} title="Firmware per model" /> : null}
    </>
  );
}

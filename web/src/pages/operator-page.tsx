import { useState, type FormEvent } from 'react';
import { NewSecret, KeyTable } from '../components/key-table.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useLocale } from '../i18n/locale.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

const TENANT_ROLES = ['owner', 'member', 'viewer', 'auditor'] as const;

/** The operator's desk: tenants and their keys (create, revoke, rotate), the operator's own keys, the nodes. */
export function OperatorPage() {
  const { client } = useSession();
  const { t } = useLocale();
  const [tenants, reloadTenants] = useApi(() => client.listTenants(), [client]);
  const [tenantId, setTenantId] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const createTenant = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const tenant = await client.createTenant(name.trim());
      setName('');
      setTenantId(tenant.id);
      reloadTenants();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <h1>{t('operator.title')}</h1>
      <section aria-labelledby="tenants-title">
        <h2 id="tenants-title">{t('operator.tenants')}</h2>
        <form className="filters" onSubmit={createTenant}>
          <label>
            {t('operator.tenantName')}
            <input value={name} required onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit">{t('operator.createTenant')}</button>
        </form>
        {error !== undefined ? <ProblemAlert error={error} /> : null}
        {tenants.state === 'failed' ? <ProblemAlert error={tenants.error} /> : null}
        {tenants.state === 'ready' ? (
          <ul className="tenants" data-testid="tenants">
            {tenants.value.items.map((tenant) => (
              <li key={tenant.id}>
                <button
                  type="button"
                  className={tenant.id === tenantId ? 'link current' : 'link'}
                  aria-pressed={tenant.id === tenantId}
                  onClick={() => setTenantId(tenant.id)}
                >
                  {tenant.name}
                </button>{' '}
                <code>{tenant.id}</code>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {tenantId ? <TenantKeys key={tenantId} tenantId={tenantId} /> : null}
      <OperatorKeys />
      <Nodes />
    </>
  );
}

function TenantKeys({ tenantId }: { tenantId: string }) {
  const { client } = useSession();
  const { t } = useLocale();
  const [keys, reload] = useApi(() => client.listKeys(tenantId), [client, tenantId]);
  const [role, setRole] = useState<(typeof TENANT_ROLES)[number]>('viewer');
  const [project, setProject] = useState('');
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await client.createKey(tenantId, role, { project: project.trim() || undefined });
      setSecret(created.key);
      reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-labelledby="tenant-keys-title">
      <h2 id="tenant-keys-title">{t('operator.tenantKeys')}</h2>
      <form className="filters" onSubmit={create}>
        <label>
          {t('operator.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
            {TENANT_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('jobs.project')}
          <input value={project} onChange={(e) => setProject(e.target.value)} />
        </label>
        <button type="submit">{t('operator.createKey')}</button>
      </form>
      {secret ? <NewSecret secret={secret} /> : null}
      {error !== undefined ? <ProblemAlert error={error} /> : null}
      {keys.state === 'failed' ? <ProblemAlert error={keys.error} /> : null}
      {keys.state === 'ready' ? <KeyTable keys={keys.value.items} onChange={reload} /> : null}
    </section>
  );
}

function OperatorKeys() {
  const { client } = useSession();
  const { t } = useLocale();
  const [keys, reload] = useApi(() => client.listKeys(), [client]);
  return (
    <section aria-labelledby="own-keys-title">
      <h2 id="own-keys-title">{t('operator.ownKeys')}</h2>
      {keys.state === 'failed' ? <ProblemAlert error={keys.error} /> : null}
      {keys.state === 'ready' ? <KeyTable keys={keys.value.items} onChange={reload} /> : null}
    </section>
  );
}

function Nodes() {
  const { client } = useSession();
  const { t, dateTime } = useLocale();
  const [nodes] = useApi(() => client.listNodes(), [client]);
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">{t('operator.nodes')}</h2>
      {nodes.state === 'failed' ? <ProblemAlert error={nodes.error} /> : null}
      {nodes.state === 'ready' ? (
        nodes.value.items.length === 0 ? (
          <p>{t('operator.noNode')}</p>
        ) : (
          <table data-testid="nodes">
            <thead>
              <tr>
                <th scope="col">{t('jobs.site')}</th>
                <th scope="col">{t('operator.node')}</th>
                <th scope="col">{t('operator.state')}</th>
                <th scope="col">{t('overview.gpus')}</th>
                <th scope="col">{t('operator.heartbeat')}</th>
                <th scope="col">{t('operator.running')}</th>
              </tr>
            </thead>
            <tbody>
              {nodes.value.items.map((node) => (
                <tr key={`${node.site}/${node.name}`}>
                  <td>{node.site}</td>
                  <th scope="row">{node.name}</th>
                  <td>{t(`operator.node.${node.state}`)}</td>
                  <td>
                    {node.gpus
                      .map(
                        (g) =>
                          `${g.model} ${g.memoryGiB} GiB${g.virtual ? ` (${t('overview.virtual')})` : ''}`,
                      )
                      .join(', ') || '—'}
                  </td>
                  <td>{dateTime(node.lastHeartbeatAt)}</td>
                  <td>{node.running.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}

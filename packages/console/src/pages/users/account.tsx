import { useSession } from '../../app/session.js';
import { USERS_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading, PageHeader, Time } from '../../ui/bits.js';
import { MfaSetup } from './mfa-setup.js';
import { ChangePassword } from './change-password.js';

/** The signed-in user's own account: role, session, second factor. */
export function AccountPage() {
  const session = useSession();
  const mfa = useRoute(USERS_ROUTES.mfaStatus);
  return (
    <>
      <PageHeader title="Your account" subtitle={`${session.user.username}, ${session.user.role}`} />
      <section className="card">
        <h2>Session</h2>
        <p>
          {session.expiresAt ? (
            <>
              This sign-in ends <Time iso={session.expiresAt} />.
            </>
          ) : (
            'This sign-in ends when the hub says so; you will be asked to sign in again.'
          )}
        </p>
      </section>
      <section className="card">
        <h2>Password</h2>
        <ChangePassword />
      </section>
      <section className="card">
        <h2>Second factor</h2>
        <ErrorBox error={mfa.error} />
        {mfa.loading && !mfa.data ? <Loading /> : null}
        {mfa.data?.enrolled ? (
          <p>
            An authenticator is set up (since <Time iso={mfa.data.enrolledAt} />
            ); {mfa.data.recoveryCodesLeft} recovery codes left.
          </p>
        ) : mfa.data ? (
          <MfaSetup onDone={mfa.reload} required={mfa.data.requiredForRole} />
        ) : null}
      </section>
    </>
  );
}

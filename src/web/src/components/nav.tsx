import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { Icon, type IconName } from '@/components/icons.tsx';
import { useSession } from '@/session.tsx';

function NavItem({ to, icon, label }: { to: string; icon: IconName; label: string }) {
  return (
    <li>
      <NavLink to={to} className={({ isActive }) => `nav-link ${isActive ? 'is-active' : ''}`}>
        <Icon name={icon} />
        <span>{label}</span>
      </NavLink>
    </li>
  );
}

/**
 * The main navigation; NavLink sets `aria-current="page"` on the current entry. Users, teams and privacy
 * are an admin's settings: a member is not offered pages that would only say they are for admins.
 */
export function Nav() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <ul className="nav-list">
        <NavItem to="/calls" icon="calls" label={t('nav.calls')} />
        <NavItem to="/coverage" icon="check" label={t('coverage.nav')} />
      </ul>
      <p className="nav-section" id="nav-settings">
        {t('nav.settings')}
      </p>
      <ul className="nav-list" aria-labelledby="nav-settings">
        <NavItem to="/settings/integrations" icon="integrations" label={t('nav.integrations')} />
        {isAdmin ? (
          <>
            <NavItem to="/settings/users" icon="users" label={t('nav.users')} />
            <NavItem to="/settings/teams" icon="users" label={t('teams.nav')} />
            <NavItem to="/settings/privacy" icon="lock" label={t('nav.privacy')} />
          </>
        ) : null}
      </ul>
    </nav>
  );
}

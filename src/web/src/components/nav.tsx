import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { Icon, type IconName } from '@/components/icons.tsx';

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

/** The main navigation; NavLink sets `aria-current="page"` on the current entry. */
export function Nav() {
  const { t } = useTranslation();
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
        <NavItem to="/settings/users" icon="users" label={t('nav.users')} />
        <NavItem to="/settings/teams" icon="users" label={t('teams.nav')} />
        <NavItem to="/settings/privacy" icon="lock" label={t('nav.privacy')} />
      </ul>
    </nav>
  );
}

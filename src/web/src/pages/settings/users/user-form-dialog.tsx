import {
  type CreateUserRequest,
  createUserRequestSchema,
  type Language,
  type Role,
  type UpdateUserRequest,
  type User,
  updateUserRequestSchema,
} from '@contract/index.ts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { FormDialog } from '@/components/dialog.tsx';
import { CheckboxField, PasswordField, SelectField, TextField } from '@/components/field.tsx';
import { describeError } from '@/errors.ts';
import { currentLanguage } from '@/i18n.ts';

type FieldName = 'email' | 'name' | 'password';

interface UserFormDialogProps {
  /** `null` to add a user, a user to edit them. */
  user: User | null;
  isOpen: boolean;
  isSelf: boolean;
  onClose: () => void;
  onSaved: (user: User, kind: 'created' | 'updated') => void;
}

export function UserFormDialog(props: UserFormDialogProps) {
  // Remount per opened user so the form starts from that user's values.
  return props.isOpen ? <UserForm key={props.user?.id ?? 'new'} {...props} /> : null;
}

function UserForm({ user, isSelf, onClose, onSaved }: UserFormDialogProps) {
  const { t } = useTranslation();
  const isEdit = user !== null;
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'member');
  const [isLicensed, setIsLicensed] = useState(user?.isLicensed ?? true);
  const [language, setLanguage] = useState<Language>(user?.language ?? currentLanguage());
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);

  const messageFor = (field: FieldName): string =>
    field === 'email'
      ? t('users.form.emailInvalid')
      : field === 'name'
        ? t('users.form.nameRequired')
        : t('users.form.passwordTooShort');

  const validate = (): CreateUserRequest | UpdateUserRequest | null => {
    const candidate = user
      ? // Only what changed: the list may hold an older copy of a field changed elsewhere (e.g. one's language).
        updateUserRequestSchema.safeParse({
          ...(name.trim() !== user.name ? { name } : {}),
          ...(role !== user.role ? { role } : {}),
          ...(isLicensed !== user.isLicensed ? { isLicensed } : {}),
          ...(language !== user.language ? { language } : {}),
          ...(password ? { password } : {}),
        })
      : createUserRequestSchema.safeParse({
          email,
          name,
          role,
          isLicensed,
          language,
          ...(password ? { password } : {}),
        });
    if (candidate.success) return candidate.data;
    const errors: Partial<Record<FieldName, string>> = {};
    for (const issue of candidate.error.issues) {
      const field = issue.path[0];
      if (field === 'email' || field === 'name' || field === 'password') errors[field] = messageFor(field);
    }
    setFieldErrors(errors);
    if (Object.keys(errors).length === 0) setFormError(candidate.error.message);
    return null;
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFieldErrors({});
    setFormError(null);
    const body = validate();
    if (!body) return;
    setIsSaving(true);
    try {
      if (user) onSaved(await api.updateUser(user.id, body as UpdateUserRequest), 'updated');
      else onSaved(await api.createUser(body as CreateUserRequest), 'created');
    } catch (error) {
      setFormError(
        describeError(t, error, { conflict: isEdit ? t('errors.last_admin') : t('errors.conflict') }),
      );
      setIsSaving(false);
    }
  };

  const formId = isEdit ? 'edit-user-form' : 'add-user-form';
  return (
    <FormDialog
      title={isEdit ? t('users.form.editTitle') : t('users.form.addTitle')}
      description={isEdit ? user.email : undefined}
      onClose={onClose}
      testId="user-dialog"
      formId={formId}
      submitLabel={isEdit ? t('users.form.submitEdit') : t('users.form.submitAdd')}
      isSubmitting={isSaving}
    >
      <form id={formId} className="form" onSubmit={(event) => void submit(event)} noValidate>
        {formError ? <Banner tone="error">{formError}</Banner> : null}
        {isEdit ? null : (
          <TextField
            label={t('users.form.email')}
            type="email"
            autoComplete="off"
            required
            autoFocus
            value={email}
            error={fieldErrors.email}
            onValue={setEmail}
          />
        )}
        <TextField
          label={t('users.form.name')}
          autoComplete="off"
          required
          autoFocus={isEdit}
          value={name}
          error={fieldErrors.name}
          onValue={setName}
        />
        <div className="form-row">
          <SelectField
            label={t('users.form.role')}
            value={role}
            disabled={isSelf}
            onChange={(event) =>
              setRole(
                event.target.value === 'admin'
                  ? 'admin'
                  : event.target.value === 'manager'
                    ? 'manager'
                    : 'member',
              )
            }
            options={[
              { value: 'member', label: t('common.member') },
              { value: 'manager', label: t('teams.manager') },
              { value: 'admin', label: t('common.admin') },
            ]}
          />
          <SelectField
            label={t('users.form.language')}
            value={language}
            onChange={(event) => setLanguage(event.target.value === 'fr' ? 'fr' : 'en')}
            options={[
              { value: 'fr', label: t('language.fr') },
              { value: 'en', label: t('language.en') },
            ]}
          />
        </div>
        <p className="field-hint form-note">{t('users.form.roleHint')}</p>
        <CheckboxField
          label={t('users.form.licensed')}
          hint={t('users.form.licensedHint')}
          checked={isLicensed}
          onChange={(event) => setIsLicensed(event.target.checked)}
        />
        <PasswordField
          label={`${isEdit ? t('users.form.newPassword') : t('users.form.password')} (${t('common.optional')})`}
          isNew
          isOptional
          minLength={12}
          value={password}
          hint={isEdit ? t('users.form.newPasswordHint') : t('users.form.passwordHint')}
          error={fieldErrors.password}
          onValue={setPassword}
        />
      </form>
    </FormDialog>
  );
}

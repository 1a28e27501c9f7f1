import {
  type InputHTMLAttributes,
  type KeyboardEvent,
  type ReactNode,
  type SelectHTMLAttributes,
  useId,
} from 'react';

interface FieldFrameProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
}

/** A labelled field around any control whose id is `id` (TextField and SelectField use it). */
export function FieldFrame({ id, label, hint, error, children }: FieldFrameProps) {
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

interface ControlOptions<Event> {
  hint?: ReactNode;
  error?: string | null;
  onValue?: (value: string) => void;
  onChange?: (event: Event) => void;
}

/** What the control of a TextField or SelectField is given: its id, its change handler, its ARIA links. */
function useControl<Event extends { target: { value: string } }>({
  hint,
  error,
  onValue,
  onChange,
}: ControlOptions<Event>) {
  const id = useId();
  return {
    id,
    onChange: onValue ? (event: Event) => onValue(event.target.value) : onChange,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, hint, error),
  };
}

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** Called with the new text on every change (instead of `onChange`'s event). */
  onValue?: (value: string) => void;
}

export function TextField({ label, hint, error, className, onValue, ...rest }: TextFieldProps) {
  const control = useControl({ hint, error, onValue, onChange: rest.onChange });
  return (
    <FieldFrame id={control.id} label={label} hint={hint} error={error}>
      <input {...rest} {...control} className={`input ${className ?? ''}`} />
    </FieldFrame>
  );
}

interface PasswordFieldProps extends Omit<TextFieldProps, 'type' | 'autoComplete' | 'required'> {
  /** A password being chosen, not the one the person has: browsers then offer to generate one. */
  isNew?: boolean;
  /** A password box is required unless it says so. */
  isOptional?: boolean;
}

export function PasswordField({ isNew = false, isOptional = false, ...rest }: PasswordFieldProps) {
  return (
    <TextField
      {...rest}
      type="password"
      autoComplete={isNew ? 'new-password' : 'current-password'}
      required={!isOptional}
    />
  );
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  options: { value: string; label: string }[];
  /** Called with the chosen value on every change (instead of `onChange`'s event). */
  onValue?: (value: string) => void;
}

export function SelectField({ label, hint, error, options, className, onValue, ...rest }: SelectFieldProps) {
  const control = useControl({ hint, error, onValue, onChange: rest.onChange });
  return (
    <FieldFrame id={control.id} label={label} hint={hint} error={error}>
      <select {...rest} {...control} className={`input select ${className ?? ''}`}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: ReactNode;
  hint?: ReactNode;
}

export function CheckboxField({ label, hint, ...rest }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input {...rest} id={id} type="checkbox" aria-describedby={hint ? `${id}-hint` : undefined} />
      <div>
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {hint ? (
          <p className="field-hint" id={`${id}-hint`}>
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/**
 * A one-line box of a toolbar or an inline form (the button beside it), whose label is also its
 * placeholder; `type="search"` makes it a search box, `rows` a text area.
 */
export function InlineInput({
  label,
  value,
  onValue,
  className = 'input',
  type,
  ...rest
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  className?: string;
  type?: 'search';
  placeholder?: string;
  required?: boolean;
  maxLength?: number;
  rows?: number;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
}) {
  const props = {
    className,
    'aria-label': label,
    placeholder: label,
    value,
    ...rest,
  };
  return rest.rows ? (
    <textarea {...props} onChange={(event) => onValue(event.target.value)} />
  ) : (
    <input {...props} type={type} onChange={(event) => onValue(event.target.value)} />
  );
}

/**
 * A select of a toolbar or an inline form, from `options`; `label` names it for screen readers when
 * no visible label does.
 */
export function InlineSelect({
  label,
  value,
  onValue,
  options,
  className = 'input',
}: {
  label?: string;
  value: string;
  onValue: (value: string) => void;
  options: Array<{ value: string; label: string }>;
  className?: string;
}) {
  return (
    <select
      className={className}
      aria-label={label}
      value={value}
      onChange={(event) => onValue(event.target.value)}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/**
 * A control of a toolbar or an inline form with its name above it (the library's filters, sharing),
 * or `isBeside` it (the policy's settings).
 */
export function LabelledField({
  label,
  isBeside = false,
  children,
}: {
  label: string;
  isBeside?: boolean;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`, inside the label.
    <label className={isBeside ? 'inline-field' : 'filter-field'}>
      <span>{label}</span>
      {children}
    </label>
  );
}

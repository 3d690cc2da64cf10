import { useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';

/** The units a duration is shown and typed in; stored as seconds. */
const UNITS = [
  { id: 'days', seconds: 86_400 },
  { id: 'hours', seconds: 3600 },
  { id: 'minutes', seconds: 60 },
  { id: 'seconds', seconds: 1 },
] as const;
type Unit = (typeof UNITS)[number]['id'];

/** The largest unit that shows `seconds` as a whole number: 1209600 reads as 14 days. */
export function displayUnit(seconds: number): Unit {
  return (UNITS.find((u) => seconds > 0 && seconds % u.seconds === 0) ?? UNITS[1]).id;
}

const secondsOf = (unit: Unit) => UNITS.find((u) => u.id === unit)?.seconds ?? 1;

/**
 * A non-negative amount as typed: NaN for anything else (empty, "-5", "1e"), which the form
 * refuses to save rather than quietly turning into something the admin did not mean.
 */
export function parseAmount(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return Number.NaN;
  return Number(trimmed);
}

/** How a stored duration first shows: in its largest whole unit. */
function fromSeconds(seconds: number): { text: string; unit: Unit; seconds: number } {
  const unit = displayUnit(seconds);
  return { text: String(seconds / secondsOf(unit)), unit, seconds };
}

/** A duration in days, hours or minutes (seconds when nothing larger fits), stored in seconds. */
export function DurationField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (seconds: number) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [field, setField] = useState(() => fromSeconds(value));
  // A value from outside (loaded, another department) shows afresh; the one this field sent does not.
  if (Number.isFinite(value) && field.seconds !== value) setField(fromSeconds(value));
  const { text, unit } = field;
  const bad = !Number.isFinite(field.seconds);
  const send = (nextText: string, nextUnit: Unit) => {
    const seconds = Math.round(parseAmount(nextText) * secondsOf(nextUnit));
    setField({ text: nextText, unit: nextUnit, seconds });
    onChange(seconds);
  };
  return (
    <div className="field duration">
      <label htmlFor={id}>{label}</label>
      <span className="duration-inputs">
        <input
          id={id}
          inputMode="decimal"
          value={text}
          aria-invalid={bad}
          aria-describedby={bad ? `${id}-error` : undefined}
          onChange={(e) => send(e.target.value, unit)}
        />
        <select
          aria-label={t('admin.unit')}
          value={unit}
          onChange={(e) => send(text, UNITS.find((u) => u.id === e.target.value)?.id ?? unit)}
        >
          {UNITS.map((u) => (
            <option key={u.id} value={u.id}>
              {t(`admin.unit.${u.id}`)}
            </option>
          ))}
        </select>
      </span>
      {bad && (
        <span id={`${id}-error`} role="alert" className="error small">
          {t('admin.notNegative')}
        </span>
      )}
    </div>
  );
}

/** A non-negative count or threshold; NaN (refused on save) for anything else. */
export function AmountField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
}) {
  const { t } = useI18n();
  const [field, setField] = useState(() => ({ text: String(value), value }));
  if (Number.isFinite(value) && field.value !== value) setField({ text: String(value), value });
  const bad = !Number.isFinite(field.value);
  return (
    <label className="field">
      <span>{label}</span>
      <input
        inputMode="decimal"
        value={field.text}
        aria-invalid={bad}
        onChange={(e) => {
          const next = parseAmount(e.target.value);
          setField({ text: e.target.value, value: next });
          onChange(next);
        }}
      />
      {bad && (
        <span role="alert" className="error small">
          {t('admin.notNegative')}
        </span>
      )}
    </label>
  );
}

/** Whether a draft holds a number the admin typed wrong (negative, empty, not a number). */
export function hasBadNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value) || value < 0;
  if (Array.isArray(value)) return value.some(hasBadNumber);
  if (value && typeof value === 'object') return Object.values(value).some(hasBadNumber);
  return false;
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PhotoPicker, type PhotoShots } from './PhotoPicker.js';

export interface NoteFormProps {
  /** The form's data-testid; the note's is `noteTestId`, the submit button's `submitTestId`. */
  testId: string;
  label: string;
  noteTestId: string;
  placeholder?: string;
  /** Said when submitted without a note; absent where the note may be left out. */
  required?: string;
  /** Photos to go with the note: `usePhotoShots` stays with the caller, which owns their lifetime. */
  photos?: { shots: PhotoShots; testId: string };
  submitLabel: string;
  submitTestId: string;
  onCancel: () => void;
  /** The note trimmed, and the keys of the photos (now kept on the device until sent). */
  onSubmit: (note: string, photoKeys: string[]) => void;
}

/** A task card's form: a note, perhaps photos, and submit or cancel. */
export function NoteForm({ testId, label, noteTestId, placeholder, required, photos, submitLabel, submitTestId, onCancel, onSubmit }: NoteFormProps) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [error, setError] = useState(false);
  const adding = photos?.shots.adding ?? false;
  return (
    <form
      className="task-form"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        if (adding) return;
        if (required && !note.trim()) return setError(true);
        onSubmit(note.trim(), photos?.shots.keep() ?? []);
      }}
    >
      <label>
        {label}
        <textarea
          data-testid={noteTestId}
          rows={3}
          maxLength={2000}
          value={note}
          placeholder={placeholder}
          onChange={(e) => {
            setNote(e.target.value);
            // The note asked for is being given: the warning has done its work.
            if (e.target.value.trim()) setError(false);
          }}
        />
      </label>
      {photos && <PhotoPicker shots={photos.shots} testId={photos.testId} />}
      {error && (
        <p className="form-error" role="alert">
          {required}
        </p>
      )}
      <div className="task-actions">
        <button type="submit" className="task-btn" data-testid={submitTestId} disabled={adding}>
          {submitLabel}
        </button>
        <button type="button" className="task-btn secondary" onClick={onCancel}>
          {t('field.cancel')}
        </button>
      </div>
    </form>
  );
}

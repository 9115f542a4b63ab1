import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PHOTO_BYTES, preparePhoto, type PhotoStore } from './photoStore.js';

/** At most this many photos to one action (the server's limit of attachments). */
export const MAX_PHOTOS = 9;

export interface Shot {
  /** Key of the image in the photo store. */
  key: string;
  /** An object URL of it, for the thumbnail. */
  url: string;
}

export interface PhotoShots {
  shots: Shot[];
  /** Why the last photos could not all be added. */
  error: string | null;
  /** Photos are being prepared and stored: wait before submitting. */
  adding: boolean;
  add(files: FileList | null): Promise<void>;
  remove(key: string): void;
  /** The photos go with what is being submitted: leaving no longer drops them from the device. */
  keep(): string[];
  /** Empties the list for the next form (what was kept stays on the device). */
  clear(): void;
}

/**
 * Photos taken (or chosen) for one form on a phone, kept in the photo store until they are sent;
 * leaving the form without submitting drops them from the device.
 */
export function usePhotoShots(photos: PhotoStore): PhotoShots {
  const { t } = useTranslation();
  const [shots, setShots] = useState<Shot[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const kept = useRef(new Set<string>());
  const shotsRef = useRef(shots);
  shotsRef.current = shots;
  useEffect(
    () => () => {
      for (const s of shotsRef.current) {
        URL.revokeObjectURL(s.url);
        if (!kept.current.has(s.key)) void photos.delete(s.key).catch(() => undefined);
      }
    },
    [photos],
  );

  const add = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setError(null);
    setAdding(true);
    const added: Shot[] = [];
    try {
      for (const file of Array.from(files)) {
        if (shotsRef.current.length + added.length >= MAX_PHOTOS) {
          setError(t('field.maxPhotos'));
          break;
        }
        const image = await preparePhoto(file);
        if (!image) {
          setError(file.size > MAX_PHOTO_BYTES ? t('field.photoTooBig') : t('field.photoUnsupported'));
          continue;
        }
        const key = crypto.randomUUID();
        await photos.put(key, image);
        added.push({ key, url: URL.createObjectURL(image) });
      }
    } finally {
      setShots((s) => [...s, ...added]);
      setAdding(false);
    }
  };

  const remove = (key: string) => {
    const shot = shotsRef.current.find((s) => s.key === key);
    if (shot) URL.revokeObjectURL(shot.url);
    void photos.delete(key).catch(() => undefined);
    setShots((s) => s.filter((x) => x.key !== key));
  };

  const keep = () => {
    for (const s of shotsRef.current) kept.current.add(s.key);
    return shotsRef.current.map((s) => s.key);
  };

  const clear = () => {
    for (const s of shotsRef.current) {
      URL.revokeObjectURL(s.url);
      if (!kept.current.has(s.key)) void photos.delete(s.key).catch(() => undefined);
    }
    setShots([]);
    setError(null);
  };

  return { shots, error, adding, add, remove, keep, clear };
}

/** The camera button and the thumbnails of a form's photos (each removable). */
export function PhotoPicker({ shots, testId, label }: { shots: PhotoShots; testId: string; label?: string }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="photo-row">
        <label className="task-btn secondary photo-pick">
          {label ?? t('field.addPhotos')}
          <input
            data-testid={testId}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            onChange={(e) => {
              void shots.add(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        {shots.shots.map((s) => (
          <figure key={s.key} className="photo-thumb">
            <img src={s.url} alt={t('field.photos')} />
            <button type="button" aria-label={t('field.removePhoto')} onClick={() => shots.remove(s.key)}>
              ×
            </button>
          </figure>
        ))}
      </div>
      {shots.error && (
        <p className="form-error" role="alert">
          {shots.error}
        </p>
      )}
    </>
  );
}

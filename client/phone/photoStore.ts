/**
 * Photos waiting to be uploaded, kept in IndexedDB so that a report made without network survives a
 * reload or a closed browser until it is sent. Where IndexedDB is unavailable (some private modes)
 * they are kept in memory: they survive the page, not a reload.
 */
export interface PhotoStore {
  put(key: string, image: Blob): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  delete(key: string): Promise<void>;
}

const DB_NAME = 'gridwatch-field';
const STORE = 'photos';

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

class IdbPhotoStore implements PhotoStore {
  private readonly db: Promise<IDBDatabase>;
  /** Settles once the database is open, or failed to open. */
  readonly ready: Promise<void>;

  constructor() {
    this.db = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
      req.onblocked = () => reject(new Error('IndexedDB blocked'));
    });
    this.ready = this.db.then(() => undefined);
  }

  private async store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    return (await this.db).transaction(STORE, mode).objectStore(STORE);
  }

  async put(key: string, image: Blob): Promise<void> {
    await promised((await this.store('readwrite')).put(image, key));
  }

  async get(key: string): Promise<Blob | undefined> {
    return (await promised((await this.store('readonly')).get(key))) as Blob | undefined;
  }

  async delete(key: string): Promise<void> {
    await promised((await this.store('readwrite')).delete(key));
  }
}

class MemoryPhotoStore implements PhotoStore {
  private readonly photos = new Map<string, Blob>();
  async put(key: string, image: Blob) {
    this.photos.set(key, image);
  }
  async get(key: string) {
    return this.photos.get(key);
  }
  async delete(key: string) {
    this.photos.delete(key);
  }
}

/** IndexedDB when it opens, memory otherwise. */
export function openPhotoStore(): PhotoStore {
  if (typeof indexedDB === 'undefined') return new MemoryPhotoStore();
  const idb = new IdbPhotoStore();
  const chosen: Promise<PhotoStore> = idb.ready.then(
    () => idb,
    () => new MemoryPhotoStore(),
  );
  return {
    put: async (k, b) => (await chosen).put(k, b),
    get: async (k) => (await chosen).get(k),
    delete: async (k) => (await chosen).delete(k),
  };
}

/** The types the server takes, and its size limit. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Longest edge after shrinking: plenty to see a problem, a fraction of a phone camera's bytes. */
const MAX_EDGE = 2048;

/**
 * A camera photo made fit to send over a weak connection: re-encoded as JPEG with its longest edge at
 * most 2048 px (the browser applies the EXIF orientation). A small enough photo of an accepted type
 * is kept as it is; one that cannot be decoded is kept as it is if the server takes it, else refused
 * (`null`).
 */
export async function preparePhoto(file: File): Promise<Blob | null> {
  const accepted = (PHOTO_TYPES as readonly string[]).includes(file.type);
  if (accepted && file.size <= 600 * 1024) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (blob && (blob.size < file.size || !accepted)) return blob;
  } catch {
    // not decodable here: fall through
  }
  return accepted && file.size <= MAX_PHOTO_BYTES ? file : null;
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Refusal } from '../refusal.js';
import type { PhotoType, Store, StoredPhoto } from '../store/store.js';

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

export interface PhotoMeta {
  photoId: string;
  caseId: string;
  contentType: PhotoType;
  bytes: number;
  uploadedBy: string;
  at: string;
}

/** The type a file really is, from its first bytes; null for anything that is not a photo we take. */
export function sniffPhotoType(b: Buffer): PhotoType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const EXT: Record<PhotoType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

const toMeta = (p: StoredPhoto): PhotoMeta => ({
  photoId: p.id,
  caseId: p.caseId,
  contentType: p.contentType,
  bytes: p.bytes,
  uploadedBy: p.uploadedBy,
  at: new Date(p.at).toISOString(),
});

/**
 * Photos of cases (before/after handling): files under DATA_DIR/uploads, outside the web root and
 * named by a random id, never by the uploader's file name; the type is judged by the bytes, not by
 * what the client claims. Written to a temporary name and renamed, so no half-written file is seen;
 * what is known of each photo (its case, type, uploader) is kept by the store.
 */
export class PhotoStore {
  constructor(
    private readonly dir: string,
    private readonly store: Pick<Store, 'photos'>,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async save(caseId: string, claimedType: string | undefined, body: Buffer, uploadedBy: string, at: number): Promise<PhotoMeta> {
    if (body.length === 0) throw new Refusal(400, 'empty_photo', 'The photo is empty.');
    if (body.length > MAX_PHOTO_BYTES) throw new Refusal(413, 'payload_too_large', 'A photo may be at most 8 MB.');
    const type = sniffPhotoType(body);
    if (!type) throw new Refusal(415, 'unsupported_photo', 'Only JPEG, PNG and WebP photos are taken.');
    if (claimedType && claimedType.split(';')[0]!.trim() !== type) {
      throw new Refusal(415, 'photo_type_mismatch', `The body is ${type}, not ${claimedType}.`);
    }
    const photoId = `ph_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`;
    const file = `${photoId}.${EXT[type]}`;
    const tmp = join(this.dir, `.${file}.part`);
    writeFileSync(tmp, body, { flag: 'wx' });
    renameSync(tmp, join(this.dir, file));
    const photo: StoredPhoto = { id: photoId, caseId, contentType: type, bytes: body.length, file, uploadedBy, at };
    try {
      await this.store.photos.add(photo);
    } catch (err) {
      // A file nobody knows of would only take space.
      rmSync(join(this.dir, file), { force: true });
      throw err;
    }
    return toMeta(photo);
  }

  async meta(photoId: string): Promise<(PhotoMeta & { file: string }) | undefined> {
    const p = await this.store.photos.get(photoId);
    return p && { ...toMeta(p), file: p.file };
  }

  read(file: string): Buffer {
    return readFileSync(join(this.dir, file));
  }
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Refusal } from '../refusal.js';

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

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

/**
 * Photos of cases (before/after handling): files under DATA_DIR/uploads, outside the web root and
 * named by a random id, never by the uploader's file name; the type is judged by the bytes, not by
 * what the client claims. Written to a temporary name and renamed, so no half-written file is seen.
 */
export class PhotoStore {
  private readonly insert;
  private readonly byId;

  constructor(
    private readonly dir: string,
    db: Database.Database,
  ) {
    mkdirSync(dir, { recursive: true });
    this.insert = db.prepare('INSERT INTO photos (id, case_id, content_type, bytes, file, uploaded_by, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.byId = db.prepare('SELECT * FROM photos WHERE id = ?');
  }

  save(caseId: string, claimedType: string | undefined, body: Buffer, uploadedBy: string, at: number): PhotoMeta {
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
    this.insert.run(photoId, caseId, type, body.length, file, uploadedBy, at);
    return { photoId, caseId, contentType: type, bytes: body.length, uploadedBy, at: new Date(at).toISOString() };
  }

  meta(photoId: string): (PhotoMeta & { file: string }) | undefined {
    const r = this.byId.get(photoId) as { id: string; case_id: string; content_type: PhotoType; bytes: number; file: string; uploaded_by: string; at: number } | undefined;
    return r && { photoId: r.id, caseId: r.case_id, contentType: r.content_type, bytes: r.bytes, file: r.file, uploadedBy: r.uploaded_by, at: new Date(r.at).toISOString() };
  }

  read(file: string): Buffer {
    return readFileSync(join(this.dir, file));
  }
}

import type Database from 'better-sqlite3';
import type { PhotoRepository, PhotoType, StoredPhoto } from '../store.js';

interface PhotoRow {
  id: string;
  case_id: string;
  content_type: string;
  bytes: number;
  file: string;
  uploaded_by: string;
  at: number;
}

/** What is known of case photos (`photos`, migration 5); the bytes are files the photo module keeps. */
export class SqlitePhotoRepository implements PhotoRepository {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      insert: db.prepare('INSERT INTO photos (id, case_id, content_type, bytes, file, uploaded_by, at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      byId: db.prepare('SELECT id, case_id, content_type, bytes, file, uploaded_by, at FROM photos WHERE id = ?'),
    };
  }

  async add(p: StoredPhoto): Promise<void> {
    this.q.insert.run(p.id, p.caseId, p.contentType, p.bytes, p.file, p.uploadedBy, p.at);
  }

  async get(id: string): Promise<StoredPhoto | undefined> {
    const r = this.q.byId.get(id) as PhotoRow | undefined;
    return (
      r && {
        id: r.id,
        caseId: r.case_id,
        contentType: r.content_type as PhotoType,
        bytes: r.bytes,
        file: r.file,
        uploadedBy: r.uploaded_by,
        at: r.at,
      }
    );
  }
}

import { describe, expect, it } from 'vitest';
import type { StoredPhoto } from '../../server/store/store.js';
import { T0, useStore, type OpenStore } from './records.js';

export function describePhotoRepository(open: OpenStore): void {
  describe('PhotoRepository', () => {
    const store = useStore(open);

    it('keeps what is known of each photo, found by id', async () => {
      const { photos } = store();
      expect(await photos.get('ph_AAAAAAAAAAAAAAAA')).toBeUndefined();
      const a: StoredPhoto = { id: 'ph_AAAAAAAAAAAAAAAA', caseId: 'inc-1', contentType: 'image/jpeg', bytes: 123_456, file: 'ab/ph_AAAAAAAAAAAAAAAA.jpg', uploadedBy: '湖塘环卫所', at: T0 };
      const b: StoredPhoto = { id: 'ph_BBBBBBBBBBBBBBBB', caseId: 'inc-1', contentType: 'image/webp', bytes: 1, file: 'cd/ph_BBBBBBBBBBBBBBBB.webp', uploadedBy: 'crew', at: T0 + 1 };
      const c: StoredPhoto = { id: 'ph_CCCCCCCCCCCCCCCC', caseId: 'inc-2', contentType: 'image/png', bytes: 99, file: 'ef/ph_CCCCCCCCCCCCCCCC.png', uploadedBy: 'crew', at: T0 + 2 };
      for (const p of [a, b, c]) await photos.add(p);
      expect(await photos.get(a.id)).toEqual(a);
      expect(await photos.get(b.id)).toEqual(b);
      expect(await photos.get(c.id)).toEqual(c);
      expect(await photos.get('ph_DDDDDDDDDDDDDDDD')).toBeUndefined();
    });
  });
}

import { useCallback, useRef, useState } from 'react';
import type { ComposeUpload } from '../mailbox-api';

export interface PickedFile extends ComposeUpload {
  uid: string;
  size: number;
}

/** A file's bytes as base64 (what `ComposeUpload` carries). */
export function readAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

/** Files the writer attaches, read in the browser; `reading` counts those not read yet. */
export function useAttachments(onReadError: (file: File, error: unknown) => void) {
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [reading, setReading] = useState(0);
  const next = useRef(0);

  const add = useCallback(
    async (file: File) => {
      const uid = `upload-${++next.current}`;
      setReading((n) => n + 1);
      try {
        const contentBase64 = await readAsBase64(file);
        setFiles((list) => [...list, { uid, filename: file.name, contentType: file.type || 'application/octet-stream', size: file.size, contentBase64 }]);
      } catch (e) {
        onReadError(file, e);
      } finally {
        setReading((n) => n - 1);
      }
    },
    [onReadError],
  );

  const remove = useCallback((uid: string) => setFiles((list) => list.filter((f) => f.uid !== uid)), []);

  return { files, reading, add, remove };
}
